"""The normalize agent takes raw records in batches and keeps each one a unit of its own:
a poison record goes to the DLQ alone, and a batch left early (an error that says to retry,
the agent cancelled) leaves the records it did not finish unacknowledged, although Faust's
``take_events`` acknowledges the whole batch as it closes."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Sequence
from types import SimpleNamespace
from typing import Any

import pytest
from faust.types.tuples import Message

from lintas.connectors.runtime.producer import raw_record
from lintas.core.topics import DLQ, NETWORK_NODES, SHIPMENT_EVENTS, raw_topic
from lintas.schemas.codec import codec
from lintas.streams.agents import normalize_records
from tests.conftest import FIXTURES

FIXTURE_BARCODE = "P2503105433012"


class Retry(Exception):
    retriable = True


class Producer:
    """Records what the agent sends; the sends of ``fail_key`` raise :class:`Retry`."""

    def __init__(self, fail_key: bytes | None = None) -> None:
        self.sent: list[tuple[str, bytes]] = []
        self.fail_key = fail_key

    async def send(self, topic: str, key: bytes, value: bytes | None, *_: Any) -> None:
        if key == self.fail_key:
            raise Retry("the broker is away")
        self.sent.append((topic, key))


class Topic:
    def __init__(self, name: str, sent: list[tuple[str, bytes]]) -> None:
        self.name, self.sent = name, sent

    def get_topic_name(self) -> str:
        return self.name

    async def send(self, *, key: bytes, value: bytes | None, headers: Any) -> None:
        self.sent.append((self.name, key))


class Stream:
    """Faust's ``take_events`` as it acknowledges: every event of the batch, when the
    agent asks for the next batch or the batch is closed."""

    def __init__(self, events: list[Any]) -> None:
        self.events = events

    async def take_events(self, _max: int, _within: float) -> AsyncIterator[Sequence[Any]]:
        try:
            yield list(self.events)
        finally:
            for event in self.events:
                event.message.ack(None)


def _event(offset: int, value: bytes) -> Any:
    message = Message(raw_topic("pos"), 0, offset, 0.0, 0, None, _key(offset), value, None)
    message.incref()  # the stream's reference, as Faust's conductor takes it
    return SimpleNamespace(message=message, key=message.key, value=value)


def _key(offset: int) -> bytes:
    return f"pos:P{offset}".encode()


def _raw(barcode: str) -> bytes:
    """A Pos tracking answer (the delivered fixture) for ``barcode``."""
    body = (FIXTURES / "pos" / "delivered.json").read_bytes()
    body = body.replace(FIXTURE_BARCODE.encode(), barcode.encode())
    return codec("RawRecord").encode(raw_record(
        partner="pos", kind="tracking", connector="test", source="test", payload=body,
        request_key=barcode))


def _pipeline(producer: Producer) -> Any:
    return SimpleNamespace(
        app=SimpleNamespace(producer=producer),
        shipment_events=Topic(SHIPMENT_EVENTS, producer.sent),
        network_nodes=Topic(NETWORK_NODES, producer.sent),
        dead_letters=Topic(DLQ, producer.sent))


def _run(producer: Producer, events: list[Any]) -> None:
    async def run() -> None:
        stream = Stream(events)
        agent = normalize_records(_pipeline(producer), stream)  # type: ignore[arg-type]
        await agent

    asyncio.run(run())


def test_a_poison_record_goes_to_the_dlq_alone_and_the_batch_goes_on():
    events = [_event(0, _raw("P0")), _event(1, b"not a raw record"), _event(2, _raw("P2"))]
    producer = Producer()
    _run(producer, events)
    keys = [key for topic, key in producer.sent if topic == SHIPMENT_EVENTS]
    assert {key for key in keys} == {b"pos:P0", b"pos:P2"}
    assert len(keys) > 2  # every event of each good record
    assert [(topic, key) for topic, key in producer.sent if topic == DLQ] == [(DLQ, b"pos:P1")]
    assert [e.message.acked for e in events] == [True, True, True]


def test_a_batch_left_early_leaves_what_it_did_not_finish_unacknowledged():
    events = [_event(0, _raw("P0")), _event(1, _raw("P1")), _event(2, _raw("P2"))]
    producer = Producer(fail_key=b"pos:P1")
    with pytest.raises(Retry):
        _run(producer, events)
    assert {key for _, key in producer.sent} == {b"pos:P0"}
    assert [e.message.acked for e in events] == [True, False, False]
