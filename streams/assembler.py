"""The state machine behind the ``assemble_shipments`` agent, free of Kafka.

A shipment's state (table: shipment id -> bytes) is the set of its legs, each with its
events, link method and confidence. A ``leg`` assignment sets a whole leg, ``events`` adds
to one, a ``drop`` removes it; the shipment's view is then the pure
:func:`lintas.streams.reconcile.reconcile` over the union of its legs' events — or ``None``
when no leg is left, which becomes a tombstone on ``lintas.shipments.v1``. A ``reopen``
adds a late event to a leg of a closed shipment (:mod:`lintas.streams.closing`).
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from functools import cache
from typing import Any

import fastavro

from lintas.schemas.codec import load_schema
from lintas.streams.messages import LegAssignment
from lintas.streams.reconcile import distinct, reconcile
from lintas.streams.tables import StateTable

__all__ = ["Assembler", "Closed", "ShipmentState", "decode_state", "encode_state"]


@cache
def _schema() -> Any:
    return fastavro.parse_schema({
        "type": "record", "name": "ShipmentState", "namespace": "id.lintas.internal",
        "fields": [
            {"name": "legs", "type": {"type": "array", "items": {
                "type": "record", "name": "AssignedLeg", "fields": [
                    {"name": "leg", "type": "string"},
                    {"name": "method", "type": "string"},
                    {"name": "confidence", "type": "double"},
                    {"name": "events",
                     "type": {"type": "array", "items": load_schema("ShipmentEvent")}},
                ]}}},
            {"name": "archive_partition", "type": "int", "default": -1},
            {"name": "archive_offset", "type": "long", "default": -1},
            {"name": "closed_at", "type": "long", "default": 0},
        ],
    })


@dataclass
class ShipmentState:
    """A shipment's legs (leg -> its method, confidence and events); a closed shipment
    keeps none, only where its archived state is (partition, offset)."""

    legs: dict[str, dict[str, Any]] = field(default_factory=dict)
    archive: tuple[int, int] | None = None
    #: when it was closed (the watermark, epoch milliseconds)
    closed_at: int = 0


def decode_state(data: bytes | None) -> ShipmentState:
    if not data:
        return ShipmentState()
    record: Any = fastavro.schemaless_reader(io.BytesIO(data), _schema())
    archive = (record["archive_partition"], record["archive_offset"])
    return ShipmentState({leg["leg"]: leg for leg in record["legs"]},
                         archive if archive[0] >= 0 else None, record["closed_at"])


def encode_state(state: ShipmentState) -> bytes:
    buffer = io.BytesIO()
    partition, offset = state.archive or (-1, -1)
    fastavro.schemaless_writer(buffer, _schema(), {
        "legs": [state.legs[k] for k in sorted(state.legs)],
        "archive_partition": partition, "archive_offset": offset,
        "closed_at": state.closed_at})
    return buffer.getvalue()


class Closed(Exception):
    """The shipment was closed: its state must be read back from the archive first."""

    def __init__(self, shipment_id: str, archive: tuple[int, int]) -> None:
        super().__init__(f"shipment {shipment_id} is closed; its state is archived at "
                         f"partition {archive[0]}, offset {archive[1]}")
        self.shipment_id, self.archive = shipment_id, archive


#: Shipments whose decoded state the assembler keeps beside the table's bytes.
RECENT = 2048


class Assembler:
    """Keeps shipments' legs and reconciles their views.

    The states it wrote last are kept decoded too (at most :data:`RECENT`), each with the
    very bytes object it wrote: while the table still holds that object (a memory store
    returns what it was given) the state is not decoded again. Anything else — another
    worker's state restored after a rebalance, a store that returns copies — is decoded
    from the table as always.
    """

    def __init__(self, table: StateTable) -> None:
        self.table = table
        self._recent: dict[str, tuple[bytes, ShipmentState]] = {}

    def _state(self, sid: str) -> ShipmentState:
        """``sid``'s state, taken out of the recent ones (put back once written)."""
        data = self.table.get(sid)
        recent = self._recent.pop(sid, None)
        if recent is not None and data is not None and recent[0] is data:
            return recent[1]
        return decode_state(data)

    def _write(self, sid: str, state: ShipmentState) -> None:
        data = encode_state(state)
        self.table[sid] = data
        if len(self._recent) >= RECENT:
            del self._recent[next(iter(self._recent))]  # the one written longest ago
        self._recent[sid] = (data, state)

    def apply(self, message: LegAssignment,
              archived: bytes | None = None) -> dict[str, Any] | None:
        """Take one assignment; return the shipment's new view, or None if it has no leg
        left. A message for a closed shipment raises :class:`Closed` unless ``archived``
        (the state it was closed with) is given: then the shipment is open again."""
        legs = self.assign(message, archived)
        return None if legs is None else self.view(message.shipment_id, legs)

    def assign(self, message: LegAssignment,
               archived: bytes | None = None) -> dict[str, dict[str, Any]] | None:
        """:meth:`apply` without making the view: the shipment's legs, or None if it has
        none left."""
        sid = message.shipment_id
        state = self._state(sid)
        if state.archive is not None:
            if archived is None:
                raise Closed(sid, state.archive)
            state = decode_state(archived)
        legs = state.legs
        if message.kind == "drop":
            legs.pop(message.leg, None)
        else:
            adding = message.kind in ("events", "reopen") and message.leg in legs
            known: dict[str, Any] = legs[message.leg] if adding else {
                "method": message.method, "confidence": message.confidence, "events": []}
            legs[message.leg] = {"leg": message.leg, "method": known["method"],
                                 "confidence": known["confidence"],
                                 "events": list(distinct([*known["events"],
                                                          *message.events]).values())}
            if message.kind != "reopen":
                legs[message.leg].update(method=message.method, confidence=message.confidence)
        if not legs:
            self.table.pop(sid, None)
            return None
        self._write(sid, ShipmentState(legs))
        return legs

    @staticmethod
    def view(sid: str, legs: dict[str, dict[str, Any]]) -> dict[str, Any]:
        events = [e for leg in legs.values() for e in leg["events"]]
        links = {leg["leg"]: (leg["method"], leg["confidence"]) for leg in legs.values()}
        return reconcile(sid, events, links=links)

    def close(self, sid: str, archive: tuple[int, int], at: int) -> list[str]:
        """Keep only where ``sid``'s state was archived (and when, ``at``); return its
        legs, to tell them."""
        legs = sorted(self._state(sid).legs)
        self._write(sid, ShipmentState(archive=archive, closed_at=at))
        return legs
