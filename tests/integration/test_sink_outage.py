"""The view's PostgreSQL stops under a running sink and starts again: the sink waits for it,
staying in its group, then writes on from the offsets stored with its rows; every view
arrives, none is lost with the batch the database dropped."""

from __future__ import annotations

import threading
import uuid

import pytest

from lintas.connectors.pos.scenarios import build_catalog
from lintas.connectors.registry import PARTNERS
from lintas.connectors.sandboxes import free_port
from lintas.core.topics import TopicSpec
from lintas.kafka.admin import admin_client, ensure_topics
from lintas.kafka.connection import KafkaConnection
from lintas.kafka.producer import Producer
from lintas.schemas.codec import codec
from lintas.streams.reconcile import reconcile
from lintas.streams.view.sink import ViewSink
from lintas.streams.view.store import open_store
from tests.integration.conftest import wait_for
from tests.support.postgres import PostgresServer

pytestmark = pytest.mark.integration


def _views(count: int) -> list[tuple[bytes, bytes]]:
    """(key, ShipmentView bytes) of ``count`` Pos shipments."""
    entries = [e for e in build_catalog(uuid.uuid4().int % 1_000_000, rounds=6)
               if e.outcome == "shipment"][:count]
    out = []
    for entry in entries:
        events = [e.to_record() for e in PARTNERS["pos"].parse(entry.body).events]
        view = reconcile(entry.shipment_id, events)
        out.append((entry.shipment_id.encode(), codec("ShipmentView").encode(view)))
    return out


def _send(kafka: KafkaConnection, topic: str, views: list[tuple[bytes, bytes]]) -> None:
    producer = Producer(kafka)
    for key, value in views:
        producer.send_bytes(topic, key, value)
    producer.flush()
    producer.close()


def test_the_sink_waits_for_its_database_and_goes_on_from_its_stored_offsets(
        kafka: KafkaConnection) -> None:
    topic = f"lintas-test-views-{uuid.uuid4().hex[:8]}"
    group = f"lintas-test-sink-outage-{uuid.uuid4().hex[:8]}"
    ensure_topics(kafka, [TopicSpec(topic, "shipment id", "ShipmentView", 3)])
    views = _views(40)
    server = PostgresServer.start(free_port())
    store = open_store(server.url)
    reader = open_store(server.url)
    sink = ViewSink(store, kafka, group_id=group, batch_size=5, topics=(topic,))
    stop = threading.Event()
    failure: list[BaseException] = []

    def run() -> None:
        try:
            sink.run(stop, poll_ms=200)
        except BaseException as exc:  # the test reports it
            failure.append(exc)

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    try:
        _send(kafka, topic, views[:20])
        wait_for(lambda: reader.count_shipments([k.decode() for k, _ in views]) == 20,
                 timeout=120, what="the first views in the view")
        server.halt("immediate")
        _send(kafka, topic, views[20:])
        wait_for(lambda: sink.outages >= 1 or not thread.is_alive(), timeout=120,
                 what="the sink to meet the database away")
        assert thread.is_alive(), f"the sink died with the database away: {failure}"
        server.resume()
        wait_for(lambda: reader.count_shipments([k.decode() for k, _ in views]) == 40,
                 timeout=120, what="every view once the database is back")
        assert thread.is_alive(), failure
        assert sink.outages >= 1
        stored = reader.offsets(group)
        assert sum(stored.values()) == len(views)  # every record written, from its offset
    finally:
        stop.set()
        thread.join(60)
        store.close()
        reader.close()
        server.stop()
        admin = admin_client(kafka)
        admin.delete_groups([group])
        admin.delete_topics([topic])
        admin.close()
