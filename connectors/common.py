"""Small helpers every partner parser uses: decoding payloads and reading loose fields."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from lintas.core.errors import PayloadError

__all__ = ["load_json", "parse_time", "text"]


def load_json(payload: bytes | str | dict[str, Any] | list[Any], partner: str) -> Any:
    """The payload as JSON values; :class:`PayloadError` when it is not JSON."""
    if isinstance(payload, (dict, list)):
        return payload
    if isinstance(payload, bytes):
        try:
            payload = payload.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise PayloadError(f"{partner}: payload is not UTF-8 text ({exc.reason})") from exc
    if not payload.strip():
        raise PayloadError(f"{partner}: payload is empty")
    try:
        return json.loads(payload)
    except json.JSONDecodeError as exc:
        raise PayloadError(
            f"{partner}: payload is not JSON ({exc.msg} at line {exc.lineno} column {exc.colno})"
        ) from exc


def text(value: Any) -> str | None:
    """A loose field as trimmed text; numbers become text, blanks and ``-`` become None."""
    if value is None or isinstance(value, (dict, list, bool)):
        return None
    out = str(value).strip()
    return out if out and out != "-" else None


def parse_time(value: Any, formats: tuple[str, ...]) -> datetime:
    """The first of ``formats`` that reads ``value``; ValueError naming the value otherwise."""
    raw = text(value)
    if raw is None:
        raise ValueError("time is missing")
    for fmt in formats:
        try:
            # Naive unless ``fmt`` has %z: the caller localizes a partner's wall-clock time.
            return datetime.strptime(raw, fmt)  # noqa: DTZ007
        except ValueError:
            continue
    raise ValueError(f"time {raw!r} is not in a known format")
