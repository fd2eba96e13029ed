"""Schemas: round trips through the codec, compatibility with released versions, and the
canonical status list kept in step with the Avro enum."""

from __future__ import annotations

import copy
from datetime import datetime, timezone

import pytest

from lintas.core.errors import SchemaError
from lintas.schemas.codec import (
    MARKER,
    SCHEMA_FILES,
    AvroCodec,
    codec,
    load_schema,
    released_versions,
)
from lintas.schemas.compatibility import check_all, incompatibilities
from lintas.schemas.statuses import AFTERSHIP_TAG, TERMINAL, Status

NOW = datetime(2025, 3, 10, 4, 5, 6, 789000, tzinfo=timezone.utc)

SAMPLES = {
    "RawRecord": {
        "record_id": "abc", "partner": "pos", "kind": "tracking", "connector": "pos-tracking",
        "source": "/v1/tracking", "request_key": "P2503100000001", "received_at": NOW,
        "content_type": "application/json", "payload": b'{"response": null}',
        "attributes": {"http_status": "200"},
    },
    "ShipmentEvent": {
        "event_id": "e1", "partner": "pos", "tracking_number": "P1", "tracking_number_flags": [],
        "status": "delivered", "aftership_tag": "Delivered", "raw_status": "SELESAI ANTAR",
        "raw_text": "Diterima Sialamat", "occurred_at": NOW, "local_time": "2025-03-10 11:05:06",
        "utc_offset": "+07:00", "zone_source": "location", "location_name": "KCU BANDUNG",
        "location_code": "40000", "postal_code": "40000", "region_code": "32.73", "detail": None,
        "receiver": "B*** S******",
        "references": [{"kind": "handover_from", "partner": "lion", "value": None}],
        "sequence": 3, "raw_record_id": None, "source_topic": "lintas.raw.pos",
        "source_partition": 1, "source_offset": 42,
    },
    "NetworkNode": {
        "node_id": "pos:40000", "partner": "pos", "source_id": "40000", "kind": "regional_office",
        "name": "KCU BANDUNG", "address": "Jl. Asia Afrika 49", "postal_code": "40111",
        "region_code": "32.73", "city": "Bandung", "latitude": -6.92, "longitude": 107.61,
        "utc_offset": "+07:00", "active": True, "updated_at": NOW,
    },
    "ShipmentView": {
        "shipment_id": "pos:P1", "status": "delivered", "aftership_tag": "Delivered",
        "delivered_at": NOW,
        "legs": [
            {"partner": "pos", "tracking_number": "P1", "link_method": "origin", "confidence": 1.0}
        ],
        "timeline": [{"event_id": "e1", "partner": "pos", "tracking_number": "P1",
                      "status": "delivered", "raw_status": "SELESAI ANTAR", "raw_text": "",
                      "occurred_at": NOW, "utc_offset": "+07:00", "location_name": None}],
        "origin_region": "32.73", "destination_region": None, "anomalies": [],
        "first_event_at": NOW, "last_event_at": NOW, "event_count": 1,
    },
    "ServicePoint": {
        "service_point_id": "sp:jne:BDO-17", "name": "KCU BANDUNG", "kind": "regional_office",
        "region_code": "32.73", "region_name": "Kota Bandung", "province_name": "Jawa Barat",
        "postal_code": "40111", "latitude": -6.9175, "longitude": 107.6191, "active": True,
        "sources": [{"node_id": "pos:40000", "partner": "pos", "source_id": "40000",
                     "name": "KCU BANDUNG", "kind": "regional_office", "score": 1.0}],
        "updated_at": NOW,
    },
    "DeadLetter": {
        "dead_letter_id": "lintas.raw.pos:0:7", "partner": "pos", "stage": "normalize",
        "error_class": "PayloadError", "error_message": "pos: payload is not JSON",
        "source_topic": "lintas.raw.pos", "source_partition": 0, "source_offset": 7, "row": None,
        "key": b"pos:P1", "payload": b"{", "failed_at": NOW,
    },
}


@pytest.mark.parametrize("name", sorted(SCHEMA_FILES))
def test_round_trip(name):
    data = codec(name).encode(SAMPLES[name])
    assert data[:2] == MARKER
    assert codec(name).decode(data) == SAMPLES[name]


def test_bytes_that_are_not_single_object_encoded_are_refused():
    with pytest.raises(SchemaError):
        codec("RawRecord").decode(b'{"response": null}')
    with pytest.raises(SchemaError, match="unknown writer schema"):
        codec("RawRecord").decode(MARKER + b"\x00" * 8 + b"\x02")


def test_record_that_does_not_fit_is_a_schema_error():
    bad = dict(SAMPLES["ShipmentEvent"], status="teleported")
    with pytest.raises(SchemaError):
        codec("ShipmentEvent").encode(bad)


@pytest.mark.parametrize("name", sorted(SCHEMA_FILES))
def test_every_schema_has_a_released_version(name):
    assert released_versions(name), f"schemas/released/{name}/ holds no version"


def test_current_schemas_are_fully_compatible_with_released_versions():
    assert check_all() == []


def test_an_incompatible_change_is_detected():
    current = load_schema("ShipmentEvent")
    changed = copy.deepcopy(current)
    changed["fields"].append({"name": "weight_grams", "type": "long"})  # no default
    assert ("backward", ) == tuple(d for d, _ in incompatibilities(changed, current))
    renamed = copy.deepcopy(current)
    renamed["fields"][0]["type"] = "long"
    assert incompatibilities(renamed, current)


def test_data_written_with_a_released_version_reads_with_the_current_one(tmp_path, monkeypatch):
    # A codec whose "released" version lacks a field the current one added with a default.
    import json

    import lintas.schemas.codec as module

    old = copy.deepcopy(load_schema("NetworkNode"))
    old["fields"] = [f for f in old["fields"] if f["name"] != "utc_offset"]
    folder = tmp_path / "NetworkNode"
    folder.mkdir()
    (folder / "1.avsc").write_text(json.dumps(old))
    monkeypatch.setattr(module, "RELEASED_DIR", tmp_path)
    old_writer = module.AvroCodec.__new__(module.AvroCodec)
    import fastavro

    old_writer.name = "NetworkNode"
    old_writer.schema = fastavro.parse_schema(old)
    old_writer._header = MARKER + module._fingerprint(old_writer.schema)
    sample = {k: v for k, v in SAMPLES["NetworkNode"].items() if k != "utc_offset"}
    data = old_writer.encode(sample)
    assert AvroCodec("NetworkNode").decode(data) == dict(sample, utc_offset=None)


def test_status_enum_matches_the_schema():
    schema = load_schema("ShipmentEvent")
    symbols = next(f["type"]["symbols"] for f in schema["fields"] if f["name"] == "status")
    assert symbols == [s.value for s in Status]
    assert set(AFTERSHIP_TAG) == set(Status)
    assert {s.value for s in TERMINAL} == {"delivered", "returned", "cancelled", "lost"}
