"""ID Express parser: recorded webhook sequences against their full expected canonical
output, and the quirks one by one."""

from __future__ import annotations

import json
from datetime import datetime, timezone

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lintas.connectors.idexpress import PARTNER, STATUSES
from lintas.connectors.idexpress.scenarios import build_catalog
from lintas.connectors.model import record_to_json
from lintas.core.errors import PayloadError
from lintas.schemas.codec import codec
from lintas.streams.reconcile import reconcile
from tests.conftest import FIXTURES
from tests.golden import assert_golden

# the partner's parse: events carry their tracking-number flags
parse_tracking = PARTNER.parse

IDEXPRESS = FIXTURES / "idexpress"
RECORDINGS = sorted(IDEXPRESS.glob("*.json"))
START = datetime(2025, 6, 1, tzinfo=timezone.utc)
MILLIS = 1_748_745_600_123  # 2025-06-01T02:40:00.123Z

#: The operation types PARTNERS.md lists, with what each must mean.
KNOWN = {
    "Pick up scan": "picked_up",
    "Sending scan": "in_transit",
    "Arrival scan": "in_transit",
    "Delivery scan": "out_for_delivery",
    "POD scan": "delivered",
    "Problem On Shipment scan": "on_hold",
    "Create Return Bill": "return_to_sender",
    "Pickup Failure": "on_hold",
    "Automatic Cancel": "cancelled",
}


def _webhook(**changes):
    body = {
        "waybillNo": "IDS000000000001",
        "operationType": "Delivery scan",
        "lastOperationTime": MILLIS,
        "currentBranch": "DC KEBON JERUK",
        "nextBranch": "",
        "signer": "",
        "relation": "",
        "problemDescription": "",
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
    b"", b"{", b"[]", b"null", json.dumps([_webhook()]).encode(),
    b'{"test": true, "message": "webhook connectivity check"}', b'{"waybillNo": "IDS1"}',
])
def test_foreign_body_is_a_one_line_payload_error(body):
    with pytest.raises(PayloadError) as info:
        parse_tracking(body)
    assert str(info.value).startswith("idexpress: ")
    assert "\n" not in str(info.value)


def test_epoch_millis_become_an_explicit_utc_instant():
    (event,) = parse_tracking(_webhook()).events
    record = record_to_json(event.to_record())
    assert record["occurred_at"] == "2025-06-01T02:40:00.123000+00:00"
    assert (record["local_time"], record["utc_offset"], record["zone_source"]) == (
        str(MILLIS), "+00:00", "explicit")
    assert (record["status"], record["raw_status"], record["raw_text"]) == (
        "out_for_delivery", "DELIVERY SCAN", "Delivery scan")
    assert record["location_name"] == "DC KEBON JERUK"
    assert record["tracking_number_flags"] == []


@pytest.mark.parametrize("value", [str(MILLIS), float(MILLIS), f" {MILLIS} ", f"{MILLIS}.0"])
def test_millis_as_text_or_float_are_the_same_instant(value):
    (event,) = parse_tracking(_webhook(lastOperationTime=value)).events
    assert event.occurred_at == datetime(2025, 6, 1, 2, 40, 0, 123000, tzinfo=timezone.utc)


@pytest.mark.parametrize("changes, why", [
    ({"lastOperationTime": None}, "lastOperationTime is missing"),
    ({"lastOperationTime": "2025-06-01 10:00:00"}, "not epoch milliseconds"),
    ({"lastOperationTime": 1_748_745_600}, "plausible"),  # seconds, not milliseconds
    ({"lastOperationTime": -5}, "not epoch milliseconds"),
    ({"operationType": "  "}, "no operationType"),
    ({"waybillNo": None}, "no waybillNo"),
])
def test_unreadable_field_is_a_problem_on_row_0(changes, why):
    result = parse_tracking(_webhook(**changes))
    assert result.events == []
    (problem,) = result.problems
    assert (problem.error_class, problem.row) == ("InvalidEvent", 0)
    assert problem.message.startswith("idexpress: row 0: ") and why in problem.message


def test_every_listed_operation_maps_whatever_its_case():
    for raw, status in KNOWN.items():
        for spelling in (raw, raw.upper(), raw.lower(), raw.title()):
            assert STATUSES.lookup(spelling).value == status, spelling


@pytest.mark.parametrize("problem, status", [
    ("Penerima tidak di tempat", "delivery_failed"),
    ("ALAMAT TIDAK LENGKAP", "delivery_failed"),
    ("Paket hilang dalam perjalanan", "lost"),
    ("Cuaca buruk, penerbangan ditunda", "on_hold"),
])
def test_problem_text_decides_the_status_of_a_problem_scan(problem, status):
    body = _webhook(operationType="Problem On Shipment scan", problemDescription=problem)
    (event,) = parse_tracking(body).events
    assert event.status.value == status
    assert event.raw_text == f"Problem On Shipment scan: {problem}"


def test_problem_text_does_not_override_other_operations():
    body = _webhook(operationType="Create Return Bill", problemDescription="Penerima menolak")
    (event,) = parse_tracking(body).events
    assert event.status.value == "return_to_sender"


def test_unlisted_operation_is_unknown_and_keeps_its_raw_code():
    (event,) = parse_tracking(_webhook(operationType="Weight correction")).events
    assert event.status.value == "unknown"


def test_resent_webhook_has_the_same_event_id_even_in_another_case():
    bodies = json.loads((IDEXPRESS / "duplicates.json").read_bytes())
    assert {b["operationType"] for b in bodies} >= {"Delivery scan", "Delivery Scan"}
    events, _ = _parse_all(bodies)
    ids = [e.event_id for e in events]
    assert len(ids) == len(set(ids)) + 2


def test_case_of_operation_type_does_not_change_statuses():
    bodies = json.loads((IDEXPRESS / "case_varies.json").read_bytes())
    events, _ = _parse_all(bodies)
    assert all(e.status.value != "unknown" for e in events)
    assert events[-1].status.value == "delivered"


def test_delivery_order_does_not_change_the_events():
    bodies = json.loads((IDEXPRESS / "out_of_order.json").read_bytes())
    events, _ = _parse_all(bodies)
    in_order, _ = _parse_all(sorted(bodies, key=lambda b: b["lastOperationTime"]))
    assert [e.occurred_at for e in events] != sorted(e.occurred_at for e in events)
    assert {e.event_id for e in events} == {e.event_id for e in in_order}


def test_signer_and_phone_numbers_never_leave_unmasked():
    bodies = json.loads((IDEXPRESS / "personal_data.json").read_bytes())
    signer = bodies[-1]["signer"]
    problem = next(b["problemDescription"] for b in bodies if "hubungi" in b["problemDescription"])
    phone = problem.split("hubungi ")[1].split(" ")[0]
    courier = problem.split("kurir: ")[1].rstrip(")")
    events, _ = _parse_all(bodies)
    dumped = json.dumps([record_to_json(e.to_record()) for e in events])
    for word in signer.split() + courier.split():
        assert word not in dumped and word.upper() not in dumped
    assert phone not in dumped and phone.replace("-", "") not in dumped
    assert events[-1].receiver == " ".join(w[0] + "*" * (len(w) - 1) for w in signer.split())


def test_relation_and_next_branch_go_to_detail():
    body = _webhook(operationType="POD scan", signer="Siti Aminah", relation="Keluarga")
    (event,) = parse_tracking(body).events
    assert (event.receiver, event.detail) == ("S*** A*****", "relation Keluarga")
    (event,) = parse_tracking(_webhook(operationType="Sending scan",
                                       nextBranch="GATEWAY JAKARTA")).events
    assert event.detail == "next branch GATEWAY JAKARTA"


def test_numbers_as_strings_and_a_messy_waybill():
    bodies = json.loads((IDEXPRESS / "numbers_as_strings.json").read_bytes())
    assert all(isinstance(b["lastOperationTime"], str) for b in bodies)
    events, bad = _parse_all(bodies)
    assert bad == []
    assert {e.tracking_number for e in events} == {bodies[0]["waybillNo"].strip().upper()}
    assert all(e.tracking_number_flags == () for e in events)


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
                    st.lists(st.integers(), max_size=2), st.dictionaries(st.text(max_size=3),
                                                                        st.integers(), max_size=2))
_BODIES = st.fixed_dictionaries(
    {"waybillNo": _VALUES,
     "operationType": st.one_of(st.sampled_from(sorted(KNOWN)), _VALUES)},
    optional={"lastOperationTime": st.one_of(_VALUES, st.integers(0, 5 * 10**12),
                                             st.integers(0, 5 * 10**12).map(str)),
              "currentBranch": _VALUES, "nextBranch": _VALUES, "signer": _VALUES,
              "relation": _VALUES, "problemDescription": _VALUES},
)


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.binary(max_size=200), st.text(max_size=200), _BODIES,
                 _BODIES.map(lambda b: json.dumps(b, default=str).encode())))
def test_no_input_raises_anything_but_payload_error(payload):
    try:
        result = parse_tracking(payload)
    except PayloadError as exc:
        assert str(exc).startswith("idexpress: ") and "\n" not in str(exc)
        return
    assert len(result.events) + len(result.problems) == 1
    for event in result.events:
        codec("ShipmentEvent").encode(event.to_record())


def test_fixtures_are_the_catalog_of_seed_7_byte_for_byte():
    for entry in build_catalog(7, start=START):
        assert (IDEXPRESS / f"{entry.scenario}.json").read_bytes() == entry.body, entry.scenario
