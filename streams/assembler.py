"""The state machine behind the ``assemble_shipments`` agent, free of Kafka.

A shipment's state (table: shipment id -> bytes) is the set of its legs, each with its
events, link method and confidence. A ``leg`` assignment sets a whole leg, ``events`` adds
to one, a ``drop`` removes it; the shipment's view is then the pure
:func:`lintas.streams.reconcile.reconcile` over the union of its legs' events — or ``None``
when no leg is left, which becomes a tombstone on ``lintas.shipments.v1``.
"""

from __future__ import annotations

import io
from functools import cache
from typing import Any

import fastavro

from lintas.schemas.codec import load_schema
from lintas.streams.messages import LegAssignment
from lintas.streams.reconcile import distinct, reconcile
from lintas.streams.tables import StateTable

__all__ = ["Assembler"]


@cache
def _schema() -> Any:
    return fastavro.parse_schema({
        "type": "record", "name": "ShipmentState", "namespace": "id.lintas.internal",
        "fields": [{"name": "legs", "type": {"type": "array", "items": {
            "type": "record", "name": "AssignedLeg", "fields": [
                {"name": "leg", "type": "string"},
                {"name": "method", "type": "string"},
                {"name": "confidence", "type": "double"},
                {"name": "events",
                 "type": {"type": "array", "items": load_schema("ShipmentEvent")}},
            ]}}}],
    })


def _decode(data: bytes | None) -> dict[str, dict[str, Any]]:
    if not data:
        return {}
    record: Any = fastavro.schemaless_reader(io.BytesIO(data), _schema())
    return {leg["leg"]: leg for leg in record["legs"]}


def _encode(legs: dict[str, dict[str, Any]]) -> bytes:
    buffer = io.BytesIO()
    fastavro.schemaless_writer(buffer, _schema(), {"legs": [legs[k] for k in sorted(legs)]})
    return buffer.getvalue()


class Assembler:
    """Keeps shipments' legs and reconciles their views."""

    def __init__(self, table: StateTable) -> None:
        self.table = table

    def apply(self, message: LegAssignment) -> dict[str, Any] | None:
        """Take one assignment; return the shipment's new view, or None if it has no leg left."""
        legs = _decode(self.table.get(message.shipment_id))
        if message.kind == "drop":
            legs.pop(message.leg, None)
        else:
            adding = message.kind == "events" and message.leg in legs
            known = legs[message.leg]["events"] if adding else []
            legs[message.leg] = {"leg": message.leg, "method": message.method,
                                 "confidence": message.confidence,
                                 "events": list(distinct([*known, *message.events]).values())}
        if not legs:
            self.table.pop(message.shipment_id, None)
            return None
        self.table[message.shipment_id] = _encode(legs)
        events = [e for leg in legs.values() for e in leg["events"]]
        links = {leg["leg"]: (leg["method"], leg["confidence"]) for leg in legs.values()}
        return reconcile(message.shipment_id, events, links=links)
