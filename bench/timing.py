"""Rates from the broker timestamps of what a pass wrote, read back from its output topic.

Every throughput figure of the bench is taken the same way: the records a pass consumed,
divided by the time between the first and the last record it produced (their
CreateTime, stamped when the pass sent them), so that start-up and the last flush count
for none of them.
"""

from __future__ import annotations

from lintas.kafka.connection import KafkaConnection

__all__ = ["end_offsets", "span_rate", "timestamps"]


def end_offsets(kafka: KafkaConnection, topic: str) -> dict[int, int]:
    """The end offset of every partition of ``topic``."""
    from kafka import KafkaConsumer, TopicPartition

    consumer = KafkaConsumer(**kafka.kafka_python())
    try:
        tps = [TopicPartition(topic, p) for p in sorted(consumer.partitions_for_topic(topic))]
        return {tp.partition: offset for tp, offset in consumer.end_offsets(tps).items()}
    finally:
        consumer.close()


def timestamps(kafka: KafkaConnection, topic: str, start: dict[int, int],
               end: dict[int, int]) -> list[int]:
    """Broker timestamps (ms) of the records [start, end) of ``topic``."""
    from kafka import KafkaConsumer, TopicPartition

    consumer = KafkaConsumer(**kafka.kafka_python(), enable_auto_commit=False, group_id=None)
    try:
        tps = [TopicPartition(topic, p) for p in end if end[p] > start.get(p, 0)]
        consumer.assign(tps)
        for tp in tps:
            consumer.seek(tp, start.get(tp.partition, 0))
        stamps: list[int] = []
        left = {tp: end[tp.partition] - start.get(tp.partition, 0) for tp in tps}
        while any(n > 0 for n in left.values()):
            for tp, messages in consumer.poll(timeout_ms=1000).items():
                kept = [m.timestamp for m in messages if m.offset < end[tp.partition]]
                stamps += kept
                left[tp] -= len(kept)
        return stamps
    finally:
        consumer.close()


def span_rate(kafka: KafkaConnection, topic: str, start: dict[int, int],
              records: int) -> float:
    """``records`` divided by the seconds between the first and the last record written to
    ``topic`` since ``start`` (its end offsets before the pass)."""
    stamps = timestamps(kafka, topic, start, end_offsets(kafka, topic))
    if len(stamps) < 2:
        return float("nan")
    span = (max(stamps) - min(stamps)) / 1000
    return records / span if span > 0 else float("inf")
