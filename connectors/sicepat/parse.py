"""Pure parsing of SiCepat tracking payloads into canonical events.

The body of ``GET /customer/waybill``::

    {"sicepat": {"status": {"code": 200, "description": "OK"},
                 "result": {"waybill_number", "kodeasal": "BDO10000", "kodetujuan": "UPG10100",
                            "service", "receiver_name", "POD_receiver", "POD_receiver_time",
                            "track_history": [{"date_time": "YYYY-MM-DD HH:mm",
                                               "status": "IN", "city": "..."}, ...],
                            "last_status": {...}}}}

The description of a scan is in the field named ``city``; ``DELIVERED`` rows have no
description and carry ``receiver_name`` instead. Courier names (``[SIGESIT - Budi]``)
and phone numbers in the text are masked. Not found is ``{"sicepat": {"status":
{"code": 400, ...}}}``. A waybill number sent as a JSON number has lost its leading
zeros; they are put back.

``date_time`` is naive local time. A scan whose text names a city in brackets
(``[Makassar Hub]``) is located there. Scans that by definition happen at one end of the
route are located by ``kodeasal`` (a pick-up request, a pick-up, a drop-off, a return
handed back) or ``kodetujuan`` (out for delivery, a delivery, a failed attempt); any
other scan stays in WIB, marked ``default``.
"""

from __future__ import annotations

import re
from functools import partial
from typing import Any

from lintas.connectors.cities import city_code_in_text
from lintas.connectors.common import (
    load_json,
    nullable,
    one_line,
    required_text,
    row_object,
    text,
)
from lintas.connectors.masking import mask_name, mask_text
from lintas.connectors.model import Event, ParseResult, Payload
from lintas.connectors.sicepat.statuses import STATUSES
from lintas.connectors.statuses import normalize_code
from lintas.connectors.timezones import CITY_CODES, read_local_time
from lintas.connectors.tracking import normalize_tracking_number
from lintas.core.errors import PayloadError
from lintas.schemas.statuses import Status

__all__ = ["PARTNER", "parse_tracking"]

PARTNER = "sicepat"
_TIME_FORMATS = ("%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S")
_SHORT_WAYBILL = 10**10  # a 12-digit "00..." number read as a JSON number is below this
_BRACKET = re.compile(r"\[([^\[\]]*)\]")
_COURIER = re.compile(r"(SIGESIT\s*-\s*)([^\]]+)", re.IGNORECASE)
_AT_ORIGIN = frozenset({Status.INFO_RECEIVED, Status.PICKED_UP, Status.RETURNED})
_AT_DESTINATION = frozenset(
    {Status.OUT_FOR_DELIVERY, Status.DELIVERED, Status.DELIVERY_FAILED}
)
_PERSON_STATUSES = (Status.DELIVERED, Status.RETURNED)


def _result(body: Any) -> tuple[dict[str, Any] | None, list[Any]]:
    """(the ``result`` object, its history rows); (None, []) when SiCepat does not know
    the waybill."""
    if not isinstance(body, dict) or "sicepat" not in body:
        found = ", ".join(sorted(map(str, body))[:6]) if isinstance(body, dict) else ""
        raise PayloadError(
            f"{PARTNER}: not a SiCepat tracking payload: expected 'sicepat' at the top level, "
            f"found {one_line(found, 120) or type(body).__name__}"
        )
    envelope = body["sicepat"]
    if not isinstance(envelope, dict):
        raise PayloadError(f"{PARTNER}: 'sicepat' is a {type(envelope).__name__}, not an object")
    status = envelope.get("status")
    code = text(status.get("code")) if isinstance(status, dict) else None
    if code == "400":
        return None, []
    if code not in (None, "200"):
        description = text(status.get("description")) if isinstance(status, dict) else None
        raise PayloadError(
            f"{PARTNER}: the API answered {one_line(code, 10)}: {one_line(description or '')!r}"
        )
    result = nullable(envelope.get("result"), dict, "result", PARTNER)
    if result is None:
        return None, []
    return result, nullable(result.get("track_history"), list, "track_history", PARTNER) or []


def _waybill(value: Any, request_key: str | None) -> str | None:
    if isinstance(value, int) and not isinstance(value, bool) and 0 <= value < _SHORT_WAYBILL:
        return f"{value:012d}"
    return text(value) or request_key


def _end(code: str | None) -> tuple[str | None, str | None]:
    """(tariff code as sent, its city code when known) of ``kodeasal``/``kodetujuan``."""
    city = code[:3].upper() if code else None
    return code, city if city in CITY_CODES else None


def _event(
    value: Any, index: int, number: str, ends: dict[str, tuple[str | None, str | None]],
    pod_receiver: str | None,
) -> Event:
    row = row_object(value)
    code = required_text(row, "status")
    desc = " ".join((text(row.get("city")) or "").split())
    status = STATUSES.lookup(code, desc)
    brackets = _BRACKET.findall(desc)
    place = brackets[0].strip() if brackets and not _COURIER.search(brackets[0]) else None
    city_code = city_code_in_text(place)
    location_name = mask_text(place) if place and city_code else None
    location_code = None
    if city_code is None and status in _AT_ORIGIN:
        location_code, city_code = ends["origin"]
    elif city_code is None and status in _AT_DESTINATION:
        location_code, city_code = ends["destination"]
    time = read_local_time(row.get("date_time"), _TIME_FORMATS, city_code=city_code)
    person = text(row.get("receiver_name"))
    if person is None and status is Status.DELIVERED:
        person = pod_receiver
    masked = _COURIER.sub(lambda m: m.group(1) + mask_name(m.group(2)), desc)
    return Event(
        partner=PARTNER,
        tracking_number=number,
        status=status,
        raw_status=normalize_code(code),
        raw_text=mask_text(masked),
        time=time,
        location_name=location_name,
        location_code=location_code,
        region_code=CITY_CODES[city_code].region_code if city_code else None,
        receiver=mask_name(person) if person and status in _PERSON_STATUSES else None,
        sequence=index,
    )


def parse_tracking(payload: Payload, *, request_key: str | None = None) -> ParseResult:
    """Canonical events of one SiCepat tracking payload.

    Raises :class:`PayloadError` when the payload is not a SiCepat tracking body at all; a
    bad history row becomes a :class:`Problem` and the other rows still count.
    """
    result, history = _result(load_json(payload, PARTNER))
    if result is None:
        return ParseResult(not_found=True)
    raw_number = _waybill(result.get("waybill_number"), request_key)
    if not raw_number:
        raise PayloadError(f"{PARTNER}: the result has no waybill_number and none was asked for")
    number = normalize_tracking_number(raw_number)
    ends = {
        "origin": _end(text(result.get("kodeasal"))),
        "destination": _end(text(result.get("kodetujuan"))),
    }
    pod_receiver = text(result.get("POD_receiver"))
    parsed = ParseResult()
    parsed.add_rows(PARTNER, history, partial(_event, number=number, ends=ends,
                                              pod_receiver=pod_receiver))
    return parsed
