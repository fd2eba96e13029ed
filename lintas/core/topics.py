"""The topic catalog: every lintas topic with its key, value, partitions and policy.

Topic names are a public contract (DESIGN.md). ``lintas topics create`` creates what is
missing and leaves existing topics alone, so it can run at every start.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

__all__ = [
    "CONNECT_OFFSETS",
    "DLQ",
    "MEMBER_TOPIC_PREFIX",
    "NETWORK_NODES",
    "SERVICE_POINTS",
    "SHIPMENTS",
    "SHIPMENT_EVENTS",
    "TopicSpec",
    "catalog",
    "member_of",
    "member_topic",
    "raw_topic",
]

SHIPMENT_EVENTS = "lintas.shipment-events.v1"
NETWORK_NODES = "lintas.network-nodes.v1"
SHIPMENTS = "lintas.shipments.v1"
SERVICE_POINTS = "lintas.service-points.v1"
DLQ = "lintas.dlq.v1"
CONNECT_OFFSETS = "lintas.connect-offsets"

_DAY_MS = 24 * 60 * 60 * 1000


def raw_topic(partner: str) -> str:
    """``lintas.raw.<partner>``: raw payloads of one partner, as received."""
    return f"lintas.raw.{partner}"


#: Raw topics of members in the standard format start with this: one topic per member,
#: so that the broker, not the payload, says who wrote a record.
MEMBER_TOPIC_PREFIX = "lintas.raw.member."
_MEMBER_ID = re.compile(r"^[a-z0-9][a-z0-9-]{1,62}$")


def member_topic(member_id: str) -> str:
    """``lintas.raw.member.<id>``: the raw topic only member ``member_id`` may write."""
    if not _MEMBER_ID.match(member_id):
        raise ValueError(f"member id {member_id!r} is not lower-case letters, digits and "
                         "dashes (2-63 characters), such as asperindo-0042")
    return MEMBER_TOPIC_PREFIX + member_id


def member_of(topic: str) -> str | None:
    """The member whose raw topic ``topic`` is; None for any other topic."""
    if topic.startswith(MEMBER_TOPIC_PREFIX):
        return topic[len(MEMBER_TOPIC_PREFIX):]
    return None


@dataclass(frozen=True)
class TopicSpec:
    """One topic: its name, what it holds and how the broker keeps it."""

    name: str
    key: str
    value: str
    partitions: int
    configs: dict[str, str] = field(default_factory=dict)

    @property
    def cleanup_policy(self) -> str:
        return self.configs.get("cleanup.policy", "delete")

    @property
    def retention(self) -> str:
        ms = int(self.configs.get("retention.ms", "-1"))
        return "forever" if ms < 0 else f"{ms // _DAY_MS} days"


def catalog(partners: Iterable[str], partitions: int) -> list[TopicSpec]:
    """Every topic lintas uses, for the given partners and partition count."""
    raw = {"cleanup.policy": "delete", "retention.ms": str(365 * _DAY_MS)}
    compact = {"cleanup.policy": "compact", "min.compaction.lag.ms": "60000"}
    topics = [
        TopicSpec(raw_topic(p), "partner:tracking_number or node id", "RawRecord", partitions, raw)
        for p in partners
    ]
    topics += [
        TopicSpec(
            SHIPMENT_EVENTS,
            "partner:tracking_number",
            "ShipmentEvent",
            partitions,
            {"cleanup.policy": "delete", "retention.ms": str(30 * _DAY_MS)},
        ),
        TopicSpec(NETWORK_NODES, "node_id", "NetworkNode", partitions, compact),
        TopicSpec(SHIPMENTS, "shipment_id", "ShipmentView", partitions, compact),
        TopicSpec(SERVICE_POINTS, "service_point_id", "ServicePoint", partitions, compact),
        TopicSpec(
            DLQ,
            "original key",
            "original bytes + lintas.error.* headers",
            partitions,
            {"cleanup.policy": "delete", "retention.ms": str(90 * _DAY_MS)},
        ),
        TopicSpec(
            CONNECT_OFFSETS, "[connector, source-partition]", "cursor (JSON)", 1, compact
        ),
    ]
    return topics
