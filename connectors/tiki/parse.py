"""Pure parsing of TIKI tracking payloads into canonical events.

Body: ``{"status": 200, "message": "SUCCESS", "response": [{"cnno", "history": [row,
...]}]}``, history oldest first. A row is ``{entry_date, status, entry_place, noted}``:
``entry_date`` naive local time (``YYYY-MM-DD HH:mm:ss``), ``status`` the English text of
the step, ``entry_place`` the TIKI branch's city, ``noted`` a free note (courier names,
phone numbers). Not found is HTTP 200 with an empty ``response``.

TIKI gives no postal or region code: the branch city, through :data:`PLACES`, decides the
zone of the time; a city missing from the table leaves it at WIB (``default``).
"""

from __future__ import annotations

import re
from functools import partial
from typing import Any

from lintas.connectors.common import (
    load_json,
    nullable,
    payload_object,
    printable,
    required_text,
    row_object,
    text,
)
from lintas.connectors.masking import mask_text, masked_name_in
from lintas.connectors.model import Event, ParseResult, Payload
from lintas.connectors.statuses import normalize_code
from lintas.connectors.tiki.statuses import STATUSES
from lintas.connectors.timezones import read_local_time
from lintas.connectors.tracking import normalize_tracking_number
from lintas.core.errors import PayloadError
from lintas.schemas.statuses import Status

__all__ = ["PARTNER", "PLACES", "parse_tracking"]

PARTNER = "tiki"
_TIME_FORMATS = ("%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%d-%m-%Y %H:%M:%S", "%d-%m-%Y %H:%M")

#: TIKI branch cities -> Kemendagri region code (province or regency/city).
PLACES: dict[str, str] = {
    "JAKARTA": "31",
    "TANGERANG": "36.71",
    "BEKASI": "32.75",
    "BOGOR": "32.71",
    "BANDUNG": "32.73",
    "SEMARANG": "33.74",
    "YOGYAKARTA": "34.71",
    "SURABAYA": "35.78",
    "MALANG": "35.73",
    "MEDAN": "12.71",
    "PALEMBANG": "16.71",
    "PEKANBARU": "14.71",
    "PONTIANAK": "61.71",
    "BANJARMASIN": "63.71",
    "BALIKPAPAN": "64.71",
    "DENPASAR": "51.71",
    "MATARAM": "52.71",
    "KUPANG": "53.71",
    "MAKASSAR": "73.71",
    "MANADO": "71.71",
    "AMBON": "81.71",
    "JAYAPURA": "91.71",
    "SORONG": "96.71",
}
_RECEIVER = re.compile(r"RECEIVED\s+BY\s*:?\s*([A-Z][A-Z.' ]*?)\s*(?:\(|,|\d|$)", re.IGNORECASE)


def _connotes(payload: Any) -> list[Any]:
    """The ``response`` items of a TIKI body; PayloadError for anything else."""
    body = payload_object(payload, PARTNER, "a TIKI tracking payload", ("status", "response"))
    status = text(body["status"])
    if status != "200":
        message = printable(text(body.get("message")) or "no message", 80)
        raise PayloadError(f"{PARTNER}: the API answered status {printable(status)}: {message}")
    response = body["response"]
    if isinstance(response, dict):  # one connote may come as an object
        response = [response]
    return nullable(response, list, "response", PARTNER) or []


def _place(value: Any) -> tuple[str | None, str | None]:
    """(branch city as sent, its region code when :data:`PLACES` knows it)."""
    place = text(value)
    if place is None:
        return None, None
    name = " ".join(place.upper().split())
    return place, PLACES.get(name) or PLACES.get(name.split(" ")[0])


def _event(value: Any, index: int, number: str) -> Event:
    if not number:
        raise ValueError("connote has no cnno")
    row = row_object(value, "event")
    status_text = " ".join(required_text(row, "status", "event", "status text").split())
    place, region = _place(row.get("entry_place"))
    masked = mask_text(status_text)
    raw_status = normalize_code(masked)
    status = STATUSES.lookup(raw_status, raw_status)
    receiver = masked_name_in(status_text, _RECEIVER) if status is Status.DELIVERED else None
    note = text(row.get("noted"))
    return Event(
        partner=PARTNER,
        tracking_number=number,
        status=status,
        raw_status=raw_status,
        raw_text=masked,
        time=read_local_time(row.get("entry_date"), _TIME_FORMATS, region_code=region),
        location_name=place,
        region_code=region,
        detail=mask_text(" ".join(note.split())) if note else None,
        receiver=receiver,
        sequence=index,
    )


def parse_tracking(payload: Payload, *, request_key: str | None = None) -> ParseResult:
    """Canonical events of one TIKI tracking payload.

    Raises :class:`PayloadError` when the payload is not a TIKI tracking body at all; a bad
    history row becomes a :class:`Problem` and the other rows still count. Rows are numbered
    across every connote of the answer.
    """
    connotes = _connotes(load_json(payload, PARTNER))
    result = ParseResult()
    index = 0
    for connote in connotes:
        if not isinstance(connote, dict):
            raise PayloadError(f"{PARTNER}: a 'response' item is a {type(connote).__name__}")
        history = nullable(connote.get("history"), list, "history", PARTNER)
        if history is None:
            continue
        number = normalize_tracking_number(text(connote.get("cnno")) or request_key or "")
        result.add_rows(PARTNER, history, partial(_event, number=number), first=index)
        index += len(history)
    result.not_found = index == 0
    return result
