"""The agents: thin loops that decode, call a pure function or state machine, and send.

``normalize_records``   raw payloads -> canonical events (or network nodes); failures -> DLQ
``collect_legs``        events -> each leg's distinct events (table, keyed by leg)
``link_legs``           leg updates -> which shipment each leg belongs to (one partition)
``assemble_shipments``  leg assignments -> each shipment's legs (table, keyed by shipment
                        id: the repartition) -> its reconciled view on lintas.shipments.v1
``place_outlets``       network nodes -> repartitioned by regency
``match_service_points`` a regency's outlets -> service points on lintas.service-points.v1

Every agent runs with concurrency 1 (more can commit past an unprocessed message); scale
by partitions.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

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
from lintas.streams.outlets import OutletMatcher, region_key
from lintas.streams.reconcile import preferred

if TYPE_CHECKING:
    from lintas.streams.app import Pipeline

AGENT_NAMES = ("normalize_records", "collect_legs", "link_legs", "assemble_shipments",
               "place_outlets", "match_service_points")

__all__ = ["register_agents"]


def register_agents(p: Pipeline, selected: set[str] | None = None) -> None:
    """Declare the agents (all, or the ``selected`` ones) on the pipeline's app."""
    wanted = selected if selected is not None else set(AGENT_NAMES)

    def agent(channel: Any, name: str) -> Any:
        if name not in wanted:
            return lambda fn: fn  # not this worker's job
        return p.app.agent(channel, name=name, concurrency=1)

    view_codec = codec("ShipmentView")
    event_codec = codec("ShipmentEvent")
    node_codec = codec("NetworkNode")
    point_codec = codec("ServicePoint")
    to_events, to_nodes = _Direct(p.app, p.shipment_events), _Direct(p.app, p.network_nodes)
    to_leg_updates = _Direct(p.app, p.leg_updates)
    to_shipment_legs = _Direct(p.app, p.shipment_legs)
    to_views, to_outlets = _Direct(p.app, p.shipment_views), _Direct(p.app, p.outlets_by_region)
    to_points = _Direct(p.app, p.service_points)

    @agent(p.raw_records, "normalize_records")
    async def normalize_records(stream: Any) -> None:
        """Normalize every raw record; what cannot be parsed goes to the DLQ with its reason."""
        async for event in stream.events():
            message = event.message
            outcome = normalize_record(
                event.value, topic=message.topic, partition=message.partition,
                offset=message.offset,
            )
            for record in outcome.events:
                await to_events(event_key(record).encode(), event_codec.encode(record))
            for node in outcome.nodes:
                await to_nodes(node["node_id"].encode(), node_codec.encode(node))
            for failure in outcome.failures:
                await p.dead_letters.send(
                    key=event.key,
                    value=event.value,
                    headers=headers_for(
                        failure, topic=message.topic, partition=message.partition,
                        offset=message.offset,
                    ),
                )

    @agent(p.shipment_events, "collect_legs")
    async def collect_legs(stream: Any) -> None:
        """Add each event to its leg's set; when the set changed, pass the leg on.

        A duplicate event changes nothing; only a redelivery after a restart (an offset
        already applied) passes the leg on again, in case that was lost with the crash.
        """
        table = p.leg_event_sets
        async for event in stream.events():
            record = event.value
            offset = event.message.offset
            leg = event_key(record)
            key = leg.encode()
            stored = table.get(key)
            state = decode_event_set(stored) if stored else EventSet()
            seen = state.events.get(record["event_id"])
            if seen is None or preferred(seen, record) is not seen:
                state.events[record["event_id"]] = record
                state.last_offset = offset
                table[key] = encode_event_set(state)
            elif offset > state.last_offset:
                continue
            # Only the new (or preferred) copy travels; the linker keeps the leg's events.
            update = LegUpdate(leg, [state.events[record["event_id"]]], state.last_offset)
            await to_leg_updates(key, encode_update(update))

    @agent(p.leg_updates, "link_legs")
    async def link_legs(stream: Any) -> None:
        """Re-link the updated leg's neighbourhood; tell shipments which legs they hold."""
        linker: Linker | None = None
        generation = None
        async for event in stream.events():
            if linker is None or event.message.generation_id != generation:
                # After a rebalance the table may hold other partitions' state: rebuild.
                linker = _BytesKeyed.linker(p.leg_states)
                generation = event.message.generation_id
            for assignment in linker.apply(decode_update(event.value)):
                await to_shipment_legs(assignment.shipment_id.encode(),
                                       encode_assignment(assignment))

    @agent(p.shipment_legs, "assemble_shipments")
    async def assemble_shipments(stream: Any) -> None:
        """Set or drop a leg of a shipment and send the shipment's view (or a tombstone)."""
        assembler = Assembler(_BytesKeyed(p.shipment_states))
        async for event in stream.events():
            assignment = decode_assignment(event.value)
            view = assembler.apply(assignment)
            await to_views(assignment.shipment_id.encode(),
                           view_codec.encode(view) if view is not None else None)


    @agent(p.network_nodes, "place_outlets")
    async def place_outlets(stream: Any) -> None:
        """Send each network node on, keyed by its regency."""
        async for event in stream.events():
            node = event.value
            await to_outlets(region_key(node).encode(), node_codec.encode(node))

    @agent(p.outlets_by_region, "match_service_points")
    async def match_service_points(stream: Any) -> None:
        """Re-match the node's regency; send changed service points and tombstones."""
        matcher = OutletMatcher(_BytesKeyed(p.region_outlets))
        async for event in stream.events():
            for spid, point in matcher.apply(node_codec.decode(event.value), event.message.offset):
                await to_points(spid.encode(), point_codec.encode(point) if point else None)


class _Direct:
    """Sends encoded records to one topic through the app's producer.

    The agents send this way instead of through Faust's ``Topic.send``, whose bookkeeping
    costs more per message than the normalize agent's parsing (docs/benchmarks.md).
    Delivery is unchanged: before Faust commits a consumed offset it flushes the producer,
    so everything an agent sent for a record is acknowledged before the record counts as
    done.
    """

    def __init__(self, app: Any, topic: Any) -> None:
        self.app = app
        self.topic = topic.get_topic_name()

    async def __call__(self, key: bytes, value: bytes | None) -> None:
        await self.app.producer.send(self.topic, key, value, None, None, None)


class _BytesKeyed:
    """A Faust table (bytes keys) seen as a mapping with text keys."""

    def __init__(self, table: Any) -> None:
        self.table = table

    @classmethod
    def linker(cls, table: Any) -> Linker:
        return Linker(cls(table))

    def get(self, key: str, default: Any = None) -> Any:
        return self.table.get(key.encode(), default)

    def __setitem__(self, key: str, value: bytes) -> None:
        self.table[key.encode()] = value

    def pop(self, key: str, default: Any = None) -> Any:
        return self.table.pop(key.encode(), default)

    def items(self) -> list[tuple[str, bytes]]:
        return [(k.decode(), v) for k, v in self.table.items() if v is not None]
