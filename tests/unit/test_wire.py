"""The two wire formats of the canonical topics: a record framed for Confluent carries the
registry's id and the same body; readers tell the formats apart by the first byte and read
both, resolving an older writer schema as they do for single-object records."""

from __future__ import annotations

import io
import json

import fastavro
import pytest

from lintas.core.errors import SchemaError
from lintas.schemas import wire
from lintas.schemas.codec import AvroCodec, load_schema, released_versions
from lintas.schemas.registry import CANONICAL_RECORDS
from lintas.schemas.wire import (
    ConfluentFraming,
    fingerprint_of,
    format_of,
    schema_id_of,
)
from tests.unit.test_schemas import SAMPLES

VIEW_ID, OLD_VIEW_ID = 7, 3


@pytest.fixture
def registry(monkeypatch: pytest.MonkeyPatch) -> dict[int, str]:
    """The schemas a registry would hold, by id; lookups go to it, not over HTTP."""
    held = {VIEW_ID: json.dumps(load_schema("ShipmentView")),
            OLD_VIEW_ID: json.dumps(released_versions("ShipmentView")[0][1])}

    def lookup(_url: str, schema_id: int):
        if schema_id not in held:
            raise SchemaError(f"schema id {schema_id} is not in the registry")
        return wire._parse(held[schema_id])

    monkeypatch.setattr(wire, "_registered", lookup)
    return held


def _framing() -> ConfluentFraming:
    fp = AvroCodec("ShipmentView").fingerprint
    return ConfluentFraming({"lintas.shipments.v1": {fp: VIEW_ID}})


def test_framing_swaps_the_header_and_keeps_the_body():
    single = AvroCodec("ShipmentView").encode(SAMPLES["ShipmentView"])
    framed = _framing().frame("lintas.shipments.v1", single)
    assert framed is not None
    assert framed[:5] == b"\x00\x00\x00\x00\x07" and framed[5:] == single[10:]
    assert (format_of(single), format_of(framed)) == ("single-object", "confluent")
    assert schema_id_of(framed) == VIEW_ID


def test_framing_leaves_other_topics_tombstones_and_framed_records_alone():
    framing = _framing()
    single = AvroCodec("ShipmentView").encode(SAMPLES["ShipmentView"])
    assert framing.frame("lintas-leg-messages", single) == single
    assert framing.frame("lintas.shipments.v1", None) is None
    framed = framing.frame("lintas.shipments.v1", single)
    assert framing.frame("lintas.shipments.v1", framed) == framed


def test_framing_refuses_a_schema_the_registry_was_not_given():
    framing = ConfluentFraming({"lintas.shipments.v1": {b"\x01" * 8: VIEW_ID}})
    single = AvroCodec("ShipmentView").encode(SAMPLES["ShipmentView"])
    with pytest.raises(SchemaError, match=r"not registered under lintas\.shipments\.v1-value"):
        framing.frame("lintas.shipments.v1", single)


def test_readers_take_both_formats(registry):
    codec = AvroCodec("ShipmentView")
    single = codec.encode(SAMPLES["ShipmentView"])
    framed = _framing().frame("lintas.shipments.v1", single)
    assert framed is not None
    assert codec.decode(framed) == codec.decode(single) == SAMPLES["ShipmentView"]


def test_an_older_writer_schema_from_the_registry_is_resolved(registry):
    old = fastavro.parse_schema(json.loads(registry[OLD_VIEW_ID]))
    record = {k: v for k, v in SAMPLES["ShipmentView"].items() if k in
              {f["name"] for f in old["fields"]}}
    body = io.BytesIO()
    fastavro.schemaless_writer(body, old, record)
    framed = b"\x00" + OLD_VIEW_ID.to_bytes(4, "big") + body.getvalue()
    decoded = AvroCodec("ShipmentView").decode(framed)
    assert {k: decoded[k] for k in record} == record


def test_an_unknown_schema_id_is_a_schema_error(registry):
    with pytest.raises(SchemaError, match="schema id 99 is not in the registry"):
        AvroCodec("ShipmentView").decode(b"\x00\x00\x00\x00\x63" + b"\x00" * 8)


def test_raw_records_are_never_confluent_and_ask_no_registry(registry):
    with pytest.raises(SchemaError, match="RawRecord: not Avro single-object"):
        AvroCodec("RawRecord").decode(b"\x00\x00\x00\x00\x07rest")


def test_fingerprints_match_the_codecs():
    for record in CANONICAL_RECORDS.values():
        codec = AvroCodec(record)
        assert fingerprint_of(fastavro.parse_schema(load_schema(record))) == codec.fingerprint


def test_every_canonical_topic_has_its_record():
    assert CANONICAL_RECORDS == {
        "lintas.shipment-events.v1": "ShipmentEvent",
        "lintas.network-nodes.v1": "NetworkNode",
        "lintas.shipments.v1": "ShipmentView",
        "lintas.service-points.v1": "ServicePoint",
    }
    assert set(CANONICAL_RECORDS.values()) == wire.CONFLUENT_RECORDS
