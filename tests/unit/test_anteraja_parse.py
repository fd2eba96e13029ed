"""AnterAja parser: recorded payloads against their full expected canonical output, the
quirks of PARTNERS.md one by one, and the client against the AnterAja sandbox."""

from __future__ import annotations

import json
from datetime import datetime, timezone

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import SecretStr

from lintas.connectors.anteraja import PARTNER
from lintas.connectors.anteraja.client import API
from lintas.connectors.anteraja.sandbox import create_app
from lintas.connectors.anteraja.scenarios import SCENARIOS, build_catalog
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

ANTERAJA = FIXTURES / "anteraja"
FOREIGN = ("malformed_json", "foreign_body")
PAYLOADS = sorted(ANTERAJA.glob("*.json"))
VALID = [p for p in PAYLOADS if p.stem not in FOREIGN]


def _rows(path):
    result = parse_tracking(path.read_bytes())
    return [record_to_json(e.to_record()) for e in result.events], result


def _history(path):
    return json.loads(path.read_text())["content"]["history"]


def test_every_scenario_is_recorded():
    assert {p.stem for p in PAYLOADS} == set(SCENARIOS) - {"flaky"}


@pytest.mark.parametrize("path", VALID, ids=lambda p: p.stem)
def test_recorded_payload_gives_expected_events(path):
    rows, _ = _rows(path)
    assert_golden(path.with_suffix(".expected.jsonl"), rows)


@pytest.mark.parametrize("path", [ANTERAJA / f"{s}.json" for s in FOREIGN], ids=lambda p: p.stem)
def test_foreign_payload_is_a_payload_error(path):
    with pytest.raises(PayloadError) as info:
        parse_tracking(path.read_bytes())
    assert str(info.value).startswith("anteraja: ")
    assert "\n" not in str(info.value)


@pytest.mark.parametrize("body", [
    b'{"status": 200, "info": "OK", "content": {"waybill_no": "10001234567890",'
    b' "history": null, "order": null}}',
    b'{"status": 200, "info": "OK", "content": {"waybill_no": "10001234567890",'
    b' "history": [], "order": null}}',
    b'{"status": 200, "info": "OK", "content": null}',
])
def test_not_found_is_success_without_events(body):
    result = parse_tracking(body)
    assert result.not_found
    assert result.events == [] and result.problems == []


def test_an_error_status_inside_the_body_is_a_payload_error():
    with pytest.raises(PayloadError, match=r"^anteraja: the API answered status 401: Unauthorized"):
        parse_tracking(b'{"status": 401, "info": "Unauthorized", "content": null}')


def test_timestamps_are_utc_with_millis_and_keep_their_offset():
    rows, _ = _rows(ANTERAJA / "delivered.json")
    history = _history(ANTERAJA / "delivered.json")
    assert [r["local_time"] for r in rows] == [h["timestamp"] for h in history]
    for r in rows:
        assert (r["utc_offset"], r["zone_source"]) == ("+00:00", "explicit")
        moment = datetime.strptime(r["local_time"], "%Y-%m-%dT%H:%M:%S.%f%z")
        assert datetime.fromisoformat(r["occurred_at"]) == moment


def test_hubs_in_wita_and_wit_still_keep_the_utc_offset_they_carry():
    rows, _ = _rows(ANTERAJA / "cross_zone.json")
    assert {r["utc_offset"] for r in rows} == {"+00:00"}
    delivered = [r for r in rows if r["status"] == "delivered"]
    assert delivered and delivered[0]["region_code"][:2] in {"51", "64", "73", "91"}


def test_history_is_newest_first_and_sequence_keeps_the_order_sent():
    rows, _ = _rows(ANTERAJA / "delivered.json")
    assert [r["sequence"] for r in rows] == list(range(len(rows)))
    assert rows[0]["status"] == "delivered" and rows[-1]["status"] == "info_received"
    oldest, _ = _rows(ANTERAJA / "oldest_first.json")
    assert oldest[0]["status"] == "info_received" and oldest[-1]["status"] == "delivered"


def test_duplicate_scan_with_other_case_and_spacing_has_one_event_id():
    result = parse_tracking((ANTERAJA / "duplicates.json").read_bytes())
    ids = [e.event_id for e in result.events]
    assert len(ids) == len(set(ids)) + 1


def test_timestamps_that_contradict_the_order_are_kept_as_sent():
    result = parse_tracking((ANTERAJA / "out_of_order.json").read_bytes())
    instants = [e.occurred_at for e in result.events]
    assert instants != sorted(instants, reverse=True)
    assert not result.problems


def test_tracking_code_as_text_and_numbers_where_text_is_expected():
    plain, _ = _rows(ANTERAJA / "delivered.json")
    rows, _ = _rows(ANTERAJA / "numbers_as_strings.json")
    body = json.loads((ANTERAJA / "numbers_as_strings.json").read_text())
    assert isinstance(body["content"]["waybill_no"], int)
    assert all(isinstance(h["tracking_code"], str) for h in body["content"]["history"])
    assert [r["raw_status"] for r in rows] == [r["raw_status"] for r in plain]
    assert all(r["tracking_number"] == str(body["content"]["waybill_no"]) for r in rows)
    assert all(r["tracking_number_flags"] == [] for r in rows)
    assert rows[0]["postal_code"] == str(body["content"]["order"]["receiver"]["postcode"])


def test_message_as_plain_text_reads_like_the_object():
    rows, _ = _rows(ANTERAJA / "message_as_text.json")
    assert rows[0]["status"] == "delivered" and all(r["raw_text"] for r in rows)
    assert all(r["detail"] is None for r in rows)


def test_failed_attempt_and_return_are_told_by_the_message():
    failed, _ = _rows(ANTERAJA / "failed_then_delivered.json")
    assert [r["raw_status"] for r in failed if r["status"] == "delivery_failed"] == ["230"]
    returned, _ = _rows(ANTERAJA / "returned.json")
    statuses = [r["status"] for r in returned]
    assert statuses[0] == "returned" and returned[0]["raw_status"] == "250"
    assert "return_to_sender" in statuses and "delivery_failed" in statuses
    cancelled, _ = _rows(ANTERAJA / "cancelled.json")
    assert cancelled[0]["status"] == "cancelled" and cancelled[0]["raw_status"] == "430"


def test_personal_data_is_masked_everywhere():
    path = ANTERAJA / "personal_data.json"
    body = json.loads(path.read_text())
    receiver = body["content"]["order"]["receiver"]["name"]
    history = body["content"]["history"]
    courier_text = history[1]["message"]["id"]
    rows, _ = _rows(path)
    dumped = json.dumps(rows)
    for word in receiver.split() + courier_text.split()[1:3]:
        assert word not in dumped and word.upper() not in dumped
    digits = "".join(ch for ch in courier_text if ch.isdigit())
    assert digits not in dumped.replace("-", "")
    assert rows[0]["receiver"] == " ".join(w[0] + "*" * (len(w) - 1) for w in receiver.split())


def test_postcode_locates_only_the_events_at_the_receiver():
    rows, _ = _rows(ANTERAJA / "delivered.json")
    located = {r["status"] for r in rows if r["postal_code"]}
    assert located == {"out_for_delivery", "delivered"}
    assert all(r["region_code"] for r in rows if r["postal_code"])


def test_bad_rows_become_problems_and_the_rest_still_counts():
    result = parse_tracking((ANTERAJA / "bad_rows.json").read_bytes())
    assert [p.row for p in result.problems] == [1, 4]
    assert {p.error_class for p in result.problems} == {"InvalidEvent"}
    assert "0000-00-00" in result.problems[0].message
    assert "tracking_code" in result.problems[1].message
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
        last = max(result.events, key=lambda e: (e.occurred_at, e.event_id))
        assert last.status.value == entry.final_status, entry.scenario
        view = reconcile(entry.shipment_id, [e.to_record() for e in result.events])
        assert view["status"] == entry.final_status, entry.scenario


def test_unknown_tracking_code_maps_to_unknown_and_keeps_its_raw_code():
    body = {"status": 200, "info": "OK", "content": {
        "waybill_no": "10001234567890", "order": None,
        "history": [{"tracking_code": 999, "hub_name": "HUB X", "message": {"id": "Baru"},
                     "timestamp": "2025-01-01T10:00:00.000+0000"}]}}
    (event,) = parse_tracking(body).events
    assert event.status.value == "unknown"


_VALUES = st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=30)
_ROWS = st.fixed_dictionaries({}, optional={
    "tracking_code": _VALUES | st.sampled_from(["250", "240", 430]),
    "hub_name": _VALUES,
    "message": _VALUES | st.dictionaries(st.sampled_from(["id", "en", "zh"]), _VALUES),
    "timestamp": _VALUES | st.sampled_from(["2021-04-06T10:45:03.949+0000",
                                            "0001-01-01T00:00:00.000+0900",
                                            "9999-12-31T23:59:59.999-0900"]),
}) | _VALUES
_JSON = st.recursive(_VALUES, lambda children: st.lists(children, max_size=4)
                     | st.dictionaries(st.text(max_size=8), children, max_size=4), max_leaves=12)


@settings(max_examples=300, deadline=None)
@given(payload=st.one_of(
    st.binary(max_size=200),
    _JSON.map(json.dumps),
    st.fixed_dictionaries({
        "status": st.sampled_from([200, "200", 401, None]),
        "content": st.none() | _VALUES | st.fixed_dictionaries({}, optional={
            "waybill_no": _VALUES,
            "history": st.none() | _VALUES | st.lists(_ROWS, max_size=5),
            "order": st.none() | _JSON | st.fixed_dictionaries({"receiver": _JSON}),
        }),
    }, optional={"info": _VALUES}),
))
def test_no_input_makes_the_parser_raise_anything_but_payload_error(payload):
    try:
        result = parse_tracking(payload)
    except PayloadError as exc:
        assert str(exc).startswith("anteraja: ") and "\n" not in str(exc)
        return
    for event in result.events:
        assert event.occurred_at.tzinfo is not None


@pytest.fixture
def sandbox():
    entries = build_catalog(3)
    credentials = PartnerCredentials(client_id="me", api_key=SecretStr("s3cret"))
    server = serve_in_thread(create_app(entries=entries, credentials=credentials))
    yield server, entries
    server.stop()


def _client(url: str, secret: str = "s3cret") -> PartnerClient:
    return PartnerClient(API, PartnerCredentials(
        base_url=url, client_id="me", api_key=SecretStr(secret), rate_per_second=200))


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
    by_number = {e.tracking_number: e for e in entries}
    unknown = parse_tracking(client.track("10009999999999").content)
    client.close()
    assert [f.request_key for f in fetched] == [e.tracking_number for e in entries]
    for item in fetched:
        assert item.error is None
        assert item.source == "/order/tracking"
        assert item.payload == by_number[item.request_key].body  # byte for byte, flaky included
    assert cursor == {"since": str(len(entries))}
    assert unknown.not_found


def test_client_with_a_wrong_secret_fails_fatally_without_leaking_it(sandbox):
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
    with pytest.raises(FatalError, match="LINTAS_ANTERAJA__API_KEY"):
        PartnerClient(API, PartnerCredentials(base_url="http://x", client_id="me"))
    with pytest.raises(FatalError, match="LINTAS_ANTERAJA__BASE_URL") as info:
        PartnerClient(API, PartnerCredentials(client_id="me", api_key=SecretStr("s3cret")))
    assert "s3cret" not in str(info.value)
