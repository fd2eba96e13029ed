"""Two workers in one group on six partitions, one of them stopped and started again while
a national mix with hand-overs arrives (two rebalances mid-load): nothing is lost and
nothing doubled. The view ends equal to what ``lintas replay`` rebuilds from the raw
topics (shipments, their legs and link methods, event counts), with one shipment per
parcel the load sent."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from dataclasses import replace
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from lintas.connectors.registry import PARTNERS
from lintas.demo import ChildProcess
from lintas.demo.loadgen import LoadOptions, LoadReport, RateProfile, plan, run_load
from lintas.kafka.broker import LocalBroker
from lintas.kafka.principals import Role, principal_name
from lintas.streams.replay import replay
from lintas.streams.view.models import LegRow, ShipmentRow, TimelineRow
from lintas.streams.view.store import ViewStore, open_store
from tests.integration.conftest import wait_for
from tests.integration.helpers import own_broker
from tests.unit.test_loadgen_mix import EXACT

pytestmark = pytest.mark.integration

PARTITIONS = 6


@pytest.fixture(scope="module")
def six_partitions(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalBroker]:
    """A broker of this module's own whose topics have six partitions (the session's have
    three, and other tests' records would be in the replay)."""
    with own_broker(tmp_path_factory.mktemp("kafka-six"), partitions=PARTITIONS,
                    heap="512m") as broker:
        yield broker


def _snapshot(store: ViewStore) -> dict[str, Any]:
    """Every shipment: status, event count, events in its timeline, legs with methods."""
    with store.engine.connect() as conn:
        legs: dict[str, set[tuple[str, str, str]]] = {}
        for sid, partner, number, method in conn.execute(select(
                LegRow.shipment_id, LegRow.partner, LegRow.tracking_number, LegRow.link_method)):
            legs.setdefault(sid, set()).add((partner, number, method))
        timeline = dict(conn.execute(select(TimelineRow.shipment_id, func.count()).group_by(
            TimelineRow.shipment_id)).all())
        return {sid: (status, count, timeline.get(sid, 0), frozenset(legs.get(sid, ())))
                for sid, status, count in conn.execute(select(
                    ShipmentRow.shipment_id, ShipmentRow.status, ShipmentRow.event_count))}


def _write_offsets(broker: LocalBroker, path: Path) -> None:
    """Every group's committed offsets beside the log ends, for the post-mortem."""
    import json

    from lintas.streams.ops.lag import LagCollector

    with LagCollector(broker.connection()) as collector:
        path.write_text(json.dumps(collector.collect().to_dict(), indent=1))


def _differences(view: dict[str, Any], rebuilt: dict[str, Any]) -> str:
    only_view = sorted(set(view) - set(rebuilt))[:5]
    only_rebuilt = sorted(set(rebuilt) - set(view))[:5]
    unequal = [(sid, view[sid], rebuilt[sid]) for sid in sorted(set(view) & set(rebuilt))
               if view[sid] != rebuilt[sid]][:3]
    return (f"the view to equal the replay: only in the view {only_view}, only in the replay "
            f"{only_rebuilt}, different {unequal}")


def test_two_workers_and_a_rebalance_mid_load_lose_nothing(six_partitions: LocalBroker,
                                                           tmp_path: Path):
    broker = six_partitions
    url = f"sqlite:///{tmp_path / 'view.db'}"

    def env(role: Role, home: str) -> dict[str, str]:
        import os

        return {"LINTAS_WORKER_LOGLEVEL": "info", **os.environ,
                **broker.connection(principal_name(role)).environment(),
                "LINTAS_TOPIC_PARTITIONS": str(PARTITIONS), "LINTAS_DATABASE_URL": url,
                "LINTAS_HOME": str(tmp_path / home)}

    started: dict[str, int] = {}

    def worker(name: str) -> ChildProcess:
        # One log per start (worker-b.1.log, worker-b.2.log), the same home for both.
        started[name] = started.get(name, 0) + 1
        return ChildProcess(f"{name}.{started[name]}", ["worker"], env("worker", name), tmp_path)

    first, second = worker("worker-a"), worker("worker-b")
    sink = ChildProcess("sink", ["sink"], env("sink", "sink"), tmp_path)
    store = open_store(url)
    start = (datetime.now(timezone.utc) - timedelta(days=3)).replace(second=0, microsecond=0)
    options = LoadOptions(RateProfile(20), count=700, seed=31, start=start,
                          mix=replace(EXACT, handovers=0.08, network_every=150),
                          settle_timeout=300)
    reports: list[LoadReport] = []
    load = threading.Thread(target=lambda: reports.append(run_load(
        lambda role: broker.connection(principal_name(role)), store, options)))
    children = [first, second, sink]
    try:
        load.start()
        time.sleep(18)  # the mix is drawn, then ~10 s of load reach both workers
        assert load.is_alive()
        second.stop()  # a rebalance: the first worker takes every partition
        time.sleep(8)
        assert load.is_alive()
        second = worker("worker-b")  # and another as it comes back
        children.append(second)
        load.join(600)
        assert reports, "the load did not finish"
        report = reports[0]
        assert all(child.alive() for child in (first, second, sink)), \
            [child.log_tail() for child in (first, second, sink)]
        assert report.missing == [] and report.complete
        assert report.handovers >= 3

        rebuilt_store = open_store(f"sqlite:///{tmp_path / 'replayed.db'}")
        replay(broker.connection(), rebuilt_store, sorted(PARTNERS))
        rebuilt = _snapshot(rebuilt_store)
        rebuilt_store.close()
        try:
            wait_for(lambda: _snapshot(store) == rebuilt, timeout=180, every=2,
                     what=lambda: _differences(_snapshot(store), rebuilt))
        except AssertionError:
            _write_offsets(broker, tmp_path / "offsets-at-failure.json")
            raise

        mix, _payloads, _times = plan(options)
        parcels = [p for p in mix.parcels.values() if p.final_status is not None]
        view = _snapshot(store)
        assert len(view) == len(parcels)  # no shipment doubled, none missing
        for parcel in parcels:
            status, count, timeline, legs = view[parcel.shipment_id]
            assert legs == {(leg.partner, leg.tracking_number, leg.link_method)
                            for leg in parcel.legs}
            assert count == timeline == parcel.events and status == parcel.final_status
    finally:
        for child in children:
            child.stop()
        store.close()
