"""Connector cursors in ``lintas.connect-offsets`` (compacted), as Kafka Connect keeps them.

Key: ``["<connector>", {<source partition>}]`` as JSON; value: the cursor as JSON. A
cursor is written only after the broker acknowledged the records it covers, so a
connector killed at any moment resumes without a gap (and at worst re-sends records
that downstream dedupe drops).

The same topic carries, under other keys, each connector's status (``["<connector>",
{"status": <source partition>}]``) and its controls (``["<connector>", {"control":
true}]``, e.g. paused), which a running connector picks up with :meth:`CursorStore.refresh`.
"""

from __future__ import annotations

import json
import time
from typing import Any

from lintas.core.errors import BrokerError
from lintas.core.topics import CONNECT_OFFSETS
from lintas.kafka.connection import KafkaConnection

__all__ = ["CursorStore", "control_key", "cursor_key", "status_partition"]


def cursor_key(connector: str, source_partition: dict[str, Any]) -> bytes:
    return json.dumps([connector, source_partition], sort_keys=True, separators=(",", ":")).encode()


def status_partition(source_partition: dict[str, Any]) -> dict[str, Any]:
    """Where a connector's status is kept, beside its cursor."""
    return {"status": source_partition}


def control_key(connector: str) -> bytes:
    return cursor_key(connector, {"control": True})


class CursorStore:
    """Reads every cursor at start, follows the topic with :meth:`refresh`, writes through
    a producer."""

    def __init__(self, kafka: KafkaConnection, producer: Any) -> None:
        self.kafka = kafka
        self._producer = producer
        self._cursors: dict[bytes, dict[str, Any] | None] = {}
        self._consumer: Any = None

    def _open(self) -> Any:
        from kafka import KafkaConsumer, TopicPartition
        from kafka.errors import KafkaError

        try:
            consumer = KafkaConsumer(
                **self.kafka.kafka_python(), enable_auto_commit=False, group_id=None,
                client_id="lintas-cursors",
            )
        except (KafkaError, OSError) as exc:
            raise BrokerError(f"cannot read {CONNECT_OFFSETS}: {exc}") from exc
        tps = [TopicPartition(CONNECT_OFFSETS, p)
               for p in (consumer.partitions_for_topic(CONNECT_OFFSETS) or set())]
        if not tps:
            consumer.close()
            raise BrokerError(f"topic {CONNECT_OFFSETS} does not exist; run `lintas topics create`")
        consumer.assign(tps)
        consumer.seek_to_beginning(*tps)
        return consumer

    def refresh(self, timeout: float = 30.0) -> dict[bytes, dict[str, Any] | None]:
        """Read what was written since the last read (everything, the first time);
        :class:`BrokerError` when the broker does not answer."""
        from kafka.errors import KafkaError

        if self._consumer is None:
            self._consumer = self._open()
        consumer = self._consumer
        try:
            tps = list(consumer.assignment())
            end = consumer.end_offsets(tps)
            deadline = time.monotonic() + timeout
            while any(consumer.position(tp, timeout_ms=int(timeout * 1000)) < end[tp]
                      for tp in tps):
                if time.monotonic() > deadline:
                    raise BrokerError(f"reading {CONNECT_OFFSETS} timed out")
                for messages in consumer.poll(timeout_ms=500).values():
                    for msg in messages:
                        self._cursors[msg.key] = json.loads(msg.value) if msg.value else None
        except KafkaError as exc:
            raise BrokerError(f"reading {CONNECT_OFFSETS} failed: {exc}") from exc
        return self._cursors

    def load(self, timeout: float = 30.0) -> dict[bytes, dict[str, Any] | None]:
        """Read the topic to its end; the newest value per key wins."""
        return self.refresh(timeout)

    def close(self) -> None:
        if self._consumer is not None:
            self._consumer.close()
            self._consumer = None

    def items(self) -> list[tuple[list[Any], dict[str, Any] | None]]:
        """(decoded key, value) of everything read."""
        return [(json.loads(k), v) for k, v in self._cursors.items() if k]

    def get(self, connector: str, source_partition: dict[str, Any]) -> dict[str, Any] | None:
        return self._cursors.get(cursor_key(connector, source_partition))

    def put(self, connector: str, source_partition: dict[str, Any], cursor: dict[str, Any] | None,
            *, wait: bool = True) -> None:
        """Write a cursor (None removes it); with ``wait``, return after the broker's
        acknowledgement."""
        key = cursor_key(connector, source_partition)
        value = json.dumps(cursor, sort_keys=True).encode() if cursor is not None else None
        self._producer.send_bytes(CONNECT_OFFSETS, key, value)
        if wait:
            self._producer.flush()
        self._cursors[key] = cursor
