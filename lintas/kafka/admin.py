"""Broker administration through kafka-python: creating the topic catalog."""

from __future__ import annotations

import time
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from lintas.core.errors import BrokerError, ConfigurationError
from lintas.core.topics import TopicSpec
from lintas.kafka.connection import KafkaConnection

if TYPE_CHECKING:
    from kafka import KafkaAdminClient
    from kafka.consumer.fetcher import ConsumerRecord

__all__ = ["TopicOutcome", "admin_client", "ensure_topics", "read_all", "require_topics"]


@dataclass(frozen=True)
class TopicOutcome:
    """What ``ensure_topics`` did with one topic."""

    name: str
    action: str  # "created" or "exists"
    partitions: int


def admin_client(kafka: KafkaConnection, client_id: str = "lintas-admin") -> KafkaAdminClient:
    """A kafka-python admin client; :class:`BrokerError` when nothing answers."""
    from kafka import KafkaAdminClient
    from kafka.errors import KafkaError

    try:
        return KafkaAdminClient(**kafka.kafka_python(), client_id=client_id,
                                request_timeout_ms=15000)
    except (KafkaError, OSError) as exc:
        raise BrokerError(f"cannot reach Kafka as {kafka}: {exc}") from exc


def ensure_topics(
    kafka: KafkaConnection, specs: Iterable[TopicSpec], replication_factor: int = 1
) -> list[TopicOutcome]:
    """Create the topics that do not exist yet; leave the others as they are."""
    from kafka.errors import KafkaError

    specs = list(specs)
    admin = admin_client(kafka)
    try:
        existing = {t["name"]: t for t in admin.describe_topics() if not t.get("error_code")}
        missing = [s for s in specs if s.name not in existing]
        if missing:
            admin.create_topics(
                {
                    s.name: {
                        "num_partitions": s.partitions,
                        "replication_factor": replication_factor,
                        "configs": s.configs,
                    }
                    for s in missing
                },
                raise_errors=False,
                wait_for_metadata=True,
            )
            now = {t["name"] for t in admin.describe_topics([s.name for s in missing])
                   if not t.get("error_code")}
            absent = [s.name for s in missing if s.name not in now]
            if absent:
                raise BrokerError(f"the broker did not create: {', '.join(absent)}")
    except KafkaError as exc:
        raise BrokerError(f"creating topics as {kafka} failed: {exc}") from exc
    finally:
        admin.close()
    out = []
    for spec in specs:
        if spec.name in existing:
            out.append(TopicOutcome(spec.name, "exists", len(existing[spec.name]["partitions"])))
        else:
            out.append(TopicOutcome(spec.name, "created", spec.partitions))
    return out


def require_topics(kafka: KafkaConnection, names: Iterable[str]) -> None:
    """Nothing when every topic in ``names`` exists (and ``kafka``'s principal may see it);
    :class:`ConfigurationError` naming the others, and how to create them."""
    from kafka.errors import KafkaError

    wanted = list(names)
    admin = admin_client(kafka)
    try:
        described = admin.describe_topics(wanted)
    except KafkaError as exc:
        raise BrokerError(f"describing topics as {kafka} failed: {exc}") from exc
    finally:
        admin.close()
    found = {t["topic"] if "topic" in t else t["name"] for t in described
             if not t.get("error_code")}
    missing = [name for name in wanted if name not in found]
    if missing:
        raise ConfigurationError(
            f"{len(missing)} topic(s) missing or not visible to {kafka.username or 'this client'}: "
            f"{', '.join(missing[:5])}; create them with `lintas topics create` (as admin)")


def read_all(kafka: KafkaConnection, topic: str,
             timeout: float = 60.0) -> list[ConsumerRecord]:
    """Every record of ``topic`` from its beginning to its end as of now (no group)."""
    from kafka import KafkaConsumer, TopicPartition

    consumer = KafkaConsumer(**kafka.kafka_python(), enable_auto_commit=False, group_id=None,
                             client_id="lintas-reader")
    try:
        tps = [TopicPartition(topic, p) for p in sorted(consumer.partitions_for_topic(topic) or [])]
        if not tps:
            return []
        consumer.assign(tps)
        consumer.seek_to_beginning(*tps)
        end = consumer.end_offsets(tps)
        records: list[ConsumerRecord] = []
        deadline = time.monotonic() + timeout
        while any(consumer.position(tp) < end[tp] for tp in tps):
            if time.monotonic() > deadline:
                raise BrokerError(f"reading {topic} timed out")
            for messages in consumer.poll(timeout_ms=500).values():
                records.extend(
                    m for m in messages if m.offset < end[TopicPartition(m.topic, m.partition)]
                )
        return records
    finally:
        consumer.close()


def newest_timestamps(kafka: KafkaConnection, topics: Iterable[str]) -> dict[str, int | None]:
    """Broker timestamp (ms) of the newest record of each topic; None when empty."""
    from kafka import KafkaConsumer, TopicPartition

    consumer = KafkaConsumer(**kafka.kafka_python(), enable_auto_commit=False, group_id=None,
                             client_id="lintas-reader")
    try:
        out: dict[str, int | None] = {}
        for topic in topics:
            tps = [TopicPartition(topic, p) for p in (consumer.partitions_for_topic(topic) or [])]
            newest: int | None = None
            if tps:
                end = consumer.end_offsets(tps)
                start = consumer.beginning_offsets(tps)
                live = [tp for tp in tps if end[tp] > start[tp]]
                if live:
                    consumer.assign(live)
                    for tp in live:
                        consumer.seek(tp, end[tp] - 1)
                    pending = set(live)
                    deadline = time.monotonic() + 10
                    while pending and time.monotonic() < deadline:
                        for tp, messages in consumer.poll(timeout_ms=500).items():
                            for message in messages:
                                newest = max(newest or 0, message.timestamp)
                            pending.discard(tp)
            out[topic] = newest
        return out
    finally:
        consumer.close()
