"""The agents: thin loops that decode, call a pure function or state machine, and send.

``normalize_records``   raw payloads -> canonical events (or network nodes); failures -> DLQ
``collect_legs``        events -> each leg's distinct events (table, keyed by leg)
``link_legs``           leg updates -> which shipment each leg belongs to (one partition)
``assemble_shipments``  leg assignments -> each shipment's legs (table, keyed by shipment
                        id: the repartition) -> its reconciled view on lintas.shipments.v1
``place_outlets``       network nodes -> repartitioned by regency
``match_service_points`` a regency's outlets -> service points on lintas.service-points.v1

Each agent is a module-level coroutine taking the :class:`Pipeline` and its stream;
:func:`register_agents` declares them on the app. Every agent runs with concurrency 1
(more can commit past an unprocessed message); scale by partitions.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from functools import partial
from typing import Any

from faust.types import StreamT, TopicT

from lintas.core.deadletters import headers_for
from lintas.schemas.codec import codec
from lintas.streams.assembler import Assembler
from lintas.streams.eventset import EventSet, decode_event_set, encode_event_set
from lintas.streams.linker import Linker
from lintas.streams.messages import (
    LegUpdate,
    decode_assignment,
    decode_update,
    encode_assignment,
    encode_update,
)
from lintas.streams.normalize import event_key, normalize_record
from lintas.streams.ops.metrics import UNMAPPED_STATUSES
from lintas.streams.outlets import OutletMatcher, region_key
from lintas.streams.pipeline import AGENT_NAMES, Pipeline

__all__ = ["register_agents"]

_EVENT = codec("ShipmentEvent")
_NODE = codec("NetworkNode")
_VIEW = codec("ShipmentView")
_POINT = codec("ServicePoint")


async def _send(p: Pipeline, topic: TopicT, key: bytes, value: bytes | None) -> None:
    """Send encoded bytes through the app's producer.

    The agents send this way instead of through Faust's ``Topic.send``, whose bookkeeping
    costs more per message than the normalize agent's parsing (docs/benchmarks.md).
    Delivery is unchanged: before Faust commits a consumed offset it flushes the producer,
    so everything an agent sent for a record is acknowledged before the record counts as
    done.
    """
    await p.app.producer.send(topic.get_topic_name(), key, value, None, None, None)


async def normalize_records(p: Pipeline, stream: StreamT) -> None:
    """Normalize every raw record; what cannot be parsed goes to the DLQ with its reason."""
    async for event in stream.events():
        message = event.message
        outcome = normalize_record(
            event.value, topic=message.topic, partition=message.partition, offset=message.offset,
        )
        for record in outcome.events:
            if record["status"] == "unknown":
                UNMAPPED_STATUSES.labels(record["partner"]).inc()
            await _send(p, p.shipment_events, event_key(record).encode(), _EVENT.encode(record))
        for node in outcome.nodes:
            await _send(p, p.network_nodes, node["node_id"].encode(), _NODE.encode(node))
        for failure in outcome.failures:
            await p.dead_letters.send(
                key=event.key, value=event.value,
                headers=headers_for(failure, topic=message.topic, partition=message.partition,
                                    offset=message.offset),
            )


async def collect_legs(p: Pipeline, stream: StreamT) -> None:
    """Add each event to its leg's set; when the set changed, pass the leg on.

    A duplicate event changes nothing; only a redelivery after a restart (an offset
    already applied) passes the leg on again, in case that was lost with the crash.
    """
    table = p.leg_event_sets
    assert table is not None
    async for event in stream.events():
        record, offset = event.value, event.message.offset
        leg = event_key(record)
        key = leg.encode()
        stored = table.get(key)
        state = decode_event_set(stored) if stored else EventSet()
        if state.add(record, offset):
            table[key] = encode_event_set(state)
        elif not state.redelivered(offset):
            continue
        # Only the new (or preferred) copy travels; the linker keeps the leg's events.
        update = LegUpdate(leg, [state.events[record["event_id"]]], state.last_offset)
        await _send(p, p.leg_updates, key, encode_update(update))


async def link_legs(p: Pipeline, stream: StreamT) -> None:
    """Re-link the updated leg's neighbourhood; tell shipments which legs they hold."""
    linker: Linker | None = None
    generation = None
    async for event in stream.events():
        if linker is None or event.message.generation_id != generation:
            # After a rebalance the table may hold other partitions' state: rebuild.
            linker = Linker(_TextKeyed(p.leg_states))
            generation = event.message.generation_id
        for assignment in linker.apply(decode_update(event.value)):
            await _send(p, p.shipment_legs, assignment.shipment_id.encode(),
                        encode_assignment(assignment))


async def assemble_shipments(p: Pipeline, stream: StreamT) -> None:
    """Set or drop a leg of a shipment and send the shipment's view (or a tombstone)."""
    assembler = Assembler(_TextKeyed(p.shipment_states))
    async for event in stream.events():
        assignment = decode_assignment(event.value)
        view = assembler.apply(assignment)
        await _send(p, p.shipment_views, assignment.shipment_id.encode(),
                    _VIEW.encode(view) if view is not None else None)


async def place_outlets(p: Pipeline, stream: StreamT) -> None:
    """Send each network node on, keyed by its regency."""
    async for event in stream.events():
        node = event.value
        await _send(p, p.outlets_by_region, region_key(node).encode(), _NODE.encode(node))


async def match_service_points(p: Pipeline, stream: StreamT) -> None:
    """Re-match the node's regency; send changed service points and tombstones."""
    matcher = OutletMatcher(_TextKeyed(p.region_outlets))
    async for event in stream.events():
        for spid, point in matcher.apply(_NODE.decode(event.value), event.message.offset):
            await _send(p, p.service_points, spid.encode(),
                        _POINT.encode(point) if point else None)


AgentFun = Callable[[Pipeline, StreamT], Awaitable[None]]

#: agent name -> (the topic it reads, its function)
AGENTS: dict[str, tuple[Callable[[Pipeline], TopicT], AgentFun]] = {
    "normalize_records": (lambda p: p.raw_records, normalize_records),
    "collect_legs": (lambda p: p.shipment_events, collect_legs),
    "link_legs": (lambda p: p.leg_updates, link_legs),
    "assemble_shipments": (lambda p: p.shipment_legs, assemble_shipments),
    "place_outlets": (lambda p: p.network_nodes, place_outlets),
    "match_service_points": (lambda p: p.outlets_by_region, match_service_points),
}
assert tuple(AGENTS) == AGENT_NAMES


def register_agents(p: Pipeline, selected: set[str] | None = None) -> None:
    """Declare the agents (all, or the ``selected`` ones) on the pipeline's app."""
    for name, (channel, fun) in AGENTS.items():
        if selected is None or name in selected:
            p.app.agent(channel(p), name=name, concurrency=1)(partial(fun, p))


class _TextKeyed:
    """A Faust table (bytes keys) seen as a mapping with text keys (``StateTable``)."""

    def __init__(self, table: Any) -> None:
        if table is None:
            raise ValueError("this worker keeps no state for the agent")
        self.table = table

    def get(self, key: str, default: Any = None) -> Any:
        return self.table.get(key.encode(), default)

    def __setitem__(self, key: str, value: bytes) -> None:
        self.table[key.encode()] = value

    def pop(self, key: str, default: Any = None) -> Any:
        return self.table.pop(key.encode(), default)

    def items(self) -> list[tuple[str, bytes]]:
        return [(k.decode(), v) for k, v in self.table.items() if v is not None]
