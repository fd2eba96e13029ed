"""What every read shares: where the view is, pages and their cursors, region prefixes."""

from __future__ import annotations

import base64
import binascii
import json
import re
from dataclasses import dataclass, field
from typing import Any, TypeAlias

from sqlalchemy import Engine, or_
from sqlalchemy.orm import InstrumentedAttribute
from sqlalchemy.sql.elements import ColumnElement

from lintas.streams.view.queries.errors import InvalidParameterError
from lintas.streams.view.store import ViewStore

__all__ = [
    "DEFAULT_LIMIT",
    "MAX_LIMIT",
    "Page",
    "ViewSource",
    "check_limit",
    "check_partner",
    "decode_cursor",
    "encode_cursor",
    "engine_of",
    "in_region",
    "store_of",
]

#: A view to read: the store the CLI opens, or a bare SQLAlchemy engine.
ViewSource: TypeAlias = ViewStore | Engine

DEFAULT_LIMIT = 50
MAX_LIMIT = 500
_PARTNER = re.compile(r"^[a-z0-9][a-z0-9_-]{0,39}$")


@dataclass(frozen=True)
class Page:
    """One page of a listing; ``next_cursor`` asks for the next one (None on the last)."""

    items: list[dict[str, Any]]
    next_cursor: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {**self.extra, "items": self.items, "next_cursor": self.next_cursor}


def engine_of(source: ViewSource) -> Engine:
    """The engine behind a store, or the engine itself."""
    return source.engine if isinstance(source, ViewStore) else source


def store_of(source: ViewSource) -> ViewStore:
    """A store over ``source`` (the same one when it already is a store)."""
    return source if isinstance(source, ViewStore) else ViewStore(source)


def check_limit(limit: int, maximum: int = MAX_LIMIT) -> int:
    """``limit`` when it lies in 1..maximum."""
    if isinstance(limit, bool) or not isinstance(limit, int) or not 1 <= limit <= maximum:
        raise InvalidParameterError("limit", f"limit must be a whole number from 1 to {maximum}")
    return limit


def check_partner(partner: str) -> str:
    """A partner id (``pos``, ``jne``, …), lower-cased."""
    value = partner.strip().lower()
    if not _PARTNER.match(value):
        raise InvalidParameterError("partner", f"{partner!r} is not a partner id like pos or jne")
    return value


def encode_cursor(listing: str, after: str) -> str:
    """An opaque cursor: resume ``listing`` after the key ``after``."""
    raw = json.dumps([listing, after], separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(listing: str, cursor: str) -> str:
    """The key a cursor of ``listing`` resumes after."""
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        kind, after = json.loads(raw)
    except (binascii.Error, ValueError, TypeError) as exc:
        raise InvalidParameterError(
            "cursor", "cursor is not one this API gave out; pass next_cursor unchanged"
        ) from exc
    if kind != listing or not isinstance(after, str):
        raise InvalidParameterError("cursor", f"cursor does not belong to the {listing} listing")
    return after


def in_region(column: InstrumentedAttribute[str | None], code: str) -> ColumnElement[bool]:
    """``column`` holds ``code`` or a code inside it (``32.73`` is inside ``32``)."""
    return or_(column == code, column.like(f"{code}.%"))
