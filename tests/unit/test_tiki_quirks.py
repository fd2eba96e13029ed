"""TIKI's quirks (PARTNERS.md) one by one: no status code, only a sentence whose opening
words name the step; naive times placed by the branch city; two connote shapes. What
every partner must do is in tests/contract."""

from __future__ import annotations

import pytest

from lintas.connectors.tiki import PARTNER
from lintas.connectors.tiki.scenarios import BRANCHES
from tests.support.partners import assert_local_times, recorded_doc, recorded_result, recorded_rows

parse_tracking = PARTNER.parse


def _body(history, number="660012345678"):
    return {"status": 200, "message": "SUCCESS", "response": [{"cnno": number, "history": history}]}


def _row(status, place="JAKARTA", date="2025-03-10 10:00:00"):
    return {"entry_date": date, "status": status, "entry_place": place, "noted": ""}


@pytest.mark.parametrize(("text", "status"), [
    ("SHIPMENT DATA ENTRY AT BANDUNG", "picked_up"),
    ("ARRIVE AT TIKI AT JAKARTA", "in_transit"),
    ("DEPARTED TO MAKASSAR", "in_transit"),
    ("WITH DELIVERY COURIER", "out_for_delivery"),
    ("SUCCESS / [M] RECEIVED BY: BUDI SANTOSO", "delivered"),
    ("UNSUCCESS / [U] CONSIGNEE NOT AT HOME", "delivery_failed"),
    ("RETURN TO SHIPPER / ADDRESS NOT FOUND", "return_to_sender"),
    ("SUCCESS / [R] RETURNED TO SHIPPER, RECEIVED BY: RINA KARTIKA", "returned"),
    ("SHIPMENT CANCELLED BY SHIPPER", "cancelled"),
    ("  with  delivery courier ", "out_for_delivery"),
])
def test_the_opening_words_of_the_text_name_the_status(text, status):
    (event,) = parse_tracking(_body([_row(text)])).events
    assert event.status.value == status


def test_naive_times_take_the_zone_of_the_branch_city():
    rows = recorded_rows(PARTNER, "cross_zone")
    assert any(r["utc_offset"] != "+07:00" for r in rows)
    for r in rows:
        branch = BRANCHES[r["location_name"]]
        assert r["utc_offset"] == f"+{branch.utc_hours:02d}:00", r["location_name"]
        assert r["zone_source"] == "location" and r["region_code"]
    assert_local_times(rows, "%Y-%m-%d %H:%M:%S")


def test_a_branch_city_outside_the_table_falls_back_to_wib_and_says_so():
    (event,) = parse_tracking(_body([_row("ARRIVE AT TIKI AT TUAL", place="TUAL")])).events
    assert (event.time.utc_offset, event.time.zone_source.value) == ("+07:00", "default")
    assert event.region_code is None and event.location_name == "TUAL"
    (district,) = parse_tracking(_body([_row("ARRIVE AT", place="Jakarta Timur")])).events
    assert district.region_code == "31" and district.time.zone_source.value == "location"


def test_history_comes_oldest_first():
    rows = recorded_rows(PARTNER, "delivered")
    assert (rows[0]["status"], rows[-1]["status"]) == ("picked_up", "delivered")


def test_connote_and_status_sent_as_numbers_are_read_as_text():
    body = recorded_doc(PARTNER, "numbers_as_strings")
    assert isinstance(body["response"][0]["cnno"], int) and body["status"] == "200"
    numbers = {r["tracking_number"] for r in recorded_rows(PARTNER, "numbers_as_strings")}
    assert numbers == {str(body["response"][0]["cnno"])}


@pytest.mark.parametrize(("number", "flags"), [
    ("TKP0123456789", []), ("660012345678", []), ("tkp0123456789", []), ("66001234567", [
        "pattern_mismatch"]),
])
def test_both_connote_shapes_pass_and_others_are_flagged(number, flags):
    (event,) = parse_tracking(_body([_row("WITH DELIVERY COURIER")], number=number)).events
    assert list(event.tracking_number_flags) == flags


def test_the_courier_note_keeps_its_label_once_masked():
    rows = recorded_rows(PARTNER, "personal_data")
    assert rows[-2]["detail"].startswith("KURIR: ")


def test_a_row_without_a_date_or_a_text_is_a_problem_naming_it():
    problems = recorded_result(PARTNER, "bad_rows").problems
    assert [p.row for p in problems] == [1, 4]
    assert "0000-00-00" in problems[0].message and "status text" in problems[1].message
