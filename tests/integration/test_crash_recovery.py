"""Nothing lost, nothing doubled: the worker and the sink killed with SIGKILL mid-stream
and restarted end with the same view as an uninterrupted rebuild (`lintas replay`), on
SQLite and PostgreSQL."""

from __future__ import annotations

import os
import signal
import uuid
from pathlib import Path

import pytest

from lintas.connectors.pos.client import API
from lintas.connectors.pos.sandbox import create_app
from lintas.connectors.pos.scenarios import build_catalog
from lintas.connectors.registry import PARTNERS
from lintas.connectors.runtime.client import PartnerClient
from lintas.connectors.runtime.feed import ChangeFeedSource
from lintas.connectors.runtime.poll import PollingConnector
from lintas.connectors.runtime.producer import RawProducer
from lintas.connectors.sandboxes import serve_in_thread
from lintas.connectors.sandboxes.kit import SANDBOX_CREDENTIALS
from lintas.core.topics import catalog
from lintas.demo import ChildProcess, missing_from_view
from lintas.kafka.admin import ensure_topics
from lintas.kafka.cursors import CursorStore
from lintas.streams.replay import replay
from lintas.streams.view.store import open_store
from tests.integration.conftest import wait_for

pytestmark = [pytest.mark.integration, pytest.mark.slow]


def snapshot(store, shipment_ids):
    out = {}
    for sid in shipment_ids:
        view = store.shipment(sid)
        if view is not None:
            view.pop("updated_at")
        out[sid] = view
    return out


def test_killed_worker_and_sink_resume_without_gaps_or_duplicates(
    kafka, view_url, tmp_path: Path
, process_env):
    ensure_topics(kafka, catalog(sorted(PARTNERS), 3))
    entries = build_catalog(uuid.uuid4().int % 10_000_000, rounds=8)
    server = serve_in_thread(create_app(entries=entries, credentials=SANDBOX_CREDENTIALS))
    more = dict(LINTAS_DATABASE_URL=view_url,
               LINTAS_HOME=str(tmp_path / "home"))
    worker = ChildProcess("worker", ["worker"], process_env("worker", **more), tmp_path)
    sink = ChildProcess("sink", ["sink"], process_env("sink", **more), tmp_path)
    store = open_store(view_url)
    shipments = [e.shipment_id for e in entries if e.outcome == "shipment"]
    try:
        producer = RawProducer(kafka)
        cursors = CursorStore(kafka, producer)
        cursors.load()
        client = PartnerClient(API, SANDBOX_CREDENTIALS.model_copy(update={"base_url": server.url}))
        connector = PollingConnector(
            ChangeFeedSource(client, page_size=5, source_partition={"test": uuid.uuid4().hex}),
            producer, cursors)
        connector.run(once=True)
        client.close()
        producer.close()

        # Mid-stream: some shipments are in the view, not all of them.
        wait_for(lambda: 0 < store.count_shipments(shipments), timeout=120, every=0.2,
                 what="the first shipments to reach the view")
        os.killpg(worker.proc.pid, signal.SIGKILL)
        os.killpg(sink.proc.pid, signal.SIGKILL)
        worker.proc.wait(10)
        sink.proc.wait(10)
        partial = store.count_shipments(shipments)
        worker = ChildProcess("worker-again", ["worker"], process_env("worker", **more), tmp_path)
        sink = ChildProcess("sink-again", ["sink"], process_env("sink", **more), tmp_path)

        def complete() -> bool:
            for child in (worker, sink):
                assert child.alive(), child.log_tail()
            return not missing_from_view(store, entries)

        wait_for(complete, timeout=180, what=lambda: f"the view to complete after the kill "
                 f"(had {partial}/{len(shipments)}): {missing_from_view(store, entries)[:3]}")

        reference = open_store(f"sqlite:///{tmp_path / 'replayed.db'}")
        replay(kafka, reference, ["pos"])
        expected = snapshot(reference, shipments)
        assert all(expected.values())
        assert snapshot(store, shipments) == expected
        # No event twice: every timeline holds distinct events only.
        for view in expected.values():
            ids = [t["event_id"] for t in view["timeline"]]
            assert len(ids) == len(set(ids))
        keys = [e.key.encode() for e in entries]
        assert len(store.dead_letters(keys=keys)) == sum(e.bad_rows for e in entries)
        reference.close()
    finally:
        worker.stop()
        sink.stop()
        server.stop()
        store.close()
