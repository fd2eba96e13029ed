"""Closing quiet shipments, free of Kafka: what keeps the worker's state bounded.

A shipment whose status is terminal and that has had no event for
``LINTAS_CLOSE_AFTER_DAYS`` (default 14) is *closed*: the assembler writes its state to
the archive topic (``lintas-shipment-archive``, kept ``LINTAS_ARCHIVE_DAYS``) and keeps
only where that record is; each of its legs keeps only which shipment it belongs to. The
view on ``lintas.shipments.v1`` and in SQL is unchanged. A late event for a closed leg
*reopens* its shipment: the assembler reads the archived state back (by partition and
offset, one record) and the event lands as if the shipment had never left. After the
archive's days the markers go too (tombstones in the changelogs), and a later event
starts a shipment of its own.

Time is the events' own (``occurred_at``): a worker's *watermark* is the newest event
time it has seen, never ahead of the wall clock by more than :data:`SKEW` (a scan dated
in the future cannot close everything). A replay of old data closes shipments as the
data's own time passes, and a simulated month runs in minutes.

Each partition keeps its own queue of what falls due, soonest first; a worker that gains
a partition queues what its table holds for it (:meth:`Expiry.needs_scan`).
"""

from __future__ import annotations

import heapq
from datetime import datetime, timedelta, timezone
from typing import Any

from kafka.partitioner.default import murmur2

from lintas.schemas.statuses import Status

__all__ = ["SKEW", "Expiry", "Watermark", "closable", "partition_of"]

#: How far ahead of the wall clock an event's time may move the watermark.
SKEW = timedelta(days=1)


def partition_of(key: bytes, partitions: int) -> int:
    """The partition Kafka's default partitioner gives ``key`` (murmur2, as the producers
    of every lintas process and Faust use)."""
    return (murmur2(key) & 0x7FFFFFFF) % partitions


class Watermark:
    """The newest event time seen, ignoring times more than :data:`SKEW` ahead."""

    def __init__(self) -> None:
        self.time: datetime | None = None

    def advance(self, at: datetime, now: datetime | None = None) -> None:
        now = now or datetime.now(timezone.utc)
        if at <= now + SKEW and (self.time is None or at > self.time):
            self.time = at


def closable(view: dict[str, Any], watermark: datetime | None, after: timedelta) -> bool:
    """Whether a shipment (its view) is terminal and has been quiet for ``after``."""
    if watermark is None or not Status(view["status"]).terminal:
        return False
    return _instant(view["last_event_at"]) + after <= watermark


def _instant(value: Any) -> datetime:
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=timezone.utc)
    return datetime.fromtimestamp(value / 1000, timezone.utc)  # timestamp-millis


class Expiry:
    """Keys that fall due at a time, per partition, soonest first.

    A key may be queued more than once (each time it changes); whoever pops it checks
    its state again, so a stale entry costs one look.
    """

    def __init__(self) -> None:
        self._queues: dict[int, list[tuple[datetime, str]]] = {}
        self._scanned: set[int] = set()

    def note(self, partition: int, key: str, due: datetime) -> None:
        heapq.heappush(self._queues.setdefault(partition, []), (due, key))

    def due(self, partition: int, now: datetime | None, limit: int = 50) -> list[str]:
        """Up to ``limit`` keys of ``partition`` due at ``now``, removed from the queue."""
        queue = self._queues.get(partition)
        out: list[str] = []
        while now is not None and queue and queue[0][0] <= now and len(out) < limit:
            out.append(heapq.heappop(queue)[1])
        return out

    def needs_scan(self, partition: int) -> bool:
        """True the first time a partition is seen: its table entries must be queued."""
        if partition in self._scanned:
            return False
        self._scanned.add(partition)
        return True

    def __len__(self) -> int:
        return sum(len(q) for q in self._queues.values())
