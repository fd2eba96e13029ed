"""Pos Indonesia's quirks (PARTNERS.md) one by one: the production and staging envelopes,
office codes as numbers, naive times placed by the office, the receiver's phone inside
the status text. What every partner must do is in tests/contract."""

from __future__ import annotations

import json
from datetime import datetime, timedelta

from lintas.connectors.model import Reference
from lintas.connectors.pos import PARTNER
from tests.support.partners import assert_local_times, recorded_doc, recorded_result, recorded_rows

parse_tracking = PARTNER.parse


def test_staging_object_and_list_give_the_same_events():
    single = recorded_doc(PARTNER, "staging_single")
    as_list = {"rs_tnt": {"r_tnt": [single["rs_tnt"]["r_tnt"]]}}
    assert [e.event_id for e in parse_tracking(single).events] == [
        e.event_id for e in parse_tracking(as_list).events
    ]


def test_office_code_as_number_is_read_as_text():
    rows = recorded_rows(PARTNER, "numbers_as_strings")
    assert all(r["location_code"] and len(r["location_code"]) == 5 for r in rows)
    assert all(r["zone_source"] == "location" for r in rows)


def test_naive_times_take_the_zone_of_the_office():
    rows = recorded_rows(PARTNER, "cross_zone")
    offsets = {r["location_code"][:2]: r["utc_offset"] for r in rows}
    assert offsets.get("90", "+08:00") == "+08:00"
    assert offsets.get("99", "+09:00") == "+09:00"
    assert any(r["utc_offset"] != "+07:00" for r in rows)
    assert {datetime.fromisoformat(r["occurred_at"]).utcoffset() for r in rows} == {timedelta(0)}
    assert_local_times(rows, "%Y-%m-%d %H:%M:%S")


def test_the_receivers_phone_in_the_status_text_never_leaves_unmasked():
    last = recorded_doc(PARTNER, "personal_data")["response"]["data"][-1]
    digits = "".join(ch for ch in last["status"] if ch.isdigit())
    dumped = json.dumps(recorded_rows(PARTNER, "personal_data"))
    assert len(digits) > 8 and digits not in dumped.replace("-", "")


def test_a_row_without_a_date_or_an_event_name_is_a_problem_naming_it():
    problems = recorded_result(PARTNER, "bad_rows").problems
    assert [p.row for p in problems] == [1, 3]
    assert "0000-00-00" in problems[0].message and "eventName" in problems[1].message


def _with_party(party: str) -> dict:
    doc = recorded_doc(PARTNER, "delivered")
    for row in doc["response"]["data"]:
        parts = row["description"].split("~~")
        parts[2] = party
        row["description"] = "~~".join(parts)
    return doc


def test_a_courier_posting_at_a_counter_is_named_as_the_sender_unmasked():
    events = parse_tracking(_with_party("LION PARCEL")).events
    posted = [e for e in events if e.status.value != "delivered"]
    assert posted and all(e.references == (Reference("handover_from", "lion", None),)
                          for e in posted)
    assert all("~~LION PARCEL~~" in (e.detail or "") for e in events)
    delivered = [e for e in events if e.status.value == "delivered"]
    assert delivered and all(e.references == () for e in delivered)


def test_shops_stay_named_and_people_are_masked():
    shop = parse_tracking(_with_party("TOKO BERKAH JAYA")).events
    assert all("~~TOKO BERKAH JAYA~~" in (e.detail or "") for e in shop)
    assert all(e.references == () for e in shop)
    person = parse_tracking(_with_party("RINA KARTIKA")).events
    assert all("~~R*** K******~~" in (e.detail or "") for e in person)
    assert [e.receiver for e in person if e.receiver] == ["R*** K******"]
