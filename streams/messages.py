"""Messages between the worker's own agents (internal topics), in Avro.

``LegAssignment`` (``lintas-shipment-legs``, keyed by shipment id): ``collect_legs`` telling
``assemble_shipments`` that a leg belongs to a shipment (with its events, link method and
confidence) or no longer does (``drop``).

``OutletMessage`` (``lintas-outlets-by-tile``, keyed by tile): ``place_outlets`` telling
``match_service_points`` that a network node is in a tile's reach (``place``) or no longer
(``drop``); ``OutletCell`` and ``OutletHome``: what those two agents keep
(:mod:`lintas.streams.outlets`).

None is a public contract; their schemas live here, derived from the ShipmentEvent and
NetworkNode schemas. The linking messages between legs and regions are in
:mod:`lintas.streams.legcodec`.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from functools import cache
from typing import Any

import fastavro

from lintas.schemas.codec import load_schema

__all__ = ["LegAssignment", "decode_assignment", "decode_outlet", "encode_assignment",
           "encode_outlet"]


@dataclass(slots=True)
class LegAssignment:
    shipment_id: str
    leg: str
    kind: str  # "leg" (the whole leg), "events" (new events of an assigned leg) or "drop"
    method: str = "origin"
    confidence: float = 1.0
    events: list[dict[str, Any]] = field(default_factory=list)


@cache
def _assignment_schema() -> Any:
    events = {"type": "array", "items": load_schema("ShipmentEvent")}
    return fastavro.parse_schema({
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


def _encode(schema: Any, record: dict[str, Any]) -> bytes:
    buffer = io.BytesIO()
    fastavro.schemaless_writer(buffer, schema, record)
    return buffer.getvalue()


def encode_assignment(message: LegAssignment) -> bytes:
    return _encode(_assignment_schema(), {
        "shipment_id": message.shipment_id, "leg": message.leg, "kind": message.kind,
        "method": message.method, "confidence": message.confidence, "events": message.events,
    })


def decode_assignment(data: bytes) -> LegAssignment:
    r: Any = fastavro.schemaless_reader(io.BytesIO(data), _assignment_schema())
    return LegAssignment(r["shipment_id"], r["leg"], r["kind"], r["method"], r["confidence"],
                         r["events"])


def _nullable(schema: Any) -> list[Any]:
    return ["null", schema]


@cache
def _outlet_schemas() -> dict[str, Any]:
    node = load_schema("NetworkNode")
    names: dict[str, Any] = {}
    named = fastavro.parse_schema({
        "type": "record", "name": "OutletMessage", "namespace": "id.lintas.internal",
        "fields": [
            {"name": "kind", "type": "string", "doc": "place or drop"},
            {"name": "node_id", "type": "string"},
            {"name": "version", "type": "long", "doc": "offset of the NetworkNode record"},
            {"name": "node", "type": _nullable(node), "default": None},
            {"name": "previous_cell", "type": _nullable("string"), "default": None},
            {"name": "home_moved", "type": "boolean", "default": False},
            {"name": "deleted", "type": "boolean", "default": False},
        ],
    }, named_schemas=names)
    cell = fastavro.parse_schema({
        "type": "record", "name": "OutletCell", "namespace": "id.lintas.internal",
        "fields": [{"name": "nodes", "type": {"type": "array", "items": {
            "type": "record", "name": "HeldOutlet", "fields": [
                {"name": "node", "type": "id.lintas.NetworkNode"},
                {"name": "version", "type": "long"},
                {"name": "sent", "type": _nullable("string"), "default": None,
                 "doc": "digest of the service point this node names, as last sent"},
            ]}}}],
    }, named_schemas=names)
    home = fastavro.parse_schema({
        "type": "record", "name": "OutletHome", "namespace": "id.lintas.internal",
        "fields": [
            {"name": "version", "type": "long"},
            {"name": "home", "type": "string"},
            {"name": "cell", "type": "string"},
            {"name": "tiles", "type": {"type": "array", "items": "string"}},
        ],
    })
    return {"message": named, "cell": cell, "home": home}


def encode_outlet(kind: str, record: dict[str, Any]) -> bytes:
    """An ``OutletMessage`` (``message``), a tile's ``OutletCell`` (``cell``) or a node's
    ``OutletHome`` (``home``) as bytes."""
    return _encode(_outlet_schemas()[kind], record)


def decode_outlet(kind: str, data: bytes) -> dict[str, Any]:
    """The record :func:`encode_outlet` encoded as ``kind``."""
    record: Any = fastavro.schemaless_reader(io.BytesIO(data), _outlet_schemas()[kind])
    return dict(record)
