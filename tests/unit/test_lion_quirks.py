"""Lion Parcel's quirks (PARTNERS.md) one by one: naive times placed by three-letter city
codes (some the shared crosswalk lacks), history newest first, the handover to Pos, the
older 11-digit STT sent as a number, statuses read from the text. What every partner must
do is in tests/contract."""

from __future__ import annotations

import pytest

from lintas.connectors.lion import PARTNER
from lintas.connectors.lion.scenarios import CITIES
from tests.support.partners import assert_local_times, recorded_doc, recorded_result, recorded_rows

parse_tracking = PARTNER.parse


def _body(history, number="11LP1234567890123"):
    return {"stt": {"stt_no": number}, "history": history}


def _statuses(scenario):
    return [r["status"] for r in recorded_rows(PARTNER, scenario)]


def test_naive_times_take_the_zone_of_the_city_code():
    rows = recorded_rows(PARTNER, "cross_zone")
    history = recorded_doc(PARTNER, "cross_zone")["history"]
    assert [r["location_code"] for r in rows] == [h["location"] for h in history]
    assert any(r["utc_offset"] != "+07:00" for r in rows)
    for r in rows:
        city = CITIES[r["location_code"]]
        assert (r["utc_offset"], r["zone_source"]) == (f"+{city.utc_hours:02d}:00", "location")
    assert_local_times(rows, "%Y-%m-%d %H:%M:%S")


@pytest.mark.parametrize(("code", "offset", "region"), [
    ("LBJ", "+08:00", "53.15"), ("BWX", "+07:00", "35.10"), ("djj", "+09:00", "91.71"),
])
def test_city_codes_missing_from_the_shared_crosswalk_are_located_too(code, offset, region):
    row = {"date": "2025-03-10 10:00:00", "desc": "PAKET TELAH SAMPAI DI (TRANSIT), X",
           "location": code}
    (event,) = parse_tracking(_body([row])).events
    assert (event.time.utc_offset, event.time.zone_source.value) == (offset, "location")
    assert event.region_code == region and event.location_code == code.upper()


def test_an_unknown_city_code_falls_back_to_wib_and_says_so():
    row = {"date": "2025-03-10 10:00:00", "desc": "PAKET TELAH SAMPAI DI (TRANSIT), ANTAH",
           "location": "XQZ"}
    (event,) = parse_tracking(_body([row])).events
    assert (event.time.utc_offset, event.time.zone_source.value) == ("+07:00", "default")
    assert event.region_code is None and event.location_name == "ANTAH"


def test_handover_to_pos_refers_to_pos_without_a_barcode():
    rows = recorded_rows(PARTNER, "handover_to_pos")
    assert rows[0]["status"] == "handed_over"
    assert rows[0]["references"] == [{"kind": "handover_to", "partner": "pos", "value": None}]
    assert all(r["references"] == [] for r in rows[1:])


def test_history_is_newest_first_unless_the_scenario_sends_it_oldest_first():
    assert _statuses("delivered")[0] == _statuses("oldest_first")[-1] == "delivered"
    assert _statuses("delivered")[-1] == _statuses("oldest_first")[0] == "info_received"
    instants = [e.occurred_at for e in recorded_result(PARTNER, "out_of_order").events]
    assert instants != sorted(instants, reverse=True)


def test_eleven_digit_stt_sent_as_a_number_is_read_as_text():
    body = recorded_doc(PARTNER, "numbers_as_strings")
    assert isinstance(body["stt"]["stt_no"], int) and len(str(body["stt"]["stt_no"])) == 11
    numbers = {r["tracking_number"] for r in recorded_rows(PARTNER, "numbers_as_strings")}
    assert numbers == {str(body["stt"]["stt_no"])}


def test_failure_return_cancellation_and_loss_are_read_from_the_text():
    assert "delivery_failed" in _statuses("failed_then_delivered")
    returned = _statuses("returned")
    assert returned[0] == "returned" and "return_to_sender" in returned
    assert _statuses("cancelled")[0] == "cancelled"
    assert _statuses("lost")[0] == "lost"


def test_a_row_with_an_impossible_date_or_no_text_is_a_problem_naming_it():
    problems = recorded_result(PARTNER, "bad_rows").problems
    assert [p.row for p in problems] == [1, 4]
    assert "31-02-2025" in problems[0].message and "desc" in problems[1].message
