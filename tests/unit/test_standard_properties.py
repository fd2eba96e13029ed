"""Standard-format parser properties: no input makes it raise anything but PayloadError,
and every event it makes fits the ShipmentEvent schema."""

from __future__ import annotations

import json
from datetime import datetime, timezone

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lintas.connectors.standard import parse_tracking
from lintas.connectors.standard.record import FIELDS
from lintas.connectors.standard.scenarios import build_catalog
from lintas.connectors.standard.write import to_avro, to_csv, to_jsonl
from lintas.core.errors import PayloadError
from lintas.schemas.codec import codec

_TEXT = st.text(max_size=20)
_TIMES = st.one_of(
    _TEXT,
    st.datetimes().map(lambda d: d.isoformat()),
    st.datetimes(timezones=st.timezones()).map(lambda d: d.isoformat(sep=" ")),
)
_LOOSE = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(), _TEXT,
                   st.lists(st.integers(), max_size=2))
_CODES = st.sampled_from(["DELIVERED", "in-transit", "K01", "Terkirim", "", "unknown"])


def _rows(values: st.SearchStrategy) -> st.SearchStrategy:
    row = st.fixed_dictionaries(
        {"tracking_number": values, "courier": st.one_of(values, st.just("asperindo-0042"))},
        optional={"status_code": st.one_of(_CODES, values), "status_text": values,
                  "occurred_at": st.one_of(_TIMES, values), "postal_code": values,
                  "region_code": st.one_of(st.sampled_from(["32.73", "9171", "3"]), values),
                  "receiver_name": values, "handover_to": values,
                  "handover_to_number": values, "order_id": values},
    )
    return st.lists(row, max_size=4)


_AVRO_VALUES = st.one_of(st.none(), _TEXT)


def _avro(rows: list[dict]) -> bytes:
    """An Avro file of ``rows`` under the standard schema (required strings filled in)."""
    return to_avro([dict(r, tracking_number=r.get("tracking_number") or "X",
                         courier=r.get("courier") or "x", occurred_at=r.get("occurred_at") or "x")
                    for r in rows])


_SAMPLE = build_catalog(3, start=datetime(2025, 6, 1, tzinfo=timezone.utc))
_VALID = [e.body for e in _SAMPLE if e.outcome == "shipment"]


@st.composite
def _mutated(draw: st.DrawFn) -> bytes:
    body = bytearray(draw(st.sampled_from(_VALID)))
    for _ in range(draw(st.integers(1, 6))):
        position = draw(st.integers(0, len(body) - 1))
        body[position] = draw(st.integers(0, 255))
    cut = draw(st.integers(0, len(body)))
    return bytes(body[:cut] if draw(st.booleans()) else body)


_PAYLOADS = st.one_of(
    st.binary(max_size=300),
    st.text(max_size=300),
    st.lists(st.sampled_from(["tracking_number,courier,status_code,occurred_at", ",".join(FIELDS),
                              '{"tracking_number": 1}', "", "  ", "a;b;c", '"unclosed',
                              "KN1,asperindo-1,DELIVERED,2025-06-01 10:00", "\ufeff", "{"]),
             max_size=6).map(lambda lines: "\r\n".join(lines)),
    _rows(_LOOSE).map(lambda rows: to_jsonl(rows)),
    _rows(_LOOSE).map(lambda rows: json.dumps(rows, default=str)),
    _rows(_LOOSE).map(lambda rows: to_csv(rows, columns=FIELDS)),
    _rows(_AVRO_VALUES).map(_avro),
    _mutated(),
)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_PAYLOADS, st.sampled_from([None, "text/csv", "application/x-ndjson", "avro/binary"]))
def test_no_input_raises_anything_but_payload_error(payload, content_type):
    try:
        result = parse_tracking(payload, content_type=content_type)
    except PayloadError as exc:
        assert str(exc).startswith("standard: ") and "\n" not in str(exc)
        return
    for event in result.events:
        codec("ShipmentEvent").encode(event.to_record())
    for problem in result.problems:
        assert problem.message.startswith("standard: row ") and "\n" not in problem.message
