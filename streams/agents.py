"""The agents: thin loops that decode, call a pure function or state machine, and send.

``normalize_records``   raw payloads -> canonical events (or network nodes); failures -> DLQ
``collect_legs``        events and messages between legs -> each leg's state (table, keyed
                        by leg): its events, the leg it came from, its shipment
``match_handovers``     legs with unnamed hand-overs and their candidates -> matches, one
                        region at a time (table, keyed by region)
``assemble_shipments``  leg assignments -> each shipment's legs (table, keyed by shipment
                        id: the repartition) -> its reconciled view on lintas.shipments.v1
``place_outlets``       network nodes -> each tile that holds the node (table, keyed by node
                        id: the tiles it was sent to)
``match_service_points`` a tile's outlets (table, one entry per cell) -> the service points
                        its outlets name, on lintas.service-points.v1

Each agent is a module-level coroutine taking the :class:`Pipeline` and its stream;
:func:`register_agents` declares them on the app. Every agent runs with concurrency 1
(more can commit past an unprocessed message); scale by partitions.

An agent never dies on data: whatever one record makes a step raise (decoding, a state
machine, encoding, state grown past :data:`STATE_LIMIT`, a send the broker refuses for that
record) sends the record to the DLQ with the agent's name as its stage and the reason, and
the agent goes on. The state is written only after the step succeeded. Only errors
that say to retry (the broker unreachable) stop it.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from contextlib import asynccontextmanager
from typing import Any, cast

from faust.streams import Stream
from faust.types import EventT, StreamT, TopicT

from lintas.core.deadletters import Failure, headers_for
from lintas.schemas.codec import codec
from lintas.streams.assembler import Assembler, Closed
from lintas.streams.handovers import RegionStep
from lintas.streams.legcodec import (
    decode_leg,
    decode_message,
    decode_region,
    decode_summary,
    encode_leg,
    encode_message,
    encode_region,
    encode_summary,
)
from lintas.streams.legs import LegStep, Output
from lintas.streams.messages import (
    decode_assignment,
    decode_outlet,
    encode_assignment,
    encode_outlet,
)
from lintas.streams.normalize import event_key, normalize_record
from lintas.streams.ops.metrics import POISON_RECORDS, REOPENED, UNMAPPED_STATUSES
from lintas.streams.outlets import OutletMatcher, OutletPlacer
from lintas.streams.pipeline import AGENT_NAMES, Pipeline
from lintas.streams.sweeps import LegSweep, ShipmentSweep, closing_of
from lintas.streams.transport import WireProducer

__all__ = ["register_agents"]

log = logging.getLogger(__name__)

#: The most one key's state may take once encoded: its changelog record, and the messages
#: sent with what it holds, must stay under the broker's 1 MiB record limit. A step that
#: would keep more is refused (:class:`StateTooLarge`) and its record dead-lettered.
STATE_LIMIT = 512 * 1024


class StateTooLarge(ValueError):
    """A record would make one key's state larger than :data:`STATE_LIMIT`."""


def _bounded(key: bytes | str, value: bytes) -> bytes:
    if len(value) > STATE_LIMIT:
        name = key.decode(errors="replace") if isinstance(key, bytes) else key
        raise StateTooLarge(f"{name}: its state would take {len(value):,} bytes, more than "
                            f"the {STATE_LIMIT:,} one key may keep")
    return value


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


#: Raw records the normalize agent takes at once, and how long it waits for that many.
NORMALIZE_BATCH = 200
NORMALIZE_WAIT = 0.05


async def normalize_records(p: Pipeline, stream: StreamT) -> None:
    """Normalize every raw record; what cannot be parsed goes to the DLQ with its reason.

    Records come in batches (``take_events``): the agent works through many per round of
    the event loop. Each record stays a unit of its own: one that makes the work raise
    goes to the DLQ alone and the others go on. Faust acknowledges a batch when the agent
    asks for the next one, and flushes the producer before it commits those offsets.
    """
    # Faust's StreamT does not declare take_events; its Stream, which agents get, has it.
    batches = cast(Stream, stream).take_events(NORMALIZE_BATCH, NORMALIZE_WAIT)
    async for events in batches:
        done = 0
        try:
            for event in events:
                async with _poison_to_dlq(p, event, "normalize_records"):
                    await _normalize(p, event)
                done += 1
        finally:
            _hold_unprocessed(events[done:])


def _hold_unprocessed(events: Sequence[EventT]) -> None:
    """Keep ``events`` from ever counting as acknowledged.

    When something leaves a batch early (an error that says to retry, the agent
    cancelled as the worker stops), Faust's ``take_events`` still acknowledges every
    event of the batch as it closes, and a commit would then pass records nobody
    processed. One more reference on each message keeps its offset out of the
    acknowledged ones: nothing commits past it, and the transport reads it again
    (:class:`lintas.streams.transport.GapSafeConsumer`), or the next worker does.
    """
    for event in events:
        event.message.incref()


async def _normalize(p: Pipeline, event: EventT) -> None:
    """Send one raw record's events or network nodes, and its failures to the DLQ."""
    message = event.message
    outcome = normalize_record(event.value, topic=message.topic, partition=message.partition,
                               offset=message.offset)
    events_topic = p.shipment_events.get_topic_name()
    messages: list[tuple[str, bytes, bytes | None]] = []
    for record in outcome.events:
        if record["status"] == "unknown":
            UNMAPPED_STATUSES.labels(record["partner"]).inc()
        messages.append((events_topic, event_key(record).encode(), _EVENT.encode(record)))
    nodes_topic = p.network_nodes.get_topic_name()
    messages += [(nodes_topic, n["node_id"].encode(), _NODE.encode(n)) for n in outcome.nodes]
    await _send_many(p, messages)
    for failure in outcome.failures:
        await _dead_letter(p, event, failure)


async def _send_many(p: Pipeline, messages: list[tuple[str, bytes, bytes | None]]) -> None:
    """Send ``(topic, key, value)`` messages through the app's producer: all at once where
    the transport's producer can (:meth:`lintas.streams.transport.WireProducer.send_many`),
    one by one otherwise."""
    producer = p.app.producer
    if isinstance(producer, WireProducer):
        await producer.send_many(messages)
        return
    for topic, key, value in messages:
        await producer.send(topic, key, value, None, None, None)


async def collect_legs(p: Pipeline, stream: StreamT) -> None:
    """Each leg's state machine (:mod:`lintas.streams.legs`): its events, the messages
    other legs and the matcher send it, its parent and shipment."""
    table = p.leg_records
    assert table is not None
    sweep = LegSweep(closing_of(p), table)
    async for event in stream.events():
        message = event.message
        async with _poison_to_dlq(p, event, "collect_legs"):
            leg = event.key.decode()
            record = decode_leg(leg, table.get(event.key))
            step = LegStep(record, p.agreements)
            if message.topic == p.shipment_events.get_topic_name():
                shipment_event = _EVENT.decode(event.value)
                sweep.saw([shipment_event])
                out = step.event(shipment_event, message.topic, message.offset)
            else:
                out = step.message(decode_message(event.value), message.topic, message.offset)
            state = _bounded(event.key, encode_leg(record))
            await _send_outputs(p, out)
            table[event.key] = state
            sweep.noted(message.partition, record)
        await _swept(sweep.sweep, message.partition)


async def match_handovers(p: Pipeline, stream: StreamT) -> None:
    """Match unnamed hand-overs in their region (:mod:`lintas.streams.handovers`)."""
    table = p.region_records
    assert table is not None
    async for event in stream.events():
        async with _poison_to_dlq(p, event, "match_handovers"):
            region = event.key.decode()
            record = decode_region(region, table.get(event.key))
            out = RegionStep(record).apply(decode_summary(event.value), event.message.offset)
            state = _bounded(event.key, encode_region(record))
            await _send_outputs(p, out, legs=p.handover_matches)
            table[event.key] = state


async def _send_outputs(p: Pipeline, outputs: list[Output], *,
                        legs: TopicT | None = None) -> None:
    """Send what a leg or region step decided: to legs, to regions, to shipments."""
    for where, key, message in outputs:
        if where == "legs":
            await _send(p, legs or p.leg_messages, key.encode(), encode_message(message))
        elif where == "handovers":
            await _send(p, p.region_summaries, key.encode(), encode_summary(message))
        else:
            await _send(p, p.shipment_legs, key.encode(), encode_assignment(message))


async def assemble_shipments(p: Pipeline, stream: StreamT) -> None:
    """Set or drop a leg of a shipment and send the shipment's view (or a tombstone)."""
    assembler = Assembler(_TextKeyed(p.shipment_states))
    closing = closing_of(p)
    sweep = ShipmentSweep(p, closing, assembler, lambda t, k, v: _send(p, t, k, v))
    async for event in stream.events():
        partition = event.message.partition
        async with _poison_to_dlq(p, event, "assemble_shipments"):
            assignment = decode_assignment(event.value)
            sweep.saw(assignment.events)
            try:
                view = assembler.apply(assignment)
            except Closed as closed:  # a late event: read the shipment back, reopen it
                if closing.archive is None:
                    raise
                archived = await closing.archive.read(closed.archive, closed.shipment_id)
                view = assembler.apply(assignment, archived)
                REOPENED.inc()
            await _send(p, p.shipment_views, assignment.shipment_id.encode(),
                        _VIEW.encode(view) if view is not None else None)
            sweep.noted(partition, assignment.shipment_id, view)
        await _swept(sweep.sweep, partition)


async def _swept(sweep: Callable[[int], Awaitable[None] | None], partition: int) -> None:
    """Run a sweep after a message: a failure there is logged, and concerns no record
    (only an error that says to retry stops the agent)."""
    try:
        result = sweep(partition)
        if result is not None:
            await result
    except Exception as exc:
        if getattr(exc, "retriable", False):
            raise
        log.warning("closing shipments of partition %s: %s: %s", partition,
                    type(exc).__name__, exc)


async def place_outlets(p: Pipeline, stream: StreamT) -> None:
    """Send each network node to the tiles that hold it (:mod:`lintas.streams.outlets`);
    a tombstone drops it from them."""
    placer = OutletPlacer(_TextKeyed(p.outlet_homes))
    async for event in stream.events():
        async with _poison_to_dlq(p, event, "place_outlets"):
            node = _NODE.decode(event.value) if event.value is not None else None
            for tile, message in placer.apply(event.key.decode(), node, event.message.offset):
                await _send(p, p.outlets_by_tile, tile.encode(), encode_outlet("message", message))


async def match_service_points(p: Pipeline, stream: StreamT) -> None:
    """Re-match the groups a node was and is in; send changed service points and
    tombstones."""
    matcher = OutletMatcher(_TextKeyed(p.outlet_tiles))
    async for event in stream.events():
        async with _poison_to_dlq(p, event, "match_service_points"):
            message = decode_outlet("message", event.value)
            for spid, point in matcher.apply(event.key.decode(), message):
                await _send(p, p.service_points, spid.encode(),
                            _POINT.encode(point) if point else None)


AgentFun = Callable[[Pipeline, StreamT], Awaitable[None]]

#: agent name -> (the topic it reads, its function)
AGENTS: dict[str, tuple[Callable[[Pipeline], TopicT], AgentFun]] = {
    "normalize_records": (lambda p: p.raw_records, normalize_records),
    "collect_legs": (lambda p: p.leg_inputs, collect_legs),
    "match_handovers": (lambda p: p.region_summaries, match_handovers),
    "assemble_shipments": (lambda p: p.shipment_legs, assemble_shipments),
    "place_outlets": (lambda p: p.network_nodes, place_outlets),
    "match_service_points": (lambda p: p.outlets_by_tile, match_service_points),
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
        self.table[key.encode()] = _bounded(key, value)

    def pop(self, key: str, default: Any = None) -> Any:
        return self.table.pop(key.encode(), default)

    def items(self) -> list[tuple[str, bytes]]:
        return [(k.decode(), v) for k, v in self.table.items() if v is not None]
