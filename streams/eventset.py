"""The reconcile table's value: a shipment's distinct events and the last offset applied.

``last_offset`` is the offset (on ``lintas.shipment-events.v1``) of the last message
whose event was added. After a restart, a message at or below it is a redelivery of one
already applied, whose view may never have been sent: the agent sends the view again.
A duplicate arriving later (a re-poll) changes nothing and sends nothing.

Encoded with Avro; the table holds these bytes and so does its changelog topic, from
which a restarted worker recovers every shipment.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from functools import cache
from typing import Any

import fastavro

from lintas.schemas.codec import load_schema
from lintas.streams.reconcile import preferred

__all__ = ["EventSet", "decode_event_set", "encode_event_set"]


@dataclass(slots=True)
class EventSet:
    """Distinct events of one shipment, by event id."""

    events: dict[str, dict[str, Any]] = field(default_factory=dict)
    last_offset: int = -1

    def add(self, event: dict[str, Any], offset: int) -> bool:
        """Keep ``event``, read at ``offset``, if it is new or a better copy of one already
        kept (:func:`~lintas.streams.reconcile.preferred`); whether the set changed."""
        seen = self.events.get(event["event_id"])
        if seen is not None and preferred(seen, event) is seen:
            return False
        self.events[event["event_id"]] = event
        self.last_offset = offset
        return True

    def redelivered(self, offset: int) -> bool:
        """Whether a message at ``offset`` was read before the last restart: its effect
        may not have been passed on before the worker stopped."""
        return offset <= self.last_offset


@cache
def _schema() -> Any:
    return fastavro.parse_schema({
        "type": "record",
        "name": "EventSet",
        "namespace": "id.lintas.internal",
        "fields": [
            {"name": "events", "type": {"type": "array", "items": load_schema("ShipmentEvent")}},
            {"name": "last_offset", "type": "long"},
        ],
    })


def encode_event_set(value: EventSet) -> bytes:
    buffer = io.BytesIO()
    fastavro.schemaless_writer(
        buffer, _schema(), {"events": list(value.events.values()), "last_offset": value.last_offset}
    )
    return buffer.getvalue()


def decode_event_set(data: bytes) -> EventSet:
    record: Any = fastavro.schemaless_reader(io.BytesIO(data), _schema())
    return EventSet({e["event_id"]: e for e in record["events"]}, record["last_offset"])

