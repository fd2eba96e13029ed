"""Printing for people (rich tables) and for scripts (JSON)."""

from __future__ import annotations

import json
import sys
from datetime import datetime
from typing import Any

from rich.console import Console

__all__ = ["console", "err_console", "print_json", "to_jsonable"]

console = Console()
err_console = Console(stderr=True)


def to_jsonable(value: Any) -> Any:
    """Datetimes as ISO 8601, bytes as text, recursively."""
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    if isinstance(value, dict):
        return {k: to_jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [to_jsonable(v) for v in value]
    return value


def print_json(value: Any, *, lines: bool = False) -> None:
    """One JSON document (or one line per item when ``lines``) on stdout."""
    if lines:
        for item in value:
            sys.stdout.write(json.dumps(to_jsonable(item), ensure_ascii=False) + "\n")
    else:
        sys.stdout.write(json.dumps(to_jsonable(value), ensure_ascii=False, indent=2) + "\n")
    sys.stdout.flush()
