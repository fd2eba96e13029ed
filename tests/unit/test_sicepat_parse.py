"""SiCepat parser: recorded payloads against their full expected canonical output, the
quirks of PARTNERS.md one by one, every sandbox scenario against its promise, and the
client against the SiCepat sandbox."""

from __future__ import annotations

import json
from datetime import datetime, timezone

import httpx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import SecretStr

from lintas.connectors.model import record_to_json
from lintas.connectors.runtime.client import PartnerClient
from lintas.connectors.runtime.feed import ChangeFeedSource
from lintas.connectors.sandboxes import serve_in_thread
from lintas.connectors.sicepat import PARTNER
from lintas.connectors.sicepat.client import API
from lintas.connectors.sicepat.sandbox import create_app
from lintas.connectors.sicepat.scenarios import SCENARIOS, build_catalog
from lintas.core.errors import AuthenticationError, PayloadError
from lintas.core.settings import PartnerCredentials
from lintas.streams.reconcile import reconcile
from tests.conftest import FIXTURES
from tests.golden import assert_golden

# the partner's parse: events carry their tracking-number flags
parse_tracking = PARTNER.parse

SICEPAT = FIXTURES / "sicepat"
FOREIGN = ("malformed_json", "wrong_envelope")
PAYLOADS = sorted(SICEPAT.glob("*.json"))
VALID = [p for p in PAYLOADS if p.stem not in FOREIGN]
RECORDED_AT = datetime(2025, 3, 10, 1, 0, tzinfo=timezone.utc)  # start the fixtures used


def _rows(path):
    result = parse_tracking(path.read_bytes())
    return [record_to_json(e.to_record()) for e in result.events], result


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


def test_every_scenario_is_recorded_from_the_catalog():
    assert {p.stem for p in PAYLOADS} == set(SCENARIOS) - {"flaky"}
    for entry in build_catalog(7, start=RECORDED_AT):
        if entry.scenario == "flaky":
            continue
        recorded = (SICEPAT / f"{entry.scenario}.json").read_bytes()
        if entry.outcome == "dead_letter":
            assert recorded == entry.body
        else:
            assert json.loads(recorded) == json.loads(entry.body), entry.scenario


@pytest.mark.parametrize("path", VALID, ids=lambda p: p.stem)
def test_recorded_payload_gives_expected_events(path):
    rows, _ = _rows(path)
    assert_golden(path.with_suffix(".expected.jsonl"), rows)


@pytest.mark.parametrize("path", [SICEPAT / f"{s}.json" for s in FOREIGN], ids=lambda p: p.stem)
def test_foreign_payload_is_a_payload_error(path):
    with pytest.raises(PayloadError) as info:
        parse_tracking(path.read_bytes())
    assert str(info.value).startswith("sicepat: ")
    assert "\n" not in str(info.value)


@pytest.mark.parametrize("body", [
    b'{"sicepat": {"status": {"code": 400, "description": "Data tidak ditemukan"}}}',
    b'{"sicepat": {"status": {"code": "400", "description": "Data tidak ditemukan"}}}',
    b'{"sicepat": {"status": {"code": 200, "description": "OK"}, "result": null}}',
])
def test_not_found_is_success_without_events(body):
    result = parse_tracking(body)
    assert result.not_found
    assert result.events == [] and result.problems == []


def test_another_status_code_is_a_payload_error():
    with pytest.raises(PayloadError, match=r"^sicepat: the API answered 500"):
        parse_tracking({"sicepat": {"status": {"code": 500, "description": "Internal\nError"}}})


@pytest.mark.parametrize(
    ("code", "status"),
    [("PICKREQ", "info_received"), ("PICK", "picked_up"), ("DROP", "picked_up"),
     ("IN", "in_transit"), ("OUT", "in_transit"), ("ANT", "out_for_delivery"),
     ("DELIVERED", "delivered"), ("HILANG", "lost"), ("LOST", "lost"),
     ("PAKET DI KEMBALIKAN", "returned"), ("CU", "delivery_failed"), ("RTN", "return_to_sender"),
     ("CANCEL", "cancelled")],
)
def test_status_codes(code, status):
    assert _one(_row(code, "Sesuatu terjadi")).status.value == status


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


def test_unknown_code_maps_to_unknown_and_keeps_its_raw_code():
    assert _one(_row(" sortir ", "Sortir ulang")).status.value == "unknown"


def test_duplicate_scan_with_other_case_and_spacing_has_one_event_id():
    result = parse_tracking((SICEPAT / "duplicates.json").read_bytes())
    ids = [e.event_id for e in result.events]
    assert len(ids) == len(set(ids)) + 1


def test_timestamps_that_contradict_the_order_keep_the_order_as_sent():
    result = parse_tracking((SICEPAT / "out_of_order.json").read_bytes())
    assert [e.sequence for e in result.events] == list(range(len(result.events)))
    instants = [e.occurred_at for e in result.events]
    assert instants != sorted(instants)
    assert reconcile("sicepat:x", [e.to_record() for e in result.events])["status"] == "delivered"


def test_naive_times_take_the_zone_of_their_place_across_three_zones():
    rows, _ = _rows(SICEPAT / "cross_zone.json")
    assert {r["utc_offset"] for r in rows} == {"+07:00", "+08:00", "+09:00"}
    assert all(r["zone_source"] == "location" for r in rows)
    for r in rows:
        local = datetime.strptime(r["local_time"], "%Y-%m-%d %H:%M").replace(tzinfo=timezone.utc)
        instant = datetime.fromisoformat(r["occurred_at"])
        hours = int(r["utc_offset"][1:3])
        assert (local - instant).total_seconds() == hours * 3600


def test_personal_data_is_masked_everywhere():
    entry = next(e for e in build_catalog(7, start=RECORDED_AT) if e.scenario == "personal_data")
    body = json.loads((SICEPAT / "personal_data.json").read_text())
    rows, _ = _rows(SICEPAT / "personal_data.json")
    dumped = json.dumps(rows)
    for word in entry.extra["receiver"].replace("(", " ").replace(")", " ").split():
        assert word not in dumped
    assert entry.extra["phone"].replace("-", "")[4:10] not in dumped.replace("-", "")
    couriers = [r["city"].split("SIGESIT - ")[1].rstrip("]") for r in body["sicepat"]["result"][
        "track_history"] if "SIGESIT" in r.get("city", "")]
    assert couriers
    for courier in couriers:
        for word in courier.split():
            assert word not in dumped


def test_a_waybill_number_sent_as_a_json_number_gets_its_zeros_back():
    body = json.loads((SICEPAT / "numbers_as_strings.json").read_text())
    assert isinstance(body["sicepat"]["result"]["waybill_number"], int)
    assert body["sicepat"]["status"]["code"] == "200"
    events = parse_tracking(body).events
    numbers = {e.tracking_number for e in events}
    assert len(numbers) == 1
    (number,) = numbers
    assert number.startswith("00") and len(number) == 12
    assert int(number) == body["sicepat"]["result"]["waybill_number"]
    assert all(e.tracking_number_flags == () for e in events)


def test_bad_rows_become_problems_and_the_rest_still_counts():
    result = parse_tracking((SICEPAT / "bad_rows.json").read_bytes())
    assert [p.row for p in result.problems] == [1, 3]
    assert {p.error_class for p in result.problems} == {"InvalidEvent"}
    assert "0000-00-00" in result.problems[0].message
    assert "no status" in result.problems[1].message
    assert result.events[-1].status.value == "delivered"


@pytest.mark.parametrize("seed", [1, 11, 23])
def test_every_scenario_yields_what_the_sandbox_promises(seed):
    start = datetime(2025, 6, 1, 8, 30, tzinfo=timezone.utc)
    for entry in build_catalog(seed, start=start, rounds=3):
        if entry.outcome == "dead_letter":
            with pytest.raises(PayloadError):
                parse_tracking(entry.body)
            continue
        result = parse_tracking(entry.body, request_key=entry.tracking_number)
        if entry.outcome == "not_found":
            assert result.not_found and not result.events
            continue
        assert {e.tracking_number for e in result.events} == {entry.tracking_number}
        assert len({e.event_id for e in result.events}) == entry.distinct_events, entry.scenario
        assert len(result.problems) == entry.bad_rows, entry.scenario
        view = reconcile(entry.key, [e.to_record() for e in result.events])
        assert view["status"] == entry.final_status, entry.scenario
        assert view["event_count"] == entry.distinct_events, entry.scenario


_SCALARS = st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=24)
_JSON = st.recursive(
    _SCALARS,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner,
                                                                 max_size=4),
    max_leaves=16,
)
_DATES = st.sampled_from(["2025-03-10 10:00", "0001-01-01 00:05", "9999-12-31 23:59",
                          "0000-00-00 00:00", ""])
_ROW = st.fixed_dictionaries({}, optional={
    "date_time": _DATES | _JSON,
    "status": st.sampled_from(["IN", "ANT", "DELIVERED", "PICK", "??"]) | _JSON,
    "city": st.sampled_from(["[SIGESIT - \\1]", "[Ambon Hub]", "[[x]]", "[SIGESIT -]"]) | _JSON,
    "receiver_name": _JSON,
})
_RESULT = st.fixed_dictionaries({}, optional={
    "waybill_number": st.integers() | _JSON, "kodeasal": st.sampled_from(["UPG1", "x"]) | _JSON,
    "kodetujuan": _JSON, "POD_receiver": _JSON,
    "track_history": st.lists(_ROW | _JSON, max_size=5) | _JSON,
})
_BODY = st.fixed_dictionaries({"sicepat": st.fixed_dictionaries({}, optional={
    "status": st.fixed_dictionaries({}, optional={"code": st.sampled_from([200, "200", 400, 500])
                                                  | _JSON, "description": _JSON}) | _JSON,
    "result": _RESULT | _JSON,
}) | _JSON})


@given(st.one_of(_BODY, _JSON.map(lambda v: json.dumps(v).encode()), st.binary(max_size=64),
                 st.text(max_size=64)))
@settings(max_examples=400, deadline=None)
def test_no_input_makes_the_parser_raise_anything_but_payload_error(payload):
    try:
        result = parse_tracking(payload)
    except PayloadError as exc:
        assert str(exc).startswith("sicepat: ") and "\n" not in str(exc)
        return
    for problem in result.problems:
        assert problem.message.startswith("sicepat: ") and "\n" not in problem.message


@pytest.fixture
def sandbox():
    entries = build_catalog(3)
    server = serve_in_thread(create_app(entries=entries, credentials=PartnerCredentials(
        api_key=SecretStr("s3cret-key"))))
    yield server, entries
    server.stop()


def _client(url: str, key: str = "s3cret-key") -> PartnerClient:
    return PartnerClient(API, PartnerCredentials(
        base_url=url, api_key=SecretStr(key), rate_per_second=200))


def test_client_follows_the_change_feed_and_retries_flaky_answers(sandbox):
    server, entries = sandbox
    client = _client(server.url)
    source = ChangeFeedSource(client, page_size=5)
    cursor, fetched = None, []
    while True:
        page = source.fetch(cursor)
        fetched += page.items
        cursor = page.cursor
        if not page.has_more:
            break
    assert [f.request_key for f in fetched] == [e.tracking_number for e in entries]
    by_number = {e.tracking_number: e for e in entries}
    for item in fetched:
        assert item.error is None
        assert item.payload == by_number[item.request_key].body  # byte for byte, flaky included
        assert item.source == "/customer/waybill"
    assert cursor == {"since": str(len(entries))}
    unknown = client.track("000000000000")
    client.close()
    assert unknown.status_code == 200 and parse_tracking(unknown.content).not_found


@pytest.mark.parametrize("call", ["changes", "track"])
def test_client_with_a_wrong_key_fails_fatally_without_leaking_it(sandbox, call):
    server, entries = sandbox
    client = _client(server.url, key="wrong-secret-value")
    with pytest.raises(AuthenticationError) as info:
        client.changes(None) if call == "changes" else client.track(entries[0].tracking_number)
    client.close()
    assert "wrong-secret-value" not in str(info.value)
    assert "refused our credentials" in str(info.value)


def test_the_sandbox_refuses_a_request_without_the_api_key(sandbox):
    server, entries = sandbox
    response = httpx.get(f"{server.url}/customer/waybill",
                         params={"waybill": entries[0].tracking_number})
    assert response.status_code == 401
