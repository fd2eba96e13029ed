"""JNE's quirks (PARTNERS.md) one by one: places in brackets, ``DELIVERED TO [NAME | time |
CITY ]``, codes the text overrides, the summary's proof of delivery in its many date
formats. What every partner must do is in tests/contract."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from lintas.connectors.jne import PARTNER
from lintas.core.errors import PayloadError
from tests.support.partners import assert_local_times, recorded_doc, recorded_result, recorded_rows

parse_tracking = PARTNER.parse


def _body(*history, **cnote):
    return {"cnote": {"cnote_no": "5403212200022724", **cnote}, "detail": [],
            "history": list(history)}


def _row(desc, code="OP2", date="10-03-2025 10:00"):
    return {"date": date, "desc": desc, "code": code}


def _one(*history, **cnote):
    (event,) = parse_tracking(_body(*history, **cnote)).events
    return event


@pytest.mark.parametrize(
    ("desc", "offset", "location_code", "region_code"),
    [
        ("RECEIVED AT WAREHOUSE [AMQ, OPR INBOUND]", "+09:00", "AMQ", "81.71"),
        ("WITH DELIVERY COURIER [MAKASSAR]", "+08:00", None, "73.71"),
        ("DEPARTED FROM TRANSIT [GATEWAY JAKARTA]", "+07:00", None, "31"),
        ("RECEIVED AT INBOUND STATION [JAYAPURA , AGEN ABEPURA]", "+09:00", None, "91.71"),
    ],
)
def test_the_place_in_brackets_decides_the_zone(desc, offset, location_code, region_code):
    event = _one(_row(desc))
    assert (event.time.utc_offset, event.time.zone_source.value) == (offset, "location")
    assert (event.location_code, event.region_code) == (location_code, region_code)


def test_a_scan_without_a_known_place_stays_in_wib_and_says_so():
    event = _one(_row("PROCESSED AT SORTING CENTER [GUDANG PUSAT]"))
    assert (event.time.utc_offset, event.time.zone_source.value) == ("+07:00", "default")
    assert event.location_name == "GUDANG PUSAT" and event.region_code is None


def test_delivered_to_names_a_masked_receiver_and_the_place():
    event = _one(_row("DELIVERED TO [SITI AMINAH | 12-03-2025 14:05 | MAKASSAR ]", "D01",
                      "12-03-2025 14:05"))
    assert event.status.value == "delivered"
    assert event.receiver == "S*** A*****"
    assert event.raw_text == "DELIVERED TO [S*** A***** | 12-03-2025 14:05 | MAKASSAR ]"
    assert event.location_name == "MAKASSAR"
    assert event.time.instant == datetime(2025, 3, 12, 6, 5, tzinfo=timezone.utc)


def test_the_time_inside_delivered_to_stands_in_for_an_unreadable_date():
    event = _one(_row("DELIVERED TO [SITI AMINAH | 12-03-2025 14:05 | AMBON ]", "D01", "-"))
    assert event.time.local_text == "12-03-2025 14:05"
    assert event.time.instant == datetime(2025, 3, 12, 5, 5, tzinfo=timezone.utc)


def test_jne_itself_is_not_masked_as_a_person():
    event = _one(_row("SHIPMENT RECEIVED BY JNE COUNTER OFFICER AT [BANDUNG]", "RC1"))
    assert event.raw_text == "SHIPMENT RECEIVED BY JNE COUNTER OFFICER AT [BANDUNG]"
    assert event.status.value == "picked_up"


@pytest.mark.parametrize(
    ("code", "desc", "status"),
    [
        ("OP2", "WITH DELIVERY COURIER [BANDUNG]", "out_for_delivery"),
        ("PS1", "RETURN TO SHIPPER - BAD ADDRESS [BDO, OPR INBOUND]", "return_to_sender"),
        ("D01", "RETURNED TO SHIPPER [RINA KARTIKA | 12-03-2025 14:05 | JAKARTA ]", "returned"),
        ("PS4", "SHIPMENT CANCELLED BY SHIPPER [CGK, OPR ORIGIN]", "cancelled"),
        ("PS1", "SHIPMENT LOST IN TRANSIT [GATEWAY JAKARTA]", "lost"),
    ],
)
def test_the_text_tells_what_the_code_cannot(code, desc, status):
    event = _one(_row(desc, code))
    assert event.status.value == status
    assert "RINA" not in event.raw_text


@pytest.mark.parametrize(
    "pod_date",
    ["2025-03-12T13:05:00.000+07:00", "2025-03-12T13:05:00+07:00", "2025-03-12T14:05:00",
     "2025-03-12 14:05:00", "12-03-2025 14:05", "12/03/2025 14:05", "12 MAR 2025 14:05"],
)
def test_every_cnote_pod_date_format_gives_the_same_instant(pod_date):
    body = _body(_row("WITH DELIVERY COURIER [MAKASSAR]", "IP3"), cnote_destination="UPG20700",
                 pod_code="D01", pod_status="DELIVERED", cnote_pod_date=pod_date,
                 cnote_pod_receiver="BUDI SANTOSO",
                 last_status="DELIVERED TO [BUDI SANTOSO | 12-03-2025 14:05 | MAKASSAR ]")
    _courier, pod = parse_tracking(body).events
    assert pod.time.instant == datetime(2025, 3, 12, 6, 5, tzinfo=timezone.utc)
    assert pod.time.zone_source.value == ("explicit" if "+" in pod_date else "location")
    assert (pod.status.value, pod.receiver, pod.sequence) == ("delivered", "B*** S******", 1)
    assert "BUDI" not in pod.raw_text and pod.location_code == "UPG20700"


def test_the_summary_pod_is_no_second_event_when_the_history_has_it():
    body = recorded_doc(PARTNER, "delivered")
    assert body["cnote"]["pod_code"] == "D01" and body["cnote"]["cnote_pod_date"]
    assert len(parse_tracking(body).events) == len(body["history"])


def test_a_summary_ahead_of_the_history_adds_the_delivery():
    body = recorded_doc(PARTNER, "pod_in_summary")
    result = parse_tracking(body)
    assert len(result.events) == len(body["history"]) + 1
    last = result.events[-1]
    assert last.status.value == "delivered" and last.sequence == len(body["history"])
    assert last.receiver and last.receiver[1] == "*"


def test_naive_times_take_the_zone_of_their_city_across_three_zones():
    rows = recorded_rows(PARTNER, "cross_zone")
    zones = {(r["utc_offset"], r["zone_source"]) for r in rows}
    assert zones == {("+07:00", "location"), ("+08:00", "location"), ("+09:00", "location")}
    assert_local_times(rows, "%d-%m-%Y %H:%M")


def test_cnote_number_as_a_json_number_is_read_as_text():
    body = recorded_doc(PARTNER, "numbers_as_strings")
    assert isinstance(body["cnote"]["cnote_no"], int)
    events = parse_tracking(body).events
    assert {e.tracking_number for e in events} == {str(body["cnote"]["cnote_no"])}


def test_a_row_without_a_date_or_a_code_is_a_problem_naming_it():
    problems = recorded_result(PARTNER, "bad_rows").problems
    assert [p.row for p in problems] == [1, 3]
    assert "00-00-0000" in problems[0].message and "no code" in problems[1].message


def test_the_number_asked_for_stands_in_for_a_missing_cnote_no():
    body = {"cnote": {"cnote_no": None}, "history": [_row("MANIFESTED [CGK]", "OP1")]}
    (event,) = parse_tracking(body, request_key="5403212200022724").events
    assert event.tracking_number == "5403212200022724"
    with pytest.raises(PayloadError):
        parse_tracking(body)
