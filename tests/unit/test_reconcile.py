"""Reconciliation: the view is a function of the set of events."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from hypothesis import given, settings
from hypothesis import strategies as st

from lintas.connectors.pos import parse_tracking
from lintas.streams.reconcile import reconcile
from tests.conftest import FIXTURES

T0 = datetime(2025, 3, 10, tzinfo=timezone.utc)


def ev(
    n: int, status: str, hours: float, partner: str = "pos", tn: str = "P1",
    region: str | None = None,
):
    return {
        "event_id": f"e{n}", "partner": partner, "tracking_number": tn, "status": status,
        "raw_status": status.upper(), "raw_text": "", "occurred_at": T0 + timedelta(hours=hours),
        "utc_offset": "+07:00", "location_name": None, "region_code": region,
    }


def test_latest_status_wins_without_terminal():
    view = reconcile(
        "pos:P1", [ev(1, "picked_up", 1), ev(2, "in_transit", 2), ev(3, "out_for_delivery", 3)]
    )
    assert view["status"] == "out_for_delivery"
    assert view["aftership_tag"] == "OutForDelivery"
    assert view["delivered_at"] is None
    assert view["event_count"] == 3 and view["anomalies"] == []


def test_terminal_wins_over_a_later_scan_which_is_flagged():
    view = reconcile(
        "pos:P1", [ev(1, "in_transit", 1), ev(2, "delivered", 2), ev(3, "in_transit", 5)]
    )
    assert view["status"] == "delivered"
    assert view["delivered_at"] == T0 + timedelta(hours=2)
    kinds = {a["kind"]: a for a in view["anomalies"]}
    assert kinds["event_after_terminal"]["event_ids"] == ["e3"]


def test_two_different_terminals_are_kept_and_flagged():
    view = reconcile("pos:P1", [ev(1, "delivered", 1), ev(2, "returned", 4)])
    assert view["status"] == "returned"
    (anomaly,) = [a for a in view["anomalies"] if a["kind"] == "conflicting_terminals"]
    assert anomaly["event_ids"] == ["e1", "e2"]


def test_regression_is_flagged_but_rerouting_after_a_failed_attempt_is_not():
    regressed = reconcile("pos:P1", [ev(1, "out_for_delivery", 1), ev(2, "in_transit", 2)])
    assert [a["kind"] for a in regressed["anomalies"]] == ["status_regression"]
    rerouted = reconcile("pos:P1", [ev(1, "out_for_delivery", 1), ev(2, "delivery_failed", 2),
                                    ev(3, "in_transit", 3), ev(4, "out_for_delivery", 4)])
    assert rerouted["anomalies"] == []


def test_unknown_does_not_hide_a_known_status():
    view = reconcile("pos:P1", [ev(1, "in_transit", 1), ev(2, "unknown", 2)])
    assert view["status"] == "in_transit"
    assert view["timeline"][-1]["status"] == "unknown"


def test_regions_legs_and_timeline():
    view = reconcile("pos:P1", [ev(1, "picked_up", 1, region="32.73"), ev(2, "in_transit", 2),
                                ev(3, "delivered", 3, region="73.71")])
    assert (view["origin_region"], view["destination_region"]) == ("32.73", "73.71")
    assert view["legs"] == [{"partner": "pos", "tracking_number": "P1", "link_method": "origin",
                             "confidence": 1.0}]
    assert [t["event_id"] for t in view["timeline"]] == ["e1", "e2", "e3"]


def _pos_events():
    records = []
    for name in ("failed_then_delivered", "duplicates", "returned", "bad_rows"):
        result = parse_tracking((FIXTURES / "pos" / f"{name}.json").read_bytes())
        records.append([e.to_record() for e in result.events])
    return records


POS_HISTORIES = _pos_events()


@settings(max_examples=150, deadline=None)
@given(data=st.data())
def test_any_permutation_or_duplication_gives_the_same_view(data):
    history = data.draw(st.sampled_from(POS_HISTORIES))
    extra = data.draw(st.lists(st.sampled_from(history), max_size=len(history)))
    shuffled = data.draw(st.permutations(history + extra))
    shipment_id = f"pos:{history[0]['tracking_number']}"
    assert reconcile(shipment_id, shuffled) == reconcile(shipment_id, history)


@settings(max_examples=150, deadline=None)
@given(
    statuses=st.lists(
        st.sampled_from(["picked_up", "in_transit", "out_for_delivery", "delivery_failed",
                         "delivered", "returned", "lost", "unknown", "on_hold"]),
        min_size=1, max_size=12,
    ),
    hours=st.lists(st.integers(0, 5), min_size=12, max_size=12),
    seed=st.randoms(),
)
def test_terminal_always_wins_and_order_never_matters(statuses, hours, seed):
    events = [ev(i, s, hours[i]) for i, s in enumerate(statuses)]
    view = reconcile("pos:P1", events)
    shuffled = list(events)
    seed.shuffle(shuffled)
    assert reconcile("pos:P1", shuffled) == view
    terminal = [s for s in statuses if s in ("delivered", "returned", "lost")]
    if terminal:
        assert view["status"] in terminal
