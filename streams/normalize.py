"""Normalization as a pure function: one RawRecord in, canonical events and failures out.

The normalize agent calls :func:`normalize_record` and only sends what it returns. No
input makes it raise: undecodable bytes, unknown partners, foreign payloads and parser
bugs all come back as :class:`~lintas.core.deadletters.Failure`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from lintas.connectors.registry import PARTNERS, Partner
from lintas.core.deadletters import Failure
from lintas.core.errors import PayloadError, SchemaError
from lintas.schemas.codec import codec

__all__ = ["Normalized", "event_key", "normalize_record"]

STAGE = "normalize"


@dataclass(slots=True)
class Normalized:
    """What one raw record yields."""

    events: list[dict[str, Any]] = field(default_factory=list)
    nodes: list[dict[str, Any]] = field(default_factory=list)
    failures: list[Failure] = field(default_factory=list)
    not_found: bool = False
    partner: str | None = None


def event_key(record: dict[str, Any]) -> str:
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
    return Normalized(
        events=[event.to_record(**origin) for event in result.events],
        failures=[
            Failure(STAGE, p.error_class, p.message, partner_id, p.row) for p in result.problems
        ],
        not_found=result.not_found,
        partner=partner_id,
    )
