"""Pure parsing of J&T Express tracking payloads into canonical events.

The tracking body::

    {"awb": "JP1234567890", "orderid": "...",
     "detail": {"shipped_date", "services_code", "weight",
                "sender": {..., "zipcode", "city"}, "receiver": {..., "zipcode", "city"}},
     "history": [{"date_time": "YYYY-MM-DD HH:mm:ss", "city_name": "MAKASSAR",
                  "status": "...", "status_code": 100}, ...]}

``status_code`` is ``101`` (manifest), ``200`` (delivered, with a ``receiver`` field) or
``100`` for every scan in between; the text tells those apart (see
:mod:`lintas.connectors.jnt.statuses`). Texts carry courier names and phone numbers: they are
masked. ``raw_status`` is the code, ``100`` included: the text carries personal data and
changes with the language, so it stays in ``raw_text``. Not found is
``{"error_id": "404", "error_message": "Invalid AWB number"}``.

``date_time`` is naive local time and a row names only its city. A scan in the sender's
or the receiver's city is located by that party's zipcode; any other city by its name
(:mod:`lintas.connectors.jnt.places`); a name that locates nothing leaves the time in WIB,
marked ``default``. The event's ``postal_code`` is the receiver's zipcode only for what
happens at the receiver's address (a delivery or a failed attempt).
"""

from __future__ import annotations

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
from lintas.connectors.jnt.places import bare_city, locate_city
from lintas.connectors.jnt.statuses import STATUSES
from lintas.connectors.masking import mask_known_name, mask_name, mask_text
from lintas.connectors.model import Event, ParseResult, Payload, Reference
from lintas.connectors.regions import regency_for_postal_code
from lintas.connectors.statuses import normalize_code
from lintas.connectors.timezones import read_local_time
from lintas.connectors.tracking import normalize_tracking_number
from lintas.core.errors import PayloadError
from lintas.schemas.statuses import Status

__all__ = ["PARTNER", "parse_tracking"]

PARTNER = "jnt"
_TIME_FORMATS = ("%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S")
_AT_ADDRESS = (Status.DELIVERED, Status.DELIVERY_FAILED)
_NOT_FOUND_WORDS = ("INVALID AWB", "NOT FOUND", "TIDAK DITEMUKAN")


def _body(payload: Any) -> tuple[dict[str, Any] | None, list[Any]]:
    """(the body, its history rows); (None, []) when J&T does not know the AWB."""
    body = payload_object(payload, PARTNER, "a J&T tracking payload")
    if "history" not in body and ("error_id" in body or "error_message" in body):
        error_id = text(body.get("error_id")) or "?"
        message = text(body.get("error_message")) or ""
        if error_id == "404" or any(w in message.upper() for w in _NOT_FOUND_WORDS):
            return None, []
        raise PayloadError(
            f"{PARTNER}: the API answered error {one_line(error_id, 10)}: {one_line(message)!r}"
        )
    if "awb" not in body or "history" not in body:
        raise PayloadError(
            f"{PARTNER}: not a J&T tracking payload: expected 'awb' and 'history' or "
            f"'error_id' at the top level, found keys: {one_line(key_list(body), 120)}"
        )
    return body, nullable(body["history"], list, "history", PARTNER) or []


@dataclass(frozen=True, slots=True)
class _Party:
    """The sender's or the receiver's city and zipcode."""

    role: str
    city: str
    zipcode: str


def _parties(detail: Any) -> list[_Party]:
    if not isinstance(detail, dict):
        return []
    out = []
    for role in ("receiver", "sender"):
        party = detail.get(role)
        if not isinstance(party, dict):
            continue
        city, _ = bare_city(text(party.get("city")))
        zipcode = text(party.get("zipcode"))
        if city and zipcode and len(zipcode) == 5 and zipcode.isdigit():
            out.append(_Party(role, city, zipcode))
    return out


def _mask_status(status_text: str, receiver: str | None) -> str:
    folded = " ".join(status_text.split())
    # the receiver's name wherever the text repeats it
    return mask_text(mask_known_name(folded, receiver))


def _event(
    value: Any, index: int, number: str, parties: list[_Party],
    references: tuple[Reference, ...],
) -> Event:
    row = row_object(value)
    code = required_text(row, "status_code")
    status_text = text(row.get("status")) or ""
    status = STATUSES.lookup(code, status_text)
    city_name = text(row.get("city_name"))
    bare, _ = bare_city(city_name)
    party = next((p for p in parties if bare and p.city == bare), None)
    match = locate_city(city_name)
    time = read_local_time(
        row.get("date_time"), _TIME_FORMATS,
        postal_code=party.zipcode if party else None,
        region_code=match.zone_code if match else None,
    )
    region = regency_for_postal_code(party.zipcode) if party else None
    receiver_name = text(row.get("receiver"))
    at_address = party is not None and party.role == "receiver" and status in _AT_ADDRESS
    return Event(
        partner=PARTNER,
        tracking_number=number,
        status=status,
        raw_status=normalize_code(code),
        raw_text=_mask_status(status_text, receiver_name),
        time=time,
        location_name=city_name,
        postal_code=party.zipcode if party and at_address else None,
        region_code=region or (match.region_code if match else None),
        receiver=mask_name(receiver_name) if receiver_name and status is Status.DELIVERED else None,
        references=references,
        sequence=index,
    )


def parse_tracking(payload: Payload, *, request_key: str | None = None) -> ParseResult:
    """Canonical events of one J&T tracking payload.

    Raises :class:`PayloadError` when the payload is not a J&T tracking body at all; a bad
    history row becomes a :class:`Problem` and the other rows still count.
    """
    body, history = _body(load_json(payload, PARTNER))
    if body is None:
        return ParseResult(not_found=True)
    raw_number = text(body.get("awb")) or request_key
    if not raw_number:
        raise PayloadError(f"{PARTNER}: the body has no awb and no number was asked for")
    number = normalize_tracking_number(raw_number)
    order = text(body.get("orderid"))
    references = (Reference("order_id", None, order),) if order else ()
    parties = _parties(body.get("detail"))
    result = ParseResult()
    result.add_rows(PARTNER, history, partial(_event, number=number, parties=parties,
                                              references=references))
    return result
