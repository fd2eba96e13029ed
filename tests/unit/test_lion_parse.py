"""Lion Parcel parser: recorded payloads against their full expected canonical output, the
quirks of PARTNERS.md one by one, and the client against the Lion sandbox."""

from __future__ import annotations

import json
from datetime import datetime, timezone

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import SecretStr

from lintas.connectors.lion import PARTNER
from lintas.connectors.lion.client import API
from lintas.connectors.lion.sandbox import create_app
from lintas.connectors.lion.scenarios import CITIES, SCENARIOS, build_catalog
from lintas.connectors.model import record_to_json
from lintas.connectors.runtime.client import PartnerClient
from lintas.connectors.runtime.feed import ChangeFeedSource
from lintas.connectors.sandboxes import serve_in_thread
from lintas.core.errors import AuthenticationError, FatalError, PayloadError
from lintas.core.settings import PartnerCredentials
from lintas.streams.reconcile import reconcile
from tests.conftest import FIXTURES
from tests.golden import assert_golden

# the partner's parse: events carry their tracking-number flags
parse_tracking = PARTNER.parse

LION = FIXTURES / "lion"
FOREIGN = ("malformed_json", "foreign_body")
PAYLOADS = sorted(LION.glob("*.json"))
VALID = [p for p in PAYLOADS if p.stem not in FOREIGN]


def _rows(path):
    result = parse_tracking(path.read_bytes())
    return [record_to_json(e.to_record()) for e in result.events], result


def _body(history, number="11LP1234567890123"):
    return {"stt": {"stt_no": number}, "history": history}


def test_every_scenario_is_recorded():
    assert {p.stem for p in PAYLOADS} == set(SCENARIOS) - {"flaky"}


@pytest.mark.parametrize("path", VALID, ids=lambda p: p.stem)
def test_recorded_payload_gives_expected_events(path):
    rows, _ = _rows(path)
    assert_golden(path.with_suffix(".expected.jsonl"), rows)


@pytest.mark.parametrize("path", [LION / f"{s}.json" for s in FOREIGN], ids=lambda p: p.stem)
def test_foreign_payload_is_a_payload_error(path):
    with pytest.raises(PayloadError) as info:
        parse_tracking(path.read_bytes())
    assert str(info.value).startswith("lion: ")
    assert "\n" not in str(info.value)


@pytest.mark.parametrize("body", [
    b'{"stt": null, "history": null, "message": "STT tidak ditemukan"}',
    b'{"stt": null, "history": []}',
    b'{"stt": {"stt_no": "11LP1234567890123"}, "history": []}',
])
def test_not_found_is_success_without_events(body):
    result = parse_tracking(body)
    assert result.not_found
    assert result.events == [] and result.problems == []


def test_naive_times_take_the_zone_of_the_city_code():
    rows, _ = _rows(LION / "cross_zone.json")
    history = json.loads((LION / "cross_zone.json").read_text())["history"]
    assert [r["location_code"] for r in rows] == [h["location"] for h in history]
    assert any(r["utc_offset"] != "+07:00" for r in rows)
    for r in rows:
        city = CITIES[r["location_code"]]
        assert r["utc_offset"] == f"+{city.utc_hours:02d}:00", r["location_code"]
        assert r["zone_source"] == "location"
        local = datetime.strptime(r["local_time"] + r["utc_offset"], "%Y-%m-%d %H:%M:%S%z")
        instant = datetime.fromisoformat(r["occurred_at"])
        assert instant.utcoffset().total_seconds() == 0 and instant == local


@pytest.mark.parametrize(("code", "offset", "region"), [
    ("LBJ", "+08:00", "53.15"), ("BWX", "+07:00", "35.10"), ("djj", "+09:00", "91.71"),
])
def test_city_codes_missing_from_the_shared_crosswalk_are_located_too(code, offset, region):
    row = {"date": "2025-03-10 10:00:00", "desc": "PAKET TELAH SAMPAI DI (TRANSIT), X",
           "location": code}
    (event,) = parse_tracking(_body([row])).events
    assert (event.time.utc_offset, event.time.zone_source.value) == (offset, "location")
    assert event.region_code == region and event.location_code == code.upper()


def test_an_unknown_city_code_falls_back_to_wib_and_says_so():
    row = {"date": "2025-03-10 10:00:00", "desc": "PAKET TELAH SAMPAI DI (TRANSIT), ANTAH",
           "location": "XQZ"}
    (event,) = parse_tracking(_body([row])).events
    assert (event.time.utc_offset, event.time.zone_source.value) == ("+07:00", "default")
    assert event.region_code is None and event.location_name == "ANTAH"


def test_handover_to_pos_refers_to_pos_without_a_barcode():
    rows, _ = _rows(LION / "handover_to_pos.json")
    assert rows[0]["status"] == "handed_over"
    assert rows[0]["references"] == [{"kind": "handover_to", "partner": "pos", "value": None}]
    assert all(r["references"] == [] for r in rows[1:])


def test_history_is_newest_first_and_sequence_keeps_the_order_sent():
    rows, _ = _rows(LION / "delivered.json")
    assert [r["sequence"] for r in rows] == list(range(len(rows)))
    assert rows[0]["status"] == "delivered" and rows[-1]["status"] == "info_received"
    oldest, _ = _rows(LION / "oldest_first.json")
    assert oldest[0]["status"] == "info_received" and oldest[-1]["status"] == "delivered"


def test_duplicate_scan_with_other_case_and_spacing_has_one_event_id():
    result = parse_tracking((LION / "duplicates.json").read_bytes())
    ids = [e.event_id for e in result.events]
    assert len(ids) == len(set(ids)) + 1


def test_timestamps_that_contradict_the_order_are_kept_as_sent():
    result = parse_tracking((LION / "out_of_order.json").read_bytes())
    instants = [e.occurred_at for e in result.events]
    assert instants != sorted(instants, reverse=True)
    assert not result.problems


def test_eleven_digit_stt_sent_as_a_number_is_read_as_text():
    body = json.loads((LION / "numbers_as_strings.json").read_text())
    assert isinstance(body["stt"]["stt_no"], int)
    rows, _ = _rows(LION / "numbers_as_strings.json")
    assert {r["tracking_number"] for r in rows} == {str(body["stt"]["stt_no"])}
    assert all(r["tracking_number_flags"] == [] for r in rows)


def test_failure_return_cancellation_and_loss_are_read_from_the_text():
    def statuses(name):
        return [r["status"] for r in _rows(LION / f"{name}.json")[0]]

    assert "delivery_failed" in statuses("failed_then_delivered")
    returned = statuses("returned")
    assert returned[0] == "returned" and "return_to_sender" in returned
    assert statuses("cancelled")[0] == "cancelled"
    assert statuses("lost")[0] == "lost"


def test_personal_data_is_masked_everywhere():
    path = LION / "personal_data.json"
    body = json.loads(path.read_text())
    receiver = body["stt"]["recipient_name"]
    courier_desc = body["history"][1]["desc"]
    courier = courier_desc.split("KURIR: ")[1].split(" 0")[0]
    phone = courier_desc.split(" ")[-2].rstrip(",")
    rows, _ = _rows(path)
    dumped = json.dumps(rows)
    for word in receiver.split() + courier.split():
        assert word not in dumped
    assert phone not in dumped
    assert rows[0]["receiver"] == " ".join(w[0] + "*" * (len(w) - 1) for w in receiver.split())


def test_bad_rows_become_problems_and_the_rest_still_counts():
    result = parse_tracking((LION / "bad_rows.json").read_bytes())
    assert [p.row for p in result.problems] == [1, 4]
    assert {p.error_class for p in result.problems} == {"InvalidEvent"}
    assert "31-02-2025" in result.problems[0].message
    assert "desc" in result.problems[1].message
    assert result.events[0].status.value == "delivered"


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
    key = "PAKET DITAHAN DI GUDANG, JAKARTA"
    row = {"date": "2025-03-10 10:00:00", "desc": "Paket ditahan di  gudang, Jakarta",
           "location": "CGK"}
    (event,) = parse_tracking(_body([row])).events
    assert event.status.value == "unknown" and event.raw_status == key


_VALUES = st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=30)
_ROWS = st.fixed_dictionaries({}, optional={
    "date": _VALUES | st.sampled_from(["2025-03-10 10:00:00", "0001-01-01 00:00:00",
                                       "9999-12-31 23:59:59"]),
    "desc": _VALUES | st.sampled_from(["PAKET AKAN DIKIRIMKAN OLEH (PT POS. ), PALEMBANG",
                                       "PAKET TELAH DITERIMA OLEH BUDI (POD), X",
                                       "DIKIRIMKAN OLEH (", "PAKET TELAH DITERIMA OLEH"]),
    "location": _VALUES | st.sampled_from(["JOG", "DJJ", "LBJ", "x"]),
}) | _VALUES
_JSON = st.recursive(_VALUES, lambda children: st.lists(children, max_size=4)
                     | st.dictionaries(st.text(max_size=8), children, max_size=4), max_leaves=12)


@settings(max_examples=300, deadline=None)
@given(payload=st.one_of(
    st.binary(max_size=200),
    _JSON.map(json.dumps),
    st.fixed_dictionaries({
        "stt": st.none() | _VALUES | st.fixed_dictionaries({}, optional={"stt_no": _VALUES}),
        "history": st.none() | _VALUES | st.lists(_ROWS, max_size=5),
    }),
))
def test_no_input_makes_the_parser_raise_anything_but_payload_error(payload):
    try:
        result = parse_tracking(payload)
    except PayloadError as exc:
        assert str(exc).startswith("lion: ") and "\n" not in str(exc)
        return
    for event in result.events:
        assert event.occurred_at.tzinfo is not None


@pytest.fixture
def sandbox():
    entries = build_catalog(3)
    credentials = PartnerCredentials(username="me", api_key=SecretStr("s3cret"))
    server = serve_in_thread(create_app(entries=entries, credentials=credentials))
    yield server, entries
    server.stop()


def _client(url: str, secret: str = "s3cret") -> PartnerClient:
    return PartnerClient(API, PartnerCredentials(
        base_url=url, username="me", api_key=SecretStr(secret), rate_per_second=200))


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
    unknown = parse_tracking(client.track("11LP0000000000000").content)
    client.close()
    by_number = {e.tracking_number: e for e in entries}
    assert [f.request_key for f in fetched] == [e.tracking_number for e in entries]
    for item in fetched:
        assert item.error is None
        assert item.source == "/v3/stt/track"
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
    with pytest.raises(FatalError, match="LINTAS_LION__USERNAME"):
        PartnerClient(API, PartnerCredentials(base_url="http://x", api_key=SecretStr("s3cret")))
    with pytest.raises(FatalError, match="LINTAS_LION__BASE_URL") as info:
        PartnerClient(API, PartnerCredentials(username="me", api_key=SecretStr("s3cret")))
    assert "s3cret" not in str(info.value)
