"""Pure parsing of Lion Parcel tracking payloads into canonical events.

Body: ``{"stt": {"stt_no", "origin", "destination", ...}, "history": [row, ...]}``, history
newest first. A row is ``{date, desc, location}``: ``date`` naive local time
(``YYYY-MM-DD HH:mm:ss``), ``desc`` the step as an Indonesian sentence ending in the city
(``PAKET TELAH SAMPAI DI (KONSOLIDATOR ASAL), JOGJAKARTA``), ``location`` the three-letter
city code (``JOG``) whose zone decides the time. Not found is HTTP 200 with ``stt: null``
and ``history`` null or empty.

A hand-over to another carrier for the last mile reads ``PAKET AKAN DIKIRIMKAN OLEH (PT
POS. ), PALEMBANG``; the event then refers to that carrier (without its barcode, which
Lion does not send).
"""

from __future__ import annotations

import re
from functools import partial
from typing import Any

from lintas.connectors.common import (
    load_json,
    nullable,
    payload_object,
    required_text,
    row_object,
    text,
)
from lintas.connectors.companies import carrier_named
from lintas.connectors.lion.statuses import STATUSES
from lintas.connectors.masking import mask_text, masked_name_in
from lintas.connectors.model import Event, ParseResult, Payload, Reference
from lintas.connectors.statuses import normalize_code
from lintas.connectors.timezones import CITY_CODES, CityCode, read_local_time
from lintas.connectors.tracking import normalize_tracking_number
from lintas.schemas.statuses import Status

__all__ = ["PARTNER", "parse_tracking"]

PARTNER = "lion"
_TIME_FORMATS = ("%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S")

#: City codes Lion uses that :data:`lintas.connectors.timezones.CITY_CODES` does not list yet.
LOCAL_CITY_CODES: dict[str, CityCode] = {
    c.code: c
    for c in (
        CityCode("LBJ", "Kabupaten Manggarai Barat", "53.15"),
        CityCode("BWX", "Kabupaten Banyuwangi", "35.10"),
        CityCode("TJQ", "Kabupaten Belitung", "19.02"),
    )
}

_HANDOVER = re.compile(r"DIKIRIMKAN\s+OLEH\s*\(([^)]*)\)", re.IGNORECASE)
_RECEIVER = re.compile(r"DITERIMA\s+OLEH\s+([A-Z][A-Z.' ]*?)\s*(?:\(|,|\d|$)", re.IGNORECASE)


def _history(payload: Any) -> tuple[list[Any], dict[str, Any], bool]:
    """(rows, stt summary, not_found) of a Lion body; PayloadError for anything else."""
    body = payload_object(payload, PARTNER, "a Lion Parcel tracking payload", ("stt", "history"))
    stt = nullable(body["stt"], dict, "stt", PARTNER)
    history = nullable(body["history"], list, "history", PARTNER)
    if stt is None or not history:
        return [], stt or {}, True
    return history, stt, False


def _city(code: str | None) -> CityCode | None:
    if not code:
        return None
    key = code[:3]
    return CITY_CODES.get(key) or LOCAL_CITY_CODES.get(key)


def _references(desc: str) -> tuple[Reference, ...]:
    match = _HANDOVER.search(desc)
    if not match:
        return ()
    partner = carrier_named(match.group(1))  # the carrier taking the parcel on
    return (Reference("handover_to", partner, None),) if partner else ()


def _event(value: Any, index: int, number: str) -> Event:
    if not number:
        raise ValueError("payload has no stt_no")
    row = row_object(value, "event")
    desc = " ".join(required_text(row, "desc", "event").split())
    code = (text(row.get("location")) or "").upper() or None
    city = _city(code)
    masked = mask_text(desc)
    raw_status = normalize_code(masked)
    status = STATUSES.lookup(raw_status)
    receiver = masked_name_in(desc, _RECEIVER) if status is Status.DELIVERED else None
    place = desc.rsplit(",", 1)[1].strip() if "," in desc else None
    return Event(
        partner=PARTNER,
        tracking_number=number,
        status=status,
        raw_status=raw_status,
        raw_text=masked,
        time=read_local_time(row.get("date"), _TIME_FORMATS,
                             region_code=city.region_code if city else None),
        location_name=place or (city.name if city else None),
        location_code=code,
        region_code=city.region_code if city else None,
        receiver=receiver,
        references=_references(desc),
        sequence=index,
    )


def parse_tracking(payload: Payload, *, request_key: str | None = None) -> ParseResult:
    """Canonical events of one Lion Parcel tracking payload.

    Raises :class:`PayloadError` when the payload is not a Lion tracking body at all; a bad
    history row becomes a :class:`Problem` and the other rows still count.
    """
    rows, stt, not_found = _history(load_json(payload, PARTNER))
    result = ParseResult(not_found=not_found)
    number = normalize_tracking_number(text(stt.get("stt_no")) or request_key or "")
    result.add_rows(PARTNER, rows, partial(_event, number=number))
    return result
