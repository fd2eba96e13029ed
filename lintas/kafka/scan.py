"""Reading whole topics, from their beginning to where they end when the reading starts.

A :class:`TopicScan` takes each partition's beginning and end offsets when it opens, so
it knows how many records it is going to read (``total``) before reading any: what a
progress display needs for its bar and its time left. Records appended after it opened
are left out. The records come partition by partition, in offset order, as they are
fetched, so a caller works through a long history without holding it in memory.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING

from lintas.core.errors import BrokerError
from lintas.kafka.connection import KafkaConnection

if TYPE_CHECKING:
    from kafka import KafkaConsumer, TopicPartition
    from kafka.consumer.fetcher import ConsumerRecord

__all__ = ["TopicScan"]


class TopicScan:
    """Every record of ``topics`` up to their end offsets as of opening (no group).

    ``sizes`` and ``total`` count offsets between each partition's beginning and end:
    on a topic that compaction or transaction markers left gaps in, fewer records come.
    Reading fails with :class:`BrokerError` when a partition gives nothing for
    ``stall_timeout`` seconds before its end.
    """

    def __init__(self, kafka: KafkaConnection, topics: Iterable[str], *,
                 stall_timeout: float = 60.0) -> None:
        from kafka import KafkaConsumer

        self.stall_timeout = stall_timeout
        self._consumer: KafkaConsumer = KafkaConsumer(
            **kafka.kafka_python(), enable_auto_commit=False, group_id=None,
            client_id="lintas-reader")
        try:
            self._bounds = self._offsets(list(topics))
        except BaseException:
            self._consumer.close()
            raise
        self.sizes: dict[str, int] = {}
        for tp, (first, end) in self._bounds.items():
            self.sizes[tp.topic] = self.sizes.get(tp.topic, 0) + max(0, end - first)
        self.total = sum(self.sizes.values())

    def _offsets(self, topics: list[str]) -> dict[TopicPartition, tuple[int, int]]:
        from kafka import TopicPartition

        tps = [TopicPartition(topic, p) for topic in topics
               for p in sorted(self._consumer.partitions_for_topic(topic) or [])]
        if not tps:
            return {}
        first = self._consumer.beginning_offsets(tps)
        end = self._consumer.end_offsets(tps)
        return {tp: (first[tp], end[tp]) for tp in tps}

    def __enter__(self) -> TopicScan:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    def close(self) -> None:
        self._consumer.close()

    def records(self, topic: str) -> Iterator[ConsumerRecord]:
        """``topic``'s records, partition by partition in offset order."""
        for tp, (first, end) in self._bounds.items():
            if tp.topic == topic and end > first:
                yield from self._partition(tp, end)

    def _partition(self, tp: TopicPartition, end: int) -> Iterator[ConsumerRecord]:
        consumer = self._consumer
        consumer.assign([tp])
        consumer.seek_to_beginning(tp)
        heard = time.monotonic()
        while consumer.position(tp) < end:
            batch = consumer.poll(timeout_ms=500).get(tp, [])
            if batch:
                heard = time.monotonic()
            elif time.monotonic() - heard > self.stall_timeout:
                raise BrokerError(f"reading {tp.topic} partition {tp.partition}: nothing came "
                                  f"for {self.stall_timeout:.0f}s at offset "
                                  f"{consumer.position(tp)} of {end}")
            yield from (m for m in batch if m.offset < end)
