"""Pure parsing of SAP Express tracking payloads into canonical events.

Body: a JSON array of rows, oldest first, ``{awb_no, rowstate_name, description,
create_date}``: ``rowstate_name`` the step (``MANIFEST OUTGOING``, ``POD - DELIVERED``),
``description`` free Indonesian text that names the branch as a bracketed city code and
its city (``Paket tiba di [UPG] MAKASSAR``), ``create_date`` naive local time
(``YYYY-MM-DD HH:mm:ss``). Not found is HTTP 200 with an empty array.

The first branch code of the description is where the scan happened; its zone decides the
time. A description without a known code leaves the time at WIB (``default``).
"""

from __future__ import annotations

import re
from functools import partial
from typing import Any

from lintas.connectors.common import key_list, load_json, printable, required_text, row_object, text
from lintas.connectors.masking import mask_text, masked_name_in
from lintas.connectors.model import Event, ParseResult, Payload
from lintas.connectors.sap.statuses import STATUSES
from lintas.connectors.statuses import normalize_code
from lintas.connectors.timezones import CITY_CODES, read_local_time
from lintas.connectors.tracking import normalize_tracking_number
from lintas.core.errors import PayloadError
from lintas.schemas.statuses import Status

__all__ = ["PARTNER", "parse_tracking"]

PARTNER = "sap"
_TIME_FORMATS = (
    "%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%dT%H:%M:%S.%f",
)
_BRANCH = re.compile(r"\[([A-Za-z]{3})\]([^\[]*)")
_PLACE_ENDS = {"MENUJU", "KE", "DARI", "OLEH", "DI"}
_RECEIVER = re.compile(r"DITERIMA\s+OLEH\s+([A-Za-z][A-Za-z.' ]*?)\s*(?:\(|\[|,|\d|$)",
                       re.IGNORECASE)


def _rows(body: Any) -> list[Any]:
    """The rows of a SAP body; PayloadError for anything else."""
    if isinstance(body, list):
        return body
    if isinstance(body, dict):
        keys = key_list(body, escaped=True)
        message = text(body.get("message")) or text(body.get("msg"))
        said = f" ({printable(message, 80)})" if message else ""
        raise PayloadError(
            f"{PARTNER}: not a SAP Express tracking payload: expected a list of rows, found an "
            f"object with keys: {keys}{said}"
        )
    raise PayloadError(
        f"{PARTNER}: not a SAP Express tracking payload: expected a list of rows, "
        f"got {type(body).__name__}"
    )


def _branch(description: str) -> tuple[str | None, str | None, str | None]:
    """(city code, city name, region code) of the first branch the description names."""
    found = _BRANCH.search(description)
    if not found:
        return None, None, None
    code = found.group(1).upper()
    city = CITY_CODES.get(code)
    words = []
    for word in found.group(2).upper().split():  # the city follows the code
        if word in _PLACE_ENDS or not word.replace(".", "").isalpha():
            break
        words.append(word)
    name = " ".join(words) or (city.name if city else None)
    return code, name, city.region_code if city else None


def _event(value: Any, index: int, request_key: str | None) -> Event:
    row = row_object(value)
    number = normalize_tracking_number(text(row.get("awb_no")) or request_key or "")
    if not number:
        raise ValueError("row has no awb_no")
    state = required_text(row, "rowstate_name")
    description = " ".join((text(row.get("description")) or "").split())
    code, place, region = _branch(description)
    raw_status = normalize_code(state)
    status = STATUSES.lookup(raw_status)
    receiver = masked_name_in(description, _RECEIVER) if status is Status.DELIVERED else None
    return Event(
        partner=PARTNER,
        tracking_number=number,
        status=status,
        raw_status=raw_status,
        raw_text=mask_text(description),
        time=read_local_time(row.get("create_date"), _TIME_FORMATS, region_code=region),
        location_name=place,
        location_code=code,
        region_code=region,
        receiver=receiver,
        sequence=index,
    )


def parse_tracking(payload: Payload, *, request_key: str | None = None) -> ParseResult:
    """Canonical events of one SAP Express tracking payload.

    Raises :class:`PayloadError` when the payload is not a SAP tracking body at all; a bad
    row becomes a :class:`Problem` and the other rows still count.
    """
    rows = _rows(load_json(payload, PARTNER))
    result = ParseResult(not_found=not rows)
    result.add_rows(PARTNER, rows, partial(_event, request_key=request_key))
    return result
