"""What a partner sandbox serves, and what a correct pipeline makes of it.

Each partner's ``scenarios.build_catalog(seed, ...)`` returns :class:`Entry` items: one
tracking number, the exact body the partner's API answers for it, and — decided by the
scenario, independently of the parser — the outcome: a shipment with so many distinct
events and a final status, a "not found", or dead letters.

Every partner builds its catalog the same way, with a :class:`CatalogBuilder`: one small
function per scenario, each given a :class:`Draw` (the scenario's name, a fresh tracking
number, the start and the generator every random choice comes from)::

    def _newest_first(d: Draw) -> Entry:
        rows = _journey(d)
        return d.shipment(_encode(rows[::-1]), len(rows), "delivered")

    _CATALOG = CatalogBuilder(
        partner="tiki", draw=Draw, number=any_scenario(_waybill),
        scenarios={"delivered": _delivered, "newest_first": _newest_first},
    )
    build_catalog = _CATALOG.build

A catalog is the same for the same seed, start and rounds: scenario functions draw from
``d.rng`` only, and always in the same order. The recorded fixtures under
``tests/fixtures/<partner>`` depend on that order, so a change to a partner's scenarios
must leave its draws as they are. :mod:`lintas.connectors.sandboxes.quirks` holds the
edits scenarios share (a scan sent twice, swapped times, rows no parser can use).
"""

from __future__ import annotations

import json
import random
from collections.abc import Callable, Container, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Any, Generic, Literal, TypeVar

from lintas.connectors.sandboxes.quirks import spoil_one

__all__ = [
    "CatalogBuilder", "Draw", "Entry", "NumberDrawer", "Outcome", "WebhookDraw", "any_scenario",
]

Outcome = Literal["shipment", "not_found", "dead_letter"]
T = TypeVar("T")


@dataclass
class Entry:
    """One tracking number a sandbox knows."""

    partner: str
    tracking_number: str
    scenario: str
    body: bytes
    outcome: Outcome
    distinct_events: int = 0
    final_status: str | None = None
    bad_rows: int = 0  # dead letters expected: 1 for a foreign payload, n for n bad rows
    fail_first: int = 0  # the sandbox answers this many requests with HTTP 503 first
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def key(self) -> str:
        """The record key on the raw topic: ``partner:tracking_number``."""
        return f"{self.partner}:{self.tracking_number}"

    @property
    def shipment_id(self) -> str:
        return self.key

    def expectation(self) -> dict[str, Any]:
        return {
            "partner": self.partner,
            "tracking_number": self.tracking_number,
            "scenario": self.scenario,
            "outcome": self.outcome,
            "distinct_events": self.distinct_events,
            "final_status": self.final_status,
            "bad_rows": self.bad_rows,
        }


@dataclass
class Draw:
    """One scenario's turn in a catalog, and the entries it can make.

    A partner whose scenarios all begin with the same draws (a route, a receiver)
    subclasses this with those as ``field(init=False)`` and draws them in
    ``__post_init__``, so that they come first, in the same order, for every scenario.
    """

    partner: str
    scenario: str
    number: str
    start: datetime
    rng: random.Random

    def shipment(
        self, body: bytes, distinct: int, final: str, *, bad_rows: int = 0,
        extra: dict[str, Any] | None = None, tracking_number: str | None = None,
    ) -> Entry:
        """A body that makes a shipment of ``distinct`` events ending in ``final``; the
        ``flaky`` scenario's sandbox answers HTTP 503 once before it."""
        return Entry(
            self.partner, tracking_number or self.number, self.scenario, body, "shipment",
            distinct, final, bad_rows=bad_rows, fail_first=int(self.scenario == "flaky"),
            extra=extra or {},
        )

    def not_found(self, body: bytes) -> Entry:
        """The partner's answer for a tracking number it does not know."""
        return Entry(self.partner, self.number, self.scenario, body, "not_found")

    def dead_letter(self, body: bytes, *, extra: dict[str, Any] | None = None) -> Entry:
        """A body that is not the partner's answer at all: one dead letter."""
        return Entry(self.partner, self.number, self.scenario, body, "dead_letter", bad_rows=1,
                     extra=extra or {})

    def malformed(self, body: bytes) -> Entry:
        """The first half of ``body``, cut off mid-JSON: one dead letter."""
        return self.dead_letter(body[: len(body) // 2])

    def ending(self, endings: Container[str]) -> str:
        """How the parcel's journey ends: as the scenario's name says when it is one of
        ``endings``, else delivered."""
        return self.scenario if self.scenario in endings else "delivered"

    def phone(self, prefix: str) -> str:
        """A phone number as people write it in free text: ``0812-1234-5678``."""
        return f"{prefix}-{self.rng.randint(1000, 9999)}-{self.rng.randint(1000, 9999)}"

    def route(self, west: Sequence[T], east: Sequence[T], *, apart: bool = True) -> tuple[T, T]:
        """(origin, destination): both in ``west``, or the destination in ``east`` for the
        ``cross_zone`` scenario; with ``apart``, never the same place."""
        origin = self.rng.choice(west)
        destination = self.rng.choice(east if self.scenario == "cross_zone" else west)
        while apart and destination == origin:
            destination = self.rng.choice(west)
        return origin, destination


@dataclass
class WebhookDraw(Draw):
    """A draw for a partner that pushes one webhook per scan; subclasses draw ``bodies``,
    the webhooks of the shipment in the order of its scans, in ``__post_init__``."""

    bodies: list[dict[str, Any]] = field(init=False)

    def webhook_shipment(
        self, sent: list[Any], final: str, distinct: int, *, refused: tuple[int, ...] = (),
        extra: dict[str, Any] | None = None,
    ) -> Entry:
        """A shipment pushed as one webhook per element of ``sent``, in that order: the
        entry's body is the whole list, ``extra["webhooks"]`` the bytes of each POST and
        ``extra["refused"]`` the positions that cannot become an event."""
        wire = [json.dumps(b, separators=(",", ":")).encode() for b in sent]
        return Entry(
            self.partner, self.number, self.scenario, json.dumps(sent, indent=2).encode(),
            "shipment", distinct, final, bad_rows=len(refused),
            extra={"webhooks": wire, "refused": list(refused), **(extra or {})},
        )

    def delivered(
        self, sent: list[Any], *, refused: tuple[int, ...] = (), distinct: int | None = None,
        extra: dict[str, Any] | None = None,
    ) -> Entry:
        """The shipment delivered, one event a scan unless ``distinct``, pushed as
        ``sent``."""
        count = len(self.bodies) if distinct is None else distinct
        return self.webhook_shipment(sent, "delivered", count, refused=refused, extra=extra)

    def one_spoilt(self, key: str, value: Any) -> Entry:
        """The shipment delivered, but one webhook in the middle has an unreadable ``key``
        and is refused."""
        broken = spoil_one(self.bodies, self.rng, key, value)
        return self.delivered(self.bodies, refused=(broken,), distinct=len(self.bodies) - 1)


D = TypeVar("D", bound=Draw)

#: Draws a tracking number from (generator, scenario, start).
NumberDrawer = Callable[[random.Random, str, datetime], str]


def any_scenario(draw: Callable[[random.Random], str]) -> NumberDrawer:
    """A number drawer for a partner whose numbers look alike in every scenario and on
    every day."""
    return lambda rng, _scenario, _start: draw(rng)


@dataclass(frozen=True)
class CatalogBuilder(Generic[D]):
    """How one partner's sandbox builds its catalog: every scenario, in catalog order,
    with the function that makes its entry from a ``draw``."""

    partner: str
    draw: type[D]
    number: NumberDrawer
    scenarios: Mapping[str, Callable[[D], Entry]]
    whole_minutes: bool = False  # the partner's times have no seconds: neither has start

    @property
    def names(self) -> tuple[str, ...]:
        """Every scenario, in catalog order."""
        return tuple(self.scenarios)

    def build(
        self, seed: int, *, start: datetime | None = None, rounds: int = 1,
        scenarios: Iterable[str] | None = None,
    ) -> list[Entry]:
        """``rounds`` of every scenario (or of ``scenarios``, in their order) with fresh
        tracking numbers drawn from ``seed``; times start from ``start``, four days ago
        when not given."""
        names = self.names if scenarios is None else tuple(scenarios)
        unknown = [name for name in names if name not in self.scenarios]
        if unknown:
            raise ValueError(f"unknown {self.partner} scenario {unknown[0]!r}")
        rng = random.Random(seed)
        start = start or datetime.now(timezone.utc).replace(microsecond=0) - timedelta(days=4)
        if self.whole_minutes:
            start = start.replace(second=0, microsecond=0)
        entries: list[Entry] = []
        seen: set[str] = set()
        for _ in range(rounds):
            for name in names:
                number = self.number(rng, name, start)
                while number in seen:
                    number = self.number(rng, name, start)
                seen.add(number)
                entry = self.scenarios[name](self.draw(self.partner, name, number, start, rng))
                seen.add(entry.tracking_number)  # a scenario may answer under its own number
                entries.append(entry)
        return entries
