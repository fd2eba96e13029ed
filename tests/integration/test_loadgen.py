"""``lintas loadgen`` against a real worker and view sink: every parcel it sends reaches the
view (each leg with its events, hand-overs linked, the final status), as the report says
and as the view itself shows; latency is measured for each of them."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from lintas.connectors.registry import PARTNERS
from lintas.core.topics import catalog
from lintas.demo import ChildProcess
from lintas.demo.loadgen import LoadOptions, RateProfile, plan, run_load
from lintas.kafka.admin import ensure_topics
from lintas.kafka.principals import principal_name
from lintas.streams.view.store import open_store
from tests.unit.test_loadgen_mix import EXACT

pytestmark = pytest.mark.integration


def test_every_parcel_loadgen_sends_reaches_the_view(kafka, kafka_as, process_env,
                                                      tmp_path: Path):
    ensure_topics(kafka, catalog(sorted(PARTNERS), 3))
    url = f"sqlite:///{tmp_path / 'view.db'}"
    more = dict(LINTAS_HOME=str(tmp_path / "home"), LINTAS_DATABASE_URL=url)
    worker = ChildProcess("worker", ["worker"], process_env("worker", **more), tmp_path)
    sink = ChildProcess("sink", ["sink"], process_env("sink", **more), tmp_path)
    store = open_store(url)
    start = (datetime.now(timezone.utc) - timedelta(days=3)).replace(second=0, microsecond=0)
    options = LoadOptions(RateProfile(25), count=300, seed=start.minute * 1000 + 9, start=start,
                          mix=replace(EXACT, handovers=0.08, network_every=100),
                          settle_timeout=240)
    try:
        report = run_load(lambda role: kafka_as(principal_name(role)), store, options)
        assert worker.alive(), worker.log_tail()
        assert sink.alive(), sink.log_tail()
        assert report.missing == []
        assert report.complete and report.settled == report.parcels > 100
        assert report.handovers >= 3 and report.network_pages >= 1
        assert report.payloads >= 300 and report.sent_rate > 0
        latency = report.latency
        assert latency["p50"] is not None and latency["p99"] is not None
        assert 0 < latency["p50"] <= latency["p99"] <= latency["max"]

        # The view itself, read as its users read it, holds what the mix sent.
        mix, _payloads, _times = plan(options)
        parcels = [p for p in mix.parcels.values() if p.final_status is not None]
        assert len(parcels) == report.parcels
        for parcel in parcels:
            view = store.shipment(parcel.shipment_id)
            assert view is not None, parcel
            assert {(leg["partner"], leg["tracking_number"], leg["link_method"])
                    for leg in view["legs"]} == {
                (leg.partner, leg.tracking_number, leg.link_method) for leg in parcel.legs}
            assert view["event_count"] == parcel.events, parcel
            assert view["status"] == parcel.final_status, parcel
    finally:
        worker.stop()
        sink.stop()
        store.close()
