"""Pure parsing of one ID Express webhook into one canonical event.

ID Express sends one webhook per scan::

    {"waybillNo": "IDS...", "operationType": "Delivery scan",
     "lastOperationTime": 1748745600000, "currentBranch": "DC KEBON JERUK",
     "nextBranch": "", "signer": "", "relation": "", "problemDescription": ""}

``lastOperationTime`` is Unix epoch milliseconds, sometimes as a string: an instant, kept
in UTC (``explicit``). ``operationType`` varies in case. ``signer`` is personal data: it
becomes the masked ``receiver`` and is masked wherever the problem text repeats it.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone
from typing import Any

from lintas.connectors.common import (
    load_json,
    required_text,
    row_tracking_number,
    text,
    webhook_object,
)
from lintas.connectors.idexpress.statuses import DESCRIBED_BY_TEXT, STATUSES
from lintas.connectors.masking import mask_known_name, mask_name, mask_text
from lintas.connectors.model import Event, ParseResult, Payload
from lintas.connectors.statuses import normalize_code
from lintas.connectors.timezones import localize

__all__ = ["PARTNER", "parse_tracking"]

PARTNER = "idexpress"
_EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)
# Instants outside 2000-01-01 .. 2100-01-01 are typos or seconds sent as milliseconds.
_EARLIEST_MS = 946_684_800_000
_LATEST_MS = 4_102_444_800_000
_DIGITS = re.compile(r"^\d+(?:\.0*)?$")


def _instant(value: Any) -> tuple[datetime, str]:
    """(UTC instant, text as sent) of epoch milliseconds; ValueError when unreadable."""
    raw = text(value)
    if raw is None:
        raise ValueError("lastOperationTime is missing")
    if isinstance(value, float) and value.is_integer():
        raw = str(int(value))
    if not _DIGITS.match(raw):
        raise ValueError(f"lastOperationTime {raw!r} is not epoch milliseconds")
    millis = int(raw.split(".")[0])
    if not _EARLIEST_MS <= millis < _LATEST_MS:
        raise ValueError(f"lastOperationTime {raw!r} is not a plausible epoch milliseconds")
    return _EPOCH + timedelta(milliseconds=millis), raw


def _scrub(value: str, signer: str | None) -> str:
    """``value`` with the signer's name masked, then every other name and phone number."""
    return mask_text(mask_known_name(value, signer))


def _event(body: dict[str, Any], request_key: str | None) -> Event:
    tracking_number = row_tracking_number(body, "waybillNo", request_key, "webhook")
    operation = " ".join(required_text(body, "operationType", "webhook").split())
    moment, local_text = _instant(body.get("lastOperationTime"))
    signer = text(body.get("signer"))
    problem = text(body.get("problemDescription"))
    problem = _scrub(" ".join(problem.split()), signer) if problem else None
    code = normalize_code(operation)
    status = STATUSES.lookup(operation, problem if code in DESCRIBED_BY_TEXT else None)
    next_branch = text(body.get("nextBranch"))
    relation = text(body.get("relation"))
    parts = [f"next branch {next_branch}" if next_branch else None,
             f"relation {_scrub(relation, signer)}" if relation else None]
    return Event(
        partner=PARTNER,
        tracking_number=tracking_number,
        status=status,
        raw_status=code,
        raw_text=f"{mask_text(operation)}: {problem}" if problem else mask_text(operation),
        time=localize(moment, local_text),
        location_name=text(body.get("currentBranch")),
        detail="; ".join(p for p in parts if p) or None,
        receiver=mask_name(signer) if signer else None,
        sequence=0,
    )


def parse_tracking(payload: Payload, *, request_key: str | None = None) -> ParseResult:
    """The canonical event of one ID Express webhook body.

    Raises :class:`PayloadError` when the body is not an ID Express webhook at all; a
    webhook whose fields cannot be read becomes a :class:`Problem` (row 0) and no event.
    """
    body = webhook_object(load_json(payload, PARTNER), PARTNER, "an ID Express webhook",
                          ("waybillNo", "operationType"))
    result = ParseResult()
    result.add_rows(PARTNER, [body], lambda webhook, _: _event(webhook, request_key))
    return result
