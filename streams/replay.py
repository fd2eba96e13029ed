"""``lintas replay``: rebuild the view from the raw topics alone.

Every record of every ``lintas.raw.<partner>`` topic is read from the beginning and run
through the same steps the agents run — normalize, then the :class:`Chain` of each leg's
state machine, the region matcher and the assembler — in one process, and the result is written to a
view database. Because each step is a function of its input set, the rebuilt view equals
the one the pipeline keeps (``updated_at`` aside); a mapping fix becomes a new view by
replaying.

The raw records are read as they are fetched (:class:`TopicScan`), but what they make —
every leg, shipment and network node — is held in memory until the view is written; for
very large histories run it per partner (``--partner``).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from lintas.core import deadletters
from lintas.core.progress import NO_PROGRESS, Progress
from lintas.core.topics import raw_topic
from lintas.kafka.connection import KafkaConnection
from lintas.kafka.scan import TopicScan
from lintas.streams.chain import Chain
from lintas.streams.linking import Agreements
from lintas.streams.members import member_topics
from lintas.streams.normalize import normalize_record
from lintas.streams.outlets import OutletNetwork
from lintas.streams.view.store import ViewStore

__all__ = ["ReplayResult", "replay"]

REPLAY_CONSUMER = "lintas-replay"


@dataclass(frozen=True)
class ReplayResult:
    raw_records: int
    events: int
    shipments: int
    dead_letters: int
    network_nodes: int


@dataclass
class _Replayed:
    """What the raw records made so far."""

    chain: Chain
    raw_records: int = 0
    events: int = 0
    letters: list[dict[str, Any]] = field(default_factory=list)
    nodes: dict[str, dict[str, Any]] = field(default_factory=dict)

    def take(self, message: Any) -> None:
        """Run one raw record through normalize and the chain."""
        self.raw_records += 1
        topic, partition, offset = message.topic, message.partition, message.offset
        outcome = normalize_record(message.value, topic=topic, partition=partition, offset=offset)
        for failure in outcome.failures:
            headers = deadletters.headers_for(failure, topic=topic, partition=partition,
                                              offset=offset)
            self.letters.append(deadletters.decode(headers, message.key, message.value))
        for node in outcome.nodes:
            self.nodes[node["node_id"]] = node
        self.events += len(outcome.events)
        self.chain.add_all(outcome.events)

    def figures(self) -> dict[str, int]:
        return {"events": self.events, "shipments": self.chain.shipment_count,
                "dead_letters": len(self.letters)}


def replay(
    kafka: KafkaConnection,
    store: ViewStore,
    partners: Iterable[str],
    *,
    progress: Progress = NO_PROGRESS,
    agreements: Agreements = frozenset(),
) -> ReplayResult:
    """Rebuild the view of ``partners`` (and of every member's topic) into ``store``; see
    the module doc. ``progress`` hears of three phases: reading the raw topics (records
    read of those the topics held when the replay began), matching service points and
    writing the view."""
    done = _Replayed(Chain(agreements))
    topics = [raw_topic(p) for p in sorted(partners)] + sorted(member_topics(kafka))
    with TopicScan(kafka, topics) as scan:
        progress.phase("reading raw topics", total=scan.total, unit="records")
        for topic in topics:
            for message in scan.records(topic):
                done.take(message)
                progress.update(done.raw_records, **done.figures())
    progress.phase("matching service points", total=len(done.nodes), unit="network nodes")
    points = OutletNetwork().points(done.nodes.items())
    progress.update(len(done.nodes), service_points=len(points))
    live, gone = done.chain.shipments, done.chain.merged
    progress.phase("writing the view", total=len(live), unit="shipments")
    store.apply(REPLAY_CONSUMER, views=live, deleted=gone, dead_letters=done.letters,
                nodes=done.nodes.values(), points=list(points.values()), deleted_points=[],
                offsets={})
    progress.update(len(live), merged=len(gone))
    return ReplayResult(done.raw_records, done.events, len(live), len(done.letters),
                        len(done.nodes))
