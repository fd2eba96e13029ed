"""Pure parsing of Pos Indonesia tracking payloads into canonical events.

Two body shapes exist. Production: ``{"response": {"data": [event, ...]}}`` with
``officeName`` and ``status``. Older/staging: ``{"rs_tnt": {"r_tnt": ...}}`` with
``office`` and no ``status``, where ``r_tnt`` is an object for one event and a list for
several. Not found is ``{"response": null}`` or ``{"rs_tnt": null}``.

``eventDate`` is naive local time; the office code (for main offices the office's postal
code) decides the zone. ``description`` holds ``~~``-separated parts: place, office,
receiver or sender, product, weight, content.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any

from lintas.connectors.common import (
    key_list,
    load_json,
    payload_object,
    required_text,
    row_object,
    row_tracking_number,
    text,
)
from lintas.connectors.companies import carrier_named, names_company
from lintas.connectors.masking import mask_name, mask_text
from lintas.connectors.model import Event, ParseResult, Payload, Reference
from lintas.connectors.pos.statuses import STATUSES
from lintas.connectors.regions import regency_for_office_code
from lintas.connectors.timezones import read_local_time
from lintas.core.errors import PayloadError
from lintas.schemas.statuses import Status

__all__ = ["PARTNER", "parse_tracking"]

PARTNER = "pos"
_TIME_FORMATS = ("%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S", "%d-%m-%Y %H:%M:%S")
_RECEIVER_PART = 2


def _rows(payload: Any) -> tuple[list[Any] | None, bool]:
    """(event rows, not_found) from either body shape; PayloadError for anything else."""
    body = payload_object(payload, PARTNER, "a Pos Indonesia tracking payload")
    if "response" in body:
        response = body["response"]
        if response is None:
            return None, True
        if not isinstance(response, dict) or "data" not in response:
            raise PayloadError(f"{PARTNER}: 'response' holds no 'data' list")
        data = response["data"]
    elif "rs_tnt" in body:
        envelope = body["rs_tnt"]
        if envelope is None:
            return None, True
        if not isinstance(envelope, dict) or "r_tnt" not in envelope:
            raise PayloadError(f"{PARTNER}: 'rs_tnt' holds no 'r_tnt'")
        data = envelope["r_tnt"]
    else:
        raise PayloadError(
            f"{PARTNER}: not a Pos Indonesia tracking payload: expected 'response' or "
            f"'rs_tnt' at the top level, found keys: {key_list(body)}"
        )
    if data is None:
        return None, True
    if isinstance(data, dict):  # one event comes as an object
        data = [data]
    if not isinstance(data, list):
        raise PayloadError(f"{PARTNER}: event list is a {type(data).__name__}")
    return data, not data


def _office_code(value: Any) -> str | None:
    code = text(value)
    if code is None:
        return None
    return code.zfill(5) if code.isdigit() and len(code) < 5 else code


def _event(value: Any, index: int, request_key: str | None,
           mask: Callable[[str], str] = mask_text) -> Event:
    row = row_object(value, "event")
    tracking_number = row_tracking_number(row, "barcode", request_key, "event")
    event_name = required_text(row, "eventName", "event")
    office_code = _office_code(row.get("officeCode"))
    postal_code = (
        office_code if office_code and office_code.isdigit() and len(office_code) == 5 else None
    )
    status_text = text(row.get("status")) or ""
    parts = [p.strip() for p in (text(row.get("description")) or "").split("~~")]
    status = STATUSES.lookup(event_name, status_text)
    party = parts[_RECEIVER_PART] if len(parts) > _RECEIVER_PART else ""
    if party and not names_company(party):
        parts[_RECEIVER_PART] = mask_name(party)
    receiver = parts[_RECEIVER_PART] or None if status is Status.DELIVERED else None
    # A courier as the sender: the parcel was handed over to Pos (Lion posting at a counter).
    sender = carrier_named(party) if status is not Status.DELIVERED else None
    references = (Reference("handover_from", sender, None),) if sender else ()
    detail = mask("~~".join(parts)) if any(parts) else None
    location_name = text(row.get("officeName")) or text(row.get("office"))
    return Event(
        partner=PARTNER,
        tracking_number=tracking_number,
        status=status,
        raw_status=" ".join(event_name.upper().split()),
        raw_text=mask(" ".join(status_text.split())),
        time=read_local_time(row.get("eventDate"), _TIME_FORMATS, postal_code=postal_code),
        location_name=location_name,
        location_code=office_code,
        postal_code=postal_code,
        region_code=regency_for_office_code(postal_code, location_name),
        detail=detail,
        receiver=receiver,
        references=references,
        sequence=index,
    )


def parse_tracking(payload: Payload, *, request_key: str | None = None) -> ParseResult:
    """Canonical events of one Pos tracking payload.

    Raises :class:`PayloadError` when the payload is not a Pos tracking body at all; a bad
    event row becomes a :class:`Problem` and the other rows still count.
    """
    rows, not_found = _rows(load_json(payload, PARTNER))
    result = ParseResult(not_found=not_found)
    # Every row repeats the shipment's description, and statuses recur: each text once.
    masked: dict[str, str] = {}

    def mask(text: str) -> str:
        if text not in masked:
            masked[text] = mask_text(text)
        return masked[text]

    result.add_rows(PARTNER, rows or (), partial(_event, request_key=request_key, mask=mask))
    return result
