"""Pure parsing of one Ninja Xpress webhook into one canonical event.

Ninja sends one webhook per status change::

    {"id": "...", "tracking_id": "NLIDAP...", "status": "On Vehicle for Delivery",
     "previous_status": "Arrived at Transit Hub", "timestamp": "2025-06-01T10:00:00+0800",
     "shipper_ref_no": "SO-...", "comments": "...",
     "pod": {"type": "RECIPIENT", "name": "...", "contact": "...", ...}}

``timestamp`` carries Ninja's own offset (``+0800``) even for Indonesian parcels; the
offset is kept as sent (``explicit``). A timestamp without an offset is refused: Ninja's
clock is not Indonesian, so no Indonesian zone may be assumed for it.

``pod.name`` and ``pod.contact`` are personal data: the name becomes the masked
``receiver`` and is masked wherever the comments repeat it; the contact never leaves the
raw topic. ``shipper_ref_no`` is the shipper's order reference.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from lintas.connectors.common import (
    load_json,
    required_text,
    row_tracking_number,
    text,
    webhook_object,
)
from lintas.connectors.masking import mask_known_name, mask_name, mask_text
from lintas.connectors.model import Event, ParseResult, Payload, Reference
from lintas.connectors.ninja.statuses import STATUSES
from lintas.connectors.statuses import normalize_code
from lintas.connectors.timezones import localize

__all__ = ["PARTNER", "parse_tracking"]

PARTNER = "ninja"
_TIME_FORMATS = (
    "%Y-%m-%dT%H:%M:%S%z",
    "%Y-%m-%dT%H:%M:%S.%f%z",
    "%Y-%m-%d %H:%M:%S%z",
    "%Y-%m-%d %H:%M:%S.%f%z",
)


def _timestamp(value: Any) -> tuple[datetime, str]:
    """(aware moment, text as sent); ValueError when unreadable or without an offset."""
    raw = text(value)
    if raw is None:
        raise ValueError("timestamp is missing")
    for fmt in _TIME_FORMATS:
        try:
            return datetime.strptime(raw, fmt), raw  # noqa: DTZ007 - every format has %z
        except ValueError:
            continue
    raise ValueError(f"timestamp {raw!r} is not ISO 8601 with a UTC offset")


#: Most digits of a POD contact searched for inside the comments: a phone number has at
#: most 15, and each search costs its length times the comments' length.
_MAX_DIGITS = 20


def _scrub(value: str, name: str | None, contact: str | None) -> str:
    """``value`` with the POD name masked and the POD contact removed, then masked."""
    value = mask_known_name(value, name)
    if contact and len(re.sub(r"\D", "", contact)) > _MAX_DIGITS:
        contact = None
    if contact:
        digits = re.sub(r"\D", "", contact)
        if len(digits) >= 6:
            loose = r"[\s.-]?".join(digits)
            value = re.sub(loose, lambda m: "*" * len(m.group(0)), value)
        value = value.replace(contact, "*" * len(contact))
    return mask_text(value)


def _event(body: dict[str, Any], request_key: str | None) -> Event:
    tracking_number = row_tracking_number(body, "tracking_id", request_key, "webhook")
    status_text = required_text(body, "status", "webhook")
    moment, local_text = _timestamp(body.get("timestamp"))
    raw_pod = body.get("pod")
    pod: dict[str, Any] = raw_pod if isinstance(raw_pod, dict) else {}
    name = text(pod.get("name"))
    contact = text(pod.get("contact"))
    pod_type = text(pod.get("type"))
    comments = text(body.get("comments"))
    parts = [_scrub(" ".join(comments.split()), name, contact) if comments else None,
             f"POD {pod_type.upper()}" if pod_type else None]
    order = text(body.get("shipper_ref_no"))
    return Event(
        partner=PARTNER,
        tracking_number=tracking_number,
        status=STATUSES.lookup(status_text),
        raw_status=normalize_code(status_text),
        raw_text=mask_text(" ".join(status_text.split())),
        time=localize(moment, local_text),
        detail="; ".join(p for p in parts if p) or None,
        receiver=mask_name(name) if name else None,
        references=(Reference("order_id", None, order),) if order else (),
        sequence=0,
    )


def parse_tracking(payload: Payload, *, request_key: str | None = None) -> ParseResult:
    """The canonical event of one Ninja Xpress webhook body.

    Raises :class:`PayloadError` when the body is not a Ninja webhook at all; a webhook
    whose fields cannot be read becomes a :class:`Problem` (row 0) and no event.
    """
    body = webhook_object(load_json(payload, PARTNER), PARTNER, "a Ninja Xpress webhook",
                          ("tracking_id", "status"))
    result = ParseResult()
    result.add_rows(PARTNER, [body], lambda webhook, _: _event(webhook, request_key))
    return result
