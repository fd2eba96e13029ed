"""Reading offsets from the broker with kafka-python: groups, committed offsets, who owns
which partition, log start and log end, and the timestamp of a record at an offset.

One admin client and one group-less consumer serve every reading; each kind of request
is sent once per reading for all groups and partitions (kafka-python splits it per
coordinator or leader).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from kafka import TopicPartition

from lintas.core.errors import BrokerError
from lintas.kafka.connection import KafkaConnection

__all__ = ["BrokerOffsets", "GroupState", "OffsetReader", "RecordTime", "TopicPartition"]

# Group types whose committed offsets describe a consumer's progress.
_SKIPPED_GROUP_TYPES = {"share"}
_SKIPPED_PROTOCOLS = {"connect"}


@dataclass(frozen=True)
class GroupState:
    """A group's state as the coordinator describes it.

    ``owned`` holds the partitions assigned to live members; ``None`` when the assignment
    cannot be read (the group could not be described, or its members' assignments are
    not in the consumer protocol's format).
    """

    state: str
    members: int
    owned: frozenset[TopicPartition] | None


@dataclass(frozen=True)
class RecordTime:
    """The first record at or after a wanted offset: its offset and broker timestamp."""

    offset: int
    timestamp_ms: int
    timestamp_type: str  # "create" (producer's clock) or "log-append" (broker's clock)


@dataclass
class BrokerOffsets:
    """One reading of the broker: committed offsets per group, log start and end per
    partition, and each group's state. Partitions whose topic is gone or has no leader are
    absent from ``log_end`` and ``log_start``."""

    committed: dict[str, dict[TopicPartition, int]] = field(default_factory=dict)
    log_end: dict[TopicPartition, int] = field(default_factory=dict)
    log_start: dict[TopicPartition, int] = field(default_factory=dict)
    groups: dict[str, GroupState] = field(default_factory=dict)
    read_at: float = 0.0


class OffsetReader:
    """Reads :class:`BrokerOffsets` and record timestamps from one cluster."""

    def __init__(self, kafka: KafkaConnection, *, client_id: str = "lintas-lag",
                 request_timeout_ms: int = 15000) -> None:
        self.kafka = kafka
        self.client_id = client_id
        self._request_timeout_ms = request_timeout_ms
        self._admin: Any = None
        self._consumer: Any = None

    # -- clients ------------------------------------------------------------

    def _admin_client(self) -> Any:
        if self._admin is None:
            from lintas.kafka.admin import admin_client

            self._admin = admin_client(self.kafka, client_id=self.client_id)
        return self._admin

    def _record_consumer(self) -> Any:
        if self._consumer is None:
            from kafka import KafkaConsumer
            from kafka.errors import KafkaError

            try:
                self._consumer = KafkaConsumer(
                    **self.kafka.kafka_python(),
                    client_id=f"{self.client_id}-records",
                    group_id=None,
                    enable_auto_commit=False,
                    auto_offset_reset="earliest",
                    fetch_max_wait_ms=100,
                    max_partition_fetch_bytes=64 * 1024,
                    request_timeout_ms=self._request_timeout_ms,
                )
            except (KafkaError, OSError) as exc:
                raise BrokerError(f"cannot reach Kafka as {self.kafka}: {exc}") from exc
        return self._consumer

    def close(self) -> None:
        """Close the clients (a later reading opens them again)."""
        for client in (self._consumer, self._admin):
            if client is not None:
                client.close()
        self._admin = self._consumer = None

    # -- offsets ------------------------------------------------------------

    def list_groups(self) -> list[str]:
        """Every consumer group of the cluster, sorted; share and Connect groups left out."""
        groups = self._call("listing groups", lambda admin: admin.list_groups())
        return sorted(
            g["group_id"] for g in groups
            if g.get("group_type") not in _SKIPPED_GROUP_TYPES
            and g.get("protocol_type") not in _SKIPPED_PROTOCOLS
        )

    def read(
        self, groups: Sequence[str], clock: Callable[[], float] = time.time
    ) -> BrokerOffsets:
        """Committed offsets of ``groups``, their states, and the log start and end of every
        partition they committed on. ``read_at`` is ``clock()`` right after the log ends
        were read."""
        from kafka.protocol.consumer import OffsetSpec

        out = BrokerOffsets()
        if not groups:
            out.read_at = clock()
            return out
        committed = self._call(
            "reading committed offsets",
            lambda admin: admin.list_group_offsets({g: None for g in groups}),
        )
        for group in groups:
            offsets = committed.get(group, {})
            out.committed[group] = {
                TopicPartition(tp.topic, tp.partition): meta.offset
                for tp, meta in offsets.items() if meta.offset is not None and meta.offset >= 0
            }
        out.groups = self._describe(groups)
        partitions = self._live_partitions(
            {tp for offsets in out.committed.values() for tp in offsets}
        )
        if partitions:
            out.log_start = self._list_offsets(partitions, OffsetSpec.EARLIEST)
            out.log_end = self._list_offsets(partitions, OffsetSpec.LATEST)
        out.read_at = clock()
        return out

    def _describe(self, groups: Sequence[str]) -> dict[str, GroupState]:
        from kafka.errors import KafkaError

        try:
            described = self._admin_client().describe_groups(list(groups))
        except KafkaError:
            return {}
        return {group: _group_state(info) for group, info in described.items()}

    def _live_partitions(self, partitions: set[TopicPartition]) -> list[TopicPartition]:
        """The partitions whose topic exists and whose partition has a leader."""
        topics = sorted({tp.topic for tp in partitions})
        if not topics:
            return []
        described = self._call("describing topics", lambda admin: admin.describe_topics(topics))
        led = set()
        for topic in described:
            if topic.get("error_code"):
                continue
            for p in topic.get("partitions", []):
                if not p.get("error_code") and p.get("leader_id", -1) >= 0:
                    led.add(TopicPartition(topic["name"], p["partition_index"]))
        return sorted(partitions & led)

    def _list_offsets(
        self, partitions: Iterable[TopicPartition], spec: Any
    ) -> dict[TopicPartition, int]:
        answer = self._call(
            "reading log offsets",
            lambda admin: admin.list_partition_offsets({tp: spec for tp in partitions}),
        )
        return {TopicPartition(tp.topic, tp.partition): value.offset
                for tp, value in answer.items()}

    def topic_partitions(self, topics: Iterable[str]) -> list[TopicPartition]:
        """Every partition with a leader of those ``topics`` that exist, sorted."""
        names = sorted(set(topics))
        if not names:
            return []
        described = self._call("describing topics", lambda admin: admin.describe_topics(names))
        return sorted(
            TopicPartition(topic["name"], p["partition_index"])
            for topic in described if not topic.get("error_code")
            for p in topic.get("partitions", [])
            if not p.get("error_code") and p.get("leader_id", -1) >= 0
        )

    def log_offsets(
        self, partitions: Sequence[TopicPartition]
    ) -> tuple[dict[TopicPartition, int], dict[TopicPartition, int]]:
        """The log start and log end of ``partitions`` (see :meth:`topic_partitions`)."""
        from kafka.protocol.consumer import OffsetSpec

        if not partitions:
            return {}, {}
        return (self._list_offsets(partitions, OffsetSpec.EARLIEST),
                self._list_offsets(partitions, OffsetSpec.LATEST))

    def newest_timestamps(self, partitions: Sequence[TopicPartition]) -> dict[TopicPartition, int]:
        """The largest record timestamp (ms) of each partition (ListOffsets ``max-timestamp``);
        empty partitions are absent."""
        from kafka.protocol.consumer import OffsetSpec

        if not partitions:
            return {}
        answer = self._call(
            "reading newest timestamps",
            lambda admin: admin.list_partition_offsets(
                {tp: OffsetSpec.MAX_TIMESTAMP for tp in partitions}),
        )
        return {TopicPartition(tp.topic, tp.partition): value.timestamp
                for tp, value in answer.items()
                if value.offset is not None and value.offset >= 0 and value.timestamp >= 0}

    def _call(self, what: str, request: Any) -> Any:
        from kafka.errors import KafkaError

        try:
            return request(self._admin_client())
        except KafkaError as exc:
            raise BrokerError(f"{what} as {self.kafka} failed: {exc}") from exc

    # -- records ------------------------------------------------------------

    def record_times(
        self, wanted: dict[TopicPartition, int], log_end: dict[TopicPartition, int],
        timeout: float = 5.0,
    ) -> dict[TopicPartition, RecordTime]:
        """For each partition, the first record at or after its wanted offset (below its log
        end), fetched without a group. Partitions that yield nothing before ``timeout``
        (only transaction markers left, or a slow leader) are absent from the result."""
        from kafka.errors import KafkaError

        if not wanted:
            return {}
        consumer = self._record_consumer()
        found: dict[TopicPartition, RecordTime] = {}
        try:
            consumer.assign(list(wanted))
            for tp, offset in wanted.items():
                consumer.seek(tp, offset)
            deadline = time.monotonic() + timeout
            pending = set(wanted)
            while pending and time.monotonic() < deadline:
                batches = consumer.poll(timeout_ms=200)
                for tp, records in batches.items():
                    key = TopicPartition(tp.topic, tp.partition)
                    if key not in pending:
                        continue
                    record = next((r for r in records if wanted[key] <= r.offset < log_end[key]),
                                  None)
                    if record is not None:
                        found[key] = RecordTime(
                            record.offset, record.timestamp,
                            "log-append" if record.timestamp_type == 1 else "create",
                        )
                        pending.discard(key)
                        consumer.pause(tp)
                for tp in list(pending):
                    position = consumer.position(tp, timeout_ms=100)
                    if position is not None and position >= log_end[tp]:
                        pending.discard(tp)
        except KafkaError as exc:
            raise BrokerError(f"fetching records as {self.kafka} failed: {exc}") from exc
        finally:
            consumer.assign([])
        return found


def _group_state(info: dict[str, Any]) -> GroupState:
    members = info.get("members") or []
    owned: set[TopicPartition] = set()
    readable = not info.get("error")
    for member in members:
        assignment = member.get("member_assignment")
        if not isinstance(assignment, dict):
            readable = False
            break
        for entry in assignment.get("assigned_partitions") or []:
            for partition in entry.get("partitions") or []:
                owned.add(TopicPartition(entry["topic"], partition))
    return GroupState(
        state=str(info.get("group_state") or "Unknown"),
        members=len(members),
        owned=frozenset(owned) if readable else None,
    )
