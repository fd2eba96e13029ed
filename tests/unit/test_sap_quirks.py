"""SAP Express's quirks (PARTNERS.md) one by one: a bare array of rows, the row state as
the status, naive times placed by the branch code in the description. What every partner
must do is in tests/contract."""

from __future__ import annotations

from lintas.connectors.sap import PARTNER
from lintas.connectors.sap.scenarios import BRANCHES
from tests.support.partners import (
    assert_local_times,
    cases,
    recorded_doc,
    recorded_result,
    recorded_rows,
)

parse_tracking = PARTNER.parse


def _row(state, description="Paket tiba di [CGK] JAKARTA", date="2025-03-10 10:00:00"):
    return {"awb_no": "1234567890123", "rowstate_name": state, "description": description,
            "create_date": date}


def test_the_row_state_is_the_raw_status_as_the_table_reads_it():
    for state, _, status in cases(PARTNER.id)["statuses"]:
        (event,) = parse_tracking([_row(state)]).events
        assert (event.raw_status, event.status.value) == (" ".join(state.upper().split()), status)


def test_naive_times_take_the_zone_of_the_branch_code_in_the_description():
    rows = recorded_rows(PARTNER, "cross_zone")
    assert any(r["utc_offset"] != "+07:00" for r in rows)
    for r in rows:
        branch = BRANCHES[r["location_code"]]
        assert (r["utc_offset"], r["location_name"]) == (f"+{branch.utc_hours:02d}:00", branch.city)
        assert r["zone_source"] == "location" and r["region_code"]
    assert_local_times(rows, "%Y-%m-%d %H:%M:%S")


def test_the_first_branch_of_a_manifest_is_where_the_scan_happened():
    row = _row("MANIFEST OUTGOING", "Paket diberangkatkan dari [UPG] MAKASSAR menuju [CGK] JAKARTA")
    (event,) = parse_tracking([row]).events
    assert (event.location_code, event.location_name, event.time.utc_offset) == (
        "UPG", "MAKASSAR", "+08:00")


def test_a_description_without_a_known_branch_falls_back_to_wib_and_says_so():
    for description in ("Kiriman dibatalkan", "Paket tiba di [XQZ] ANTAH"):
        (event,) = parse_tracking([_row("INCOMING", description)]).events
        assert (event.time.utc_offset, event.time.zone_source.value) == ("+07:00", "default")
        assert event.region_code is None


def test_rows_come_oldest_first():
    rows = recorded_rows(PARTNER, "delivered")
    assert (rows[0]["status"], rows[-1]["status"]) == ("info_received", "delivered")


def test_awb_sent_as_a_number_is_read_as_text():
    body = recorded_doc(PARTNER, "numbers_as_strings")
    assert all(isinstance(r["awb_no"], int) for r in body)
    numbers = {r["tracking_number"] for r in recorded_rows(PARTNER, "numbers_as_strings")}
    assert numbers == {str(body[0]["awb_no"])}


def test_failure_return_and_void_follow_the_row_state():
    returned = [r["status"] for r in recorded_rows(PARTNER, "returned")]
    assert returned[-1] == "returned" and "return_to_sender" in returned
    failed = recorded_rows(PARTNER, "failed_then_delivered")
    assert "delivery_failed" in {r["status"] for r in failed}
    assert recorded_rows(PARTNER, "cancelled")[-1]["status"] == "cancelled"


def test_a_row_without_a_date_or_a_state_is_a_problem_naming_it():
    problems = recorded_result(PARTNER, "bad_rows").problems
    assert [p.row for p in problems] == [1, 4]
    assert "0000-00-00" in problems[0].message and "rowstate_name" in problems[1].message


def test_a_row_without_awb_takes_the_number_asked_for():
    row = {k: v for k, v in _row("INCOMING").items() if k != "awb_no"}
    (event,) = parse_tracking([row], request_key="9876543210987").events
    assert event.tracking_number == "9876543210987"
    result = parse_tracking([row])
    assert not result.events and "awb_no" in result.problems[0].message
