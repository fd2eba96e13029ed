"""ID Express's quirks one by one: epoch milliseconds in any JSON type, the problem text
deciding what a problem scan means, the signer's relation and the next branch as detail,
resent webhooks in another case. What every partner must do (the recorded webhooks, the
catalog, the sender against the ingest) is in tests/contract."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from lintas.connectors.idexpress import PARTNER
from lintas.connectors.model import record_to_json
from tests.support.partners import cases, recorded_doc, recorded_result

parse_tracking = PARTNER.parse
MILLIS = 1_748_745_600_123  # 2025-06-01T02:40:00.123Z
INSTANT = datetime(2025, 6, 1, 2, 40, 0, 123000, tzinfo=timezone.utc)


def _webhook(**changes):
    """A delivery scan at MILLIS, from the webhook of the hand-written cases."""
    return {**cases(PARTNER.id)["unlisted"]["body"], "operationType": "Delivery scan",
            "lastOperationTime": MILLIS, **changes}


def test_epoch_millis_become_an_explicit_utc_instant():
    (event,) = parse_tracking(_webhook()).events
    record = record_to_json(event.to_record())
    assert record["occurred_at"] == INSTANT.isoformat()
    assert (record["local_time"], record["utc_offset"], record["zone_source"]) == (
        str(MILLIS), "+00:00", "explicit")
    assert (record["status"], record["raw_status"], record["raw_text"]) == (
        "out_for_delivery", "DELIVERY SCAN", "Delivery scan")
    assert record["location_name"] == "DC KEBON JERUK"


@pytest.mark.parametrize("value", [str(MILLIS), float(MILLIS), f" {MILLIS} ", f"{MILLIS}.0"])
def test_millis_as_text_or_float_are_the_same_instant(value):
    (event,) = parse_tracking(_webhook(lastOperationTime=value)).events
    assert event.occurred_at == INSTANT


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


def test_a_webhook_resent_in_another_case_keeps_its_event_id():
    bodies = recorded_doc(PARTNER, "duplicates")
    assert {b["operationType"] for b in bodies} >= {"Delivery scan", "Delivery Scan"}
    ids = [e.event_id for e in recorded_result(PARTNER, "duplicates").events]
    assert len(ids) == len(set(ids)) + 2


def test_relation_and_next_branch_go_to_detail():
    body = _webhook(operationType="POD scan", signer="Siti Aminah", relation="Keluarga")
    (event,) = parse_tracking(body).events
    assert (event.receiver, event.detail) == ("S*** A*****", "relation Keluarga")
    (event,) = parse_tracking(_webhook(operationType="Sending scan",
                                       nextBranch="GATEWAY JAKARTA")).events
    assert event.detail == "next branch GATEWAY JAKARTA"


def test_millis_as_text_and_a_messy_waybill():
    bodies = recorded_doc(PARTNER, "numbers_as_strings")
    assert all(isinstance(b["lastOperationTime"], str) for b in bodies)
    events = recorded_result(PARTNER, "numbers_as_strings").events
    assert {e.tracking_number for e in events} == {bodies[0]["waybillNo"].strip().upper()}
