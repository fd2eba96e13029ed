"""Pos Indonesia parser: recorded payloads against their full expected canonical output,
and the quirks of PARTNERS.md one by one."""

from __future__ import annotations

import json
from datetime import datetime, timezone

import pytest

from lintas.connectors.model import record_to_json
from lintas.connectors.pos import PARTNER
from lintas.connectors.pos.scenarios import build_catalog
from lintas.core.errors import PayloadError
from tests.conftest import FIXTURES
from tests.golden import assert_golden

# the partner's parse: events carry their tracking-number flags
parse_tracking = PARTNER.parse

POS = FIXTURES / "pos"
PAYLOADS = sorted(p for p in POS.glob("*.json"))
VALID = [p for p in PAYLOADS if p.stem not in ("malformed_json", "wrong_envelope")]


def _rows(path):
    result = parse_tracking(path.read_bytes())
    return [record_to_json(e.to_record()) for e in result.events], result


@pytest.mark.parametrize("path", VALID, ids=lambda p: p.stem)
def test_recorded_payload_gives_expected_events(path):
    rows, _ = _rows(path)
    assert_golden(path.with_suffix(".expected.jsonl"), rows)


@pytest.mark.parametrize("path", [POS / "malformed_json.json", POS / "wrong_envelope.json"],
                         ids=lambda p: p.stem)
def test_foreign_payload_is_a_payload_error(path):
    with pytest.raises(PayloadError) as info:
        parse_tracking(path.read_bytes())
    assert str(info.value).startswith("pos: ")
    assert "\n" not in str(info.value)


@pytest.mark.parametrize("body", [b'{"response": null}', b'{"rs_tnt": null}',
                                  b'{"response": {"data": []}}', b'{"rs_tnt": {"r_tnt": null}}'])
def test_not_found_is_success_without_events(body):
    result = parse_tracking(body)
    assert result.not_found
    assert result.events == [] and result.problems == []


def test_staging_object_and_list_give_the_same_events():
    single = json.loads((POS / "staging_single.json").read_text())
    row = single["rs_tnt"]["r_tnt"]
    as_list = {"rs_tnt": {"r_tnt": [row]}}
    assert [e.event_id for e in parse_tracking(single).events] == [
        e.event_id for e in parse_tracking(as_list).events
    ]


def test_duplicate_scan_with_other_case_and_spacing_has_one_event_id():
    result = parse_tracking((POS / "duplicates.json").read_bytes())
    ids = [e.event_id for e in result.events]
    assert len(ids) == len(set(ids)) + 1


def test_office_code_as_number_is_read_as_text():
    rows, _ = _rows(POS / "numbers_as_strings.json")
    assert all(r["location_code"] and len(r["location_code"]) == 5 for r in rows)
    assert all(r["zone_source"] == "location" for r in rows)


def test_naive_times_take_the_zone_of_the_office():
    rows, _ = _rows(POS / "cross_zone.json")
    offsets = {r["location_code"][:2]: r["utc_offset"] for r in rows}
    assert offsets.get("90", "+08:00") == "+08:00"
    assert offsets.get("99", "+09:00") == "+09:00"
    assert any(r["utc_offset"] != "+07:00" for r in rows)
    for r in rows:
        # The office's wall-clock reading, naive on purpose: it is compared with the instant.
        local = datetime.strptime(r["local_time"], "%Y-%m-%d %H:%M:%S")  # noqa: DTZ007
        hours = int(r["utc_offset"][1:3])
        instant = datetime.fromisoformat(r["occurred_at"])
        assert instant.tzinfo is not None and instant.utcoffset().total_seconds() == 0
        assert (local - instant.replace(tzinfo=None)).total_seconds() == hours * 3600


def test_personal_data_is_masked_everywhere():
    payload = json.loads((POS / "personal_data.json").read_text())
    last = payload["response"]["data"][-1]
    receiver = last["description"].split("~~")[2]
    rows, _ = _rows(POS / "personal_data.json")
    dumped = json.dumps(rows)
    for word in receiver.split():
        assert word not in dumped and word.title() not in dumped
    digits = "".join(ch for ch in last["status"] if ch.isdigit())
    assert digits not in dumped.replace("-", "")
    assert rows[-1]["receiver"].startswith(receiver[0])


def test_bad_rows_become_problems_and_the_rest_still_counts():
    result = parse_tracking((POS / "bad_rows.json").read_bytes())
    assert [p.row for p in result.problems] == [1, 3]
    assert {p.error_class for p in result.problems} == {"InvalidEvent"}
    assert "0000-00-00" in result.problems[0].message
    assert "eventName" in result.problems[1].message
    assert result.events[-1].status.value == "delivered"


def test_every_scenario_yields_what_the_sandbox_promises():
    start = datetime(2025, 6, 1, tzinfo=timezone.utc)
    for entry in build_catalog(11, start=start, rounds=3):
        if entry.outcome == "dead_letter":
            with pytest.raises(PayloadError):
                parse_tracking(entry.body)
            continue
        result = parse_tracking(entry.body)
        if entry.outcome == "not_found":
            assert result.not_found and not result.events
            continue
        distinct = {e.event_id for e in result.events}
        assert len(distinct) == entry.distinct_events, entry.scenario
        assert len(result.problems) == entry.bad_rows, entry.scenario
        last = max(result.events, key=lambda e: (e.occurred_at, e.event_id))
        assert last.status.value == entry.final_status, entry.scenario


def test_unknown_event_name_maps_to_unknown_and_keeps_its_raw_code():
    body = {"response": {"data": [{"barcode": "P2501010000001", "eventDate": "2025-01-01 10:00:00",
                                   "eventName": "Sortir Ulang  di Gudang", "officeCode": "40000"}]}}
    (event,) = parse_tracking(body).events
    assert event.status.value == "unknown"
