"""Dead letters: the ``lintas.error.*`` headers of ``lintas.dlq.v1`` and their decoded form.

On the topic the value stays the original bytes (so a replay re-sends exactly what
failed) and the reason travels in headers. :func:`decode` turns a DLQ record back into
the DeadLetter record (``schemas/dead_letter.avsc``).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

__all__ = ["HEADER_PREFIX", "Failure", "decode", "headers_for"]

HEADER_PREFIX = "lintas.error."
_MAX_MESSAGE = 1000


@dataclass(frozen=True, slots=True)
class Failure:
    """Why one record (or one row inside it) could not be processed."""

    stage: str
    error_class: str
    message: str
    partner: str | None = None
    row: int | None = None


def headers_for(
    failure: Failure,
    *,
    topic: str | None,
    partition: int | None,
    offset: int | None,
    failed_at: datetime | None = None,
) -> list[tuple[str, bytes]]:
    """The ``lintas.error.*`` headers describing ``failure`` of the record at
    topic/partition/offset."""
    at = failed_at or datetime.now(timezone.utc)
    fields: dict[str, Any] = {
        "stage": failure.stage,
        "class": failure.error_class,
        "message": failure.message[:_MAX_MESSAGE],
        "partner": failure.partner,
        "topic": topic,
        "partition": partition,
        "offset": offset,
        "row": failure.row,
        "at": at.isoformat(),
    }
    # "replace": a message may quote text that does not encode (a lone surrogate)
    return [(HEADER_PREFIX + k, str(v).encode("utf-8", "replace"))
            for k, v in fields.items() if v is not None]


def _int(value: str | None) -> int | None:
    try:
        return int(value) if value is not None else None
    except ValueError:
        return None


def decode(
    headers: Iterable[tuple[str, bytes | None]] | Sequence[Any],
    key: bytes | None,
    value: bytes | None,
    *,
    dlq_timestamp_ms: int | None = None,
) -> dict[str, Any]:
    """A DLQ record as a DeadLetter record (see ``dead_letter.avsc``)."""
    found: dict[str, str] = {}
    for name, raw in headers:
        if name.startswith(HEADER_PREFIX) and raw is not None:
            found[name[len(HEADER_PREFIX):]] = raw.decode("utf-8", "replace")
    topic = found.get("topic")
    partition, offset = _int(found.get("partition")), _int(found.get("offset"))
    row = _int(found.get("row"))
    ident = f"{topic}:{partition}:{offset}" + (f":{row}" if row is not None else "")
    try:
        failed_at = datetime.fromisoformat(found["at"])
    except (KeyError, ValueError):
        failed_at = datetime.fromtimestamp((dlq_timestamp_ms or 0) / 1000, timezone.utc)
    return {
        "dead_letter_id": ident,
        "partner": found.get("partner"),
        "stage": found.get("stage", "unknown"),
        "error_class": found.get("class", "unknown"),
        "error_message": found.get("message", ""),
        "source_topic": topic,
        "source_partition": partition,
        "source_offset": offset,
        "row": row,
        "key": key,
        "payload": value or b"",
        "failed_at": failed_at,
    }
