"""The catalog skeleton every partner's scenarios are built on, and the quirks they share."""

from __future__ import annotations

import json
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from importlib import import_module

import pytest

from lintas.connectors.sandboxes.quirks import (
    repeat_scan,
    shuffled,
    spoil_one,
    swap,
    with_bad_rows,
    without,
)
from lintas.connectors.sandboxes.scenario import (
    CatalogBuilder,
    Draw,
    Entry,
    WebhookDraw,
    any_scenario,
)

START = datetime(2025, 3, 4, 5, 6, 7, 891011, tzinfo=timezone.utc)
PARTNERS = ("pos", "jne", "jnt", "sicepat", "anteraja", "lion", "tiki", "sap", "ninja",
            "idexpress", "standard")


def _digits(rng: random.Random) -> str:
    return str(rng.randint(0, 9))


def _plain(d: Draw) -> Entry:
    return d.shipment(json.dumps({"n": d.rng.random()}).encode(), 1, "delivered")


def _builder(**scenarios: Callable[[Draw], Entry]) -> CatalogBuilder[Draw]:
    return CatalogBuilder(partner="demo", draw=Draw, number=any_scenario(_digits),
                          scenarios=scenarios or {"a": _plain, "b": _plain})


def test_same_seed_same_catalog_and_numbers_never_repeat() -> None:
    builder = _builder()
    first = builder.build(3, start=START, rounds=4)
    assert first == builder.build(3, start=START, rounds=4)
    assert first != builder.build(4, start=START, rounds=4)
    numbers = [e.tracking_number for e in first]
    assert len(numbers) == 8 == len(set(numbers))  # eight of ten digits: redraws happened


def test_catalog_order_is_the_builders_or_the_callers() -> None:
    builder = _builder()
    assert builder.names == ("a", "b")
    assert [e.scenario for e in builder.build(1, start=START, rounds=2)] == ["a", "b", "a", "b"]
    assert [e.scenario for e in builder.build(1, start=START, scenarios=("b", "b", "a"))] == [
        "b", "b", "a"]


def test_unknown_scenario_is_refused_before_any_draw() -> None:
    with pytest.raises(ValueError, match="unknown demo scenario 'c'"):
        _builder().build(1, start=START, scenarios=("a", "c"))


def test_start_defaults_to_four_days_ago_and_whole_minutes_cut_any_start() -> None:
    seen: list[datetime] = []

    def remember(d: Draw) -> Entry:
        seen.append(d.start)
        return _plain(d)

    _builder(a=remember).build(1)
    now = datetime.now(timezone.utc)
    assert seen[0].microsecond == 0
    assert timedelta(days=4) <= now - seen[0] < timedelta(days=4, minutes=1)
    CatalogBuilder(partner="demo", draw=Draw, number=any_scenario(_digits),
                   scenarios={"a": remember}).build(1, start=START)
    CatalogBuilder(partner="demo", draw=Draw, number=any_scenario(_digits),
                   scenarios={"a": remember}, whole_minutes=True).build(1, start=START)
    assert seen[1:] == [START, START.replace(second=0, microsecond=0)]


def test_a_scenarios_own_number_is_never_drawn_again() -> None:
    def renamed(d: Draw) -> Entry:
        return d.shipment(b"{}", 1, "delivered", tracking_number="X")

    builder = CatalogBuilder(partner="demo", draw=Draw,
                             number=any_scenario(lambda rng: rng.choice("XYZ")),
                             scenarios={"renamed": renamed, "plain": _plain})
    plain_numbers = {plain.tracking_number for seed in range(20)
                     for _, plain in [builder.build(seed, start=START)]}
    assert plain_numbers == {"Y", "Z"}


def test_common_draws_come_first_for_every_scenario() -> None:
    @dataclass
    class Routed(Draw):
        origin: str = field(init=False)

        def __post_init__(self) -> None:
            self.origin = self.rng.choice("PQRS")

    def origin_only(d: Routed) -> Entry:
        return d.shipment(d.origin.encode(), 1, "delivered")

    def origin_then_more(d: Routed) -> Entry:
        return d.shipment(d.origin.encode() + _digits(d.rng).encode(), 1, "delivered")

    one = CatalogBuilder(partner="demo", draw=Routed, number=any_scenario(_digits),
                         scenarios={"x": origin_only})
    other = CatalogBuilder(partner="demo", draw=Routed, number=any_scenario(_digits),
                           scenarios={"x": origin_then_more})
    for seed in range(10):
        (a,), (b,) = one.build(seed, start=START), other.build(seed, start=START)
        assert b.body.startswith(a.body)


def test_entries_a_draw_makes() -> None:
    flaky = Draw("demo", "flaky", "N1", START, random.Random(1))
    assert flaky.shipment(b"{}", 3, "delivered").fail_first == 1
    plain = Draw("demo", "delivered", "N1", START, random.Random(1))
    shipped = plain.shipment(b"{}", 3, "delivered", bad_rows=2, extra={"k": 1})
    assert (shipped.outcome, shipped.distinct_events, shipped.final_status, shipped.bad_rows,
            shipped.fail_first, shipped.extra) == ("shipment", 3, "delivered", 2, 0, {"k": 1})
    assert plain.not_found(b"{}").outcome == "not_found"
    cut = plain.malformed(b'{"answer": [1, 2, 3]}')
    assert (cut.body, cut.outcome, cut.bad_rows) == (b'{"answer":', "dead_letter", 1)
    assert plain.ending({"returned"}) == "delivered"
    assert Draw("demo", "returned", "N1", START, random.Random(1)).ending({"returned"}) == (
        "returned")
    assert len(plain.phone("0812")) == len("0812-1234-5678")


def test_route_apart_and_to_the_east_for_cross_zone() -> None:
    for seed in range(30):
        west = Draw("demo", "delivered", "N", START, random.Random(seed))
        origin, destination = west.route(["A", "B"], ["E"])
        assert {origin, destination} == {"A", "B"}
        far = Draw("demo", "cross_zone", "N", START, random.Random(seed))
        assert far.route(["A", "B"], ["E"])[1] == "E"


def test_webhook_entries_keep_every_post_and_the_refused_positions() -> None:
    @dataclass
    class Pushed(WebhookDraw):
        def __post_init__(self) -> None:
            self.bodies = [{"scan": i} for i in range(5)]

    d = Pushed("demo", "malformed", "N1", START, random.Random(2))
    entry = d.one_spoilt("scan", None)
    (broken,) = entry.extra["refused"]
    assert 0 < broken < 4 and json.loads(entry.extra["webhooks"][broken]) == {"scan": None}
    assert (entry.distinct_events, entry.bad_rows) == (4, 1)
    assert json.loads(entry.body) == [json.loads(w) for w in entry.extra["webhooks"]]
    pinged = d.delivered([{"ping": True}, *d.bodies], refused=(0,))
    assert (pinged.distinct_events, pinged.extra["webhooks"][0]) == (5, b'{"ping":true}')


def _rows() -> list[dict[str, object]]:
    return [{"at": f"t{i}", "text": f"Scan {i}", "code": i} for i in range(5)]


def test_repeat_scan_and_swap() -> None:
    rows = _rows()
    repeat_scan(rows, 2, "text", str.upper)
    assert rows[2:4] == [{"at": "t2", "text": "Scan 2", "code": 2},
                         {"at": "t2", "text": "SCAN 2", "code": 2}]
    rows = _rows()
    swap(rows, 1, 2, "at")
    assert [r["at"] for r in rows] == ["t0", "t2", "t1", "t3", "t4"]


def test_bad_rows_stand_just_before_the_rows_they_copy() -> None:
    rows = _rows()
    out = with_bad_rows(rows, misdated=(1, "at", "00:00"), incomplete=(3, "code"))
    assert rows == _rows()
    assert out == [rows[0], dict(rows[1], at="00:00"), rows[1], rows[2],
                   without(rows[3], "code"), rows[3], rows[4]]


def test_shuffled_and_spoilt() -> None:
    items = list(range(4))
    for seed in range(20):
        rng = random.Random(seed)
        again = shuffled(items, rng)
        assert again != items and sorted(again) == items
        rows = _rows()
        broken = spoil_one(rows, rng, "at", None)
        assert 1 <= broken <= 3 and rows[broken]["at"] is None


@pytest.mark.parametrize("partner", PARTNERS)
def test_every_partner_catalog_is_built_on_the_skeleton(partner: str) -> None:
    scenarios = import_module(f"lintas.connectors.{partner}.scenarios")
    entries = scenarios.build_catalog(5, start=START, rounds=2)
    assert [e.scenario for e in entries] == list(scenarios.SCENARIOS) * 2
    assert {e.partner for e in entries} == {partner}
    assert entries == scenarios.build_catalog(5, start=START, rounds=2)
    numbers = [e.tracking_number for e in entries]
    assert len(numbers) == len(set(numbers))
