"""Ninja Xpress's quirks one by one: one status change a webhook with a ``+0800`` time,
the proof of delivery's name and contact, contacts in the comments. What every partner
must do (the recorded webhooks, the catalog, the sender against the ingest) is in
tests/contract."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from lintas.connectors.model import record_to_json
from lintas.connectors.ninja import PARTNER
from tests.support.partners import cases, recorded_doc, recorded_result

parse_tracking = PARTNER.parse


def _webhook(**changes):
    """The webhook of the hand-written cases, changed."""
    return {**cases(PARTNER.id)["unlisted"]["body"], "status": "On Vehicle for Delivery",
            **changes}


def test_one_webhook_gives_one_event_with_ninja_offset_kept():
    (event,) = parse_tracking(_webhook()).events
    record = record_to_json(event.to_record())
    assert record["local_time"] == "2025-06-01T10:15:00+0800"
    assert (record["utc_offset"], record["zone_source"]) == ("+08:00", "explicit")
    assert record["occurred_at"] == "2025-06-01T02:15:00+00:00"
    assert (record["status"], record["raw_status"], record["raw_text"]) == (
        "out_for_delivery", "ON VEHICLE FOR DELIVERY", "On Vehicle for Delivery")
    assert record["references"] == [{"kind": "order_id", "partner": None,
                                      "value": "SO-250601-00001"}]
    assert record["sequence"] == 0


@pytest.mark.parametrize("stamp", ["2025-06-01T10:15:00+08:00", "2025-06-01 10:15:00+0800",
                                   "2025-06-01T10:15:00.000+0800"])
def test_offset_spellings_are_the_same_instant(stamp):
    (event,) = parse_tracking(_webhook(timestamp=stamp)).events
    assert event.occurred_at == datetime(2025, 6, 1, 2, 15, tzinfo=timezone.utc)


def test_request_key_stands_in_for_a_missing_tracking_id():
    (event,) = parse_tracking(_webhook(tracking_id=""), request_key="nlidap000000009").events
    assert event.tracking_number == "NLIDAP000000009"


def test_contact_in_comments_is_removed_whatever_its_spelling():
    body = _webhook(status="Delivered, Received by Customer",
                    comments="Titip satpam, hubungi +62 812-3456-7890 atau 081234567890",
                    pod={"type": "SUBSTITUTE", "name": "Pak Darto", "contact": "081234567890"})
    (event,) = parse_tracking(body).events
    assert "3456" not in (event.detail or "")
    assert event.receiver == "P** D****"
    assert event.detail and event.detail.endswith("POD SUBSTITUTE")


def test_an_order_number_and_a_messy_tracking_id_sent_as_numbers_and_spaces():
    bodies = recorded_doc(PARTNER, "numbers_as_strings")
    assert isinstance(bodies[0]["shipper_ref_no"], int)
    events = recorded_result(PARTNER, "numbers_as_strings").events
    assert {e.references[0].value for e in events} == {str(bodies[0]["shipper_ref_no"])}
    assert {e.tracking_number for e in events} == {bodies[0]["tracking_id"].strip().upper()}
