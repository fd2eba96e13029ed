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

An agent never dies on data: whatever one record makes a step raise (decoding, a state
machine, encoding, a send the broker refuses for that record) sends the record to the DLQ
with the agent's name as its stage and the reason, and the agent goes on. Only errors
that say to retry (the broker unreachable) stop it.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from typing import Any

from faust.types import EventT, StreamT, TopicT

from lintas.core.deadletters import Failure, headers_for
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
from lintas.streams.ops.metrics import POISON_RECORDS, UNMAPPED_STATUSES
from lintas.streams.outlets import OutletMatcher, region_key
from lintas.streams.pipeline import AGENT_NAMES, Pipeline

__all__ = ["register_agents"]

log = logging.getLogger(__name__)

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


async def _dead_letter(p: Pipeline, event: EventT, failure: Failure) -> None:
    """Send ``event``'s record to the DLQ with ``failure`` in its headers."""
    message = event.message
    headers = headers_for(failure, topic=message.topic, partition=message.partition,
                          offset=message.offset)
    try:
        await p.dead_letters.send(key=event.key, value=event.value, headers=headers)
    except Exception as exc:
        if getattr(exc, "retriable", False):
            raise
        # The record itself cannot travel (too large, say): its origin in the headers is
        # enough to find it on its source topic, which keeps it.
        omitted = [*headers, ("lintas.error.payload_omitted", type(exc).__name__.encode())]
        await p.dead_letters.send(key=event.key, value=None, headers=omitted)


@asynccontextmanager
async def _poison_to_dlq(p: Pipeline, event: EventT, stage: str) -> AsyncIterator[None]:
    """Run one record's work; if the record makes it raise, dead-letter it and go on."""
    try:
        yield
    except Exception as exc:
        if getattr(exc, "retriable", False):
            raise
        POISON_RECORDS.labels(stage, type(exc).__name__).inc()
        message = event.message
        log.warning("%s: %s:%s:%s to the DLQ: %s: %s", stage, message.topic,
                    message.partition, message.offset, type(exc).__name__, exc)
        await _dead_letter(p, event, Failure(stage, type(exc).__name__, str(exc) or repr(exc)))


async def normalize_records(p: Pipeline, stream: StreamT) -> None:
    """Normalize every raw record; what cannot be parsed goes to the DLQ with its reason."""
    async for event in stream.events():
        async with _poison_to_dlq(p, event, "normalize_records"):
            message = event.message
            outcome = normalize_record(event.value, topic=message.topic,
                                       partition=message.partition, offset=message.offset)
            for record in outcome.events:
                if record["status"] == "unknown":
                    UNMAPPED_STATUSES.labels(record["partner"]).inc()
                await _send(p, p.shipment_events, event_key(record).encode(),
                            _EVENT.encode(record))
            for node in outcome.nodes:
                await _send(p, p.network_nodes, node["node_id"].encode(), _NODE.encode(node))
            for failure in outcome.failures:
                await _dead_letter(p, event, failure)


async def collect_legs(p: Pipeline, stream: StreamT) -> None:
    """Add each event to its leg's set; when the set changed, pass the leg on.

    A duplicate event changes nothing; only a redelivery after a restart (an offset
    already applied) passes the leg on again, in case that was lost with the crash.
    """
    table = p.leg_event_sets
    assert table is not None
    async for event in stream.events():
        async with _poison_to_dlq(p, event, "collect_legs"):
            record, offset = _EVENT.decode(event.value), event.message.offset
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
            linker = Linker(_TextKeyed(p.leg_states), p.agreements)
            generation = event.message.generation_id
        async with _poison_to_dlq(p, event, "link_legs"):
            for assignment in linker.apply(decode_update(event.value)):
                await _send(p, p.shipment_legs, assignment.shipment_id.encode(),
                            encode_assignment(assignment))


async def assemble_shipments(p: Pipeline, stream: StreamT) -> None:
    """Set or drop a leg of a shipment and send the shipment's view (or a tombstone)."""
    assembler = Assembler(_TextKeyed(p.shipment_states))
    async for event in stream.events():
        async with _poison_to_dlq(p, event, "assemble_shipments"):
            assignment = decode_assignment(event.value)
            view = assembler.apply(assignment)
            await _send(p, p.shipment_views, assignment.shipment_id.encode(),
                        _VIEW.encode(view) if view is not None else None)


async def place_outlets(p: Pipeline, stream: StreamT) -> None:
    """Send each network node on, keyed by its regency."""
    async for event in stream.events():
        async with _poison_to_dlq(p, event, "place_outlets"):
            node = _NODE.decode(event.value)
            await _send(p, p.outlets_by_region, region_key(node).encode(), _NODE.encode(node))


async def match_service_points(p: Pipeline, stream: StreamT) -> None:
    """Re-match the node's regency; send changed service points and tombstones."""
    matcher = OutletMatcher(_TextKeyed(p.region_outlets))
    async for event in stream.events():
        async with _poison_to_dlq(p, event, "match_service_points"):
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
            p.app.agent(channel(p), name=name, concurrency=1)(_bound(fun, p))


def _bound(fun: AgentFun, p: Pipeline) -> Callable[[StreamT], Awaitable[None]]:
    """``fun`` with its pipeline given: the stream function Faust runs, named as ``fun``
    (Faust's logs name an agent by its function)."""

    async def agent(stream: StreamT) -> None:
        await fun(p, stream)

    agent.__name__, agent.__qualname__ = fun.__name__, fun.__qualname__
    agent.__module__ = fun.__module__
    return agent


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
