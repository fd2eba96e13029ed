"""AnterAja's quirks (PARTNERS.md) one by one, on its recordings; what every partner must
do (golden files, scenarios, fuzzing, the client against the sandbox) is in
tests/contract."""

from __future__ import annotations

from datetime import datetime

from lintas.connectors.anteraja import PARTNER
from tests.support.partners import recorded_doc, recorded_result, recorded_rows


def _content(scenario):
    return recorded_doc(PARTNER, scenario)["content"]


def test_timestamps_are_utc_with_millis_and_keep_their_offset():
    rows = recorded_rows(PARTNER, "delivered")
    assert [r["local_time"] for r in rows] == [h["timestamp"] for h in _content("delivered")[
        "history"]]
    for r in rows:
        assert (r["utc_offset"], r["zone_source"]) == ("+00:00", "explicit")
        moment = datetime.strptime(r["local_time"], "%Y-%m-%dT%H:%M:%S.%f%z")
        assert datetime.fromisoformat(r["occurred_at"]) == moment


def test_hubs_in_wita_and_wit_still_keep_the_utc_offset_they_carry():
    rows = recorded_rows(PARTNER, "cross_zone")
    assert {r["utc_offset"] for r in rows} == {"+00:00"}
    delivered = [r for r in rows if r["status"] == "delivered"]
    assert delivered and delivered[0]["region_code"][:2] in {"51", "64", "73", "91"}


def test_history_comes_newest_first_and_out_of_order_times_break_that_order():
    newest = recorded_rows(PARTNER, "delivered")
    assert (newest[0]["status"], newest[-1]["status"]) == ("delivered", "info_received")
    oldest = recorded_rows(PARTNER, "oldest_first")
    assert (oldest[0]["status"], oldest[-1]["status"]) == ("info_received", "delivered")
    swapped = [e.occurred_at for e in recorded_result(PARTNER, "out_of_order").events]
    assert swapped != sorted(swapped, reverse=True)


def test_tracking_code_as_text_and_numbers_where_text_is_expected():
    content = _content("numbers_as_strings")
    assert isinstance(content["waybill_no"], int)
    assert all(isinstance(h["tracking_code"], str) for h in content["history"])
    rows = recorded_rows(PARTNER, "numbers_as_strings")
    plain = recorded_rows(PARTNER, "delivered")
    assert [r["raw_status"] for r in rows] == [r["raw_status"] for r in plain]
    assert {r["tracking_number"] for r in rows} == {str(content["waybill_no"])}
    assert rows[0]["postal_code"] == str(content["order"]["receiver"]["postcode"])


def test_message_as_plain_text_reads_like_the_object():
    rows = recorded_rows(PARTNER, "message_as_text")
    assert rows[0]["status"] == "delivered" and all(r["raw_text"] for r in rows)
    assert all(r["detail"] is None for r in rows)


def test_failed_attempt_and_return_are_told_by_the_message():
    failed = recorded_rows(PARTNER, "failed_then_delivered")
    assert [r["raw_status"] for r in failed if r["status"] == "delivery_failed"] == ["230"]
    returned = recorded_rows(PARTNER, "returned")
    assert (returned[0]["status"], returned[0]["raw_status"]) == ("returned", "250")
    assert {"return_to_sender", "delivery_failed"} <= {r["status"] for r in returned}
    cancelled = recorded_rows(PARTNER, "cancelled")
    assert (cancelled[0]["status"], cancelled[0]["raw_status"]) == ("cancelled", "430")


def test_postcode_locates_only_the_events_at_the_receiver():
    rows = recorded_rows(PARTNER, "delivered")
    assert {r["status"] for r in rows if r["postal_code"]} == {"out_for_delivery", "delivered"}
    assert all(r["region_code"] for r in rows if r["postal_code"])


def test_a_row_without_a_time_or_a_code_is_a_problem_naming_it():
    problems = recorded_result(PARTNER, "bad_rows").problems
    assert [p.row for p in problems] == [1, 4]
    assert "0000-00-00" in problems[0].message and "tracking_code" in problems[1].message
