"""``lintas replay``: rebuild the view from the raw topics alone.

Every record of every ``lintas.raw.<partner>`` topic is read from the beginning and run
through the same steps the agents run — normalize, then the :class:`Chain` of each leg's
state machine, the region matcher and the assembler — in one process, and the result is written to a
view database. Because each step is a function of its input set, the rebuilt view equals
the one the pipeline keeps (``updated_at`` aside); a mapping fix becomes a new view by
replaying.

The whole history is held in memory while replaying; for very large histories run it per
partner (``--partner``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from lintas.core import deadletters
from lintas.core.topics import raw_topic
from lintas.kafka.admin import read_all
from lintas.kafka.connection import KafkaConnection
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


def replay(
    kafka: KafkaConnection,
    store: ViewStore,
    partners: Iterable[str],
    *,
    progress: Callable[[str], None] = lambda _: None,
    agreements: Agreements = frozenset(),
) -> ReplayResult:
    """Rebuild the view of ``partners`` (and of every member's topic) into ``store``; see
    the module doc."""
    chain = Chain(agreements)
    letters: list[dict[str, Any]] = []
    nodes: dict[str, dict[str, Any]] = {}
    raw_count = events = 0
    for topic in [raw_topic(p) for p in sorted(partners)] + sorted(member_topics(kafka)):
        records = sorted(read_all(kafka, topic), key=lambda m: (m.partition, m.offset))
        progress(f"{topic}: {len(records)} raw records")
        for message in records:
            raw_count += 1
            outcome = normalize_record(message.value, topic=topic, partition=message.partition,
                                       offset=message.offset)
            for failure in outcome.failures:
                headers = deadletters.headers_for(failure, topic=topic, partition=message.partition,
                                                  offset=message.offset)
                letters.append(deadletters.decode(headers, message.key, message.value))
            for node in outcome.nodes:
                nodes[node["node_id"]] = node
            events += len(outcome.events)
            chain.add_all(outcome.events)
    points = OutletNetwork().points(nodes.items())
    live, gone = chain.shipments, chain.merged
    store.apply(REPLAY_CONSUMER, views=live, deleted=gone, dead_letters=letters,
                nodes=nodes.values(), points=list(points.values()), deleted_points=[],
                offsets={})
    return ReplayResult(raw_count, events, len(live), len(letters), len(nodes))
