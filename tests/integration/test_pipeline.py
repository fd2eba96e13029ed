"""The Pos slice end to end on a real broker, with the view on SQLite and PostgreSQL:
connector -> normalize -> reconcile -> sink; malformed data to the DLQ with its reason
while the worker keeps running; a full re-poll changes nothing in the view."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import SecretStr

from lintas.connectors.pos.client import API
from lintas.connectors.pos.sandbox import create_app
from lintas.connectors.pos.scenarios import build_catalog
from lintas.connectors.registry import PARTNERS
from lintas.connectors.runtime.client import PartnerClient
from lintas.connectors.runtime.feed import ChangeFeedSource
from lintas.connectors.runtime.poll import PollingConnector
from lintas.connectors.runtime.producer import RawProducer
from lintas.connectors.sandboxes import serve_in_thread
from lintas.core.settings import PartnerCredentials
from lintas.core.topics import DLQ, catalog, raw_topic
from lintas.demo import ChildProcess, missing_from_view
from lintas.kafka.admin import ensure_topics
from lintas.kafka.connection import KafkaConnection
from lintas.kafka.cursors import CursorStore
from lintas.schemas.codec import codec
from lintas.streams.view.store import open_store
from tests.integration.conftest import wait_for
from tests.integration.helpers import read_topic

pytestmark = pytest.mark.integration


def _poll_all(bootstrap: KafkaConnection, url: str, partition: dict) -> int:
    producer = RawProducer(bootstrap)
    cursors = CursorStore(bootstrap, producer)
    cursors.load()
    client = PartnerClient(API, PartnerCredentials(
        base_url=url, client_id="c", client_secret=SecretStr("s"), rate_per_second=500))
    source = ChangeFeedSource(client, page_size=10, source_partition=partition)
    connector = PollingConnector(source, producer, cursors)
    try:
        connector.run(once=True)
    finally:
        client.close()
        producer.close()
    return connector.stats.records


@pytest.fixture
def pipeline(kafka: KafkaConnection, view_url: str, tmp_path: Path, process_env):
    ensure_topics(kafka, catalog(sorted(PARTNERS), 3))
    more = dict(LINTAS_DATABASE_URL=view_url, LINTAS_HOME=str(tmp_path / "home"))
    children = [ChildProcess("worker", ["worker", "-l", "info"], process_env("worker", **more),
                             tmp_path),
                ChildProcess("sink", ["sink"], process_env("sink", **more), tmp_path)]
    yield children
    for child in children:
        child.stop()


def test_pos_end_to_end(kafka, view_url, pipeline, tmp_path):
    entries = build_catalog(abs(hash(view_url)) % 100_000, rounds=2)
    credentials = PartnerCredentials(client_id="c", client_secret=SecretStr("s"))
    server = serve_in_thread(create_app(entries=entries, credentials=credentials))
    store = open_store(view_url)
    try:
        produced = _poll_all(kafka, server.url, {"feed": "e2e", "view": view_url})
        assert produced == len(entries)
        def complete() -> bool:
            for child in pipeline:
                assert child.alive(), f"{child.name} died:\n{child.log_tail()}"
            return not missing_from_view(store, entries)

        wait_for(complete, timeout=120,
                 what=lambda: "the view to hold the catalog; "
                              f"missing {missing_from_view(store, entries)[:4]}")
        assert all(child.alive() for child in pipeline), [c.log_tail() for c in pipeline]

        # Malformed records are in the DLQ with their reason and origin, value untouched.
        by_key = {e.key.encode(): e for e in entries}
        letters = [m for m in read_topic(kafka, DLQ) if m.key in by_key]
        # At-least-once: a rebalance may report a failure twice; its identity is the same.
        assert len(_identities(letters)) == sum(e.bad_rows for e in entries)
        for message in letters:
            headers = {k: v.decode() for k, v in message.headers}
            assert headers["lintas.error.partner"] == "pos"
            assert headers["lintas.error.stage"] == "normalize"
            assert headers["lintas.error.topic"] == raw_topic("pos")
            assert (int(headers["lintas.error.offset"]) >= 0
                    and int(headers["lintas.error.partition"]) >= 0)
            entry = by_key[message.key]
            assert headers["lintas.error.class"] == (
                "InvalidEvent" if entry.scenario == "bad_rows" else "PayloadError"
            )
            assert codec("RawRecord").decode(message.value)["payload"] == entry.body

        # A full re-poll (a new cursor) re-sends every payload: the view does not change.
        shipment_ids = [e.key for e in entries if e.outcome == "shipment"]

        def snapshot():
            out = {}
            for sid in shipment_ids:
                view = store.shipment(sid)
                view.pop("updated_at")
                out[sid] = view
            return out

        before = snapshot()
        assert _poll_all(
            kafka, server.url, {"feed": "e2e-again", "view": view_url}
        ) == len(entries)
        # Wait until the worker has consumed the re-sent events, then compare.
        wait_for(lambda: not _worker_behind(kafka), timeout=90,
                 what=lambda: f"the worker to catch up: {_worker_behind(kafka)}; "
                              f"its log ends:\n{pipeline[0].log_tail()}")
        assert snapshot() == before
        letters_again = [m for m in read_topic(kafka, DLQ) if m.key in by_key]
        distinct = _identities(letters_again)
        assert len(distinct) == 2 * len(_identities(letters))  # re-sent bad data is reported again
        wait_for(lambda: len(store.dead_letters(keys=list(by_key))) == len(distinct), timeout=30,
                 what="the sink to store every dead letter once")
        assert all(child.alive() for child in pipeline)
    finally:
        server.stop()
        store.close()


def _identities(messages) -> set[tuple[str, ...]]:
    out = set()
    for message in messages:
        headers = {k: v.decode() for k, v in message.headers}
        out.add(tuple(
            headers.get(f"lintas.error.{f}", "") for f in ("topic", "partition", "offset", "row")
        ))
    return out


def _worker_behind(bootstrap: KafkaConnection) -> list[str]:
    """The worker group's partitions whose committed offset is short of the log end
    (every partition, when the group has committed nothing yet)."""
    from kafka import KafkaAdminClient, KafkaConsumer

    admin = KafkaAdminClient(**bootstrap.kafka_python())
    consumer = KafkaConsumer(**bootstrap.kafka_python())
    try:
        committed = admin.list_group_offsets("lintas").get("lintas", {})
        if not committed:
            return ["no committed offsets yet"]
        end = consumer.end_offsets(list(committed))
        return [f"{tp.topic}[{tp.partition}] {committed[tp].offset}/{end[tp]}"
                for tp in sorted(committed) if committed[tp].offset < end[tp]]
    finally:
        admin.close()
        consumer.close()
