"""The bare aiokafka loops the bench measures lintas against, in this process.

Both read exactly the records [start, end) of every partition of the raw topic, write to
an output topic of their own with ``acks=all``, and commit what they read only after the
producer acknowledged everything sent for it (as the normalize agent does):

- :func:`copy_records` copies each record as it is;
- :func:`normalize_records` does the normalize agent's work without a framework: decode
  the RawRecord, :func:`~lintas.streams.normalize.normalize_record`, encode each event
  with the lintas codec and send it keyed ``partner:tracking_number`` (failures to the
  DLQ, as the agent sends them).

Each returns the offsets its output topic had before it started, so that the caller can
time it by the broker timestamps of what it wrote (:func:`bench.timing.span_rate`).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from lintas.core.deadletters import headers_for
from lintas.core.topics import DLQ
from lintas.kafka.connection import KafkaConnection
from lintas.schemas.codec import codec
from lintas.streams.normalize import event_key, normalize_record

__all__ = ["copy_records", "normalize_records"]

#: How often the loops commit, as the worker does (``broker_commit_interval``).
COMMIT_INTERVAL = 1.0

Work = Callable[[Any, Any], list[tuple[str, bytes | None, bytes | None, list[Any] | None]]]


async def _run(kafka: KafkaConnection, topic: str, start: dict[int, int], end: dict[int, int],
               group: str, work: Work) -> None:
    """Read [start, end) of ``topic``; send what ``work(producer, message)`` returns
    (topic, key, value, headers); commit every :data:`COMMIT_INTERVAL` seconds after the
    producer's acknowledgements."""
    from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition

    consumer = AIOKafkaConsumer(**kafka.aiokafka(), enable_auto_commit=False, group_id=group)
    producer = AIOKafkaProducer(**kafka.aiokafka(), acks="all")
    await consumer.start()
    await producer.start()
    try:
        tps = [TopicPartition(topic, p) for p in start]
        consumer.assign(tps)
        for tp in tps:
            consumer.seek(tp, start[tp.partition])
        remaining = sum(end[p] - start[p] for p in start)
        read: dict[Any, int] = {}
        committed = time.monotonic()
        while remaining > 0:
            batch = await consumer.getmany(timeout_ms=1000)
            for tp, messages in batch.items():
                for message in messages:
                    if message.offset >= end[tp.partition]:
                        continue
                    for out, key, value, headers in work(tp, message):
                        await producer.send(out, value, key=key, headers=headers)
                    read[tp] = message.offset + 1
                    remaining -= 1
            if remaining <= 0 or time.monotonic() - committed >= COMMIT_INTERVAL:
                await producer.flush()
                await consumer.commit(dict(read))
                committed = time.monotonic()
    finally:
        await producer.stop()
        await consumer.stop()


async def copy_records(kafka: KafkaConnection, topic: str, start: dict[int, int],
                       end: dict[int, int], out: str) -> None:
    """Copy [start, end) of ``topic`` to ``out``, partition for partition."""

    def copy(_tp: Any, message: Any) -> list[Any]:
        return [(out, message.key, message.value, None)]

    await _run(kafka, topic, start, end, f"bench-copy-{time.time_ns()}", copy)


async def normalize_records(kafka: KafkaConnection, topic: str, start: dict[int, int],
                            end: dict[int, int], out: str) -> None:
    """Normalize [start, end) of ``topic`` into ``out`` as the normalize agent does."""
    events, nodes = codec("ShipmentEvent"), codec("NetworkNode")

    def normalize(tp: Any, message: Any) -> list[Any]:
        outcome = normalize_record(message.value, topic=tp.topic, partition=tp.partition,
                                   offset=message.offset)
        sends: list[Any] = [(out, event_key(r).encode(), events.encode(r), None)
                            for r in outcome.events]
        sends += [(out, n["node_id"].encode(), nodes.encode(n), None) for n in outcome.nodes]
        sends += [(DLQ, message.key, message.value,
                   headers_for(f, topic=tp.topic, partition=tp.partition,
                               offset=message.offset))
                  for f in outcome.failures]
        return sends

    await _run(kafka, topic, start, end, f"bench-plain-{time.time_ns()}", normalize)
