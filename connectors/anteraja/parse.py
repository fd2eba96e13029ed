"""Pure parsing of AnterAja tracking payloads into canonical events.

Body: ``{"status": 200, "info": "OK", "content": {"waybill_no", "history": [...],
"order": {..., "receiver": {..., "postcode"}}}}``, history newest first. A history item
is ``{tracking_code, hub_name, message, timestamp}``: ``tracking_code`` an integer (some
versions send it as text), ``message`` an object keyed by language (``{"id": ..., "en":
...}``; older versions send plain text), ``timestamp`` UTC with milliseconds
(``2021-04-06T10:45:03.949+0000``). Not found is HTTP 200 with ``history: null`` and
``order: null``.

The receiver's postcode locates the events at the receiver's door; the timestamps need no
location, they carry their offset.
"""

from __future__ import annotations

from functools import partial
from typing import Any

from lintas.connectors.anteraja.statuses import STATUSES
from lintas.connectors.common import (
    key_list,
    load_json,
    nullable,
    payload_object,
    printable,
    row_object,
    text,
)
from lintas.connectors.masking import mask_name, mask_text
from lintas.connectors.model import Event, ParseResult, Payload
from lintas.connectors.regions import regency_for_postal_code
from lintas.connectors.timezones import read_local_time
from lintas.connectors.tracking import normalize_tracking_number
from lintas.core.errors import PayloadError
from lintas.schemas.statuses import Status

__all__ = ["PARTNER", "parse_tracking"]

PARTNER = "anteraja"
_TIME_FORMATS = (
    "%Y-%m-%dT%H:%M:%S.%f%z",
    "%Y-%m-%dT%H:%M:%S%z",
    "%Y-%m-%d %H:%M:%S.%f%z",
    "%Y-%m-%d %H:%M:%S%z",
)
_LANGUAGES = ("id", "en")
# Events that happen at the receiver's address, which the receiver's postcode locates.
_AT_RECEIVER = {Status.OUT_FOR_DELIVERY, Status.DELIVERY_FAILED, Status.DELIVERED}


def _content(payload: Any) -> tuple[dict[str, Any], bool]:
    """(content, not_found) of an AnterAja body; PayloadError for anything else."""
    body = payload_object(payload, PARTNER, "an AnterAja tracking payload", ("status", "content"))
    status = text(body["status"])
    if status != "200":
        info = printable(text(body.get("info")) or "no info", 80)
        raise PayloadError(f"{PARTNER}: the API answered status {printable(status)}: {info}")
    content = nullable(body["content"], dict, "content", PARTNER)
    if content is None:
        return {}, True
    if "history" not in content:
        keys = key_list(content, escaped=True)
        raise PayloadError(f"{PARTNER}: 'content' holds no 'history', found keys: {keys}")
    history = nullable(content["history"], list, "history", PARTNER)
    return content, not history


def _messages(value: Any) -> tuple[str, str | None]:
    """(message in Indonesian or the first language there is, English when that is another)."""
    if isinstance(value, dict):
        by_language = {str(k).lower(): text(v) for k, v in value.items()}
        ordered = [by_language.get(lang) for lang in _LANGUAGES]
        ordered += [v for k, v in by_language.items() if k not in _LANGUAGES]
        found = [m for m in ordered if m]
        if not found:
            return "", None
        english = by_language.get("en")
        return found[0], english if english and english != found[0] else None
    return text(value) or "", None


def _code(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    code = text(value)
    if code is None:
        raise ValueError("event has no tracking_code")
    return " ".join(code.upper().split())


def _receiver(content: dict[str, Any]) -> tuple[str | None, str | None]:
    """(receiver name, receiver postcode) from ``order.receiver``."""
    order = content.get("order")
    receiver = order.get("receiver") if isinstance(order, dict) else None
    if not isinstance(receiver, dict):
        return None, None
    postcode = text(receiver.get("postcode"))
    if postcode and postcode.isdigit() and len(postcode) < 5:
        postcode = postcode.zfill(5)
    valid = postcode if postcode and postcode.isdigit() and len(postcode) == 5 else None
    return text(receiver.get("name")), valid


def _event(value: Any, index: int, content: dict[str, Any], number: str) -> Event:
    if not number:
        raise ValueError("payload has no waybill_no")
    row = row_object(value, "event")
    code = _code(row.get("tracking_code"))
    time = read_local_time(row.get("timestamp"), _TIME_FORMATS)  # every format has an offset
    message, english = _messages(row.get("message"))
    status = STATUSES.lookup(code, f"{message} | {english}" if english else message)
    name, postcode = _receiver(content)
    at_receiver = status in _AT_RECEIVER
    postal_code = postcode if at_receiver else None
    return Event(
        partner=PARTNER,
        tracking_number=number,
        status=status,
        raw_status=code,
        raw_text=mask_text(" ".join(message.split())),
        time=time,
        location_name=text(row.get("hub_name")),
        postal_code=postal_code,
        region_code=regency_for_postal_code(postal_code),
        detail=mask_text(" ".join(english.split())) if english else None,
        receiver=mask_name(name) if name and status is Status.DELIVERED else None,
        sequence=index,
    )


def parse_tracking(payload: Payload, *, request_key: str | None = None) -> ParseResult:
    """Canonical events of one AnterAja tracking payload.

    Raises :class:`PayloadError` when the payload is not an AnterAja tracking body at all; a
    bad history item becomes a :class:`Problem` and the other items still count.
    """
    content, not_found = _content(load_json(payload, PARTNER))
    result = ParseResult(not_found=not_found)
    if not_found:
        return result
    number = normalize_tracking_number(text(content.get("waybill_no")) or request_key or "")
    result.add_rows(PARTNER, content["history"], partial(_event, content=content, number=number))
    return result
