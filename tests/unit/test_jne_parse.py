"""JNE parser: recorded payloads against their full expected canonical output, the quirks
of PARTNERS.md one by one, every sandbox scenario against its promise, and the client
against the JNE sandbox."""

from __future__ import annotations

import json
from datetime import datetime, timezone

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import SecretStr

from lintas.connectors.jne import PARTNER
from lintas.connectors.jne.client import API
from lintas.connectors.jne.sandbox import create_app
from lintas.connectors.jne.scenarios import SCENARIOS, build_catalog
from lintas.connectors.model import record_to_json
from lintas.connectors.runtime.client import PartnerClient
from lintas.connectors.runtime.feed import ChangeFeedSource
from lintas.connectors.sandboxes import serve_in_thread
from lintas.core.errors import AuthenticationError, PayloadError
from lintas.core.settings import PartnerCredentials
from lintas.streams.reconcile import reconcile
from tests.conftest import FIXTURES
from tests.golden import assert_golden

# the partner's parse: events carry their tracking-number flags
parse_tracking = PARTNER.parse

JNE = FIXTURES / "jne"
FOREIGN = ("malformed_json", "wrong_envelope")
PAYLOADS = sorted(JNE.glob("*.json"))
VALID = [p for p in PAYLOADS if p.stem not in FOREIGN]
RECORDED_AT = datetime(2025, 3, 10, 1, 0, tzinfo=timezone.utc)  # start the fixtures used


def _rows(path):
    result = parse_tracking(path.read_bytes())
    return [record_to_json(e.to_record()) for e in result.events], result


def _body(*history, **cnote):
    return {"cnote": {"cnote_no": "5403212200022724", **cnote}, "detail": [],
            "history": list(history)}


def _row(desc, code="OP2", date="10-03-2025 10:00"):
    return {"date": date, "desc": desc, "code": code}


def _one(*history, **cnote):
    (event,) = parse_tracking(_body(*history, **cnote)).events
    return event


def test_every_scenario_is_recorded_from_the_catalog():
    assert {p.stem for p in PAYLOADS} == set(SCENARIOS) - {"flaky"}
    for entry in build_catalog(7, start=RECORDED_AT):
        if entry.scenario == "flaky":
            continue
        recorded = (JNE / f"{entry.scenario}.json").read_bytes()
        if entry.outcome == "dead_letter":
            assert recorded == entry.body
        else:
            assert json.loads(recorded) == json.loads(entry.body), entry.scenario


@pytest.mark.parametrize("path", VALID, ids=lambda p: p.stem)
def test_recorded_payload_gives_expected_events(path):
    rows, _ = _rows(path)
    assert_golden(path.with_suffix(".expected.jsonl"), rows)


@pytest.mark.parametrize("path", [JNE / f"{s}.json" for s in FOREIGN], ids=lambda p: p.stem)
def test_foreign_payload_is_a_payload_error(path):
    with pytest.raises(PayloadError) as info:
        parse_tracking(path.read_bytes())
    assert str(info.value).startswith("jne: ")
    assert "\n" not in str(info.value)


@pytest.mark.parametrize("body", [b'{"error": "Cnote No. Not Found.", "status": false}',
                                  b'{"cnote": null}'])
def test_not_found_is_success_without_events(body):
    result = parse_tracking(body)
    assert result.not_found
    assert result.events == [] and result.problems == []


def test_an_error_other_than_not_found_is_a_payload_error():
    with pytest.raises(PayloadError, match=r"^jne: the API answered an error"):
        parse_tracking({"error": "Service\nTemporarily Unavailable", "status": False})


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
    "code", ["U01", "U13", "U25", "UB1", "UB2", "D24", "D25", "KRK", "KRP", "KRT", "PS1",
             "PS4", "FOM"],
)
def test_failure_codes_are_failed_attempts(code):
    assert _one(_row("CONSIGNEE NOT AT HOME [UPG, OPR DELIVERY]", code)).status.value == (
        "delivery_failed"
    )


@pytest.mark.parametrize(
    ("code", "status"),
    [("RC1", "picked_up"), ("OP1", "in_transit"), ("OP3", "in_transit"), ("TP4", "in_transit"),
     ("IP1", "in_transit"), ("IP2", "in_transit"), ("D01", "delivered")],
)
def test_known_codes(code, status):
    assert _one(_row("SOMETHING [CGK]", code)).status.value == status


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


def test_unknown_code_maps_to_unknown_and_keeps_its_raw_code():
    assert _one(_row("SORTING ULANG [CGK]", " zz9 ")).status.value == "unknown"


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
    body = json.loads((JNE / "delivered.json").read_text())
    assert body["cnote"]["pod_code"] == "D01" and body["cnote"]["cnote_pod_date"]
    assert len(parse_tracking(body).events) == len(body["history"])


def test_a_summary_ahead_of_the_history_adds_the_delivery():
    body = json.loads((JNE / "pod_in_summary.json").read_text())
    result = parse_tracking(body)
    assert len(result.events) == len(body["history"]) + 1
    last = result.events[-1]
    assert last.status.value == "delivered" and last.sequence == len(body["history"])
    assert last.receiver and last.receiver[1] == "*"


def test_duplicate_scan_with_other_case_and_spacing_has_one_event_id():
    result = parse_tracking((JNE / "duplicates.json").read_bytes())
    ids = [e.event_id for e in result.events]
    assert len(ids) == len(set(ids)) + 1


def test_timestamps_that_contradict_the_order_keep_the_order_as_sent():
    result = parse_tracking((JNE / "out_of_order.json").read_bytes())
    assert [e.sequence for e in result.events] == list(range(len(result.events)))
    instants = [e.occurred_at for e in result.events]
    assert instants != sorted(instants)
    view = reconcile("jne:x", [e.to_record() for e in result.events])
    assert view["status"] == "delivered"


def test_naive_times_take_the_zone_of_their_city_across_three_zones():
    rows, _ = _rows(JNE / "cross_zone.json")
    assert {r["utc_offset"] for r in rows} == {"+07:00", "+08:00", "+09:00"}
    assert all(r["zone_source"] == "location" for r in rows)
    for r in rows:
        local = datetime.strptime(r["local_time"], "%d-%m-%Y %H:%M").replace(tzinfo=timezone.utc)
        instant = datetime.fromisoformat(r["occurred_at"])
        hours = int(r["utc_offset"][1:3])
        assert (local - instant).total_seconds() == hours * 3600


def test_personal_data_is_masked_everywhere():
    entry = next(e for e in build_catalog(7, start=RECORDED_AT) if e.scenario == "personal_data")
    rows, _ = _rows(JNE / "personal_data.json")
    dumped = json.dumps(rows)
    for word in entry.extra["receiver"].split():
        assert word not in dumped and word.upper() not in dumped
    assert entry.extra["phone"].replace("-", "")[4:10] not in dumped.replace("-", "")
    assert rows[-1]["receiver"].startswith(entry.extra["receiver"][0])


def test_cnote_number_as_a_json_number_is_read_as_text():
    body = json.loads((JNE / "numbers_as_strings.json").read_text())
    assert isinstance(body["cnote"]["cnote_no"], int)
    events = parse_tracking(body).events
    assert {e.tracking_number for e in events} == {str(body["cnote"]["cnote_no"])}
    assert all(e.tracking_number_flags == () for e in events)


def test_bad_rows_become_problems_and_the_rest_still_counts():
    result = parse_tracking((JNE / "bad_rows.json").read_bytes())
    assert [p.row for p in result.problems] == [1, 3]
    assert {p.error_class for p in result.problems} == {"InvalidEvent"}
    assert "00-00-0000" in result.problems[0].message
    assert "no code" in result.problems[1].message
    assert result.events[-1].status.value == "delivered"


def test_the_number_asked_for_stands_in_for_a_missing_cnote_no():
    body = {"cnote": {"cnote_no": None}, "history": [_row("MANIFESTED [CGK]", "OP1")]}
    (event,) = parse_tracking(body, request_key="5403212200022724").events
    assert event.tracking_number == "5403212200022724"
    with pytest.raises(PayloadError):
        parse_tracking(body)


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
_DATES = st.sampled_from(["10-03-2025 10:00", "01-01-0001 00:05", "31-12-9999 23:59",
                          "0001-01-01T00:00:00+07:00", "2025-03-12T13:05:00.000-23:59",
                          "12 MAR 2025 14:05", "00-00-0000 00:00", ""])
_TEXTS = st.sampled_from(["DELIVERED TO [A | 01-01-0001 00:01 | AMQ ]", "[|||]", "[AMQ, X]",
                          "[ | | ]", "WITH DELIVERY COURIER [\\1]", "RECEIVED BY JNE [CGK]"])
_ROW = st.fixed_dictionaries({}, optional={
    "date": _DATES | _JSON, "desc": _TEXTS | st.text(max_size=40) | _JSON,
    "code": st.sampled_from(["RC1", "D01", "U05", "IP3", "??"]) | _JSON,
})
_CNOTE = st.fixed_dictionaries({}, optional={
    "cnote_no": st.text(max_size=18) | _JSON, "cnote_destination": st.text(max_size=9) | _JSON,
    "pod_code": st.sampled_from(["D01", "U05"]) | _JSON, "cnote_pod_date": _DATES | _JSON,
    "last_status": _TEXTS | _JSON, "cnote_pod_receiver": _JSON,
})
_BODY = st.fixed_dictionaries({"cnote": st.none() | _CNOTE | _JSON},
                              optional={"history": st.lists(_ROW | _JSON, max_size=5) | _JSON})


@given(st.one_of(_BODY, _JSON.map(lambda v: json.dumps(v).encode()), st.binary(max_size=64),
                 st.text(max_size=64)))
@settings(max_examples=400, deadline=None)
def test_no_input_makes_the_parser_raise_anything_but_payload_error(payload):
    try:
        result = parse_tracking(payload)
    except PayloadError as exc:
        assert str(exc).startswith("jne: ") and "\n" not in str(exc)
        return
    for problem in result.problems:
        assert problem.message.startswith("jne: ") and "\n" not in problem.message


@pytest.fixture
def sandbox():
    entries = build_catalog(3)
    credentials = PartnerCredentials(username="me", api_key=SecretStr("s3cret-key"))
    server = serve_in_thread(create_app(entries=entries, credentials=credentials))
    yield server, entries
    server.stop()


def _client(url: str, key: str = "s3cret-key") -> PartnerClient:
    return PartnerClient(API, PartnerCredentials(
        base_url=url, username="me", api_key=SecretStr(key), rate_per_second=200))


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
        assert item.source == "/tracing/api/list/v1/cnote"
    assert cursor == {"since": str(len(entries))}
    unknown = client.track("9999999999999999")
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
