"""One standard-format row -> one canonical event, by the field rules of
``docs/standard-format.md``.

Values may be text or numbers (``40115`` and ``"40115"`` are the same postal code);
empty text and ``-`` count as absent. ``occurred_at`` with an offset keeps it
(``explicit``); local time is placed by ``postal_code``, else ``region_code``, else WIB
(``default``). ``receiver_name`` is masked, and so are names and phone numbers in
``status_text``. The member id travels as ``Reference("member", None, courier)``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date, datetime, timedelta, timezone
from typing import Any

from lintas.connectors.common import text
from lintas.connectors.masking import mask_known_name, mask_name, mask_text
from lintas.connectors.model import Event, Reference
from lintas.connectors.regions import regency_for_postal_code
from lintas.connectors.standard.statuses import lookup_status
from lintas.connectors.statuses import normalize_code
from lintas.connectors.timezones import localize, zone_for_region_code
from lintas.connectors.tracking import normalize_tracking_number

__all__ = ["FIELDS", "event_from_row", "parse_occurred_at"]

PARTNER = "standard"

#: Every field of the format, in the order of the Avro schema and the documented CSV header.
FIELDS = (
    "tracking_number", "courier", "status_code", "status_text", "occurred_at",
    "location_name", "location_code", "postal_code", "region_code", "receiver_name",
    "order_id", "handover_to", "handover_to_number", "handover_from", "handover_from_number",
)

_ISO = re.compile(
    r"^(?P<date>\d{4}-\d{2}-\d{2})[Tt ](?P<hour>\d{2}):(?P<minute>\d{2})"
    r"(?::(?P<second>\d{2})(?:[.,](?P<fraction>\d{1,9}))?)?"
    r"\s*(?P<zone>[Zz]|[+-]\d{2}(?::?\d{2})?)?$"
)
_COURIER = re.compile(r"^[a-z0-9]+(?:[-_.][a-z0-9]+)*$")
_POSTAL = re.compile(r"^\d{5}$")
_REGION_LENGTHS = {2: (2,), 4: (2, 2), 6: (2, 2, 2), 10: (2, 2, 2, 4)}
_MAX_OFFSET = timedelta(hours=14)


def _value(row: Mapping[str, Any], name: str) -> str | None:
    raw = row.get(name)
    if isinstance(raw, float) and raw.is_integer():
        raw = int(raw)
    return text(raw)


def _zone(raw: str) -> timezone:
    if raw in ("Z", "z"):
        return timezone.utc
    sign = -1 if raw[0] == "-" else 1
    digits = raw[1:].replace(":", "")
    offset = timedelta(hours=int(digits[:2]), minutes=int(digits[2:4] or 0))
    if offset > _MAX_OFFSET or int(digits[2:4] or 0) > 59:
        raise ValueError(f"offset {raw} is out of range")
    return timezone(sign * offset)


def parse_occurred_at(raw: str) -> datetime:
    """An ISO 8601 date and time, aware when it has an offset; ValueError otherwise."""
    match = _ISO.match(raw.strip())
    if not match:
        raise ValueError(f"occurred_at {raw!r} is not ISO 8601 (YYYY-MM-DDTHH:MM[:SS][offset])")
    try:
        day = date.fromisoformat(match["date"])
        fraction = (match["fraction"] or "").ljust(6, "0")[:6]
        moment = datetime(day.year, day.month, day.day, int(match["hour"]),  # noqa: DTZ001
                          int(match["minute"]), int(match["second"] or 0), int(fraction))
        zone = match["zone"]
        return moment.replace(tzinfo=_zone(zone)) if zone else moment
    except ValueError as exc:
        raise ValueError(f"occurred_at {raw!r} is not a real date and time ({exc})") from None


def _time(row: Mapping[str, Any]) -> tuple[datetime, str]:
    raw = row.get("occurred_at")
    if isinstance(raw, datetime):  # an Avro timestamp logical type
        return raw, raw.isoformat()
    value = text(raw)
    if value is None:
        raise ValueError("occurred_at is missing")
    return parse_occurred_at(value), value


def _postal_code(row: Mapping[str, Any]) -> str | None:
    value = _value(row, "postal_code")
    if value is not None and not _POSTAL.match(value):
        raise ValueError(f"postal_code {value!r} is not 5 digits")
    return value


def _region_code(row: Mapping[str, Any]) -> str | None:
    value = _value(row, "region_code")
    if value is None:
        return None
    digits = value.replace(".", "")
    parts = _REGION_LENGTHS.get(len(digits)) if digits.isdigit() else None
    if parts is None:
        raise ValueError(f"region_code {value!r} is not a Kemendagri region code")
    pieces, start = [], 0
    for width in parts:
        pieces.append(digits[start:start + width])
        start += width
    dotted = ".".join(pieces)
    if zone_for_region_code(dotted) is None:
        raise ValueError(f"region_code {value!r} names no Indonesian province")
    return dotted


def _courier(row: Mapping[str, Any]) -> str:
    value = _value(row, "courier")
    if value is None:
        raise ValueError("courier is missing")
    courier = value.lower()
    if len(courier) > 64 or not _COURIER.match(courier):
        raise ValueError(f"courier {value!r} is not a member id such as asperindo-0042")
    return courier


def _scrub(value: str, name: str | None) -> str:
    return mask_text(mask_known_name(value, name))


def _handover(row: Mapping[str, Any], kind: str) -> Reference | None:
    courier = _value(row, kind)
    number = _value(row, f"{kind}_number")
    if courier is None and number is None:
        return None
    return Reference(kind, courier.lower() if courier else None,
                     normalize_tracking_number(number) if number else None)


def event_from_row(row: Mapping[str, Any], index: int) -> Event:
    """The event of one row (keys already in :func:`~lintas.connectors.standard.decode.field_name`
    form); ValueError naming the first field that breaks the rules."""
    number = _value(row, "tracking_number")
    tracking_number = normalize_tracking_number(number) if number else ""
    if not tracking_number:
        raise ValueError("tracking_number is missing")
    courier = _courier(row)
    code = _value(row, "status_code")
    receiver = _value(row, "receiver_name")
    status_text = _value(row, "status_text")
    masked_text = _scrub(" ".join(status_text.split()), receiver) if status_text else ""
    if code is None and not masked_text:
        raise ValueError("status_code and status_text are both missing")
    moment, local_text = _time(row)
    postal_code = _postal_code(row)
    region_code = _region_code(row)
    order = _value(row, "order_id")
    references = [Reference("member", None, courier)]
    references += [r for r in (_handover(row, "handover_from"), _handover(row, "handover_to")) if r]
    if order:
        references.append(Reference("order_id", None, order))
    return Event(
        partner=PARTNER,
        tracking_number=tracking_number,
        status=lookup_status(code, status_text),
        raw_status=normalize_code(code) if code else normalize_code(masked_text),
        raw_text=masked_text,
        time=localize(moment, local_text, postal_code=postal_code, region_code=region_code),
        location_name=_value(row, "location_name"),
        location_code=_value(row, "location_code"),
        postal_code=postal_code,
        region_code=region_code or regency_for_postal_code(postal_code),
        receiver=mask_name(receiver) if receiver else None,
        references=tuple(references),
        sequence=index,
    )
