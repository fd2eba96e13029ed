"""What partners' answers get wrong, as edits of a parcel's history rows.

Scenario functions (:mod:`lintas.connectors.sandboxes.scenario`) draw a clean history,
then apply the quirk their scenario is about: the same scan sent twice, two timestamps
that contradict the order, rows no parser can use, webhooks delivered out of order.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from typing import Any, TypeVar

__all__ = ["repeat_scan", "shuffled", "spoil_one", "swap", "with_bad_rows", "without"]

Row = dict[str, Any]
T = TypeVar("T")


def repeat_scan(rows: list[Row], at: int, key: str, restyle: Callable[[Any], Any]) -> None:
    """Send row ``at`` again right after itself: the same scan at the same time, its
    ``key`` restyled (other case and spacing, as partners' systems re-type it)."""
    twin = dict(rows[at])
    twin[key] = restyle(twin[key])
    rows.insert(at + 1, twin)


def swap(rows: list[Row], first: int, second: int, key: str) -> None:
    """Swap the ``key`` of two rows: a scan stamped before the one that came first."""
    rows[first][key], rows[second][key] = rows[second][key], rows[first][key]


def without(row: Row, key: str) -> Row:
    """``row`` without its ``key``."""
    return {k: v for k, v in row.items() if k != key}


def with_bad_rows(
    rows: list[Row], *, misdated: tuple[int, str, Any], incomplete: tuple[int, str]
) -> list[Row]:
    """``rows`` and two copies no parser can use, each just before the row it copies:
    ``misdated`` (position, key, value) with an impossible time, and ``incomplete``
    (position, key), a later row, without a field every row needs."""
    (early, time_key, value), (late, missing) = misdated, incomplete
    out = list(rows)
    out.insert(late, without(rows[late], missing))
    out.insert(early, dict(rows[early], **{time_key: value}))
    return out


def shuffled(items: list[T], rng: random.Random) -> list[T]:
    """``items`` in another order, never the one given."""
    out = items[:]
    while out == items:
        rng.shuffle(out)
    return out


def spoil_one(rows: list[Row], rng: random.Random, key: str, value: Any) -> int:
    """Set ``key`` of one row, neither the first nor the last, to an unreadable ``value``;
    returns that row's position."""
    broken = rng.randrange(1, len(rows) - 1)
    rows[broken][key] = value
    return broken
