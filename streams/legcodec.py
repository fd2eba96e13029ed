"""Bytes of the leg and region state machines: their records (in Faust tables, so in
changelog topics) and the messages between them (internal topics). Not a public contract.

Records are Avro (a leg's events are ShipmentEvents); summaries and leg messages travel as
JSON, small and self-describing.
"""

from __future__ import annotations

import io
import json
from functools import cache
from typing import Any

import fastavro

from lintas.schemas.codec import load_schema
from lintas.streams.handovers import RegionRecord
from lintas.streams.legs import (
    Adopt,
    Claim,
    ClaimFrom,
    Close,
    LegMessage,
    LegRecord,
    Parent,
    Root,
)
from lintas.streams.linking import LegSummary

__all__ = [
    "decode_leg",
    "decode_message",
    "decode_region",
    "decode_summary",
    "encode_leg",
    "encode_message",
    "encode_region",
    "encode_summary",
]


@cache
def _leg_schema() -> Any:
    return fastavro.parse_schema({
        "type": "record", "name": "LegRecord", "namespace": "id.lintas.internal",
        "fields": [
            {"name": "leg", "type": "string"},
            {"name": "events", "type": {"type": "array", "items": load_schema("ShipmentEvent")}},
            {"name": "offsets", "type": {"type": "map", "values": "long"}},
            {"name": "claims", "type": {"type": "map", "values": "string"}},
            {"name": "asked", "type": {"type": "map", "values": "string"}},
            {"name": "confirmed", "type": {"type": "array", "items": "string"}},
            {"name": "picks", "type": {"type": "map", "values": "double"}},
            {"name": "parent", "type": ["null", "string"]},
            {"name": "method", "type": "string"},
            {"name": "confidence", "type": "double"},
            {"name": "root", "type": "string"},
            {"name": "depth", "type": "int"},
            {"name": "children", "type": {"type": "array", "items": "string"}},
            {"name": "sent_to", "type": ["null", "string"]},
            {"name": "closed", "type": ["null", "string"], "default": None},
            {"name": "closed_at", "type": "long", "default": 0},
        ],
    })


@cache
def _region_schema() -> Any:
    return fastavro.parse_schema({
        "type": "record", "name": "HandoverRegion", "namespace": "id.lintas.internal",
        "fields": [
            {"name": "region", "type": "string"},
            {"name": "givers", "type": {"type": "map", "values": "string"}},
            {"name": "candidates", "type": {"type": "map", "values": "string"}},
            {"name": "matches", "type": {"type": "map", "values": "string"}},
            {"name": "offset", "type": "long"},
        ],
    })


def _write(schema: Any, record: dict[str, Any]) -> bytes:
    buffer = io.BytesIO()
    fastavro.schemaless_writer(buffer, schema, record)
    return buffer.getvalue()


def encode_summary(summary: LegSummary) -> bytes:
    return json.dumps(summary.as_dict(), separators=(",", ":")).encode()


def decode_summary(data: bytes | str) -> LegSummary:
    return LegSummary.from_dict(json.loads(data))


def encode_leg(record: LegRecord) -> bytes:
    return _write(_leg_schema(), {
        "leg": record.leg, "events": list(record.events.values()), "offsets": record.offsets,
        "claims": {k: encode_summary(v).decode() for k, v in record.claims.items()},
        "asked": {k: encode_summary(v).decode() for k, v in record.asked.items()},
        "confirmed": record.confirmed, "picks": record.picks,
        "parent": record.parent, "method": record.method, "confidence": record.confidence,
        "root": record.root, "depth": record.depth, "children": record.children,
        "sent_to": record.sent_to, "closed": record.closed, "closed_at": record.closed_at,
    })


def decode_leg(leg: str, data: bytes | None) -> LegRecord:
    if not data:
        return LegRecord(leg)
    r: Any = fastavro.schemaless_reader(io.BytesIO(data), _leg_schema())
    return LegRecord(
        leg=r["leg"], events={e["event_id"]: e for e in r["events"]}, offsets=dict(r["offsets"]),
        claims={k: decode_summary(v) for k, v in r["claims"].items()},
        asked={k: decode_summary(v) for k, v in r["asked"].items()},
        confirmed=list(r["confirmed"]), picks=dict(r["picks"]),
        parent=r["parent"], method=r["method"], confidence=r["confidence"], root=r["root"],
        depth=r["depth"], children=list(r["children"]), sent_to=r["sent_to"],
        closed=r["closed"], closed_at=r["closed_at"],
    )


def encode_region(record: RegionRecord) -> bytes:
    return _write(_region_schema(), {
        "region": record.region,
        "givers": {k: encode_summary(v).decode() for k, v in record.givers.items()},
        "candidates": {k: encode_summary(v).decode() for k, v in record.candidates.items()},
        "matches": {k: json.dumps(v) for k, v in record.matches.items()},
        "offset": record.offset,
    })


def decode_region(region: str, data: bytes | None) -> RegionRecord:
    if not data:
        return RegionRecord(region)
    r: Any = fastavro.schemaless_reader(io.BytesIO(data), _region_schema())
    matches = {k: json.loads(v) for k, v in r["matches"].items()}
    return RegionRecord(
        region=r["region"],
        givers={k: decode_summary(v) for k, v in r["givers"].items()},
        candidates={k: decode_summary(v) for k, v in r["candidates"].items()},
        matches={k: (v[0], float(v[1])) for k, v in matches.items()},
        offset=r["offset"],
    )


def encode_message(message: LegMessage) -> bytes:
    body: dict[str, Any]
    if isinstance(message, Claim):
        body = {"type": "claim", "summary": message.giver.as_dict()}
    elif isinstance(message, ClaimFrom):
        body = {"type": "claim_from", "summary": message.receiver.as_dict()}
    elif isinstance(message, Parent):
        body = {"type": "parent", "giver": message.giver, "method": message.method,
                "confidence": message.confidence, "withdraw": message.withdraw}
    elif isinstance(message, Adopt):
        body = {"type": "adopt", "child": message.child, "adopt": message.adopt}
    elif isinstance(message, Close):
        body = {"type": "close", "shipment_id": message.shipment_id, "at": message.at}
    else:
        body = {"type": "root", "parent": message.parent, "root": message.root,
                "depth": message.depth}
    return json.dumps(body, separators=(",", ":")).encode()


def decode_message(data: bytes) -> LegMessage:
    """A leg message; ValueError when ``data`` is not one."""
    body = json.loads(data)
    kind = body.get("type") if isinstance(body, dict) else None
    if kind == "claim":
        return Claim(LegSummary.from_dict(body["summary"]))
    if kind == "claim_from":
        return ClaimFrom(LegSummary.from_dict(body["summary"]))
    if kind == "parent":
        return Parent(body["giver"], body["method"], float(body["confidence"]),
                      bool(body["withdraw"]))
    if kind == "adopt":
        return Adopt(body["child"], bool(body["adopt"]))
    if kind == "root":
        return Root(body["parent"], body["root"], int(body["depth"]))
    if kind == "close":
        return Close(body["shipment_id"], int(body["at"]))
    raise ValueError(f"not a leg message: type {kind!r}")
