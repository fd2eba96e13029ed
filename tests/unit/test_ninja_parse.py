"""Ninja Xpress parser: recorded webhook sequences against their full expected canonical
output, and the quirks one by one."""

from __future__ import annotations

import json
from datetime import datetime, timezone

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lintas.connectors.model import record_to_json
from lintas.connectors.ninja import PARTNER, STATUSES
from lintas.connectors.ninja.scenarios import build_catalog
from lintas.core.errors import PayloadError
from lintas.schemas.codec import codec
from lintas.streams.reconcile import reconcile
from tests.conftest import FIXTURES
from tests.golden import assert_golden

# the partner's parse: events carry their tracking-number flags
parse_tracking = PARTNER.parse

NINJA = FIXTURES / "ninja"
RECORDINGS = sorted(NINJA.glob("*.json"))
START = datetime(2025, 6, 1, tzinfo=timezone.utc)

#: The statuses PARTNERS.md lists, with what each must mean.
KNOWN = {
    "Pending Pickup": "info_received",
    "Picked Up, In Transit to Origin Hub": "picked_up",
    "Arrived at Origin Hub": "in_transit",
    "Arrived at Transit Hub": "in_transit",
    "In Transit to Next Sorting Hub": "in_transit",
    "On Vehicle for Delivery": "out_for_delivery",
    "Delivered, Received by Customer": "delivered",
    "Delivered, Left at Doorstep": "delivered",
    "Delivered, Collected by Customer": "delivered",
    "Delivery Exception, Pending Reschedule": "delivery_failed",
    "Delivery Exception, Max Attempts Reached": "delivery_failed",
    "Delivery Exception, Return to Sender Initiated": "return_to_sender",
    "Returned to Sender": "returned",
    "Cancelled": "cancelled",
    "Pickup Exception, Max Attempts Reached": "on_hold",
}


def _webhook(**changes):
    body = {
        "id": "5f0c3a1e-0000-4000-8000-000000000001",
        "tracking_id": "NLIDAP000000001",
        "status": "On Vehicle for Delivery",
        "previous_status": "Arrived at Transit Hub",
        "timestamp": "2025-06-01T10:15:00+0800",
        "shipper_ref_no": "SO-250601-00001",
        "comments": "",
    }
    body.update(changes)
    return body


def _parse_all(bodies):
    """(events, bad positions) of a sequence of webhook bodies."""
    events, bad = [], []
    for position, body in enumerate(bodies):
        try:
            result = parse_tracking(body)
        except PayloadError:
            bad.append(position)
            continue
        events += result.events
        bad += [position] * len(result.problems)
    return events, bad


@pytest.mark.parametrize("path", RECORDINGS, ids=lambda p: p.stem)
def test_recorded_webhooks_give_expected_events(path):
    events, _ = _parse_all(json.loads(path.read_bytes()))
    rows = [record_to_json(e.to_record()) for e in events]
    assert_golden(path.with_suffix(".expected.jsonl"), rows)


@pytest.mark.parametrize("body", [
    b"", b"not json", b"[]", b"42", b'"NLIDAP000000001"', json.dumps([_webhook()]).encode(),
    b'{"event": "webhook.test", "message": "ping"}', b'{"tracking_id": "NLIDAP1"}',
])
def test_foreign_body_is_a_one_line_payload_error(body):
    with pytest.raises(PayloadError) as info:
        parse_tracking(body)
    assert str(info.value).startswith("ninja: ")
    assert "\n" not in str(info.value)


def test_one_webhook_gives_one_event_with_ninja_offset_kept():
    (event,) = parse_tracking(_webhook()).events
    record = record_to_json(event.to_record())
    assert record["local_time"] == "2025-06-01T10:15:00+0800"
    assert (record["utc_offset"], record["zone_source"]) == ("+08:00", "explicit")
    assert record["occurred_at"] == "2025-06-01T02:15:00+00:00"
    assert record["status"] == "out_for_delivery"
    assert record["raw_status"] == "ON VEHICLE FOR DELIVERY"
    assert record["raw_text"] == "On Vehicle for Delivery"
    assert record["references"] == [{"kind": "order_id", "partner": None,
                                      "value": "SO-250601-00001"}]
    assert record["sequence"] == 0


@pytest.mark.parametrize("stamp", ["2025-06-01T10:15:00+08:00", "2025-06-01 10:15:00+0800",
                                   "2025-06-01T10:15:00.000+0800"])
def test_offset_spellings_are_the_same_instant(stamp):
    (event,) = parse_tracking(_webhook(timestamp=stamp)).events
    assert event.occurred_at == datetime(2025, 6, 1, 2, 15, tzinfo=timezone.utc)


@pytest.mark.parametrize("changes, why", [
    ({"timestamp": "Invalid date"}, "timestamp 'Invalid date'"),
    ({"timestamp": "2025-06-01T10:15:00"}, "UTC offset"),
    ({"timestamp": None}, "timestamp is missing"),
    ({"status": ""}, "no status"),
    ({"tracking_id": None}, "no tracking_id"),
])
def test_unreadable_field_is_a_problem_on_row_0(changes, why):
    result = parse_tracking(_webhook(**changes))
    assert result.events == []
    (problem,) = result.problems
    assert (problem.error_class, problem.row) == ("InvalidEvent", 0)
    assert problem.message.startswith("ninja: row 0: ") and why in problem.message


def test_request_key_stands_in_for_a_missing_tracking_id():
    (event,) = parse_tracking(_webhook(tracking_id=""), request_key="nlidap000000009").events
    assert event.tracking_number == "NLIDAP000000009"


def test_every_listed_status_maps_and_case_does_not_matter():
    for raw, status in KNOWN.items():
        assert STATUSES.lookup(raw).value == status, raw
        assert STATUSES.lookup(f" {raw.upper()} ").value == status, raw


def test_unlisted_status_is_unknown_and_keeps_its_raw_code():
    (event,) = parse_tracking(_webhook(status="Parcel Size Updated")).events
    assert event.status.value == "unknown"


def test_resent_webhook_has_the_same_event_id():
    bodies = json.loads((NINJA / "duplicates.json").read_bytes())
    events, _ = _parse_all(bodies)
    ids = [e.event_id for e in events]
    assert len(ids) == len(set(ids)) + 2


def test_delivery_order_does_not_change_the_events():
    bodies = json.loads((NINJA / "out_of_order.json").read_bytes())
    events, _ = _parse_all(bodies)
    in_order, _ = _parse_all(sorted(bodies, key=lambda b: b["timestamp"]))
    assert [e.occurred_at for e in events] != sorted(e.occurred_at for e in events)
    assert {e.event_id for e in events} == {e.event_id for e in in_order}


def test_pod_name_and_contact_never_leave_unmasked():
    bodies = json.loads((NINJA / "personal_data.json").read_bytes())
    pod = bodies[-1]["pod"]
    courier_text = bodies[-2]["comments"]
    events, _ = _parse_all(bodies)
    dumped = json.dumps([record_to_json(e.to_record()) for e in events])
    for word in pod["name"].split() + courier_text.split(":")[1].split("(")[0].split():
        assert word not in dumped and word.upper() not in dumped
    digits = "".join(ch for ch in dumped if ch.isdigit() or ch == "*")
    assert pod["contact"] not in digits
    assert pod["contact"][4:-2] not in dumped
    assert events[-1].receiver == " ".join(w[0] + "*" * (len(w) - 1) for w in pod["name"].split())


def test_contact_in_comments_is_removed_whatever_its_spelling():
    body = _webhook(status="Delivered, Received by Customer",
                    comments="Titip satpam, hubungi +62 812-3456-7890 atau 081234567890",
                    pod={"type": "SUBSTITUTE", "name": "Pak Darto", "contact": "081234567890"})
    (event,) = parse_tracking(body).events
    assert "3456" not in (event.detail or "")
    assert event.receiver == "P** D****"
    assert event.detail and event.detail.endswith("POD SUBSTITUTE")


def test_numbers_where_text_is_expected():
    bodies = json.loads((NINJA / "numbers_as_strings.json").read_bytes())
    assert isinstance(bodies[0]["shipper_ref_no"], int)
    events, bad = _parse_all(bodies)
    assert bad == []
    assert {e.references[0].value for e in events} == {str(bodies[0]["shipper_ref_no"])}
    assert {e.tracking_number for e in events} == {bodies[0]["tracking_id"].strip().upper()}


def test_every_scenario_yields_what_the_catalog_promises():
    for seed in (1, 7, 23):
        for entry in build_catalog(seed, start=START, rounds=2):
            bodies = json.loads(entry.body)
            assert [json.loads(w) for w in entry.extra["webhooks"]] == bodies, entry.scenario
            events, bad = _parse_all(entry.extra["webhooks"])
            assert bad == entry.extra["refused"], entry.scenario
            assert len(bad) == entry.bad_rows, entry.scenario
            assert {e.tracking_number for e in events} == {entry.tracking_number}
            assert len({e.event_id for e in events}) == entry.distinct_events, entry.scenario
            view = reconcile(entry.key, [e.to_record() for e in events])
            assert view["status"] == entry.final_status, entry.scenario


_VALUES = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(), st.text(max_size=30),
                    st.lists(st.integers(), max_size=2),
                    st.dictionaries(st.sampled_from(["type", "name", "contact"]),
                                    st.one_of(st.none(), st.text(max_size=12), st.integers()),
                                    max_size=3))
_BODIES = st.fixed_dictionaries(
    {"tracking_id": _VALUES, "status": st.one_of(st.sampled_from(sorted(KNOWN)), _VALUES)},
    optional={"timestamp": st.one_of(_VALUES, st.datetimes(timezones=st.timezones()).map(
                  lambda d: d.strftime("%Y-%m-%dT%H:%M:%S%z"))),
              "comments": _VALUES, "pod": _VALUES, "shipper_ref_no": _VALUES},
)


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.binary(max_size=200), st.text(max_size=200), _BODIES,
                 _BODIES.map(lambda b: json.dumps(b, default=str).encode())))
def test_no_input_raises_anything_but_payload_error(payload):
    try:
        result = parse_tracking(payload)
    except PayloadError as exc:
        assert str(exc).startswith("ninja: ") and "\n" not in str(exc)
        return
    assert len(result.events) + len(result.problems) == 1
    for event in result.events:
        codec("ShipmentEvent").encode(event.to_record())


def test_fixtures_are_the_catalog_of_seed_7_byte_for_byte():
    for entry in build_catalog(7, start=START):
        assert (NINJA / f"{entry.scenario}.json").read_bytes() == entry.body, entry.scenario
