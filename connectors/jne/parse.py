"""Pure parsing of JNE tracking payloads into canonical events.

The body of ``POST /tracing/api/list/v1/cnote/{awb}``::

    {"cnote": {"cnote_no", "cnote_origin": "CGK10000", "cnote_destination": "UPG20700",
               "cnote_date": "...+07:00", "pod_status", "pod_code", "cnote_pod_receiver",
               "cnote_pod_date", "last_status", ...},
     "detail": [{shipper and receiver}],
     "history": [{"date": "DD-MM-YYYY HH:mm", "desc": "...", "code": "RC1"}, ...]}

History comes oldest first. ``date`` is naive local time; the place in the brackets of
``desc`` (``[AMQ, OPR INBOUND]``, ``[MAKASSAR]``) decides the zone through its city code.
A delivery reads ``DELIVERED TO [NAME | dd-mm-yyyy HH:MM | CITY ]``: the name is the
receiver (masked), the city the place, and the inner time stands in when ``date`` cannot
be read. Not found is ``{"error": "Cnote No. Not Found.", "status": false}``.

The summary's proof of delivery becomes an event of its own only when the history does
not carry its ``pod_code`` (the history lags the summary). ``cnote_pod_date`` changed
format over the years; every known one is read, with or without an offset.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import partial
from typing import Any

from lintas.connectors.common import (
    key_list,
    load_json,
    nullable,
    one_line,
    payload_object,
    required_text,
    row_object,
    text,
)
from lintas.connectors.jne.places import city_code_for_place
from lintas.connectors.jne.statuses import STATUSES
from lintas.connectors.masking import mask_name, mask_text
from lintas.connectors.model import Event, ParseResult, Payload, Problem
from lintas.connectors.statuses import normalize_code
from lintas.connectors.timezones import CITY_CODES, LocalTime, read_local_time
from lintas.connectors.tracking import normalize_tracking_number
from lintas.core.errors import PayloadError
from lintas.schemas.statuses import Status

__all__ = ["PARTNER", "parse_tracking"]

PARTNER = "jne"
_HISTORY_FORMATS = ("%d-%m-%Y %H:%M", "%d-%m-%Y %H:%M:%S")
_POD_FORMATS = (
    "%Y-%m-%dT%H:%M:%S.%f%z",
    "%Y-%m-%dT%H:%M:%S%z",
    "%Y-%m-%dT%H:%M:%S.%f",
    "%Y-%m-%dT%H:%M:%S",
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d %H:%M",
    "%d-%m-%Y %H:%M",
    "%d-%m-%Y %H:%M:%S",
    "%d/%m/%Y %H:%M",
    "%d %b %Y %H:%M",
)
_BRACKET = re.compile(r"\[([^\[\]]*)\]")
_PERSON_STATUSES = (Status.DELIVERED, Status.RETURNED)
# "RECEIVED BY JNE COUNTER OFFICER": JNE itself, not a person after "RECEIVED BY".
_CARRIER = re.compile(r"\b(BY\s+)(JNE)\b", re.IGNORECASE)
_GUARD = "\x00"


def _body(payload: Any) -> tuple[dict[str, Any] | None, list[Any]]:
    """(cnote summary, history rows); (None, []) when JNE does not know the number."""
    body = payload_object(payload, PARTNER, "a JNE tracking payload")
    if "cnote" not in body:
        if "error" in body:
            message = text(body["error"]) or ""
            if "NOT FOUND" in message.upper():
                return None, []
            raise PayloadError(f"{PARTNER}: the API answered an error: {one_line(message)!r}")
        raise PayloadError(
            f"{PARTNER}: not a JNE tracking payload: expected 'cnote' or 'error' at the top "
            f"level, found keys: {one_line(key_list(body), 120)}"
        )
    cnote = nullable(body["cnote"], dict, "cnote", PARTNER)
    if cnote is None:
        return None, []
    return cnote, nullable(body.get("history"), list, "history", PARTNER) or []


@dataclass(frozen=True, slots=True)
class _Desc:
    """What a history text says besides its words."""

    masked: str  # the text, folded and with personal data masked
    place: str | None  # the place as JNE wrote it
    person: str | None  # the name in [NAME | time | CITY]
    when: str | None  # the time in [NAME | time | CITY]


def _mask(value: str) -> str:
    """``mask_text`` of ``value``, leaving JNE's own name alone."""
    guarded = _CARRIER.sub(lambda m: m.group(1) + _GUARD + m.group(2), value.replace(_GUARD, ""))
    return mask_text(guarded).replace(_GUARD, "")


def _read_desc(desc: str) -> _Desc:
    brackets = _BRACKET.findall(desc)
    inner = brackets[-1] if brackets else ""
    parts = [p.strip() for p in inner.split("|")]
    person = when = None
    place = inner
    if len(parts) >= 2:  # [NAME | time | CITY ]: the first part is a person
        person = parts[0] or None
        when = (parts[1] or None) if len(parts) >= 3 else None
        place = parts[-1] if len(parts) >= 3 else ""
    if person:
        masked_inner = inner.replace(person, mask_name(person), 1)
        desc = desc.replace(f"[{inner}]", f"[{masked_inner}]")
    place = _mask(" ".join(place.split()))
    return _Desc(_mask(" ".join(desc.split())), place or None, person, when)


def _time(row: dict[str, Any], desc: _Desc, city_code: str | None) -> LocalTime:
    local_text = text(row.get("date"))
    try:
        return read_local_time(local_text, _HISTORY_FORMATS, city_code=city_code)
    except ValueError:
        if not desc.when:
            raise
    try:  # the delivery's own time, inside its brackets
        return read_local_time(desc.when, _HISTORY_FORMATS, city_code=city_code)
    except ValueError:
        raise ValueError(f"time {local_text!r} is not in a known format") from None


def _event(value: Any, index: int, number: str) -> Event:
    row = row_object(value)
    code = required_text(row, "code")
    raw_desc = text(row.get("desc")) or ""
    desc = _read_desc(raw_desc)
    city_code, written = city_code_for_place(desc.place)
    status = STATUSES.lookup(code, raw_desc)
    receiver = mask_name(desc.person) if desc.person and status in _PERSON_STATUSES else None
    return Event(
        partner=PARTNER,
        tracking_number=number,
        status=status,
        raw_status=normalize_code(code),
        raw_text=desc.masked,
        time=_time(row, desc, city_code),
        location_name=desc.place,
        location_code=city_code if written else None,
        region_code=CITY_CODES[city_code].region_code if city_code else None,
        receiver=receiver,
        sequence=index,
    )


def _summary_event(
    cnote: dict[str, Any], sequence: int, number: str
) -> Event:
    """The proof of delivery the summary states and the history does not yet show."""
    pod_code = text(cnote.get("pod_code")) or ""
    destination = text(cnote.get("cnote_destination"))
    city_code = destination[:3].upper() if destination else None
    if city_code not in CITY_CODES:
        city_code = None
    raw_desc = text(cnote.get("last_status")) or text(cnote.get("pod_status")) or ""
    desc = _read_desc(raw_desc)
    status = STATUSES.lookup(pod_code, raw_desc)
    person = text(cnote.get("cnote_pod_receiver")) or desc.person
    return Event(
        partner=PARTNER,
        tracking_number=number,
        status=status,
        raw_status=normalize_code(pod_code),
        raw_text=desc.masked,
        time=read_local_time(cnote.get("cnote_pod_date"), _POD_FORMATS, city_code=city_code),
        location_name=desc.place or text(cnote.get("city_name")),
        location_code=destination,
        region_code=CITY_CODES[city_code].region_code if city_code else None,
        receiver=mask_name(person) if person and status in _PERSON_STATUSES else None,
        sequence=sequence,
    )


def _lags_summary(cnote: dict[str, Any], history: list[Any]) -> bool:
    """Whether the summary holds a proof of delivery whose code the history lacks."""
    pod_code = text(cnote.get("pod_code"))
    if not pod_code or text(cnote.get("cnote_pod_date")) is None:
        return False
    codes = {normalize_code(text(r.get("code")) or "") for r in history if isinstance(r, dict)}
    return normalize_code(pod_code) not in codes


def parse_tracking(payload: Payload, *, request_key: str | None = None) -> ParseResult:
    """Canonical events of one JNE tracking payload.

    Raises :class:`PayloadError` when the payload is not a JNE tracking body at all; a bad
    history row becomes a :class:`Problem` and the other rows still count.
    """
    cnote, history = _body(load_json(payload, PARTNER))
    if cnote is None:
        return ParseResult(not_found=True)
    raw_number = text(cnote.get("cnote_no")) or request_key
    if not raw_number:
        raise PayloadError(f"{PARTNER}: the cnote has no cnote_no and no number was asked for")
    number = normalize_tracking_number(raw_number)
    result = ParseResult()
    result.add_rows(PARTNER, history, partial(_event, number=number))
    if _lags_summary(cnote, history):
        try:
            result.events.append(_summary_event(cnote, len(history), number))
        except ValueError as exc:
            result.problems.append(Problem("InvalidEvent", f"{PARTNER}: cnote: {exc}"))
    return result
