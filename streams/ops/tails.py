"""Reading topics incrementally for the ops server: dead letters by reason, newest events.

A :class:`TopicTail` is a consumer without a group: it is assigned every partition of its
topics, starts at the beginning of each log and, at every collection, reads on up to the
log-end offsets of that collection within a time budget, handing each record to a
:class:`Tally`. Nothing is committed; a restarted ops server reads the retained logs again.

A topic is *ready* once it has been read up to its log ends of the first collection: until
then its tally describes only part of the log, and the ops server leaves them out rather than
export counters that race upwards or freshness that is too old.
"""

from __future__ import annotations

import logging
import time
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from kafka import TopicPartition

from lintas.core.deadletters import HEADER_PREFIX
from lintas.core.errors import BrokerError, SchemaError
from lintas.kafka.connection import KafkaConnection

__all__ = [
    "DeadLetterKey",
    "DeadLetterTally",
    "EventFreshness",
    "Tally",
    "TopicTail",
    "dead_letter_key",
]

log = logging.getLogger(__name__)

UNKNOWN = "unknown"
FUTURE_TOLERANCE_MS = 10 * 60 * 1000
"""Events dated further ahead of the ops server's clock are ignored for freshness: a partner
clock or a parse gone wrong, not evidence of fresh data."""


class Tally(Protocol):
    """What a tail feeds: records of its topics."""

    def add(self, record: Any) -> None:
        """Take one consumed record (kafka-python ``ConsumerRecord``)."""


@dataclass(frozen=True, order=True)
class DeadLetterKey:
    """The labels a dead letter is counted under."""

    partner: str
    stage: str
    reason: str


def dead_letter_key(headers: Iterable[tuple[str, bytes | None]] | None) -> DeadLetterKey:
    """Partner, stage and reason (the error class) from a DLQ record's ``lintas.error.*``
    headers; ``unknown`` where a header is missing or empty."""
    found: dict[str, str] = {}
    for name, raw in headers or ():
        if name.startswith(HEADER_PREFIX) and raw:
            found[name[len(HEADER_PREFIX):]] = raw.decode("utf-8", "replace")
    return DeadLetterKey(found.get("partner") or UNKNOWN, found.get("stage") or UNKNOWN,
                         found.get("class") or UNKNOWN)


class DeadLetterTally:
    """Records of ``lintas.dlq.v1`` counted by partner, stage and reason.

    It counts records on the topic: a failure written twice (at-least-once, after a crash)
    counts twice, where ``lintas dlq list`` shows it once.
    """

    def __init__(self) -> None:
        self.counts: Counter[DeadLetterKey] = Counter()

    def add(self, record: Any) -> None:
        """Count one DLQ record."""
        self.counts[dead_letter_key(record.headers)] += 1


class EventFreshness:
    """The newest ``occurred_at`` per partner seen on ``lintas.shipment-events.v1``."""

    def __init__(self, clock: Any = time.time) -> None:
        self.newest_ms: dict[str, int] = {}
        self._clock = clock
        self._codec: Any = None

    def add(self, record: Any) -> None:
        """Take one ShipmentEvent record; undecodable ones are skipped."""
        if record.value is None:
            return
        if self._codec is None:
            from lintas.schemas.codec import codec

            self._codec = codec("ShipmentEvent")
        try:
            event = self._codec.decode(record.value)
        except SchemaError:
            return
        self.observe(str(event["partner"]), _epoch_ms(event["occurred_at"]))

    def observe(self, partner: str, occurred_ms: int) -> None:
        """Take one event's partner and instant (epoch milliseconds)."""
        if occurred_ms > self._clock() * 1000 + FUTURE_TOLERANCE_MS:
            return
        if occurred_ms > self.newest_ms.get(partner, -1):
            self.newest_ms[partner] = occurred_ms


def _epoch_ms(value: Any) -> int:
    if isinstance(value, int):
        return value
    return int(value.timestamp() * 1000)


class TopicTail:
    """A group-less consumer that reads its topics forward, collection after collection."""

    def __init__(self, kafka: KafkaConnection, tallies: Mapping[str, Tally], *,
                 client_id: str = "lintas-ops-tail") -> None:
        self.kafka = kafka
        self.tallies = dict(tallies)
        self.client_id = client_id
        self._ready: set[str] = set()
        self._consumer: Any = None
        self._positions: dict[TopicPartition, int] = {}
        self._first_target: dict[TopicPartition, int] | None = None

    @property
    def ready(self) -> bool:
        """Whether every topic has been read up to its log end of the first collection."""
        return self._ready == set(self.tallies)

    def is_ready(self, topic: str) -> bool:
        """Whether ``topic`` has been read up to its log end of the first collection."""
        return topic in self._ready

    @property
    def topics(self) -> tuple[str, ...]:
        """The topics this tail reads."""
        return tuple(sorted(self.tallies))

    def close(self) -> None:
        """Close the consumer (the next :meth:`read` opens it again, from the beginning)."""
        if self._consumer is not None:
            self._consumer.close()
        self._consumer = None
        self._positions.clear()
        self._first_target = None
        self._ready.clear()

    def backlog(self, log_end: Mapping[TopicPartition, int]) -> int:
        """Records of the tail's partitions not read yet, against ``log_end``."""
        return sum(max(0, end - self._positions.get(tp, 0)) for tp, end in log_end.items()
                   if tp.topic in self.tallies)

    def read(self, log_end: Mapping[TopicPartition, int], budget: float) -> None:
        """Read every partition of the tail's topics in ``log_end`` up to its log end, for at
        most ``budget`` seconds."""
        from kafka.errors import KafkaError

        target = {tp: end for tp, end in log_end.items() if tp.topic in self.tallies}
        if self._first_target is None:
            self._first_target = dict(target)
        try:
            self._assign(target)
            deadline = time.monotonic() + budget
            while self._behind(target) and time.monotonic() < deadline:
                for tp, records in self._consumer.poll(timeout_ms=200).items():
                    key = TopicPartition(tp.topic, tp.partition)
                    for record in records:
                        self.tallies[tp.topic].add(record)
                        self._positions[key] = record.offset + 1
                for tp in target:
                    # Skip over transaction markers and records removed by retention.
                    self._positions[tp] = max(self._positions.get(tp, 0),
                                              self._consumer.position(tp, timeout_ms=100) or 0)
        except KafkaError as exc:
            raise BrokerError(f"reading {', '.join(self.topics)} as {self.kafka} "
                              f"failed: {exc}") from exc
        for topic in set(self.tallies) - self._ready:
            if all(self._positions.get(tp, 0) >= end for tp, end in self._first_target.items()
                   if tp.topic == topic and tp in target):
                self._ready.add(topic)

    def _behind(self, target: Mapping[TopicPartition, int]) -> bool:
        return any(self._positions.get(tp, 0) < end for tp, end in target.items())

    def _assign(self, target: Mapping[TopicPartition, int]) -> None:
        if self._consumer is None:
            self._consumer = self._open()
        assigned = set(self._consumer.assignment())
        if assigned == set(target):
            return
        partitions: Sequence[TopicPartition] = sorted(target)
        self._consumer.assign(list(partitions))
        for tp in partitions:
            if tp in self._positions:
                self._consumer.seek(tp, self._positions[tp])
            else:
                self._consumer.seek_to_beginning(tp)

    def _open(self) -> Any:
        from kafka import KafkaConsumer
        from kafka.errors import KafkaError

        try:
            return KafkaConsumer(
                **self.kafka.kafka_python(),
                client_id=self.client_id,
                group_id=None,
                enable_auto_commit=False,
                auto_offset_reset="earliest",
                fetch_max_wait_ms=200,
                request_timeout_ms=15000,
            )
        except (KafkaError, OSError) as exc:
            raise BrokerError(f"cannot reach Kafka as {self.kafka}: {exc}") from exc
