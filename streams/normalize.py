"""Normalization as a pure function: one RawRecord in, canonical events and failures out.

The normalize agent calls :func:`normalize_record` and only sends what it returns. No
input makes it raise: undecodable bytes, unknown partners, foreign payloads and parser
bugs all come back as :class:`~lintas.core.deadletters.Failure`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from lintas.connectors.model import Event
from lintas.connectors.registry import PARTNERS, Partner
from lintas.core.deadletters import Failure
from lintas.core.errors import PayloadError, SchemaError
from lintas.core.topics import member_of
from lintas.schemas.codec import codec

__all__ = ["IDENTITY_MISMATCH", "Normalized", "event_key", "normalize_record"]

STAGE = "normalize"
#: Dead-letter reason of a record or row claiming a sender its transport does not prove.
IDENTITY_MISMATCH = "identity_mismatch"
RAW_PREFIX = "lintas.raw."
#: The longest text an event field may carry. Partners' status texts run to a few hundred
#: characters; a longer one is a broken or hostile record, and the event would swell every
#: state and message it travels in.
MAX_TEXT = 4096


@dataclass(slots=True)
class Normalized:
    """What one raw record yields."""

    events: list[dict[str, Any]] = field(default_factory=list)
    nodes: list[dict[str, Any]] = field(default_factory=list)
    failures: list[Failure] = field(default_factory=list)
    not_found: bool = False
    partner: str | None = None


def event_key(record: Mapping[str, Any]) -> str:
    """Key of a ShipmentEvent on its topic: ``partner:tracking_number``."""
    return f"{record['partner']}:{record['tracking_number']}"


def _normalize_network(partner: Partner, raw: dict[str, Any]) -> Normalized:
    if not partner.has_network:
        return Normalized(failures=[Failure(STAGE, "UnknownKind",
                                            f"{partner.id}: no network parser", partner.id)],
                          partner=partner.id)
    try:
        result = partner.parse_outlets(raw["payload"], updated_at=raw["received_at"])
    except PayloadError as exc:
        return Normalized(failures=[Failure(STAGE, "PayloadError", str(exc), partner.id)],
                          partner=partner.id)
    except Exception as exc:  # a parser bug must not stop the worker
        return Normalized(failures=[Failure(STAGE, type(exc).__name__,
                                            f"{partner.id}: network parser failed: {exc}",
                                            partner.id)],
                          partner=partner.id)
    return Normalized(
        nodes=[node.to_record() for node in result.nodes],
        failures=[
            Failure(STAGE, p.error_class, p.message, partner.id, p.row) for p in result.problems
        ],
        partner=partner.id,
    )


def normalize_record(
    value: bytes, *, topic: str | None = None, partition: int | None = None,
    offset: int | None = None,
) -> Normalized:
    """Canonical events and failures of the RawRecord in ``value``."""
    try:
        raw = codec("RawRecord").decode(value)
    except SchemaError as exc:
        return Normalized(failures=[Failure(STAGE, "SchemaError", str(exc))])
    partner_id = raw["partner"]
    claimed = _claimed_identity(topic, partner_id)
    if claimed is not None:
        return Normalized(failures=[Failure(STAGE, IDENTITY_MISMATCH, claimed, partner_id)],
                          partner=partner_id)
    partner = PARTNERS.get(partner_id)
    if partner is None:
        return Normalized(
            failures=[Failure(STAGE, "UnknownPartner", f"no parser for partner {partner_id!r}",
                              partner_id)],
            partner=partner_id,
        )
    if raw["kind"] == "network":
        return _normalize_network(partner, raw)
    try:
        result = partner.parse(raw["payload"], request_key=raw.get("request_key"))
    except PayloadError as exc:
        return Normalized(failures=[Failure(STAGE, "PayloadError", str(exc), partner_id)],
                          partner=partner_id)
    except Exception as exc:  # a parser bug must not stop the worker
        return Normalized(
            failures=[Failure(STAGE, type(exc).__name__, f"{partner_id}: parser failed: {exc}",
                              partner_id)],
            partner=partner_id,
        )
    origin = {
        "raw_record_id": raw["record_id"],
        "source_topic": topic,
        "source_partition": partition,
        "source_offset": offset,
    }
    failures = [Failure(STAGE, p.error_class, p.message, partner_id, p.row)
                for p in result.problems]
    events, impostors = _proven(result.events, topic, partner_id)
    records, oversized = _within_limits([e.to_record(**origin) for e in events], partner_id)
    return Normalized(
        events=records,
        failures=failures + impostors + oversized,
        not_found=result.not_found,
        partner=partner_id,
    )


def _proven(events: list[Event], topic: str | None,
            partner_id: str) -> tuple[list[Event], list[Failure]]:
    """(the events whose sender the topic proves, a failure for each other one). On a
    member's topic every row must name that member as its courier."""
    member = member_of(topic) if topic else None
    if member is None:
        return events, []
    kept, impostors = [], []
    for event in events:
        sender = next((r.value for r in event.references if r.kind == "member"), None)
        if sender == member:
            kept.append(event)
        else:
            impostors.append(Failure(
                STAGE, IDENTITY_MISMATCH,
                f"{partner_id}: row {event.sequence}: courier {sender!r} is not "
                f"{member!r}, the member whose credentials wrote {topic}",
                partner_id, event.sequence))
    return kept, impostors


def _within_limits(records: list[dict[str, Any]],
                   partner_id: str) -> tuple[list[dict[str, Any]], list[Failure]]:
    """(the events whose every text is at most :data:`MAX_TEXT` long, a failure for each
    other one)."""
    kept, refused = [], []
    for record in records:
        texts = {k: v for k, v in record.items() if isinstance(v, str)}
        texts |= {f"references[{i}]": r["value"] for i, r in enumerate(record["references"])
                  if r.get("value")}
        long = next((k for k, v in texts.items() if len(v) > MAX_TEXT), None)
        if long is None:
            kept.append(record)
            continue
        refused.append(Failure(
            STAGE, "PayloadError",
            f"{partner_id}: row {record['sequence']}: {long} is {len(texts[long]):,} "
            f"characters, more than the {MAX_TEXT:,} an event field may carry",
            partner_id, record["sequence"]))
    return kept, refused


def _claimed_identity(topic: str | None, partner_id: str) -> str | None:
    """Why a record's own partner field contradicts the topic it was written to (whose
    writers the broker's ACLs decide), or None when it does not."""
    if topic is None or not topic.startswith(RAW_PREFIX):
        return None
    expected = "standard" if member_of(topic) else topic[len(RAW_PREFIX):]
    if partner_id == expected:
        return None
    return (f"record says partner {partner_id!r} but was written to {topic}, "
            f"which only {expected!r} may write")
