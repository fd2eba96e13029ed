"""Messages between the worker's own agents (internal topics), in Avro.

``LegUpdate`` (``lintas-leg-updates``, keyed by leg): a leg's new or changed events and
the offset they were last changed at, from ``collect_legs`` to ``link_legs``.

``LegAssignment`` (``lintas-shipment-legs``, keyed by shipment id): ``link_legs`` telling
``assemble_shipments`` that a leg belongs to a shipment (with its events, link method and
confidence) or no longer does (``drop``).

Neither is a public contract; their schemas live here, derived from the ShipmentEvent
schema.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from functools import cache
from typing import Any

import fastavro

from lintas.schemas.codec import load_schema

__all__ = ["LegAssignment", "LegState", "LegUpdate", "decode_assignment", "decode_region",
           "decode_state", "decode_update", "encode_assignment", "encode_region", "encode_state",
           "encode_update"]


@dataclass(slots=True)
class LegUpdate:
    leg: str
    events: list[dict[str, Any]]
    offset: int


@dataclass(slots=True)
class LegAssignment:
    shipment_id: str
    leg: str
    kind: str  # "leg" (the whole leg), "events" (new events of an assigned leg) or "drop"
    method: str = "origin"
    confidence: float = 1.0
    events: list[dict[str, Any]] = field(default_factory=list)


@dataclass(slots=True)
class LegState:
    """What ``link_legs`` keeps per leg: its events and where it is assigned."""

    events: list[dict[str, Any]]
    offset: int
    shipment_id: str
    method: str
    confidence: float


@cache
def _schemas() -> tuple[Any, Any, Any]:
    events = {"type": "array", "items": load_schema("ShipmentEvent")}
    update = fastavro.parse_schema({
        "type": "record", "name": "LegUpdate", "namespace": "id.lintas.internal",
        "fields": [
            {"name": "leg", "type": "string"},
            {"name": "events", "type": events},
            {"name": "offset", "type": "long"},
        ],
    })
    assignment = fastavro.parse_schema({
        "type": "record", "name": "LegAssignment", "namespace": "id.lintas.internal",
        "fields": [
            {"name": "shipment_id", "type": "string"},
            {"name": "leg", "type": "string"},
            {"name": "kind", "type": "string"},
            {"name": "method", "type": "string"},
            {"name": "confidence", "type": "double"},
            {"name": "events", "type": events},
        ],
    })
    state = fastavro.parse_schema({
        "type": "record", "name": "LegState", "namespace": "id.lintas.internal",
        "fields": [
            {"name": "events", "type": events},
            {"name": "offset", "type": "long"},
            {"name": "shipment_id", "type": "string"},
            {"name": "method", "type": "string"},
            {"name": "confidence", "type": "double"},
        ],
    })
    return update, assignment, state


def _encode(schema: Any, record: dict[str, Any]) -> bytes:
    buffer = io.BytesIO()
    fastavro.schemaless_writer(buffer, schema, record)
    return buffer.getvalue()


def encode_update(update: LegUpdate) -> bytes:
    return _encode(
        _schemas()[0], {"leg": update.leg, "events": update.events, "offset": update.offset}
    )


def decode_update(data: bytes) -> LegUpdate:
    record: Any = fastavro.schemaless_reader(io.BytesIO(data), _schemas()[0])
    return LegUpdate(record["leg"], record["events"], record["offset"])


def encode_assignment(message: LegAssignment) -> bytes:
    return _encode(_schemas()[1], {
        "shipment_id": message.shipment_id, "leg": message.leg, "kind": message.kind,
        "method": message.method, "confidence": message.confidence, "events": message.events,
    })


def decode_assignment(data: bytes) -> LegAssignment:
    r: Any = fastavro.schemaless_reader(io.BytesIO(data), _schemas()[1])
    return LegAssignment(r["shipment_id"], r["leg"], r["kind"], r["method"], r["confidence"],
                         r["events"])


def encode_state(state: LegState) -> bytes:
    return _encode(_schemas()[2], {
        "events": state.events, "offset": state.offset, "shipment_id": state.shipment_id,
        "method": state.method, "confidence": state.confidence,
    })


def decode_state(data: bytes) -> LegState:
    r: Any = fastavro.schemaless_reader(io.BytesIO(data), _schemas()[2])
    return LegState(r["events"], r["offset"], r["shipment_id"], r["method"], r["confidence"])


@cache
def _region_schema() -> Any:
    return fastavro.parse_schema({
        "type": "record", "name": "RegionOutlets", "namespace": "id.lintas.internal",
        "fields": [
            {"name": "nodes", "type": {"type": "array", "items": load_schema("NetworkNode")}},
            {"name": "points", "type": {"type": "map", "values": "string"},
             "doc": "service point id -> digest of what was last sent"},
            {"name": "offset", "type": "long", "default": -1},
        ],
    })


def encode_region(nodes: list[dict[str, Any]], points: dict[str, str], offset: int) -> bytes:
    return _encode(_region_schema(), {"nodes": nodes, "points": points, "offset": offset})


def decode_region(data: bytes | None) -> tuple[dict[str, dict[str, Any]], dict[str, str], int]:
    """(nodes by id, digests of the service points last sent, last offset) of one region."""
    if not data:
        return {}, {}, -1
    r: Any = fastavro.schemaless_reader(io.BytesIO(data), _region_schema())
    return {n["node_id"]: n for n in r["nodes"]}, dict(r["points"]), r["offset"]
