"""SiCepat's quirks (PARTNERS.md) one by one: codes the text overrides, receivers instead of
a description, couriers in ``[SIGESIT - name]`` brackets, scans located by a named city
or the end of the route, waybills that lose their leading zeros. What every partner must
do is in tests/contract."""

from __future__ import annotations

import json

import pytest

from lintas.connectors.sicepat import PARTNER
from tests.support.partners import assert_local_times, recorded_doc, recorded_result, recorded_rows

parse_tracking = PARTNER.parse


def _body(*history, origin="UPG10000", destination="DJJ10100", **result):
    return {"sicepat": {"status": {"code": 200, "description": "OK"}, "result": {
        "waybill_number": "001234567890", "kodeasal": origin, "kodetujuan": destination,
        "track_history": list(history), **result}}}


def _row(status, city="", date="2025-03-10 10:00", **more):
    row = {"date_time": date, "status": status, **more}
    if city:
        row["city"] = city
    return row


def _one(*history, **result):
    (event,) = parse_tracking(_body(*history, **result)).events
    return event


@pytest.mark.parametrize(
    ("text", "status"),
    [("Paket retur keluar dari [Jakarta Hub]", "return_to_sender"),
     ("Paket di kembalikan ke pengirim", "returned"),
     ("Paket hilang dalam perjalanan", "lost")],
)
def test_the_text_decides_where_the_code_cannot(text, status):
    assert _one(_row("OUT", text)).status.value == status


def test_delivered_rows_carry_the_receiver_instead_of_a_description():
    event = _one(_row("DELIVERED", receiver_name="SITI AMINAH - (YBS)"))
    assert event.receiver == "S*** A***** - (****"
    assert event.raw_text == "" and event.status.value == "delivered"
    fallback = _one(_row("DELIVERED"), POD_receiver="BUDI SANTOSO")
    assert fallback.receiver == "B*** S******"


def test_courier_names_in_sigesit_brackets_are_masked():
    event = _one(_row("ANT", "Paket dibawa [SIGESIT - Andi Wijaya]"))
    assert event.raw_text == "Paket dibawa [SIGESIT - A*** W*****]"
    assert event.location_name is None


@pytest.mark.parametrize(
    ("row", "offset", "location_code", "region"),
    [
        (_row("IN", "Paket telah di terima di [Ambon Hub]"), "+09:00", None, "81.71"),
        (_row("PICK", "Paket telah di pick up oleh [SIGESIT - Budi]"), "+08:00", "UPG10000",
         "73.71"),
        (_row("PICKREQ", "Terima permintaan pick up dari [Shopee]"), "+08:00", "UPG10000",
         "73.71"),
        (_row("ANT", "Paket dibawa [SIGESIT - Budi]"), "+09:00", "DJJ10100", "91.71"),
        (_row("DELIVERED", receiver_name="BUDI"), "+09:00", "DJJ10100", "91.71"),
        (_row("CU", "Penerima tidak di tempat"), "+09:00", "DJJ10100", "91.71"),
        (_row("PAKET DI KEMBALIKAN", "Paket di kembalikan ke pengirim"), "+08:00", "UPG10000",
         "73.71"),
    ],
)
def test_a_named_city_or_the_end_of_the_route_locates_a_scan(row, offset, location_code, region):
    event = _one(row)
    assert (event.time.utc_offset, event.time.zone_source.value) == (offset, "location")
    assert (event.location_code, event.region_code) == (location_code, region)


def test_a_scan_nothing_locates_stays_in_wib_and_says_so():
    event = _one(_row("OUT", "Paket keluar dari [Gudang Transit 3]"))
    assert (event.time.utc_offset, event.time.zone_source.value) == ("+07:00", "default")
    assert event.location_name is None and event.region_code is None


def test_naive_times_take_the_zone_of_their_place_across_three_zones():
    rows = recorded_rows(PARTNER, "cross_zone")
    assert {r["utc_offset"] for r in rows} == {"+07:00", "+08:00", "+09:00"}
    assert all(r["zone_source"] == "location" for r in rows)
    assert_local_times(rows, "%Y-%m-%d %H:%M")


def test_recorded_sigesit_couriers_never_leave_unmasked():
    history = recorded_doc(PARTNER, "personal_data")["sicepat"]["result"]["track_history"]
    couriers = [row["city"].split("SIGESIT - ")[1].rstrip("]") for row in history
                if "SIGESIT" in row.get("city", "")]
    dumped = json.dumps(recorded_rows(PARTNER, "personal_data"))
    assert couriers
    assert [word for courier in couriers for word in courier.split() if word in dumped] == []


def test_a_waybill_number_sent_as_a_json_number_gets_its_zeros_back():
    body = recorded_doc(PARTNER, "numbers_as_strings")
    assert isinstance(body["sicepat"]["result"]["waybill_number"], int)
    assert body["sicepat"]["status"]["code"] == "200"
    (number,) = {e.tracking_number for e in parse_tracking(body).events}
    assert number.startswith("00") and len(number) == 12
    assert int(number) == body["sicepat"]["result"]["waybill_number"]


def test_a_row_without_a_date_or_a_status_is_a_problem_naming_it():
    problems = recorded_result(PARTNER, "bad_rows").problems
    assert [p.row for p in problems] == [1, 3]
    assert "0000-00-00" in problems[0].message and "no status" in problems[1].message
