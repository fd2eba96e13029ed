"""The standard format's rules (docs/standard-format.md) one by one: three encodings of the
same rows, content sniffing, times placed by postal or region code, members and
handovers as references. What every partner must do (the recorded files against their
golden events, the catalog, fuzzing) is in tests/contract."""

from __future__ import annotations

import io
import json
from datetime import datetime, timezone
from pathlib import Path

import fastavro
import pytest

from lintas.connectors.model import record_to_json
from lintas.connectors.standard import PARTNER
from lintas.connectors.standard.decode import detect
from lintas.connectors.standard.record import FIELDS
from lintas.connectors.standard.scenarios import build_catalog
from lintas.connectors.standard.statuses import STANDARD_CODES, WORDS, lookup_status
from lintas.connectors.standard.write import SCHEMA_PATH, to_avro, to_csv, to_jsonl
from lintas.core.errors import PayloadError
from tests.support.partners import cases, recorded, wire

parse_tracking = PARTNER.parse

DOC = Path(__file__).resolve().parents[2] / "docs" / "standard-format.md"
START = datetime(2025, 6, 1, tzinfo=timezone.utc)


def _row(**changes):
    row = {"tracking_number": "KN0000000001", "courier": "asperindo-0042",
           "status_code": "IN_TRANSIT", "status_text": "Paket tiba di hub",
           "occurred_at": "2025-06-01T10:00:00+07:00", "location_name": "Hub Jakarta Cakung",
           "postal_code": "13910"}
    row.update(changes)
    return {k: v for k, v in row.items() if v is not None}


def _one(**changes):
    (event,) = parse_tracking(to_jsonl([_row(**changes)])).events
    return record_to_json(event.to_record())


@pytest.mark.parametrize("payload", [
    b"", b" \r\n\r\n", b"\xff\xfe\x00garbage", b"PK\x03\x04\x14\x00\x06\x00",
    b'[{"tracking_number": "KN1"}]', b'{\n  "tracking_number": "KN1"\n}\n',
    b'{"response": {"data": []}}\n', b"tracking_number,status_code,occurred_at\r\nKN1,X,y\r\n",
    b"Obj\x01\x00\x00garbage", to_avro([{"waybill": "X"}], schema={
        "type": "record", "name": "Other", "fields": [{"name": "waybill", "type": "string"}]}),
], ids=lambda p: repr(p[:16]))
def test_foreign_file_is_a_one_line_payload_error(payload):
    with pytest.raises(PayloadError) as info:
        parse_tracking(payload)
    assert str(info.value).startswith("standard: ")
    assert "\n" not in str(info.value)


def test_the_three_encodings_of_the_same_rows_give_the_same_events():
    (entry,) = build_catalog(4, start=START, scenarios=("jsonl_delivered",))
    rows = [json.loads(line) for line in entry.body.splitlines()]
    outputs = [[record_to_json(e.to_record()) for e in parse_tracking(body).events]
               for body in (to_jsonl(rows), to_csv(rows), to_avro(rows),
                            to_csv(rows, delimiter="\t", crlf=False, bom=True))]
    assert outputs[0] and all(out == outputs[0] for out in outputs[1:])


def test_bom_crlf_and_blank_lines_change_nothing():
    body = recorded(PARTNER, "blank_lines")
    assert body.startswith(b"\xef\xbb\xbf") and b"\r\n\r\n" in body
    clean = b"\n".join(line for line in body.decode("utf-8-sig").encode().splitlines()
                       if line.strip()) + b"\n"
    assert parse_tracking(body).events == parse_tracking(clean).events
    assert [e.sequence for e in parse_tracking(body).events] == list(range(6))


def test_excel_csv_with_semicolons_and_a_quoted_semicolon():
    result = parse_tracking(recorded(PARTNER, "csv_semicolon"))
    assert result.problems == []
    assert result.events[-1].location_name.endswith("; Loket 2")
    assert [e.status.value for e in result.events][-1] == "delivered"


def test_content_type_decides_between_text_encodings_but_not_over_avro():
    avro = to_avro([_row()])
    assert detect(avro, "text/csv") == "avro"
    assert detect(b"tracking_number\n", "application/x-ndjson") == "jsonl"
    assert detect(b'{"a": 1}', "application/json") == "jsonl"
    assert detect(b"tracking_number\n", "application/json") == "csv"
    result = parse_tracking(to_csv([_row()]), content_type="text/csv; charset=utf-8")
    assert len(result.events) == 1


def test_decoded_json_objects_are_rows_too():
    assert parse_tracking(_row()).events == parse_tracking([_row()]).events


def test_offset_is_kept_and_local_time_is_placed_by_postal_code_then_region_code():
    explicit = _one()
    assert (explicit["utc_offset"], explicit["zone_source"]) == ("+07:00", "explicit")
    assert explicit["occurred_at"] == "2025-06-01T03:00:00+00:00"
    wita = _one(occurred_at="2025-06-01 10:00", postal_code="90231")
    assert (wita["utc_offset"], wita["zone_source"], wita["region_code"]) == (
        "+08:00", "location", "73.71")
    wit = _one(occurred_at="2025-06-01T10:00:00", postal_code=None, region_code="9171")
    assert (wit["utc_offset"], wit["zone_source"], wit["region_code"]) == (
        "+09:00", "location", "91.71")
    assert wit["occurred_at"] == "2025-06-01T01:00:00+00:00"
    default = _one(occurred_at="2025-06-01 10:00:00", postal_code=None)
    assert (default["utc_offset"], default["zone_source"]) == ("+07:00", "default")


@pytest.mark.parametrize("text, instant", [
    ("2025-06-01T10:00:00Z", "2025-06-01T10:00:00+00:00"),
    ("2025-06-01 10:00:00+0800", "2025-06-01T02:00:00+00:00"),
    ("2025-06-01T10:00+09", "2025-06-01T01:00:00+00:00"),
    ("2025-06-01T10:00:00.250+07:00", "2025-06-01T03:00:00.250000+00:00"),
])
def test_iso_8601_spellings(text, instant):
    assert _one(occurred_at=text)["occurred_at"] == instant


def test_cross_zone_file_uses_each_rows_place():
    rows = [record_to_json(e.to_record())
            for e in parse_tracking(recorded(PARTNER, "cross_zone")).events]
    assert {r["zone_source"] for r in rows} == {"location"}
    assert rows[0]["utc_offset"] == "+07:00" and rows[-1]["utc_offset"] != "+07:00"
    assert rows[-1]["postal_code"] is None and rows[-1]["region_code"]


def test_avro_with_a_members_own_schema_and_timestamps():
    result = parse_tracking(recorded(PARTNER, "avro_own_schema"))
    assert result.problems == []
    assert {e.time.zone_source.value for e in result.events} == {"explicit"}
    assert result.events[-1].status.value == "delivered"


def test_corrupt_avro_block_keeps_the_rows_before_it():
    rows = [_row(occurred_at=f"2025-06-01T1{i}:00:00+07:00") for i in range(6)]
    buffer = io.BytesIO()
    fastavro.writer(buffer, fastavro.parse_schema(json.loads(SCHEMA_PATH.read_text())),
                    [{f: r.get(f) for f in FIELDS} for r in rows[:3]], sync_interval=1)
    first = buffer.getvalue()
    whole = to_avro(rows)
    assert len(parse_tracking(whole).events) == 6
    corrupt = first[:-10] + b"\x00" * 10  # the last block's sync marker
    result = parse_tracking(corrupt)
    assert 2 <= len(result.events) <= 3
    (problem,) = result.problems
    assert problem.row == len(result.events) and "Avro data unreadable" in problem.message


def test_bad_rows_name_their_row_and_line():
    result = parse_tracking(recorded(PARTNER, "bad_rows"))
    assert [(p.row, p.error_class) for p in result.problems] == [
        (2, "InvalidEvent"), (4, "InvalidEvent"), (8, "InvalidEvent")]
    assert "row 2 (line 3): occurred_at '31/06/2025 10:00'" in result.problems[0].message
    assert "occurred_at is missing" in result.problems[1].message
    assert "not JSON" in result.problems[2].message
    csv_result = parse_tracking(recorded(PARTNER, "csv_bad_rows"))
    assert [p.row for p in csv_result.problems] == [3, 7]
    assert "postal_code '4O111'" in csv_result.problems[0].message
    assert "cells but the header names" in csv_result.problems[1].message


def test_every_row_rule_names_the_row_and_its_line():
    for case in cases(PARTNER.id)["problems"]:
        (problem,) = parse_tracking(wire(case["body"])).problems
        assert problem.message.startswith("standard: row 0 (line 1): "), problem.message


def test_numbers_where_text_is_expected():
    rows = [record_to_json(e.to_record())
            for e in parse_tracking(recorded(PARTNER, "numbers_as_strings")).events]
    assert all(r["postal_code"].isdigit() and len(r["postal_code"]) == 5 for r in rows)
    assert rows[0]["references"][-1]["kind"] == "order_id"
    assert rows[0]["references"][-1]["value"].isdigit()
    assert _one(postal_code=40111.0)["postal_code"] == "40111"


def test_status_codes_words_and_fallback():
    for code, status in STANDARD_CODES.items():
        assert lookup_status(code, None) is status
        assert lookup_status(code.lower().replace("_", "-"), "whatever") is status
    for status, words in WORDS.items():
        for word in words:
            assert lookup_status("K42", word.title()) is status, word
    assert lookup_status("DELIVERED", "Gagal antar").value == "delivered"  # the code first
    assert lookup_status("K77", "Paket sudah sampai di gudang transit").value == "unknown"


def test_text_alone_is_enough_and_becomes_the_raw_status():
    record = _one(status_code=None, status_text="Terkirim")
    assert (record["status"], record["raw_status"]) == ("delivered", "TERKIRIM")


def test_personal_data_is_masked_everywhere():
    body = recorded(PARTNER, "personal_data")
    raw = [json.loads(line) for line in body.splitlines()]
    receiver = raw[-1]["receiver_name"]
    courier = raw[-2]["status_text"].split(": ")[1].split(" (")[0]
    phone = raw[-2]["status_text"].split("(")[1].rstrip(")")
    dumped = json.dumps([record_to_json(e.to_record()) for e in parse_tracking(body).events])
    for word in receiver.split() + courier.split():
        assert word not in dumped and word.upper() not in dumped
    assert phone not in dumped
    masked = _one(status_code=None, status_text="Diterima oleh Budi Santoso",
                  receiver_name="Budi Santoso")
    assert masked["raw_status"] == "DITERIMA OLEH B*** S******"


def test_member_handover_and_order_references():
    record = _one(handover_to="POS", handover_to_number=" p2506010001234 ",
                  handover_from="asperindo-0117", order_id="INV/1")
    assert record["references"] == [
        {"kind": "member", "partner": None, "value": "asperindo-0042"},
        {"kind": "handover_from", "partner": "asperindo-0117", "value": None},
        {"kind": "handover_to", "partner": "pos", "value": "P2506010001234"},
        {"kind": "order_id", "partner": None, "value": "INV/1"},
    ]


def test_schema_fields_and_documentation_stay_in_step():
    schema = json.loads(SCHEMA_PATH.read_text())
    assert tuple(f["name"] for f in schema["fields"]) == FIELDS
    fastavro.parse_schema(schema)
    doc = DOC.read_text(encoding="utf-8")
    for name in FIELDS:
        assert f"`{name}`" in doc, name
    for code in STANDARD_CODES:
        assert f"`{code}`" in doc, code
    for words in WORDS.values():
        for word in words:
            assert word.lower() in doc.lower(), word


def test_documented_examples_parse_cleanly():
    doc = DOC.read_text(encoding="utf-8")
    blocks = [block.split("\n", 1) for block in doc.split("```")[1::2]]
    examples = [body.encode() for lang, body in blocks if lang in ("csv", "json")][:3]
    results = [parse_tracking(body) for body in examples]
    assert [len(r.events) for r in results] == [3, 3, 2]
    assert all(r.problems == [] for r in results)
    jsonl, csv_file, own_codes = results
    assert [e.status.value for e in jsonl.events] == ["picked_up", "in_transit", "delivered"]
    assert [e.time.utc_offset for e in jsonl.events] == ["+07:00", "+08:00", "+08:00"]
    same_rows = [e.event_id for e in jsonl.events[:2]]
    assert same_rows == [e.event_id for e in csv_file.events[:2]]
    assert csv_file.events[2].location_name == "Agen Makassar, Panakkukang"
    assert [e.status.value for e in own_codes.events] == ["picked_up", "delivered"]


def test_one_file_may_hold_many_shipments_of_many_members():
    entries = build_catalog(2, start=START, scenarios=("jsonl_delivered", "failed_attempt",
                                                        "cancelled"))
    body = b"".join(entry.body for entry in entries)
    result = parse_tracking(body)
    assert result.problems == []
    assert {e.tracking_number for e in result.events} == {e.tracking_number for e in entries}
    assert {r.value for e in result.events for r in e.references if r.kind == "member"} == {
        "asperindo-0042", "asperindo-0117", "asperindo-0230"}
    assert [e.sequence for e in result.events] == list(range(len(result.events)))
