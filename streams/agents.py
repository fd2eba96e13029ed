"""The agents: thin loops that decode, call a pure function and send.

``normalize_records``: raw payloads -> canonical events, failures -> DLQ.
``reconcile_events``: canonical events -> the shipment's event set -> its view.
Both run with concurrency 1 (more can commit past an unprocessed message); scale by
partitions.
"""

from __future__ import annotations

from typing import Any

from streams.app import (
    app,
    dead_letters,
    raw_records,
    shipment_event_sets,
    shipment_events,
    shipment_views,
)
from streams.deadletters import headers_for
from streams.eventset import EventSet
from streams.normalize import event_key, normalize_record
from streams.reconcile import preferred, reconcile

__all__ = ["normalize_records", "reconcile_events"]


@app.agent(raw_records, concurrency=1)
async def normalize_records(stream: Any) -> None:
    """Normalize every raw record; what cannot be parsed goes to the DLQ with its reason."""
    async for event in stream.events():
        message = event.message
        outcome = normalize_record(
            event.value, topic=message.topic, partition=message.partition, offset=message.offset
        )
        for record in outcome.events:
            await shipment_events.send(key=event_key(record).encode(), value=record)
        for failure in outcome.failures:
            await dead_letters.send(
                key=event.key,
                value=event.value,
                headers=headers_for(
                    failure, topic=message.topic, partition=message.partition,
                    offset=message.offset,
                ),
            )


@app.agent(shipment_events, concurrency=1)
async def reconcile_events(stream: Any) -> None:
    """Add each event to its shipment's set and send the new view.

    A duplicate event changes nothing; only a redelivery after a restart (an offset
    already applied) sends the view again, in case it was lost with the crash.
    """
    async for event in stream.events():
        record = event.value
        offset = event.message.offset
        shipment_id = event_key(record)
        key = shipment_id.encode()
        state = shipment_event_sets.get(key) or EventSet()
        seen = state.events.get(record["event_id"])
        if seen is None or preferred(seen, record) is not seen:
            state.events[record["event_id"]] = record
            state.last_offset = offset
            shipment_event_sets[key] = state
        elif offset > state.last_offset:
            continue
        await shipment_views.send(key=key, value=reconcile(shipment_id, state.events.values()))
