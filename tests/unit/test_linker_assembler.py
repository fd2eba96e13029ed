"""The linker and assembler state machines: legs become shipments whatever the order."""

from __future__ import annotations

import random
from datetime import datetime, timedelta, timezone

from lintas.streams.assembler import Assembler
from lintas.streams.linker import Linker
from lintas.streams.messages import LegUpdate

T0 = datetime(2025, 5, 1, 2, 0, tzinfo=timezone.utc)


def ev(eid, partner, tn, status, hours, region=None, refs=()):
    return {
        "event_id": eid, "partner": partner, "tracking_number": tn, "tracking_number_flags": [],
        "status": status, "aftership_tag": "InTransit", "raw_status": status.upper(),
        "raw_text": "",
        "occurred_at": T0 + timedelta(hours=hours), "local_time": "", "utc_offset": "+07:00",
        "zone_source": "location", "location_name": None, "location_code": None,
        "postal_code": None, "region_code": region, "detail": None, "receiver": None,
        "references": [dict(r) for r in refs], "sequence": 0, "raw_record_id": None,
        "source_topic": None, "source_partition": None, "source_offset": None,
    }


LION = [ev("l1", "lion", "19LP0000000000001", "picked_up", 0, "34.71"),
        ev("l2", "lion", "19LP0000000000001", "handed_over", 10, "16.71",
           refs=[{"kind": "handover_to", "partner": "pos", "value": None}])]
POS = [ev("p1", "pos", "P2505010000001", "in_transit", 14, "16.71"),
       ev("p2", "pos", "P2505010000001", "delivered", 30, "16.71")]
OTHER = [ev("o1", "pos", "P2505010000002", "in_transit", 3, "31.71"),
         ev("o2", "pos", "P2505010000002", "delivered", 9, "31.71")]


def run(updates):
    linker, assembler = Linker({}), Assembler({})
    views = {}
    for update in updates:
        for assignment in linker.apply(update):
            views[assignment.shipment_id] = assembler.apply(assignment)
    return {k: v for k, v in views.items() if v is not None}, linker


def updates_for(events_by_leg, offsets):
    out = []
    for leg, events in events_by_leg.items():
        for n in range(1, len(events) + 1):
            out.append(LegUpdate(leg, events[:n], offsets.pop(0)))
    return out


def test_a_lone_leg_is_its_own_shipment():
    views, _ = run([LegUpdate("pos:P2505010000002", OTHER, 0)])
    assert list(views) == ["pos:P2505010000002"]
    assert views["pos:P2505010000002"]["legs"][0]["link_method"] == "origin"
    assert views["pos:P2505010000002"]["status"] == "delivered"


def test_pos_leg_joins_the_lion_shipment_it_was_handed_to():
    views, _ = run([
        LegUpdate("lion:19LP0000000000001", LION, 0), LegUpdate("pos:P2505010000001", POS, 1)
    ])
    (view,) = views.values()
    assert view["shipment_id"] == "lion:19LP0000000000001"
    assert view["status"] == "delivered" and view["event_count"] == 4
    legs = {(leg["partner"], leg["link_method"]) for leg in view["legs"]}
    assert legs == {("lion", "origin"), ("pos", "heuristic")}


def test_pos_first_then_lion_moves_the_leg_and_removes_the_old_shipment():
    linker, assembler = Linker({}), Assembler({})
    sent = []
    for update in (
        LegUpdate("pos:P2505010000001", POS, 0), LegUpdate("lion:19LP0000000000001", LION, 1)
    ):
        for assignment in linker.apply(update):
            sent.append((assignment.kind, assignment.shipment_id, assignment.leg))
            assembler.apply(assignment)
    assert ("drop", "pos:P2505010000001", "pos:P2505010000001") in sent
    assert ("leg", "lion:19LP0000000000001", "pos:P2505010000001") in sent
    assert assembler.table.get("pos:P2505010000001") is None


def test_final_views_do_not_depend_on_the_order_of_updates():
    legs = {"lion:19LP0000000000001": LION, "pos:P2505010000001": POS, "pos:P2505010000002": OTHER}
    baseline, _ = run(updates_for(legs, list(range(100))))
    rng = random.Random(3)
    for _ in range(25):
        updates = updates_for(legs, list(range(100)))
        rng.shuffle(updates)
        # Each leg's updates still carry increasing offsets in their own order of arrival.
        per_leg: dict[str, int] = {}
        ordered = []
        for n, update in enumerate(updates):
            if len(update.events) < per_leg.get(update.leg, 0):
                continue  # an older state arriving late is skipped by offsets upstream
            per_leg[update.leg] = len(update.events)
            ordered.append(LegUpdate(update.leg, update.events, n))
        views, _ = run(ordered)
        assert views == baseline


def test_a_redelivered_update_resends_the_current_assignment():
    linker = Linker({})
    linker.apply(LegUpdate("lion:19LP0000000000001", LION, 5))
    first = linker.apply(LegUpdate("pos:P2505010000001", POS, 6))
    again = linker.apply(LegUpdate("pos:P2505010000001", POS, 6))
    assert [a.kind for a in again] == ["leg"]
    assert again[0].shipment_id == "lion:19LP0000000000001"
    assert again[0].shipment_id in {a.shipment_id for a in first}


def test_a_new_linker_on_the_same_table_carries_on():
    table: dict = {}
    Linker(table).apply(LegUpdate("lion:19LP0000000000001", LION, 0))
    restarted = Linker(table)
    assignments = restarted.apply(LegUpdate("pos:P2505010000001", POS, 1))
    assert {(a.kind, a.shipment_id) for a in assignments} >= {("leg", "lion:19LP0000000000001")}
