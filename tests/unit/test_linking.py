"""Hand-over linking through the leg and region state machines: explicit references where
the other side bears them out, the scored heuristic for unnamed hand-overs, order
independence."""

from __future__ import annotations

import random

from lintas.streams.chain import Chain
from lintas.streams.linking import LegSummary, score, summarize
from tests.support.events import T0
from tests.support.events import shipment_event as event

TO_POS = {"kind": "handover_to", "partner": "pos", "value": None}


def lion_leg(tn="19LP1234567890123", hours=10, region="16.71", destination="16.71"):
    events = [
        event(f"{tn}-1", "lion", tn, "picked_up", 0, "34.71"),
        event(f"{tn}-2", "lion", tn, "in_transit", 4, "34.71"),
        event(f"{tn}-3", "lion", tn, "handed_over", hours, region, refs=[TO_POS],
              place="PALEMBANG"),
    ]
    if destination:  # the consignment's destination, as Lion's out-for-delivery scans show
        events.insert(2, event(f"{tn}-d", "lion", tn, "out_for_delivery", hours - 0.5,
                               destination))
    return events


def pos_leg(tn, start_hours, region="16.71", delivered_region="16.71"):
    return [event(f"{tn}-1", "pos", tn, "in_transit", start_hours, region),
            event(f"{tn}-2", "pos", tn, "delivered", start_hours + 20, delivered_region)]


def links(*legs, agreements=frozenset()):
    """leg -> (shipment id, link method, confidence) after the chain took every event."""
    chain = Chain(agreements).add_all(e for leg in legs for e in leg)
    return {f"{leg['partner']}:{leg['tracking_number']}":
            (view["shipment_id"], leg["link_method"], leg["confidence"])
            for view in chain.shipments for leg in view["legs"]}


def test_summary_reads_first_region_destination_and_handover():
    summary = summarize("lion:19LP1234567890123", lion_leg())
    assert summary.first_at == T0 and summary.first_region == "34.71"
    assert summary.destination_region == "16.71"
    (handover,) = summary.handovers_to
    assert (handover.partner, handover.tracking_number, handover.region) == ("pos", None, "16.71")
    assert LegSummary.from_dict(summary.as_dict()) == summary


def test_explicit_reference_links_with_full_confidence():
    jne = [event("j1", "jne", "0123456789012345", "picked_up", 0, "32.73"),
           event("j2", "jne", "0123456789012345", "handed_over", 5, "73.71",
                 refs=[{"kind": "handover_to", "partner": "pos", "value": "RB123456785ID"}])]
    found = links(pos_leg("RB123456785ID", 8, "73.71", "73.71"), jne)
    assert found["pos:RB123456785ID"] == ("jne:0123456789012345", "explicit", 1.0)
    assert found["jne:0123456789012345"] == ("jne:0123456789012345", "origin", 1.0)


def _jnt_claiming_pos(number: str = "P2505010000001"):
    return [event("t1", "jnt", "JP1234567890", "in_transit", 30, "32.73",
                  refs=[{"kind": "handover_from", "partner": "pos", "value": number}])]


def _pos_handing_to_jnt(region: str):
    return [event("p1", "pos", "P2505010000001", "in_transit", 0, "31.71"),
            event("p2", "pos", "P2505010000001", "handed_over", 26, region,
                  refs=[{"kind": "handover_to", "partner": "jnt", "value": None}])]


def test_handover_from_reference_links_when_the_giver_shows_the_handover():
    found = links(_jnt_claiming_pos(), _pos_handing_to_jnt("32.73"))
    assert found["jnt:JP1234567890"] == ("pos:P2505010000001", "explicit", 1.0)


def test_a_claim_the_other_side_does_not_show_links_nothing():
    pos = pos_leg("P2505010000001", 0, "31.71", "31.71")  # delivered itself, no hand-over
    found = links(_jnt_claiming_pos(), pos)
    assert found["jnt:JP1234567890"][0] == "jnt:JP1234567890"
    assert found["pos:P2505010000001"][0] == "pos:P2505010000001"
    # A hand-over elsewhere does not bear it out either.
    found = links(_jnt_claiming_pos(), _pos_handing_to_jnt("73.71"))
    assert found["jnt:JP1234567890"][1] == "origin"


def test_a_registered_agreement_needs_no_corroboration():
    pos = pos_leg("P2505010000001", 0, "31.71", "31.71")
    found = links(_jnt_claiming_pos(), pos, agreements=frozenset({("pos", "jnt")}))
    assert found["jnt:JP1234567890"][:2] == ("pos:P2505010000001", "explicit")


def test_a_member_cannot_take_over_another_partners_parcel():
    jnt = [event("j1", "jnt", "JP1111111111", "picked_up", 0, "32.73"),
           event("j2", "jnt", "JP1111111111", "in_transit", 10, "32.73")]
    member_ref = {"kind": "member", "partner": None, "value": "asperindo-0042"}
    claim = [event("m1", "standard", "KN1", "delivered", 12, "32.73",
                   refs=[member_ref, {"kind": "handover_from", "partner": "jnt",
                                      "value": "JP1111111111"}])]
    assert summarize("standard:KN1", claim).owner == "asperindo-0042"
    found = links(jnt, claim)
    assert found["jnt:JP1111111111"][0] == "jnt:JP1111111111"
    assert found["standard:KN1"][0] == "standard:KN1"
    # Two members are two parties: one cannot claim the other's leg either.
    other = [event("o1", "standard", "KN2", "in_transit", 0, "32.73",
                   refs=[{"kind": "member", "partner": None, "value": "asperindo-0999"}])]
    grab = [event("g1", "standard", "KN3", "delivered", 50, "31.71",
                  refs=[member_ref, {"kind": "handover_from", "partner": "standard",
                                     "value": "KN2"}])]
    assert links(other, grab)["standard:KN3"][0] == "standard:KN3"


def test_lion_to_pos_handover_links_the_best_candidate_with_its_score():
    lion = lion_leg()
    right = pos_leg("P2505010000010", 15)              # 5 h later, same place and destination
    late = pos_leg("P2505010000011", 60)               # same place, 50 h later
    elsewhere = pos_leg("P2505010000012", 12, "31.71", "31.71")  # right time, wrong place
    found = links(lion, right, late, elsewhere)
    # place 0.45 + destination 0.25 + time 0.30
    assert found["pos:P2505010000010"] == ("lion:19LP1234567890123", "heuristic", 1.0)
    assert found["pos:P2505010000011"][0] == "pos:P2505010000011"
    assert found["pos:P2505010000012"][0] == "pos:P2505010000012"


def test_confidence_falls_with_time_and_missing_destination():
    lion = lion_leg(destination=None)
    candidate = pos_leg("P2505010000020", 10 + 48)  # 48 h after the hand-over
    expected = round(0.45 + 0.30 * 0.5, 3)
    giver, receiver = summarize("lion:x", lion), summarize("pos:P2505010000020", candidate)
    assert score(giver.handovers_to[0], giver, receiver) == expected
    assert links(lion, candidate)["pos:P2505010000020"][1:] == ("heuristic", expected)


def test_a_leg_that_starts_with_a_sender_posting_is_not_a_handover():
    posted = [event("x1", "pos", "P2505010000050", "picked_up", 12, "16.71"),
              event("x2", "pos", "P2505010000050", "delivered", 30, "16.71")]
    assert links(lion_leg(), posted)["pos:P2505010000050"][1] == "origin"


def test_candidate_outside_the_window_or_below_threshold_is_not_linked():
    lion = lion_leg(destination=None)
    too_late = pos_leg("P2505010000030", 10 + 80)
    too_early = pos_leg("P2505010000031", 10 - 8)
    assert {m for _, m, _ in links(lion, too_late, too_early).values()} == {"origin"}


def test_each_candidate_goes_to_one_handover_best_first():
    a = lion_leg("19LP0000000000001", hours=10)
    b = lion_leg("19LP0000000000002", hours=30)
    found = links(a, b, pos_leg("P2505010000040", 12), pos_leg("P2505010000041", 33))
    assert found["pos:P2505010000040"][0] == "lion:19LP0000000000001"
    assert found["pos:P2505010000041"][0] == "lion:19LP0000000000002"


def test_links_do_not_depend_on_order():
    events = [e for leg in (lion_leg("19LP0000000000001", 10), lion_leg("19LP0000000000002", 30),
                            pos_leg("P2505010000040", 12), pos_leg("P2505010000041", 33),
                            pos_leg("P2505010000042", 20, "31.71", "31.71")) for e in leg]
    expected = links(events)
    rng = random.Random(7)
    for _ in range(20):
        rng.shuffle(events)
        assert links(events) == expected


def _posted(tn, hours, sender=None):
    refs = [{"kind": "handover_from", "partner": sender, "value": None}] if sender else []
    return [event(f"{tn}-1", "pos", tn, "picked_up", hours, "16.71", refs=refs),
            event(f"{tn}-2", "pos", tn, "delivered", hours + 20, "16.71", refs=())]


def test_a_posting_whose_sender_is_the_handing_courier_is_its_hand_over():
    lion = lion_leg(destination=None)
    by_lion = _posted("P2505010000060", 40, sender="lion")   # 30 h after the hand-over
    found = links(lion, by_lion, _posted("P2505010000061", 12),
                  _posted("P2505010000062", 12, sender="jne"))
    base = 0.45 + 0.30 * (1 - (30 - 24) / 48)
    assert found["pos:P2505010000060"] == ("lion:19LP1234567890123", "heuristic",
                                           round(base + (1 - base) / 2, 3))
    # A posting naming no courier is a new parcel; one naming another courier is not Lion's.
    assert found["pos:P2505010000061"][1] == "origin"
    assert found["pos:P2505010000062"][1] == "origin"


def test_the_sender_outweighs_a_closer_candidate_that_names_no_one():
    lion = lion_leg(destination=None)
    found = links(lion, pos_leg("P2505010000070", 11), _posted("P2505010000071", 30, "lion"))
    assert found["pos:P2505010000071"][:2] == ("lion:19LP1234567890123", "heuristic")
    assert found["pos:P2505010000070"][1] == "origin"
