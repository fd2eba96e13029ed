"""SAP Express parser: recorded payloads against their full expected canonical output, the
quirks of PARTNERS.md one by one, and the client against the SAP sandbox."""

from __future__ import annotations

import json
from datetime import datetime, timezone

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import SecretStr

from lintas.connectors.model import record_to_json
from lintas.connectors.runtime.client import PartnerClient
from lintas.connectors.runtime.feed import ChangeFeedSource
from lintas.connectors.sandboxes import serve_in_thread
from lintas.connectors.sap import PARTNER
from lintas.connectors.sap.client import API
from lintas.connectors.sap.sandbox import create_app
from lintas.connectors.sap.scenarios import BRANCHES, SCENARIOS, build_catalog
from lintas.core.errors import AuthenticationError, FatalError, PayloadError
from lintas.core.settings import PartnerCredentials
from lintas.streams.reconcile import reconcile
from tests.conftest import FIXTURES
from tests.golden import assert_golden

# the partner's parse: events carry their tracking-number flags
parse_tracking = PARTNER.parse

SAP = FIXTURES / "sap"
FOREIGN = ("malformed_json", "foreign_body")
PAYLOADS = sorted(SAP.glob("*.json"))
VALID = [p for p in PAYLOADS if p.stem not in FOREIGN]


def _rows(path):
    result = parse_tracking(path.read_bytes())
    return [record_to_json(e.to_record()) for e in result.events], result


def _row(state, description="Paket tiba di [CGK] JAKARTA", date="2025-03-10 10:00:00"):
    return {"awb_no": "1234567890123", "rowstate_name": state, "description": description,
            "create_date": date}


def test_every_scenario_is_recorded():
    assert {p.stem for p in PAYLOADS} == set(SCENARIOS) - {"flaky"}


@pytest.mark.parametrize("path", VALID, ids=lambda p: p.stem)
def test_recorded_payload_gives_expected_events(path):
    rows, _ = _rows(path)
    assert_golden(path.with_suffix(".expected.jsonl"), rows)


@pytest.mark.parametrize("path", [SAP / f"{s}.json" for s in FOREIGN], ids=lambda p: p.stem)
def test_foreign_payload_is_a_payload_error(path):
    with pytest.raises(PayloadError) as info:
        parse_tracking(path.read_bytes())
    assert str(info.value).startswith("sap: ")
    assert "\n" not in str(info.value)


def test_an_error_object_names_what_sap_said():
    with pytest.raises(PayloadError, match=r"found an object with keys: message, status"):
        parse_tracking(b'{"status": "error", "message": "Invalid api key"}')


def test_not_found_is_an_empty_array():
    result = parse_tracking(b"[]")
    assert result.not_found
    assert result.events == [] and result.problems == []


@pytest.mark.parametrize(("state", "status"), [
    ("ENTRI (PENDING PICKUP)", "info_received"), ("PICKED UP", "picked_up"),
    ("MANIFEST OUTGOING", "in_transit"), ("INCOMING", "in_transit"),
    ("DELIVERY", "out_for_delivery"), ("POD - DELIVERED", "delivered"),
    ("POD - UNDELIVERED", "delivery_failed"), ("OUTGOING RETURN", "return_to_sender"),
    ("SHIPMENT RETURN TO CLIENT", "returned"), ("VOID", "cancelled"),
    (" pod -  delivered ", "delivered"),
])
def test_row_states_map_to_canonical_statuses(state, status):
    (event,) = parse_tracking([_row(state)]).events
    assert event.status.value == status
    assert event.raw_status == " ".join(state.upper().split())


def test_naive_times_take_the_zone_of_the_branch_code_in_the_description():
    rows, _ = _rows(SAP / "cross_zone.json")
    assert any(r["utc_offset"] != "+07:00" for r in rows)
    for r in rows:
        branch = BRANCHES[r["location_code"]]
        assert r["utc_offset"] == f"+{branch.utc_hours:02d}:00", r["location_code"]
        assert r["zone_source"] == "location" and r["region_code"]
        assert r["location_name"] == branch.city
        local = datetime.strptime(r["local_time"] + r["utc_offset"], "%Y-%m-%d %H:%M:%S%z")
        assert datetime.fromisoformat(r["occurred_at"]) == local


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


def test_history_is_oldest_first_and_sequence_keeps_the_order_sent():
    rows, _ = _rows(SAP / "delivered.json")
    assert [r["sequence"] for r in rows] == list(range(len(rows)))
    assert rows[0]["status"] == "info_received" and rows[-1]["status"] == "delivered"
    newest, _ = _rows(SAP / "newest_first.json")
    assert newest[0]["status"] == "delivered" and newest[-1]["status"] == "info_received"


def test_duplicate_scan_with_other_case_and_spacing_has_one_event_id():
    result = parse_tracking((SAP / "duplicates.json").read_bytes())
    ids = [e.event_id for e in result.events]
    assert len(ids) == len(set(ids)) + 1


def test_timestamps_that_contradict_the_order_are_kept_as_sent():
    result = parse_tracking((SAP / "out_of_order.json").read_bytes())
    instants = [e.occurred_at for e in result.events]
    assert instants != sorted(instants)
    assert not result.problems


def test_awb_sent_as_a_number_is_read_as_text():
    body = json.loads((SAP / "numbers_as_strings.json").read_text())
    assert all(isinstance(r["awb_no"], int) for r in body)
    rows, _ = _rows(SAP / "numbers_as_strings.json")
    assert {r["tracking_number"] for r in rows} == {str(body[0]["awb_no"])}


def test_failure_return_and_void_follow_the_row_state():
    def statuses(name):
        return [r["status"] for r in _rows(SAP / f"{name}.json")[0]]

    assert "delivery_failed" in statuses("failed_then_delivered")
    returned = statuses("returned")
    assert returned[-1] == "returned" and "return_to_sender" in returned
    assert statuses("cancelled")[-1] == "cancelled"


def test_personal_data_is_masked_everywhere():
    path = SAP / "personal_data.json"
    body = json.loads(path.read_text())
    courier_text, receiver_text = body[-2]["description"], body[-1]["description"]
    courier = courier_text.split("kurir ")[1].split(" (")[0]
    receiver = receiver_text.split("oleh ")[1].split(" (")[0]
    phones = [courier_text.split("(")[1].split(")")[0], receiver_text.split(") ")[1].split(" [")[0]]
    rows, _ = _rows(path)
    dumped = json.dumps(rows)
    for word in courier.split() + receiver.split():
        assert word not in dumped
    for phone in phones:
        assert phone not in dumped and phone.replace("-", "") not in dumped
    assert rows[-1]["receiver"] == " ".join(w[0] + "*" * (len(w) - 1) for w in receiver.split())


def test_bad_rows_become_problems_and_the_rest_still_counts():
    result = parse_tracking((SAP / "bad_rows.json").read_bytes())
    assert [p.row for p in result.problems] == [1, 4]
    assert {p.error_class for p in result.problems} == {"InvalidEvent"}
    assert "0000-00-00" in result.problems[0].message
    assert "rowstate_name" in result.problems[1].message
    assert result.events[-1].status.value == "delivered"


def test_a_row_without_awb_takes_the_number_asked_for():
    row = {k: v for k, v in _row("INCOMING").items() if k != "awb_no"}
    (event,) = parse_tracking([row], request_key="9876543210987").events
    assert event.tracking_number == "9876543210987"
    result = parse_tracking([row])
    assert not result.events and "awb_no" in result.problems[0].message


@pytest.mark.parametrize("seed", [1, 11, 2024])
def test_every_scenario_yields_what_the_sandbox_promises(seed):
    start = datetime(2025, 6, 1, tzinfo=timezone.utc)
    for entry in build_catalog(seed, start=start, rounds=3):
        if entry.outcome == "dead_letter":
            with pytest.raises(PayloadError):
                parse_tracking(entry.body)
            continue
        result = parse_tracking(entry.body, request_key=entry.tracking_number)
        if entry.outcome == "not_found":
            assert result.not_found and not result.events
            continue
        assert len({e.event_id for e in result.events}) == entry.distinct_events, entry.scenario
        assert len(result.problems) == entry.bad_rows, entry.scenario
        assert all(e.status.value != "unknown" for e in result.events), entry.scenario
        assert {e.tracking_number for e in result.events} == {entry.tracking_number}
        last = max(result.events, key=lambda e: (e.occurred_at, e.event_id))
        assert last.status.value == entry.final_status, entry.scenario
        view = reconcile(entry.shipment_id, [e.to_record() for e in result.events])
        assert view["status"] == entry.final_status, entry.scenario


def test_unknown_row_state_maps_to_unknown_and_keeps_its_raw_code():
    key = "HOLD AT WAREHOUSE"
    (event,) = parse_tracking([_row("Hold at  warehouse")]).events
    assert event.status.value == "unknown" and event.raw_status == key


_VALUES = st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=30)
_ROWS = st.fixed_dictionaries({}, optional={
    "awb_no": _VALUES,
    "rowstate_name": _VALUES | st.sampled_from(["POD - DELIVERED", "VOID", "INCOMING"]),
    "description": _VALUES | st.sampled_from(["Diterima oleh BUDI [UPG] MAKASSAR", "[DJJ]",
                                              "Diterima oleh (", "[cgk] x"]),
    "create_date": _VALUES | st.sampled_from(["2025-03-10 10:00:00", "0001-01-01 00:00:00",
                                              "9999-12-31 23:59:59"]),
}) | _VALUES
_JSON = st.recursive(_VALUES, lambda children: st.lists(children, max_size=4)
                     | st.dictionaries(st.text(max_size=8), children, max_size=4), max_leaves=12)


@settings(max_examples=300, deadline=None)
@given(payload=st.one_of(
    st.binary(max_size=200),
    _JSON.map(json.dumps),
    st.lists(_ROWS, max_size=6).map(json.dumps),
))
def test_no_input_makes_the_parser_raise_anything_but_payload_error(payload):
    try:
        result = parse_tracking(payload, request_key="1234567890123")
    except PayloadError as exc:
        assert str(exc).startswith("sap: ") and "\n" not in str(exc)
        return
    for event in result.events:
        assert event.occurred_at.tzinfo is not None


@pytest.fixture
def sandbox():
    entries = build_catalog(3)
    server = serve_in_thread(create_app(entries=entries,
                                        credentials=PartnerCredentials(api_key=SecretStr("s3cret"))))
    yield server, entries
    server.stop()


def _client(url: str, secret: str = "s3cret") -> PartnerClient:
    return PartnerClient(API, PartnerCredentials(
        base_url=url, api_key=SecretStr(secret), rate_per_second=200))


def test_client_follows_the_change_feed_and_retries_flaky_answers(sandbox):
    server, entries = sandbox
    client = _client(server.url)
    source = ChangeFeedSource(client, page_size=5)
    cursor = None
    fetched = []
    while True:
        page = source.fetch(cursor)
        fetched += page.items
        cursor = page.cursor
        if not page.has_more:
            break
    unknown = parse_tracking(client.track("1000000000000").content)
    client.close()
    by_number = {e.tracking_number: e for e in entries}
    assert [f.request_key for f in fetched] == [e.tracking_number for e in entries]
    for item in fetched:
        assert item.error is None
        assert item.source == "/shipment/tracking/awb"
        assert item.payload == by_number[item.request_key].body  # byte for byte, flaky included
    assert cursor == {"since": str(len(entries))}
    assert unknown.not_found


def test_client_with_a_wrong_key_fails_fatally_without_leaking_it(sandbox):
    server, entries = sandbox
    client = _client(server.url, secret="wrong-secret-value")
    with pytest.raises(AuthenticationError) as info:
        client.changes(None)
    with pytest.raises(AuthenticationError) as tracked:
        client.track(entries[0].tracking_number)
    client.close()
    for error in (info.value, tracked.value):
        assert "wrong-secret-value" not in str(error)
        assert "refused our credentials" in str(error)


def test_client_without_settings_names_the_missing_setting_and_no_secret():
    with pytest.raises(FatalError, match="LINTAS_SAP__API_KEY"):
        PartnerClient(API, PartnerCredentials(base_url="http://x"))
    with pytest.raises(FatalError, match="LINTAS_SAP__BASE_URL") as info:
        PartnerClient(API, PartnerCredentials(api_key=SecretStr("s3cret")))
    assert "s3cret" not in str(info.value)
