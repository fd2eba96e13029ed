"""TIKI parser: recorded payloads against their full expected canonical output, the quirks
of PARTNERS.md one by one, and the client against the TIKI sandbox."""

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
from lintas.connectors.tiki import PARTNER
from lintas.connectors.tiki.client import API
from lintas.connectors.tiki.sandbox import create_app
from lintas.connectors.tiki.scenarios import BRANCHES, SCENARIOS, build_catalog
from lintas.core.errors import AuthenticationError, FatalError, PayloadError
from lintas.core.settings import PartnerCredentials
from lintas.streams.reconcile import reconcile
from tests.conftest import FIXTURES
from tests.golden import assert_golden

# the partner's parse: events carry their tracking-number flags
parse_tracking = PARTNER.parse

TIKI = FIXTURES / "tiki"
FOREIGN = ("malformed_json", "foreign_body")
PAYLOADS = sorted(TIKI.glob("*.json"))
VALID = [p for p in PAYLOADS if p.stem not in FOREIGN]


def _rows(path):
    result = parse_tracking(path.read_bytes())
    return [record_to_json(e.to_record()) for e in result.events], result


def _body(history, number="660012345678"):
    return {"status": 200, "message": "SUCCESS", "response": [{"cnno": number, "history": history}]}


def _row(status, place="JAKARTA", date="2025-03-10 10:00:00"):
    return {"entry_date": date, "status": status, "entry_place": place, "noted": ""}


def test_every_scenario_is_recorded():
    assert {p.stem for p in PAYLOADS} == set(SCENARIOS) - {"flaky"}


@pytest.mark.parametrize("path", VALID, ids=lambda p: p.stem)
def test_recorded_payload_gives_expected_events(path):
    rows, _ = _rows(path)
    assert_golden(path.with_suffix(".expected.jsonl"), rows)


@pytest.mark.parametrize("path", [TIKI / f"{s}.json" for s in FOREIGN], ids=lambda p: p.stem)
def test_foreign_payload_is_a_payload_error(path):
    with pytest.raises(PayloadError) as info:
        parse_tracking(path.read_bytes())
    assert str(info.value).startswith("tiki: ")
    assert "\n" not in str(info.value)


@pytest.mark.parametrize("body", [
    b'{"status": 200, "message": "DATA NOT FOUND", "response": []}',
    b'{"status": 200, "message": "DATA NOT FOUND", "response": null}',
    b'{"status": 200, "message": "SUCCESS", "response": [{"cnno": "660012345678",'
    b' "history": []}]}',
])
def test_not_found_is_success_without_events(body):
    result = parse_tracking(body)
    assert result.not_found
    assert result.events == [] and result.problems == []


def test_an_error_status_inside_the_body_is_a_payload_error():
    with pytest.raises(PayloadError, match=r"^tiki: the API answered status 401: INVALID TOKEN"):
        parse_tracking(b'{"status": 401, "message": "INVALID TOKEN", "response": null}')


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
    rows, _ = _rows(TIKI / "cross_zone.json")
    assert any(r["utc_offset"] != "+07:00" for r in rows)
    for r in rows:
        branch = BRANCHES[r["location_name"]]
        assert r["utc_offset"] == f"+{branch.utc_hours:02d}:00", r["location_name"]
        assert r["zone_source"] == "location" and r["region_code"]
        local = datetime.strptime(r["local_time"] + r["utc_offset"], "%Y-%m-%d %H:%M:%S%z")
        assert datetime.fromisoformat(r["occurred_at"]) == local


def test_a_branch_city_outside_the_table_falls_back_to_wib_and_says_so():
    (event,) = parse_tracking(_body([_row("ARRIVE AT TIKI AT TUAL", place="TUAL")])).events
    assert (event.time.utc_offset, event.time.zone_source.value) == ("+07:00", "default")
    assert event.region_code is None and event.location_name == "TUAL"
    (district,) = parse_tracking(_body([_row("ARRIVE AT", place="Jakarta Timur")])).events
    assert district.region_code == "31" and district.time.zone_source.value == "location"


def test_history_is_oldest_first_and_sequence_keeps_the_order_sent():
    rows, _ = _rows(TIKI / "delivered.json")
    assert [r["sequence"] for r in rows] == list(range(len(rows)))
    assert rows[0]["status"] == "picked_up" and rows[-1]["status"] == "delivered"
    newest, _ = _rows(TIKI / "newest_first.json")
    assert newest[0]["status"] == "delivered" and newest[-1]["status"] == "picked_up"


def test_duplicate_scan_with_other_case_and_spacing_has_one_event_id():
    result = parse_tracking((TIKI / "duplicates.json").read_bytes())
    ids = [e.event_id for e in result.events]
    assert len(ids) == len(set(ids)) + 1


def test_timestamps_that_contradict_the_order_are_kept_as_sent():
    result = parse_tracking((TIKI / "out_of_order.json").read_bytes())
    instants = [e.occurred_at for e in result.events]
    assert instants != sorted(instants)
    assert not result.problems


def test_connote_and_status_sent_as_numbers_are_read_as_text():
    body = json.loads((TIKI / "numbers_as_strings.json").read_text())
    assert isinstance(body["response"][0]["cnno"], int) and body["status"] == "200"
    rows, _ = _rows(TIKI / "numbers_as_strings.json")
    assert {r["tracking_number"] for r in rows} == {str(body["response"][0]["cnno"])}
    assert all(r["tracking_number_flags"] == [] for r in rows)


@pytest.mark.parametrize(("number", "flags"), [
    ("TKP0123456789", []), ("660012345678", []), ("tkp0123456789", []), ("66001234567", [
        "pattern_mismatch"]),
])
def test_both_connote_shapes_pass_and_others_are_flagged(number, flags):
    (event,) = parse_tracking(_body([_row("WITH DELIVERY COURIER")], number=number)).events
    assert list(event.tracking_number_flags) == flags


def test_personal_data_is_masked_everywhere():
    path = TIKI / "personal_data.json"
    body = json.loads(path.read_text())
    history = body["response"][0]["history"]
    courier_note, receiver_note = history[-2]["noted"], history[-1]["noted"]
    courier = courier_note.split("KURIR: ")[1].split(" (")[0]
    receiver = receiver_note.split("PENERIMA: ")[1].rsplit(" ", 1)[0]
    phones = [receiver_note.rsplit(" ", 1)[1], courier_note.split("(")[1].rstrip(")")]
    rows, _ = _rows(path)
    dumped = json.dumps(rows)
    for word in courier.split() + receiver.split():
        assert word not in dumped
    for phone in phones:
        assert phone not in dumped and phone.replace("-", "") not in dumped
    assert rows[-1]["receiver"] == " ".join(w[0] + "*" * (len(w) - 1) for w in receiver.split())
    assert rows[-2]["detail"].startswith("KURIR: ")


def test_bad_rows_become_problems_and_the_rest_still_counts():
    result = parse_tracking((TIKI / "bad_rows.json").read_bytes())
    assert [p.row for p in result.problems] == [1, 4]
    assert {p.error_class for p in result.problems} == {"InvalidEvent"}
    assert "0000-00-00" in result.problems[0].message
    assert "status text" in result.problems[1].message
    assert result.events[-1].status.value == "delivered"


@pytest.mark.parametrize("seed", [1, 11, 2024])
def test_every_scenario_yields_what_the_sandbox_promises(seed):
    start = datetime(2025, 6, 1, tzinfo=timezone.utc)
    for entry in build_catalog(seed, start=start, rounds=3):
        if entry.outcome == "dead_letter":
            with pytest.raises(PayloadError):
                parse_tracking(entry.body)
            continue
        result = parse_tracking(entry.body)
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


def test_unknown_text_maps_to_unknown_and_keeps_its_raw_code():
    key = "HELD AT CUSTOMS"
    (event,) = parse_tracking(_body([_row("Held at  customs")])).events
    assert event.status.value == "unknown" and event.raw_status == key


_VALUES = st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=30)
_ROWS = st.fixed_dictionaries({}, optional={
    "entry_date": _VALUES | st.sampled_from(["2025-03-10 10:00:00", "0001-01-01 00:00:00",
                                             "9999-12-31 23:59:59", "01-01-0001 00:00"]),
    "status": _VALUES | st.sampled_from(["SUCCESS / [M] RECEIVED BY: BUDI", "RECEIVED BY:",
                                         "SUCCESS / RECEIVED BY: (X)"]),
    "entry_place": _VALUES | st.sampled_from(["JAYAPURA", "SORONG BARAT", " "]),
    "noted": _VALUES,
}) | _VALUES
_JSON = st.recursive(_VALUES, lambda children: st.lists(children, max_size=4)
                     | st.dictionaries(st.text(max_size=8), children, max_size=4), max_leaves=12)
_CONNOTE = st.fixed_dictionaries({}, optional={
    "cnno": _VALUES, "history": st.none() | _VALUES | st.lists(_ROWS, max_size=5)})


@settings(max_examples=300, deadline=None)
@given(payload=st.one_of(
    st.binary(max_size=200),
    _JSON.map(json.dumps),
    st.fixed_dictionaries({
        "status": st.sampled_from([200, "200", 401, None]),
        "response": st.none() | _VALUES | _CONNOTE | st.lists(_CONNOTE | _VALUES, max_size=3),
    }, optional={"message": _VALUES}),
))
def test_no_input_makes_the_parser_raise_anything_but_payload_error(payload):
    try:
        result = parse_tracking(payload)
    except PayloadError as exc:
        assert str(exc).startswith("tiki: ") and "\n" not in str(exc)
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
    unknown = parse_tracking(client.track("660000000000").content)
    client.close()
    by_number = {e.tracking_number: e for e in entries}
    assert [f.request_key for f in fetched] == [e.tracking_number for e in entries]
    for item in fetched:
        assert item.error is None
        assert item.source == "/connote/history"
        assert item.payload == by_number[item.request_key].body  # byte for byte, flaky included
    assert cursor == {"since": str(len(entries))}
    assert unknown.not_found


def test_client_with_a_wrong_token_fails_fatally_without_leaking_it(sandbox):
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
    with pytest.raises(FatalError, match="LINTAS_TIKI__API_KEY"):
        PartnerClient(API, PartnerCredentials(base_url="http://x"))
    with pytest.raises(FatalError, match="LINTAS_TIKI__BASE_URL") as info:
        PartnerClient(API, PartnerCredentials(api_key=SecretStr("s3cret")))
    assert "s3cret" not in str(info.value)
