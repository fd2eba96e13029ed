"""Messages between the worker's own agents (internal topics), in Avro.

``LegAssignment`` (``lintas-shipment-legs``, keyed by shipment id): ``collect_legs`` telling
``assemble_shipments`` that a leg belongs to a shipment (with its events, link method and
confidence) or no longer does (``drop``).

``RegionOutlets``: what ``place_outlets`` keeps per region.

Neither is a public contract; their schemas live here, derived from the ShipmentEvent and
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

__all__ = ["LegAssignment", "decode_assignment", "decode_region", "encode_assignment",
           "encode_region"]


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
