"""Pure parsing of one standard-format file (JSON lines, CSV or Avro) into canonical events.

:mod:`lintas.connectors.standard.decode` turns the bytes into rows and says when the file is not
in the format at all (:class:`PayloadError`); :mod:`lintas.connectors.standard.record` turns each
row into an event. A row that breaks the rules becomes a :class:`Problem` naming its row
index (and line, for text files); the other rows still count.
"""

from __future__ import annotations

import json

from lintas.connectors.model import ParseResult, Payload, Problem
from lintas.connectors.standard.decode import Row, read_rows
from lintas.connectors.standard.record import event_from_row
from lintas.core.errors import PayloadError

__all__ = ["PARTNER", "parse_tracking"]

PARTNER = "standard"


def _rows(payload: Payload, content_type: str | None) -> list[Row]:
    if isinstance(payload, dict):
        payload = [payload]
    if isinstance(payload, list):  # already decoded JSON: one object per row
        lines = "\n".join(json.dumps(item, default=str) for item in payload)
        if not lines:
            raise PayloadError(f"{PARTNER}: payload is empty")
        return read_rows(lines, "application/jsonl")[1]
    return read_rows(payload, content_type)[1]


def parse_tracking(
    payload: Payload,
    *,
    request_key: str | None = None,
    content_type: str | None = None,
) -> ParseResult:
    """Canonical events of one standard-format file.

    ``content_type`` may name JSON lines or CSV; the bytes decide otherwise. A file holds
    many tracking numbers, so ``request_key`` is not used. Raises :class:`PayloadError`
    when the file is not in the standard format at all.
    """
    del request_key
    result = ParseResult()
    for row in _rows(payload, content_type):
        if row.values is None:
            result.problems.append(
                Problem("InvalidEvent", f"{PARTNER}: {row.where}: {row.error}", row.index))
            continue
        try:
            result.events.append(event_from_row(row.values, row.index))
        except ValueError as exc:
            result.problems.append(
                Problem("InvalidEvent", f"{PARTNER}: {row.where}: {exc}", row.index))
    return result

