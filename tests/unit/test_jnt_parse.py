"""J&T Express parser: recorded payloads against their full expected canonical output, the
quirks of PARTNERS.md one by one, every sandbox scenario against its promise (in both
languages), and the client against the J&T sandbox."""

from __future__ import annotations

import json
from datetime import datetime, timezone

import httpx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import SecretStr

from lintas.connectors.jnt import PARTNER
from lintas.connectors.jnt.client import API
from lintas.connectors.jnt.sandbox import create_app
from lintas.connectors.jnt.scenarios import SCENARIOS, build_catalog
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

JNT = FIXTURES / "jnt"
FOREIGN = ("malformed_json", "wrong_envelope")
PAYLOADS = sorted(JNT.glob("*.json"))
VALID = [p for p in PAYLOADS if p.stem not in FOREIGN]
RECORDED_AT = datetime(2025, 3, 10, 1, 0, tzinfo=timezone.utc)  # start the fixtures used


def _rows(path):
    result = parse_tracking(path.read_bytes())
    return [record_to_json(e.to_record()) for e in result.events], result


def _body(*history, sender=("BANDUNG", "40115"), receiver=("KOTA AMBON", "97124")):
    detail = {"sender": {"name": "TOKO BERKAH", "city": sender[0], "zipcode": sender[1]},
              "receiver": {"name": "SITI AMINAH", "city": receiver[0], "zipcode": receiver[1]}}
    return {"awb": "JP1234567890", "orderid": "ORD-1", "detail": detail, "history": list(history)}


def _row(status, code=100, city="MAKASSAR", date="2025-03-10 10:00:00", **more):
    return {"date_time": date, "city_name": city, "status": status, "status_code": code, **more}


def _one(*history, **parties):
    (event,) = parse_tracking(_body(*history, **parties)).events
    return event


def test_every_scenario_is_recorded_from_the_catalog():
    assert {p.stem for p in PAYLOADS} == set(SCENARIOS) - {"flaky"}
    for entry in build_catalog(7, start=RECORDED_AT):
        if entry.scenario == "flaky":
            continue
        recorded = (JNT / f"{entry.scenario}.json").read_bytes()
        if entry.outcome == "dead_letter":
            assert recorded == entry.body
        else:
            assert json.loads(recorded) == json.loads(entry.body), entry.scenario


@pytest.mark.parametrize("path", VALID, ids=lambda p: p.stem)
def test_recorded_payload_gives_expected_events(path):
    rows, _ = _rows(path)
    assert_golden(path.with_suffix(".expected.jsonl"), rows)


@pytest.mark.parametrize("path", [JNT / f"{s}.json" for s in FOREIGN], ids=lambda p: p.stem)
def test_foreign_payload_is_a_payload_error(path):
    with pytest.raises(PayloadError) as info:
        parse_tracking(path.read_bytes())
    assert str(info.value).startswith("jnt: ")
    assert "\n" not in str(info.value)


@pytest.mark.parametrize("body", [b'{"error_id": "404", "error_message": "Invalid AWB number"}',
                                  b'{"error_id": 404, "error_message": "Invalid AWB number"}'])
def test_not_found_is_success_without_events(body):
    result = parse_tracking(body)
    assert result.not_found
    assert result.events == [] and result.problems == []


def test_another_error_is_a_payload_error():
    with pytest.raises(PayloadError, match=r"^jnt: the API answered error 500"):
        parse_tracking({"error_id": "500", "error_message": "System busy"})


@pytest.mark.parametrize(
    ("code", "text", "status"),
    [
        (101, "Manifes", "info_received"),
        (100, "Paket telah dipickup di [DP BANDUNG BRAGA]", "picked_up"),
        (100, "Paket telah sampai di [MAKASSAR GATEWAY]", "in_transit"),
        (100, "Paket akan dikirimkan ke [MAKASSAR GATEWAY]", "in_transit"),
        (100, "Paket akan dikirim ke alamat penerima, Sprinter: Andi (081234567890)",
         "out_for_delivery"),
        (100, "Parcel will be delivered to the receiver's address, Sprinter: Andi",
         "out_for_delivery"),
        (100, "Paket gagal dikirim: rumah kosong", "delivery_failed"),
        (100, "Delivery failed: house empty", "delivery_failed"),
        (100, "Paket akan dikembalikan ke pengirim", "return_to_sender"),
        (100, "Parcel will be returned to the sender", "return_to_sender"),
        (100, "Paket retur telah diterima pengirim", "returned"),
        (100, "Return parcel delivered to sender", "returned"),
        (100, "Pesanan dibatalkan oleh pengirim", "cancelled"),
        (100, "Parcel lost in transit, claim in process", "lost"),
        (200, "Terkirim", "delivered"),
        (200, "Delivered", "delivered"),
        (100, "Sesuatu yang baru", "in_transit"),
    ],
)
def test_the_meaning_of_100_is_in_the_text_in_either_language(code, text, status):
    assert _one(_row(text, code)).status.value == status


def test_status_text_in_both_languages_gives_the_same_statuses():
    for entry in build_catalog(5, rounds=2):
        bodies = entry.extra.get("bodies")
        if not bodies:
            continue
        statuses = {lang: [e.status for e in parse_tracking(body).events]
                    for lang, body in bodies.items()}
        assert statuses["id"] == statuses["en"], entry.scenario


def test_a_scan_in_the_receivers_city_is_located_by_its_zipcode():
    delivered = _one(_row("Terkirim", 200, city="AMBON", receiver="Siti Aminah"))
    assert (delivered.time.utc_offset, delivered.time.zone_source.value) == ("+09:00", "location")
    assert delivered.postal_code == "97124" and delivered.region_code == "81.71"
    arrived = _one(_row("Paket telah sampai di [DP AMBON SIRIMAU]", city="Ambon"))
    assert arrived.time.utc_offset == "+09:00" and arrived.postal_code is None


@pytest.mark.parametrize(
    ("city", "offset", "source", "region"),
    [("MAKASSAR", "+08:00", "location", "73.71"), ("KAB. BANJAR", "+08:00", "location", "63.03"),
     ("BANDUNG", "+07:00", "location", None), ("JAKARTA", "+07:00", "location", None),
     ("SORONG", "+09:00", "location", None), ("BANJAR", "+07:00", "default", None),
     ("CIKARANG", "+07:00", "default", None), ("", "+07:00", "default", None)],
)
def test_other_cities_are_located_by_name_or_left_in_wib(city, offset, source, region):
    event = _one(_row("Paket telah sampai di [GATEWAY]", city=city), sender=("X", "-"),
                 receiver=("Y", "-"))
    assert (event.time.utc_offset, event.time.zone_source.value, event.region_code) == (
        offset, source, region
    )


def test_receiver_and_sprinter_are_masked():
    courier, delivered = parse_tracking(_body(
        _row("Paket akan dikirim ke alamat penerima, Sprinter: Andi Wijaya (0812-3456-7890)"),
        _row("Paket telah diterima oleh Siti Aminah (YBS)", 200, receiver="SITI AMINAH"),
    )).events
    assert courier.raw_text == (
        "Paket akan dikirim ke alamat penerima, Sprinter: A*** W***** (0812******90)"
    )
    assert delivered.receiver == "S*** A*****"
    assert "Siti" not in delivered.raw_text and "Aminah" not in delivered.raw_text


def test_the_order_id_is_a_reference():
    event = _one(_row("Manifes", 101))
    assert [(r.kind, r.value) for r in event.references] == [("order_id", "ORD-1")]


def test_unknown_code_maps_to_unknown_and_keeps_its_raw_code():
    assert _one(_row("Sesuatu", "150")).status.value == "unknown"


def test_duplicate_scan_with_other_case_and_spacing_has_one_event_id():
    result = parse_tracking((JNT / "duplicates.json").read_bytes())
    ids = [e.event_id for e in result.events]
    assert len(ids) == len(set(ids)) + 1


@pytest.mark.parametrize("name", ["newest_first", "out_of_order"])
def test_order_as_sent_is_kept_and_the_view_orders_by_time(name):
    result = parse_tracking((JNT / f"{name}.json").read_bytes())
    assert [e.sequence for e in result.events] == list(range(len(result.events)))
    instants = [e.occurred_at for e in result.events]
    assert instants != sorted(instants)
    assert reconcile("jnt:x", [e.to_record() for e in result.events])["status"] == "delivered"


def test_naive_times_take_the_zone_of_their_city_across_three_zones():
    rows, _ = _rows(JNT / "cross_zone.json")
    assert {r["utc_offset"] for r in rows} == {"+07:00", "+08:00", "+09:00"}
    assert [r["location_name"] for r in rows if r["zone_source"] == "default"] == ["CIKARANG"]
    for r in rows:
        local = datetime.strptime(r["local_time"], "%Y-%m-%d %H:%M:%S").replace(tzinfo=timezone.utc)
        instant = datetime.fromisoformat(r["occurred_at"])
        hours = int(r["utc_offset"][1:3])
        assert (local - instant).total_seconds() == hours * 3600


def test_personal_data_is_masked_everywhere():
    body = json.loads((JNT / "personal_data.json").read_text())
    last = body["history"][-1]
    rows, _ = _rows(JNT / "personal_data.json")
    dumped = json.dumps(rows)
    for word in last["receiver"].split():
        assert word not in dumped and word.upper() not in dumped
    for row in body["history"]:
        digits = "".join(ch for ch in row["status"] if ch.isdigit())
        if len(digits) > 8:
            assert digits[4:-2] not in dumped
    assert "Sprinter: " in dumped


def test_codes_and_zipcodes_of_the_wrong_json_type_are_read_as_text():
    body = json.loads((JNT / "numbers_as_strings.json").read_text())
    assert isinstance(body["detail"]["receiver"]["zipcode"], int)
    assert all(isinstance(r["status_code"], str) for r in body["history"])
    rows, _ = _rows(JNT / "numbers_as_strings.json")
    assert rows[-1]["status"] == "delivered"
    assert rows[-1]["postal_code"] == str(body["detail"]["receiver"]["zipcode"])


def test_bad_rows_become_problems_and_the_rest_still_counts():
    result = parse_tracking((JNT / "bad_rows.json").read_bytes())
    assert [p.row for p in result.problems] == [1, 3]
    assert {p.error_class for p in result.problems} == {"InvalidEvent"}
    assert "0000-00-00" in result.problems[0].message
    assert "status_code" in result.problems[1].message
    assert result.events[-1].status.value == "delivered"


@pytest.mark.parametrize("seed", [1, 11, 23])
def test_every_scenario_yields_what_the_sandbox_promises(seed):
    start = datetime(2025, 6, 1, 8, 30, 15, tzinfo=timezone.utc)
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
_DATES = st.sampled_from(["2025-03-10 10:00:00", "0001-01-01 00:05:00", "9999-12-31 23:59:59",
                          "0000-00-00 00:00:00", "2025-03-10T10:00:00", ""])
_CITIES = st.sampled_from(["MAKASSAR", "KAB. BANJAR", "BANJAR", "KOTA ", "JAKARTA", "AMBON"])
_ROW = st.fixed_dictionaries({}, optional={
    "date_time": _DATES | _JSON, "city_name": _CITIES | _JSON,
    "status": st.sampled_from(["Terkirim", "Paket akan dikirim ke alamat penerima"]) | _JSON,
    "status_code": st.sampled_from([100, "101", 200, "x"]) | _JSON,
    "receiver": st.sampled_from(["A\\1", "(", "Siti"]) | _JSON,
})
_PARTY = st.fixed_dictionaries({}, optional={"city": _CITIES | _JSON,
                                             "zipcode": st.sampled_from(["97124", 90231]) | _JSON})
_BODY = st.fixed_dictionaries(
    {"awb": st.text(max_size=14) | _JSON, "history": st.lists(_ROW | _JSON, max_size=5) | _JSON},
    optional={"orderid": _JSON, "detail": st.fixed_dictionaries(
        {}, optional={"sender": _PARTY | _JSON, "receiver": _PARTY | _JSON}) | _JSON},
)


@given(st.one_of(_BODY, _JSON.map(lambda v: json.dumps(v).encode()), st.binary(max_size=64),
                 st.text(max_size=64)))
@settings(max_examples=400, deadline=None)
def test_no_input_makes_the_parser_raise_anything_but_payload_error(payload):
    try:
        result = parse_tracking(payload)
    except PayloadError as exc:
        assert str(exc).startswith("jnt: ") and "\n" not in str(exc)
        return
    for problem in result.problems:
        assert problem.message.startswith("jnt: ") and "\n" not in problem.message


@pytest.fixture
def sandbox():
    entries = build_catalog(3)
    credentials = PartnerCredentials(username="me", api_key=SecretStr("s3cret-key"))
    server = serve_in_thread(create_app(entries=entries, credentials=credentials))
    yield server, entries
    server.stop()


def _client(url: str, key: str = "s3cret-key", language: str | None = None) -> PartnerClient:
    return PartnerClient(API, PartnerCredentials(
        base_url=url, username="me", api_key=SecretStr(key), rate_per_second=200),
        options={"lang": language})


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
        assert item.source == "/jandt_track/track"
    assert cursor == {"since": str(len(entries))}
    unknown = client.track("JP0000000000")
    client.close()
    assert unknown.status_code == 200 and parse_tracking(unknown.content).not_found


def test_the_sandbox_answers_in_the_language_asked_for(sandbox):
    server, entries = sandbox
    entry = next(e for e in entries if e.scenario == "delivered")
    client = _client(server.url, language="en")
    english = client.track(entry.tracking_number).content
    client.close()
    assert english == entry.extra["bodies"]["en"] != entry.body
    assert parse_tracking(english).events[-1].raw_text == "Delivered"


@pytest.mark.parametrize("call", ["changes", "track"])
def test_client_with_a_wrong_key_fails_fatally_without_leaking_it(sandbox, call):
    server, entries = sandbox
    client = _client(server.url, key="wrong-secret-value")
    with pytest.raises(AuthenticationError) as info:
        client.changes(None) if call == "changes" else client.track(entries[0].tracking_number)
    client.close()
    assert "wrong-secret-value" not in str(info.value)
    assert "refused our credentials" in str(info.value)


def test_the_sandbox_refuses_a_request_without_basic_auth(sandbox):
    server, _ = sandbox
    response = httpx.post(f"{server.url}/jandt_track/track", json={"awb": "JP1234567890"})
    assert response.status_code == 401
