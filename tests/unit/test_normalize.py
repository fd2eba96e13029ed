"""The normalize step as a pure function: no input makes it raise."""

from __future__ import annotations

import json

from hypothesis import given, settings
from hypothesis import strategies as st

from lintas.connectors.runtime.producer import raw_record
from lintas.core.deadletters import Failure, decode, headers_for
from lintas.schemas.codec import codec
from lintas.streams.normalize import normalize_record
from tests.conftest import FIXTURES


def raw(payload: bytes, partner: str = "pos") -> bytes:
    return codec("RawRecord").encode(
        raw_record(partner=partner, kind="tracking", connector="test", source="/v1/tracking",
                   payload=payload, request_key="P2503100000001")
    )


def test_valid_payload_gives_events_with_their_origin():
    out = normalize_record(raw((FIXTURES / "pos" / "delivered.json").read_bytes()),
                           topic="lintas.raw.pos", partition=2, offset=17)
    assert out.failures == [] and len(out.events) == 7
    first = out.events[0]
    origin = (first["source_topic"], first["source_partition"], first["source_offset"])
    assert origin == ("lintas.raw.pos", 2, 17)
    assert first["raw_record_id"]
    for record in out.events:
        assert codec("ShipmentEvent").decode(codec("ShipmentEvent").encode(record)) == record


def test_bad_rows_become_failures_beside_the_events():
    out = normalize_record(raw((FIXTURES / "pos" / "bad_rows.json").read_bytes()))
    assert [f.row for f in out.failures] == [1, 3]
    assert all(f.partner == "pos" and f.stage == "normalize" for f in out.failures)
    assert out.events


def test_an_event_with_an_overlong_text_is_a_failure_and_its_neighbours_go_on():
    document = json.loads((FIXTURES / "pos" / "delivered.json").read_bytes())
    document["response"]["data"][2]["eventName"] = "PAKET " * 1000
    out = normalize_record(raw(json.dumps(document).encode()))
    (failure,) = out.failures
    assert failure.partner == "pos" and failure.error_class == "PayloadError"
    assert failure.row == 2 and "5,999 characters, more than the 4,096" in failure.message
    assert len(out.events) == 6 and all(len(e["raw_text"]) < 4096 for e in out.events)


def test_not_found_gives_nothing_and_no_failure():
    out = normalize_record(raw(b'{"response": null}'))
    assert out.not_found and out.events == [] and out.failures == []


def test_undecodable_bytes_unknown_partner_and_foreign_payload_are_failures():
    assert normalize_record(b"not avro").failures[0].error_class == "SchemaError"
    assert (
        normalize_record(raw(b"{}", partner="nobody")).failures[0].error_class == "UnknownPartner"
    )
    failure = normalize_record(raw(b'{"status": false}')).failures[0]
    assert failure.error_class == "PayloadError" and "'response' or 'rs_tnt'" in failure.message


@settings(max_examples=300, deadline=None)
@given(payload=st.one_of(
    st.binary(max_size=300),
    st.recursive(
        st.none() | st.booleans() | st.integers() | st.text(max_size=20),
        lambda children: st.lists(children, max_size=4)
        | st.dictionaries(st.sampled_from(["response", "data", "rs_tnt", "r_tnt", "barcode",
                                           "eventDate", "eventName", "officeCode", "status",
                                           "description", "x"]), children, max_size=5),
        max_leaves=20,
    ).map(lambda v: __import__("json").dumps(v).encode()),
))
def test_no_payload_makes_normalize_raise(payload):
    out = normalize_record(raw(payload))
    assert out.events or out.failures or out.not_found or out.events == []
    for record in out.events:
        codec("ShipmentEvent").encode(record)  # every event fits the schema


def test_dead_letter_headers_round_trip():
    headers = headers_for(Failure("normalize", "PayloadError", "pos: bad", "pos", 3),
                          topic="lintas.raw.pos", partition=1, offset=99)
    assert all(name.startswith("lintas.error.") for name, _ in headers)
    letter = decode(headers, b"pos:P1", b"{")
    assert letter["dead_letter_id"] == "lintas.raw.pos:1:99:3"
    assert (letter["partner"], letter["stage"], letter["error_class"], letter["row"]) == (
        "pos", "normalize", "PayloadError", 3
    )
    assert letter["payload"] == b"{" and letter["key"] == b"pos:P1"
    codec("DeadLetter").encode(letter)
