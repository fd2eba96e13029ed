"""Connector cursors in ``lintas.connect-offsets`` (compacted), as Kafka Connect keeps them.

Key: ``["<connector>", {<source partition>}]`` as JSON; value: the cursor as JSON. A
cursor is written only after the broker acknowledged the records it covers, so a
connector killed at any moment resumes without a gap (and at worst re-sends records
that downstream dedupe drops).
"""

from __future__ import annotations

import json
import time
from typing import Any

from lintas.errors import BrokerError
from lintas.topics import CONNECT_OFFSETS

__all__ = ["CursorStore", "cursor_key"]


def cursor_key(connector: str, source_partition: dict[str, Any]) -> bytes:
    return json.dumps([connector, source_partition], sort_keys=True, separators=(",", ":")).encode()


class CursorStore:
    """Reads every cursor once at start, then writes through a producer."""

    def __init__(self, bootstrap: str, producer: Any) -> None:
        self.bootstrap = bootstrap
        self._producer = producer
        self._cursors: dict[bytes, dict[str, Any] | None] = {}

    def load(self, timeout: float = 30.0) -> dict[bytes, dict[str, Any] | None]:
        """Read the topic to its end; the newest value per key wins."""
        from kafka import KafkaConsumer, TopicPartition
        from kafka.errors import KafkaError

        try:
            consumer = KafkaConsumer(
                bootstrap_servers=self.bootstrap, enable_auto_commit=False, group_id=None,
                client_id="lintas-cursors",
            )
        except (KafkaError, OSError) as exc:
            raise BrokerError(f"cannot read {CONNECT_OFFSETS}: {exc}") from exc
        try:
            partitions = consumer.partitions_for_topic(CONNECT_OFFSETS) or set()
            tps = [TopicPartition(CONNECT_OFFSETS, p) for p in partitions]
            if not tps:
                raise BrokerError(f"topic {CONNECT_OFFSETS} does not exist; run `lintas topics create`")
            consumer.assign(tps)
            consumer.seek_to_beginning(*tps)
            end = consumer.end_offsets(tps)
            deadline = time.monotonic() + timeout
            while any(consumer.position(tp) < end[tp] for tp in tps):
                if time.monotonic() > deadline:
                    raise BrokerError(f"reading {CONNECT_OFFSETS} timed out")
                for messages in consumer.poll(timeout_ms=500).values():
                    for msg in messages:
                        self._cursors[msg.key] = json.loads(msg.value) if msg.value else None
        finally:
            consumer.close()
        return self._cursors

    def get(self, connector: str, source_partition: dict[str, Any]) -> dict[str, Any] | None:
        return self._cursors.get(cursor_key(connector, source_partition))

    def put(self, connector: str, source_partition: dict[str, Any], cursor: dict[str, Any]) -> None:
        """Write a cursor and wait for the broker's acknowledgement."""
        key = cursor_key(connector, source_partition)
        value = json.dumps(cursor, sort_keys=True).encode()
        self._producer.send_bytes(CONNECT_OFFSETS, key, value)
        self._producer.flush()
        self._cursors[key] = cursor
