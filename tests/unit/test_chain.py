"""Legs become shipments through the leg and region state machines, whatever the order:
unnamed hand-overs matched in their region, named ones only where the other side bears
them out, chains of hand-overs, and a restart's redeliveries."""

from __future__ import annotations

import itertools
import random

from lintas.streams.chain import Chain
from lintas.streams.handovers import RegionRecord, RegionStep
from lintas.streams.legcodec import (
    decode_leg,
    decode_message,
    decode_region,
    encode_leg,
    encode_message,
    encode_region,
)
from lintas.streams.legs import Claim, LegRecord, LegStep, Root
from lintas.streams.linking import summarize
from tests.support.events import shipment_event

ev = shipment_event


LION = [ev("l1", "lion", "19LP0000000000001", "picked_up", 0, "34.71"),
        ev("l2", "lion", "19LP0000000000001", "handed_over", 10, "16.71",
           refs=[{"kind": "handover_to", "partner": "pos", "value": None}])]
POS = [ev("p1", "pos", "P2505010000001", "in_transit", 14, "16.71"),
       ev("p2", "pos", "P2505010000001", "delivered", 30, "16.71")]
OTHER = [ev("o1", "pos", "P2505010000002", "in_transit", 3, "31.71"),
         ev("o2", "pos", "P2505010000002", "delivered", 9, "31.71")]
# Pos hands P...1 on to J&T, naming the J&T number; J&T's first scan is there soon after.
ONWARD = [ev("p3", "pos", "P2505010000001", "handed_over", 31, "16.71",
             refs=[{"kind": "handover_to", "partner": "jnt", "value": "JP0000000001"}])]
JNT = [ev("j1", "jnt", "JP0000000001", "in_transit", 33, "16.71"),
       ev("j2", "jnt", "JP0000000001", "delivered", 40, "16.71")]


def shipments(events):
    chain = Chain().add_all(events)
    return {v["shipment_id"]: v for v in chain.shipments}, chain


def legs_of(view):
    return {(leg["partner"], leg["link_method"]) for leg in view["legs"]}


def test_a_lone_leg_is_its_own_shipment():
    views, _ = shipments(OTHER)
    assert list(views) == ["pos:P2505010000002"]
    assert legs_of(views["pos:P2505010000002"]) == {("pos", "origin")}
    assert views["pos:P2505010000002"]["status"] == "delivered"


def test_an_unnamed_handover_is_matched_in_its_region_either_way_round():
    for events in (LION + POS, POS + LION):
        views, chain = shipments(events)
        assert list(views) == ["lion:19LP0000000000001"]
        view = views["lion:19LP0000000000001"]
        assert view["status"] == "delivered" and view["event_count"] == 4
        assert legs_of(view) == {("lion", "origin"), ("pos", "heuristic")}
    assert chain.merged == ["pos:P2505010000001"]  # the Pos leg's own shipment went away


def test_a_chain_of_handovers_is_one_shipment():
    views, _ = shipments(LION + POS + ONWARD + JNT)
    assert list(views) == ["lion:19LP0000000000001"]
    assert legs_of(views["lion:19LP0000000000001"]) == {
        ("lion", "origin"), ("pos", "heuristic"), ("jnt", "explicit")}


def test_a_named_claim_the_other_side_does_not_show_moves_nothing():
    claim = [ev("m1", "standard", "KN1", "delivered", 35, "16.71",
                refs=[{"kind": "member", "partner": None, "value": "acme"},
                      {"kind": "handover_from", "partner": "jnt", "value": "JP0000000001"}])]
    views, _ = shipments(JNT + claim)
    assert legs_of(views["jnt:JP0000000001"]) == {("jnt", "origin")}
    assert [a["kind"] for a in views["standard:KN1"]["anomalies"]] == ["unverified_handover"]


def test_the_views_do_not_depend_on_the_order_of_events():
    events = LION + POS + OTHER + ONWARD + JNT
    baseline, _ = shipments(events)
    rng = random.Random(7)
    for _ in range(40):
        shuffled = list(events)
        rng.shuffle(shuffled)
        views, _ = shipments(shuffled)
        assert views == baseline


def test_every_order_of_three_legs_gives_the_same_shipment():
    legs = [LION, POS + ONWARD, JNT]
    results = [shipments([e for leg in order for e in leg])[0]
               for order in itertools.permutations(legs)]
    assert all(r == results[0] for r in results)


def test_a_message_read_again_sends_the_state_again():
    record = LegRecord("pos:P2505010000001")
    LegStep(record).event(POS[0], "events", 10)
    again = LegStep(record).event(POS[0], "events", 10)
    assert [(w, m.kind) for w, _, m in again if w == "shipments"] == [("shipments", "leg")]
    # A root from a leg that is not the parent changes nothing.
    assert LegStep(record).message(Root("lion:x", "lion:x", 1), "legs", 11) == []


def test_records_and_messages_round_trip():
    record = LegRecord("pos:P2505010000001")
    LegStep(record).event(POS[0], "events", 3)
    LegStep(record).message(Claim(summarize("lion:19LP0000000000001", LION)), "legs", 4)
    assert decode_leg(record.leg, encode_leg(record)) == record
    region = RegionRecord("pos@16.71")
    RegionStep(region).apply(summarize("lion:19LP0000000000001", LION), 5)
    RegionStep(region).apply(summarize("pos:P2505010000001", POS), 6)
    assert region.matches and decode_region("pos@16.71", encode_region(region)) == region
    message = Claim(summarize("lion:19LP0000000000001", LION))
    assert decode_message(encode_message(message)) == message


def test_a_leg_whose_posting_arrives_last_leaves_the_hand_over_it_was_matched_to():
    # Pos's scans newest first: until its posting arrives, the leg looks like a receiver of
    # Lion's unnamed hand-over; the posting makes it a new parcel of its own.
    posted = [ev("q1", "pos", "P2505010000009", "picked_up", 13, "16.71"),
              ev("q2", "pos", "P2505010000009", "in_transit", 14, "16.71"),
              ev("q3", "pos", "P2505010000009", "delivered", 30, "16.71")]
    views, _ = shipments([*LION, *reversed(posted)])
    assert views["pos:P2505010000009"]["legs"][0]["link_method"] == "origin"
    assert legs_of(views["lion:19LP0000000000001"]) == {("lion", "origin")}
    # The real receiver, arriving after, still gets the hand-over.
    views, _ = shipments([*LION, *reversed(posted), *POS])
    assert legs_of(views["lion:19LP0000000000001"]) == {("lion", "origin"), ("pos", "heuristic")}


def test_a_candidate_whose_first_region_changes_moves_to_the_new_region():
    early_elsewhere = ev("p0", "pos", "P2505010000001", "in_transit", 12, "31.71")
    views, _ = shipments([*LION, *POS, early_elsewhere])  # now it starts in Jakarta
    assert "pos:P2505010000001" in views
    assert legs_of(views["lion:19LP0000000000001"]) == {("lion", "origin")}


def test_legs_kept_as_bytes_give_the_same_shipments_as_legs_kept_decoded(monkeypatch):
    events = LION + POS + OTHER + ONWARD + JNT
    baseline, chain = shipments(events)
    monkeypatch.setattr("lintas.streams.chain.RECENT_LEGS", 1)  # all but one leg as bytes
    views, small = shipments(events)
    assert views == baseline and small.merged == chain.merged
    assert small.shipment_count == chain.shipment_count == len(baseline)
