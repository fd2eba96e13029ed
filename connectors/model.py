"""What a partner parser returns: canonical events, problems, and whether anything was found."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime, timezone
from operator import attrgetter
from typing import Any, TypeAlias

from lintas.connectors.common import repair_text
from lintas.connectors.timezones import LocalTime
from lintas.schemas.statuses import Status

__all__ = ["Event", "ParseResult", "Payload", "Problem", "Reference", "event_id"]

#: What a parser reads: the body as received, or JSON already decoded.
Payload: TypeAlias = bytes | str | dict[str, Any] | list[Any]

_TEXT_NOISE = re.compile(r"[\W_]+", re.UNICODE)


def event_id(
    partner: str, tracking_number: str, raw_status: str, raw_text: str, instant: datetime
) -> str:
    """Deterministic event id: the same scan sent twice (even with text differing only in
    case, spacing or punctuation) gets the same id."""
    text = _TEXT_NOISE.sub(" ", raw_text.casefold()).strip()
    millis = int(instant.timestamp() * 1000)
    status = raw_status.strip().upper()
    material = f"{partner}\x1f{tracking_number}\x1f{status}\x1f{text}\x1f{millis}"
    return hashlib.blake2b(material.encode(), digest_size=12).hexdigest()


@dataclass(frozen=True, slots=True)
class Reference:
    """A link to another leg or order named by the feed (``handover_to`` pos, ...)."""

    kind: str
    partner: str | None = None
    value: str | None = None


_TEXT_FIELDS = ("tracking_number", "raw_status", "raw_text", "location_name", "location_code",
                "postal_code", "region_code", "detail", "receiver")
_texts = attrgetter(*_TEXT_FIELDS)


@dataclass(slots=True)
class Event:
    """One canonical shipment event, as the ShipmentEvent schema carries it."""

    partner: str
    tracking_number: str
    status: Status
    raw_status: str
    raw_text: str
    time: LocalTime
    location_name: str | None = None
    location_code: str | None = None
    postal_code: str | None = None
    region_code: str | None = None
    detail: str | None = None
    receiver: str | None = None
    references: tuple[Reference, ...] = ()
    sequence: int = 0
    tracking_number_flags: tuple[str, ...] = ()
    event_id: str = field(default="")

    def __post_init__(self) -> None:
        texts = _texts(self)
        # Whatever a parser missed, the event still encodes (one look in the usual case).
        if not "".join(filter(None, texts)).isascii():
            for name, value in zip(_TEXT_FIELDS, texts, strict=True):
                if value is not None and not value.isascii():
                    setattr(self, name, repair_text(value))
        if self.references and any(r.value and not r.value.isascii() for r in self.references):
            self.references = tuple(Reference(r.kind, r.partner, repair_text(r.value or ""))
                                    for r in self.references)
        if not self.event_id:
            self.event_id = event_id(
                self.partner, self.tracking_number, self.raw_status, self.raw_text,
                self.time.instant,
            )

    @property
    def occurred_at(self) -> datetime:
        return self.time.instant

    def to_record(self, **origin: Any) -> dict[str, Any]:
        """The event as a ShipmentEvent record (for the Avro codec).

        ``origin`` may carry ``raw_record_id``, ``source_topic``, ``source_partition``
        and ``source_offset``.
        """
        return {
            "event_id": self.event_id,
            "partner": self.partner,
            "tracking_number": self.tracking_number,
            "tracking_number_flags": list(self.tracking_number_flags),
            "status": self.status.value,
            "aftership_tag": self.status.aftership_tag,
            "raw_status": self.raw_status,
            "raw_text": self.raw_text,
            "occurred_at": self.time.instant,
            "local_time": self.time.local_text,
            "utc_offset": self.time.utc_offset,
            "zone_source": self.time.zone_source.value,
            "location_name": self.location_name,
            "location_code": self.location_code,
            "postal_code": self.postal_code,
            "region_code": self.region_code,
            "detail": self.detail,
            "receiver": self.receiver,
            "references": [
                {"kind": r.kind, "partner": r.partner, "value": r.value} for r in self.references
            ],
            "sequence": self.sequence,
            "raw_record_id": origin.get("raw_record_id"),
            "source_topic": origin.get("source_topic"),
            "source_partition": origin.get("source_partition"),
            "source_offset": origin.get("source_offset"),
        }


def record_to_json(record: dict[str, Any]) -> dict[str, Any]:
    """A ShipmentEvent record with instants as ISO 8601 UTC text: what the CLI prints."""
    out = dict(record)
    instant = out["occurred_at"]
    if isinstance(instant, datetime):
        out["occurred_at"] = instant.astimezone(timezone.utc).isoformat()
    return out


@dataclass(frozen=True, slots=True)
class Problem:
    """One part of a payload that could not be turned into an event."""

    error_class: str
    message: str
    row: int | None = None


@dataclass(slots=True)
class ParseResult:
    """Everything one payload yielded."""

    events: list[Event] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    not_found: bool = False

    def add_rows(self, partner: str, rows: Iterable[Any], event: Callable[[Any, int], Event],
                 *, first: int = 0) -> None:
        """Add ``event(row, index)`` of each row, indexes counted from ``first``; a row
        whose reading raises ValueError (or OverflowError) becomes a :class:`Problem`
        naming the partner and the row, and the other rows still count."""
        for index, row in enumerate(rows, first):
            try:
                self.events.append(event(row, index))
            except (ValueError, OverflowError) as exc:
                self.problems.append(
                    Problem("InvalidEvent", f"{partner}: row {index}: {exc}", index))
