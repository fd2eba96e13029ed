"""A leg that moves to another shipment: the view ends the same whatever order the sink
reads the partitions of lintas.shipments.v1 in (SQLite and PostgreSQL).

The rebalance test caught it: a Pos leg handed over from Lion moved from its own shipment
to Lion's; Lion's new view (one partition) reached the sink before the Pos shipment's
last views that still named the leg (another partition, behind), then the Pos
shipment's tombstone deleted the leg's only row, and Lion's shipment lost its Pos leg."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from typing import Any

import pytest
from sqlalchemy import select

from lintas.streams.reconcile import reconcile
from lintas.streams.view.models import LegRow
from lintas.streams.view.store import ViewStore, open_store

NOW = datetime(2026, 11, 29, 12, 0, tzinfo=timezone.utc)
LION, POS = "26LP3780007000171", "P2610007000171"


def _event(partner: str, number: str, n: int, status: str, hours_ago: float) -> dict[str, Any]:
    return {
        "event_id": f"{partner}-{number}-{n}", "partner": partner, "tracking_number": number,
        "status": status, "raw_status": status.upper(), "raw_text": f"{status} scan",
        "occurred_at": NOW - timedelta(hours=hours_ago), "utc_offset": "+07:00",
        "location_name": None, "region_code": "33.74",
    }


LION_EVENTS = [_event("lion", LION, 1, "picked_up", 30), _event("lion", LION, 2, "handed_over", 20)]
POS_EVENTS = [_event("pos", POS, 1, "in_transit", 19), _event("pos", POS, 2, "delivered", 2)]

#: (partition, what the sink reads): each shipment's records in their partition's order
RECORDS: list[tuple[str, Callable[[ViewStore], None]]] = [
    ("pos", lambda s: s.apply("sink", views=[reconcile(f"pos:{POS}", POS_EVENTS)],
                              offsets={("lintas.shipments.v1", 1): 1})),
    ("pos", lambda s: s.apply("sink", deleted=[f"pos:{POS}"],
                              offsets={("lintas.shipments.v1", 1): 2})),
    ("lion", lambda s: s.apply("sink", views=[reconcile(
        f"lion:{LION}", LION_EVENTS + POS_EVENTS, links={f"pos:{POS}": ("heuristic", 0.875)})],
        offsets={("lintas.shipments.v1", 5): 1})),
]


def _interleavings() -> list[tuple[int, ...]]:
    """Every order of RECORDS that keeps each partition's own order."""
    def in_order(order: tuple[int, ...]) -> bool:
        return all([i for i in order if RECORDS[i][0] == p] == sorted(
            i for i in order if RECORDS[i][0] == p) for p in ("pos", "lion"))
    return [o for o in itertools.permutations(range(len(RECORDS))) if in_order(o)]


@pytest.mark.parametrize("order", _interleavings())
def test_a_moved_leg_stays_with_its_new_shipment_in_any_partition_order(view_url, order):
    store = open_store(view_url)
    try:
        for index in order:
            RECORDS[index][1](store)
        with store.engine.connect() as conn:
            legs = set(conn.execute(select(LegRow.shipment_id, LegRow.partner,
                                           LegRow.tracking_number, LegRow.link_method)))
        assert legs == {(f"lion:{LION}", "lion", LION, "origin"),
                        (f"lion:{LION}", "pos", POS, "heuristic")}
        assert store.find_shipments(POS) == [f"lion:{LION}"]
    finally:
        store.close()


def test_a_leg_in_two_shipments_for_a_moment_is_found_in_both(view_url):
    store = open_store(view_url)
    try:
        RECORDS[2][1](store)
        RECORDS[0][1](store)  # the Pos shipment's last view before its tombstone
        assert sorted(store.find_shipments(POS)) == [f"lion:{LION}", f"pos:{POS}"]
    finally:
        store.close()
