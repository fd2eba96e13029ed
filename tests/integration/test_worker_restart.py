"""Records that arrive while the worker starts (and recovers its table) are all processed.

faust-streaming 0.15.3 could lose one such record per partition (docs/faust.md); the
lintas transport reads it again. This test starts the worker while records keep arriving,
twice in a row, and checks every record was normalized."""

from __future__ import annotations

import threading
import time
import uuid

import pytest

from lintas.connectors.registry import PARTNERS
from lintas.connectors.runtime.producer import RawProducer, raw_record
from lintas.core.errors import SchemaError
from lintas.core.topics import SHIPMENT_EVENTS, catalog, raw_topic
from lintas.demo import ChildProcess
from lintas.kafka.admin import ensure_topics
from lintas.kafka.connection import KafkaConnection
from lintas.schemas.codec import codec
from tests.conftest import FIXTURES
from tests.integration.conftest import wait_for
from tests.integration.helpers import read_topic

pytestmark = pytest.mark.integration


def _produce_steadily(bootstrap: KafkaConnection, tag: str, count: int,
                      stop: threading.Event) -> list[bytes]:
    body = (FIXTURES / "pos" / "delivered.json").read_bytes()
    producer = RawProducer(bootstrap)
    keys = []
    for i in range(count):
        if stop.is_set():
            break
        key = f"pos:{tag}-{i:04d}"
        producer.send(raw_record(partner="pos", kind="tracking", connector="test", source="test",
                                 payload=body, request_key=key), key)
        producer.flush()
        keys.append(key.encode())
        time.sleep(0.05)
    producer.close()
    return keys


def _normalized_offsets(bootstrap: KafkaConnection) -> set[tuple[int, int]]:
    out = set()
    for message in read_topic(bootstrap, SHIPMENT_EVENTS):
        try:
            event = codec("ShipmentEvent").decode(message.value)
        except SchemaError:  # another test's poison record
            continue
        if event["source_topic"] == raw_topic("pos"):
            out.add((event["source_partition"], event["source_offset"]))
    return out


@pytest.mark.parametrize("round_", [1, 2])
def test_records_arriving_during_worker_start_are_not_lost(kafka, tmp_path, round_, process_env):
    ensure_topics(kafka, catalog(sorted(PARTNERS), 3))
    tag = f"restart{round_}-{uuid.uuid4().hex[:6]}"
    more = dict(LINTAS_HOME=str(tmp_path / "home"),
               LINTAS_DATABASE_URL=f"sqlite:///{tmp_path / 'view.db'}")
    stop = threading.Event()
    keys: list[bytes] = []
    sender = threading.Thread(
        target=lambda: keys.extend(_produce_steadily(kafka, tag, 120, stop))
    )
    sender.start()
    # The worker starts while records arrive.
    worker = ChildProcess("worker", ["worker"], process_env("worker", **more), tmp_path)
    try:
        sender.join(60)
        raw = [m for m in read_topic(kafka, raw_topic("pos")) if m.key in set(keys)]
        assert len(raw) == len(keys) == 120

        def all_normalized() -> bool:
            assert worker.alive(), worker.log_tail()
            done = _normalized_offsets(kafka)
            return all((m.partition, m.offset) in done for m in raw)

        def missing() -> str:
            done = _normalized_offsets(kafka)
            absent = [(m.partition, m.offset) for m in raw if (m.partition, m.offset) not in done]
            return "every raw record to be normalized: missing " + str(absent[:5])

        wait_for(all_normalized, timeout=90, every=2, what=missing)
    finally:
        stop.set()
        worker.stop()
