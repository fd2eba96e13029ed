"""``lintas replay``: rebuild the view from the raw topics alone.

Every record of every ``lintas.raw.<partner>`` topic is read from the beginning and run
through the same steps the agents run — normalize, then the :class:`Chain` of each leg's
state machine, the region matcher and the assembler — in one process, and the result is written to a
view database. Because each step is a function of its input set, the rebuilt view equals
the one the pipeline keeps (``updated_at`` aside); a mapping fix becomes a new view by
replaying.

The raw records are read as they are fetched (:class:`TopicScan`). What they make is held
as the agents hold it, each leg and shipment state as its Avro bytes (:class:`Chain`);
dead letters are written as they come, and shipment views are made from the states only
at the end, :data:`CHUNK` shipments per transaction: about half a kilobyte an event
(docs/benchmarks.md). For very large histories run it per partner (``--partner``).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timezone
from itertools import islice
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
#: Shipments (or dead letters) written to the view per transaction.
CHUNK = 2000


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
    store: ViewStore
    raw_records: int = 0
    events: int = 0
    dead_letters: int = 0
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
            self.dead_letters += 1
        if len(self.letters) >= CHUNK:
            self.write_letters()
        for node in outcome.nodes:
            self.nodes[node["node_id"]] = node
        self.events += len(outcome.events)
        self.chain.add_all(outcome.events)

    def write_letters(self) -> None:
        """Write the dead letters kept so far to the view, and forget them."""
        if self.letters:
            self.store.apply(REPLAY_CONSUMER, dead_letters=self.letters, offsets={})
            self.letters = []

    def figures(self) -> dict[str, int]:
        return {"events": self.events, "shipments": self.chain.shipment_count,
                "dead_letters": self.dead_letters}


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
    done = _Replayed(Chain(agreements), store)
    topics = [raw_topic(p) for p in sorted(partners)] + sorted(member_topics(kafka))
    with TopicScan(kafka, topics) as scan:
        progress.phase("reading raw topics", total=scan.total, unit="records")
        for topic in topics:
            for message in scan.records(topic):
                done.take(message)
                progress.update(done.raw_records, **done.figures())
    done.write_letters()
    progress.phase("matching service points", total=len(done.nodes), unit="network nodes")
    points = OutletNetwork().points(done.nodes.items())
    progress.update(len(done.nodes), service_points=len(points))
    store.apply(REPLAY_CONSUMER, nodes=done.nodes.values(), points=list(points.values()),
                deleted_points=[], offsets={})
    shipments = _write_views(done.chain, store, progress)
    return ReplayResult(done.raw_records, done.events, shipments, done.dead_letters,
                        len(done.nodes))


def _write_views(chain: Chain, store: ViewStore, progress: Progress) -> int:
    """Write the chain's shipment views, :data:`CHUNK` per transaction, and the merged
    shipments' tombstones; how many shipments were written."""
    live, gone = chain.shipment_count, chain.merged
    progress.phase("writing the view", total=live, unit="shipments")
    now = datetime.now(timezone.utc)
    store.apply(REPLAY_CONSUMER, deleted=gone, offsets={}, updated_at=now)
    written = 0
    for views in _chunks(chain.views(), CHUNK):
        store.apply(REPLAY_CONSUMER, views=views, offsets={}, updated_at=now)
        written += len(views)
        progress.update(written, merged=len(gone))
    progress.update(written, merged=len(gone))
    return written


def _chunks(items: Iterable[dict[str, Any]], size: int) -> Iterator[list[dict[str, Any]]]:
    iterator = iter(items)
    while chunk := list(islice(iterator, size)):
        yield chunk
