"""Hand-over linking: explicit references, the scored heuristic, and order independence."""

from __future__ import annotations

import random
from datetime import datetime, timedelta, timezone

from lintas.streams.linking import LegSummary, link_legs, summarize

T0 = datetime(2025, 5, 1, 2, 0, tzinfo=timezone.utc)


def event(eid, partner, tn, status, hours, region=None, refs=(), place=None):
    return {"event_id": eid, "partner": partner, "tracking_number": tn, "status": status,
            "occurred_at": T0 + timedelta(hours=hours), "region_code": region,
            "location_name": place, "references": [dict(r) for r in refs]}


def lion_leg(tn="19LP1234567890123", hours=10, region="16.71", destination="16.71"):
    events = [
        event("l1", "lion", tn, "picked_up", 0, "34.71"),
        event("l2", "lion", tn, "in_transit", 4, "34.71"),
        event("l3", "lion", tn, "handed_over", hours, region,
              refs=[{"kind": "handover_to", "partner": "pos", "value": None}], place="PALEMBANG"),
    ]
    summary = summarize(f"lion:{tn}", events)
    if destination:
        summary = LegSummary(summary.leg, summary.partner, summary.tracking_number,
                             summary.first_at, summary.first_region, destination,
                             summary.handovers_to, summary.handovers_from)
    return summary


def pos_leg(tn, start_hours, region="16.71", delivered_region="16.71"):
    events = [event(f"{tn}-1", "pos", tn, "in_transit", start_hours, region),
              event(f"{tn}-2", "pos", tn, "delivered", start_hours + 20, delivered_region)]
    return summarize(f"pos:{tn}", events)


def test_summary_reads_first_region_destination_and_handover():
    summary = lion_leg()
    assert summary.first_at == T0 and summary.first_region == "34.71"
    (handover,) = summary.handovers_to
    assert (handover.partner, handover.tracking_number, handover.region) == ("pos", None, "16.71")
    assert LegSummary.from_dict(summary.as_dict()) == summary


def test_explicit_reference_links_with_full_confidence():
    jne = summarize("jne:0123456789012345", [
        event("j1", "jne", "0123456789012345", "picked_up", 0, "32.73"),
        event("j2", "jne", "0123456789012345", "handed_over", 5, "73.71",
              refs=[{"kind": "handover_to", "partner": "pos", "value": "RB123456785ID"}]),
    ])
    pos = pos_leg("RB123456785ID", 8, "73.71", "73.71")
    links = link_legs([pos, jne])
    assert links["pos:RB123456785ID"].shipment_id == "jne:0123456789012345"
    link = links["pos:RB123456785ID"]
    assert (link.method, link.confidence) == ("explicit", 1.0)
    assert links["jne:0123456789012345"].method == "origin"


def _jnt_claiming_pos(number: str = "P2505010000001"):
    return summarize("jnt:JP1234567890", [
        event("t1", "jnt", "JP1234567890", "in_transit", 30, "32.73",
              refs=[{"kind": "handover_from", "partner": "pos", "value": number}]),
    ])


def test_handover_from_reference_links_when_the_giver_shows_the_handover():
    first = summarize("pos:P2505010000001", [
        event("p1", "pos", "P2505010000001", "in_transit", 0, "31.71"),
        event("p2", "pos", "P2505010000001", "handed_over", 26, "32.73",
              refs=[{"kind": "handover_to", "partner": "jnt", "value": None}]),
    ])
    links = link_legs([_jnt_claiming_pos(), first])
    assert links["jnt:JP1234567890"].shipment_id == "pos:P2505010000001"
    assert links["jnt:JP1234567890"].method == "explicit"


def test_a_claim_the_other_side_does_not_show_links_nothing():
    pos = pos_leg("P2505010000001", 0, "31.71", None)  # in transit, no hand-over at all
    links = link_legs([_jnt_claiming_pos(), pos])
    assert links["jnt:JP1234567890"].shipment_id == "jnt:JP1234567890"
    assert links["pos:P2505010000001"].shipment_id == "pos:P2505010000001"
    # A hand-over elsewhere, or days before, does not bear it out either.
    elsewhere = summarize("pos:P2505010000001", [
        event("p1", "pos", "P2505010000001", "in_transit", 0, "31.71"),
        event("p2", "pos", "P2505010000001", "handed_over", 26, "73.71",
              refs=[{"kind": "handover_to", "partner": "jnt", "value": None}]),
    ])
    assert link_legs([_jnt_claiming_pos(), elsewhere])["jnt:JP1234567890"].method == "origin"


def test_a_registered_agreement_needs_no_corroboration():
    pos = pos_leg("P2505010000001", 0, "31.71", None)
    links = link_legs([_jnt_claiming_pos(), pos], agreements=frozenset({("pos", "jnt")}))
    assert links["jnt:JP1234567890"].shipment_id == "pos:P2505010000001"


def test_a_member_cannot_take_over_another_partners_parcel():
    jnt = summarize("jnt:JP1111111111", [
        event("j1", "jnt", "JP1111111111", "picked_up", 0, "32.73"),
        event("j2", "jnt", "JP1111111111", "in_transit", 10, "32.73"),
    ])
    member_ref = {"kind": "member", "partner": None, "value": "asperindo-0042"}
    claim = summarize("standard:KN1", [
        event("m1", "standard", "KN1", "delivered", 12, "32.73",
              refs=[member_ref, {"kind": "handover_from", "partner": "jnt",
                                 "value": "JP1111111111"}]),
    ])
    assert claim.owner == "asperindo-0042"
    links = link_legs([jnt, claim])
    assert links["jnt:JP1111111111"].shipment_id == "jnt:JP1111111111"
    assert links["standard:KN1"].shipment_id == "standard:KN1"
    # Two members are two parties: one cannot claim the other's leg either.
    other = summarize("standard:KN2", [
        event("o1", "standard", "KN2", "in_transit", 0, "32.73",
              refs=[{"kind": "member", "partner": None, "value": "asperindo-0999"}]),
    ])
    grab = summarize("standard:KN3", [
        event("g1", "standard", "KN3", "delivered", 50, "31.71",
              refs=[member_ref, {"kind": "handover_from", "partner": "standard",
                                 "value": "KN2"}]),
    ])
    assert link_legs([other, grab])["standard:KN3"].shipment_id == "standard:KN3"


def test_lion_to_pos_handover_links_the_best_candidate_with_its_score():
    lion = lion_leg()
    right = pos_leg("P2505010000010", 15)              # 5 h later, same place and destination
    late = pos_leg("P2505010000011", 60)               # same place, 50 h later
    elsewhere = pos_leg("P2505010000012", 12, "31.71", "31.71")  # right time, wrong place
    links = link_legs([lion, right, late, elsewhere])
    assert links["pos:P2505010000010"].shipment_id == lion.leg
    assert links["pos:P2505010000010"].method == "heuristic"
    # place 0.45 + destination 0.25 + time 0.30
    assert links["pos:P2505010000010"].confidence == 1.0
    assert links["pos:P2505010000011"].shipment_id == "pos:P2505010000011"
    assert links["pos:P2505010000012"].shipment_id == "pos:P2505010000012"


def test_confidence_falls_with_time_and_missing_destination():
    lion = lion_leg(destination=None)
    candidate = pos_leg("P2505010000020", 10 + 48)  # 48 h after the hand-over
    link = link_legs([lion, candidate])["pos:P2505010000020"]
    assert link.method == "heuristic"
    assert link.confidence == round(0.45 + 0.30 * 0.5, 3)


def test_a_leg_that_starts_with_a_sender_posting_is_not_a_handover():
    lion = lion_leg()
    posted = summarize("pos:P2505010000050", [
        event("x1", "pos", "P2505010000050", "picked_up", 12, "16.71"),
        event("x2", "pos", "P2505010000050", "delivered", 30, "16.71")])
    assert link_legs([lion, posted])["pos:P2505010000050"].method == "origin"


def test_candidate_outside_the_window_or_below_threshold_is_not_linked():
    lion = lion_leg(destination=None)
    too_late = pos_leg("P2505010000030", 10 + 80)
    too_early = pos_leg("P2505010000031", 10 - 8)
    links = link_legs([lion, too_late, too_early])
    assert all(links[leg].method == "origin" for leg in links)


def test_each_candidate_goes_to_one_handover_best_first():
    a = lion_leg("19LP0000000000001", hours=10)
    b = lion_leg("19LP0000000000002", hours=30)
    near_a = pos_leg("P2505010000040", 12)
    near_b = pos_leg("P2505010000041", 33)
    links = link_legs([a, b, near_a, near_b])
    assert links["pos:P2505010000040"].shipment_id == a.leg
    assert links["pos:P2505010000041"].shipment_id == b.leg


def test_links_do_not_depend_on_order():
    legs = [lion_leg("19LP0000000000001", 10), lion_leg("19LP0000000000002", 30),
            pos_leg("P2505010000040", 12), pos_leg("P2505010000041", 33),
            pos_leg("P2505010000042", 20, "31.71", "31.71")]
    expected = link_legs(legs)
    rng = random.Random(7)
    for _ in range(20):
        rng.shuffle(legs)
        assert link_legs(legs) == expected
