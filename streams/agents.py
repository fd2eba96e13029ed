"""The agents: thin loops that decode, call a pure function and send.

``normalize_records``: raw payloads -> canonical events (or network nodes), failures -> DLQ.
``reconcile_events``: canonical events -> the shipment's event set -> its view.
Both run with concurrency 1 (more can commit past an unprocessed message); scale by
partitions.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from streams.deadletters import headers_for
from streams.eventset import EventSet, decode_event_set, encode_event_set
from streams.normalize import event_key, normalize_record
from streams.reconcile import preferred, reconcile

if TYPE_CHECKING:
    from streams.app import Pipeline

__all__ = ["register_agents"]


def register_agents(p: Pipeline) -> None:
    """Declare the agents on the pipeline's app."""

    @p.app.agent(p.raw_records, name="normalize_records", concurrency=1)
    async def normalize_records(stream: Any) -> None:
        """Normalize every raw record; what cannot be parsed goes to the DLQ with its reason."""
        async for event in stream.events():
            message = event.message
            outcome = normalize_record(
                event.value, topic=message.topic, partition=message.partition,
                offset=message.offset,
            )
            for record in outcome.events:
                await p.shipment_events.send(key=event_key(record).encode(), value=record)
            for node in outcome.nodes:
                await p.network_nodes.send(key=node["node_id"].encode(), value=node)
            for failure in outcome.failures:
                await p.dead_letters.send(
                    key=event.key,
                    value=event.value,
                    headers=headers_for(
                        failure, topic=message.topic, partition=message.partition,
                        offset=message.offset,
                    ),
                )

    @p.app.agent(p.shipment_events, name="reconcile_events", concurrency=1)
    async def reconcile_events(stream: Any) -> None:
        """Add each event to its shipment's set and send the new view.

        A duplicate event changes nothing; only a redelivery after a restart (an offset
        already applied) sends the view again, in case it was lost with the crash.
        """
        table = p.shipment_event_sets
        async for event in stream.events():
            record = event.value
            offset = event.message.offset
            shipment_id = event_key(record)
            key = shipment_id.encode()
            stored = table.get(key)
            state = decode_event_set(stored) if stored else EventSet()
            seen = state.events.get(record["event_id"])
            if seen is None or preferred(seen, record) is not seen:
                state.events[record["event_id"]] = record
                state.last_offset = offset
                table[key] = encode_event_set(state)
            elif offset > state.last_offset:
                continue
            await p.shipment_views.send(key=key, value=reconcile(shipment_id, state.events.values()))
