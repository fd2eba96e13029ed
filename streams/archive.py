"""Reading a closed shipment's state back from the archive topic: one record, by its
partition and offset (:mod:`lintas.streams.closing`).

The worker reads with its own principal, without a consumer group: it assigns itself the
partition, seeks to the offset and takes one record.
"""

from __future__ import annotations

import asyncio
from typing import Any

from lintas.kafka.connection import KafkaConnection

__all__ = ["ArchiveGone", "ArchiveReader"]


class ArchiveGone(LookupError):
    """The archive no longer keeps the record (older than ``LINTAS_ARCHIVE_DAYS``)."""


class ArchiveReader:
    """Reads single records of one topic by position."""

    def __init__(self, kafka: KafkaConnection, topic: str, timeout: float = 30.0) -> None:
        self.kafka, self.topic, self.timeout = kafka, topic, timeout
        self._consumer: Any = None
        self._lock = asyncio.Lock()

    async def read(self, position: tuple[int, int], key: str) -> bytes:
        """The value of the record at ``position`` (partition, offset), which must be
        ``key``'s; :class:`ArchiveGone` when the topic no longer keeps it."""
        from aiokafka import TopicPartition
        from aiokafka.errors import OffsetOutOfRangeError

        partition, offset = position
        async with self._lock:
            consumer = await self._open()
            tp = TopicPartition(self.topic, partition)
            consumer.assign([tp])
            consumer.seek(tp, offset)
            try:
                record = await asyncio.wait_for(consumer.getone(tp), self.timeout)
            except OffsetOutOfRangeError as exc:
                raise ArchiveGone(f"{self.topic} no longer keeps {key}'s state "
                                  f"(partition {partition}, offset {offset})") from exc
        if record.offset != offset or record.key != key.encode() or record.value is None:
            raise ArchiveGone(f"{self.topic} no longer keeps {key}'s state at partition "
                              f"{partition}, offset {offset}")
        return bytes(record.value)

    async def _open(self) -> Any:
        if self._consumer is None:
            from aiokafka import AIOKafkaConsumer

            consumer = AIOKafkaConsumer(**self.kafka.aiokafka(), group_id=None,
                                        enable_auto_commit=False, auto_offset_reset="none",
                                        client_id="lintas-worker-archive")
            await consumer.start()
            self._consumer = consumer
        return self._consumer

    async def stop(self) -> None:
        if self._consumer is not None:
            await self._consumer.stop()
            self._consumer = None
