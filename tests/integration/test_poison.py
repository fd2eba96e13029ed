"""Poison records of every class through a real worker on the real broker: each one ends up
in the DLQ with its stage and reason, the agents go on, and a good record sent after them
all still reaches the view."""

from __future__ import annotations

import random
import uuid
from pathlib import Path

import pytest

from lintas.connectors.registry import PARTNERS
from lintas.connectors.runtime.producer import RawProducer, raw_record
from lintas.core.deadletters import decode
from lintas.core.topics import DLQ, NETWORK_NODES, SHIPMENT_EVENTS, catalog, raw_topic
from lintas.demo import ChildProcess
from lintas.kafka.admin import admin_client, ensure_topics
from lintas.kafka.connection import KafkaConnection
from lintas.streams.pipeline import (
    HANDOVER_MATCHES,
    LEG_MESSAGES,
    OUTLETS_BY_TILE,
    REGION_SUMMARIES,
    SHIPMENT_LEGS,
)
from lintas.streams.view.store import open_store
from tests.integration.conftest import wait_for
from tests.integration.helpers import pos_delivered, read_topic
from tests.support.mutations import CLASSES, mutate

pytestmark = pytest.mark.integration

#: Topics other than raw ones, the agent reading each, and bytes that are no record.
_INNER = {
    SHIPMENT_EVENTS: "collect_legs",
    NETWORK_NODES: "place_outlets",
    LEG_MESSAGES: "collect_legs",
    REGION_SUMMARIES: "match_handovers",
    HANDOVER_MATCHES: "collect_legs",
    SHIPMENT_LEGS: "assemble_shipments",
    OUTLETS_BY_TILE: "match_service_points",
}


def _topics(bootstrap: KafkaConnection) -> set[str]:
    admin = admin_client(bootstrap)
    try:
        return set(admin.list_topics())
    finally:
        admin.close()


def test_poison_records_go_to_the_dlq_and_the_agents_go_on(kafka, tmp_path: Path, process_env):
    run = uuid.uuid4().hex[:10]
    ensure_topics(kafka, catalog(sorted(PARTNERS), 3))
    # The worker's usual group: it resumes where the session's earlier workers stopped
    # instead of re-reading every raw topic of the shared broker from the beginning.
    more = dict(LINTAS_HOME=str(tmp_path / "home"),
                LINTAS_DATABASE_URL=f"sqlite:///{tmp_path / 'view.db'}")
    worker = ChildProcess("worker", ["worker"], process_env("worker", **more), tmp_path)
    sink = ChildProcess("sink", ["sink"], process_env("sink", **more), tmp_path)
    store = open_store(f"sqlite:///{tmp_path / 'view.db'}")
    producer = RawProducer(kafka)
    try:
        wait_for(lambda: set(_INNER) <= _topics(kafka), timeout=120,
                 what="the worker's internal topics")
        # Raw records: bytes that are no RawRecord, and hostile payloads of every class.
        producer.send_bytes(raw_topic("pos"), f"poison-{run}-raw".encode(), b"\x00not avro")
        rng = random.Random(run)
        hostile = {}
        for kind in CLASSES:
            key = f"poison-{run}-{kind}"
            _, payload = mutate(pos_delivered(f"P{rng.randrange(10**13):013d}"), rng, kind)
            hostile[key] = kind
            producer.send(raw_record(partner="pos", kind="tracking", connector="test",
                                     source="test", payload=payload, request_key=key), key)
        # Every other topic an agent reads: bytes that do not decode.
        for topic in _INNER:
            producer.send_bytes(topic, f"poison-{run}-{topic}".encode(), b"\xff\xfe garbage")
        # And after all of them, a good record.
        barcode = f"P{rng.randrange(10**13):013d}"
        producer.send(raw_record(partner="pos", kind="tracking", connector="test",
                                 source="test", payload=pos_delivered(barcode),
                                 request_key=barcode), f"pos:{barcode}")
        producer.flush()

        wait_for(lambda: store.shipment(f"pos:{barcode}") is not None, timeout=180,
                 what="the good record's shipment in the view")

        def letters() -> dict[str, list[dict]]:
            found: dict[str, list[dict]] = {}
            for record in read_topic(kafka, DLQ):
                if record.key and record.key.startswith(f"poison-{run}".encode()):
                    found.setdefault(record.key.decode(), []).append(
                        decode(record.headers, record.key, record.value))
            return found

        expected_keys = {f"poison-{run}-raw", *(f"poison-{run}-{t}" for t in _INNER)}
        got = wait_for(lambda: (found := letters()) and expected_keys <= set(found) and found,
                       timeout=120, what=lambda: f"dead letters for {expected_keys}")
        assert got[f"poison-{run}-raw"][0]["stage"] == "normalize"
        for topic, agent in _INNER.items():
            # One record, one dead letter — or the same one again if the record was
            # delivered again (at least once: a worker of the group before this one may
            # have left without committing); never a letter of another record.
            same = got[f"poison-{run}-{topic}"]
            assert len({letter["dead_letter_id"] for letter in same}) == 1, same
            letter = same[0]
            assert letter["stage"] == agent, letter
            assert letter["source_topic"] == topic and letter["error_message"]
            assert letter["payload"] == b"\xff\xfe garbage"
        # A hostile payload either yields events or dead letters naming the partner.
        for key in hostile:
            for letter in got.get(key, []):
                assert letter["stage"] == "normalize" and letter["partner"] == "pos", letter
        assert worker.alive() and sink.alive(), worker.log_tail()
        assert "Traceback" not in worker.log_path.read_text(errors="replace")
    finally:
        producer.close()
        worker.stop()
        sink.stop()
        store.close()
