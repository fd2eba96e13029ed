"""The writers compiled from the schemas write byte for byte what fastavro writes, and
leave to fastavro (so to its errors) every value they do not take."""

from __future__ import annotations

import io
from datetime import datetime, timedelta, timezone
from typing import Any

import fastavro
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lintas.core.errors import SchemaError
from lintas.schemas.codec import SCHEMA_FILES, codec
from lintas.schemas.writer import Deferred, compile_writer

_ZONES = st.sampled_from([timezone.utc, timezone(timedelta(hours=7)),
                          timezone(timedelta(hours=-9, minutes=-30))])
# Hypothesis takes naive bounds and puts the zones in itself.
_AWARE = st.datetimes(min_value=datetime(1900, 1, 1),  # noqa: DTZ001
                      max_value=datetime(2200, 1, 1),  # noqa: DTZ001
                      timezones=_ZONES)
_ODD = st.one_of(st.booleans(), st.integers(), st.floats(allow_nan=False), st.text(),
                 st.none(), st.binary(max_size=4), st.datetimes(),
                 st.lists(st.integers(), max_size=2))


def _fitting(schema: Any, named: dict[str, Any]) -> st.SearchStrategy[Any]:
    """Values that fit ``schema`` (parsed by fastavro; ``named`` its named types)."""
    if isinstance(schema, list):
        return st.one_of(*(_fitting(branch, named) for branch in schema))
    if isinstance(schema, str):
        primitives = {
            "null": st.none(), "boolean": st.booleans(),
            "int": st.integers(-(1 << 31), (1 << 31) - 1),
            "long": st.one_of(st.integers(-(1 << 63), (1 << 63) - 1), st.integers(0, 5000)),
            "double": st.floats(allow_nan=False), "string": st.text(max_size=20),
            "bytes": st.binary(max_size=20),
        }
        return primitives[schema] if schema in primitives else _fitting(named[schema], named)
    kind = schema["type"]
    if schema.get("logicalType") == "timestamp-millis":
        return st.one_of(_AWARE, st.integers(-(10**13), 10**13))
    if kind == "enum":
        return st.sampled_from(schema["symbols"])
    if kind == "array":
        return st.lists(_fitting(schema["items"], named), max_size=3)
    if kind == "map":
        return st.dictionaries(st.text(max_size=5), _fitting(schema["values"], named),
                               max_size=3)
    if kind == "record":
        return st.fixed_dictionaries(
            {f["name"]: st.deferred(lambda t=f["type"]: _fitting(t, named))
             for f in schema["fields"]})
    return _fitting(kind, named)


def _spoilt(record: dict[str, Any], data: st.DataObject) -> dict[str, Any]:
    """``record`` with one field changed to anything, dropped, or one field too many."""
    out = dict(record)
    field = data.draw(st.sampled_from(sorted(out)))
    how = data.draw(st.sampled_from(["change", "drop", "add"]))
    if how == "change":
        out[field] = data.draw(_ODD)
    elif how == "drop":
        del out[field]
    else:
        out["extra"] = 1
    return out


def _fastavro(name: str, record: Any) -> bytes | str:
    """What the codec wrote before it compiled writers: bytes, ``error`` for a
    SchemaError, or the class of another exception."""
    avro = codec(name)
    buffer = io.BytesIO()
    buffer.write(avro._header)
    try:
        fastavro.schemaless_writer(buffer, avro.schema, record, strict_allow_default=True)
    except (ValueError, TypeError, KeyError, AttributeError):
        return "error"
    except Exception as exc:
        return type(exc).__name__
    return buffer.getvalue()


def _encoded(name: str, record: Any) -> bytes | str:
    """The same of the codec as it is."""
    try:
        return codec(name).encode(record)
    except SchemaError:
        return "error"
    except Exception as exc:
        return type(exc).__name__


@pytest.mark.parametrize("name", sorted(SCHEMA_FILES))
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_the_codec_writes_what_fastavro_writes(name, data):
    avro = codec(name)
    record = data.draw(_fitting(avro.schema, avro.schema["__named_schemas"]))
    compile_writer(avro.schema)(bytearray(), record)  # what fits is never deferred
    if data.draw(st.booleans()):
        record = _spoilt(record, data)
    assert _encoded(name, record) == _fastavro(name, record), record


@pytest.mark.parametrize("value", [
    datetime(2025, 3, 10, 4, 5, 6, 789999, tzinfo=timezone.utc),
    datetime(1969, 12, 31, 23, 59, 59, 999, tzinfo=timezone(timedelta(hours=7))),
    datetime(1, 1, 1, tzinfo=timezone.utc),
])
def test_instants_are_written_as_fastavro_writes_them(value):
    record = {"kind": "k", "partner": None, "value": None}
    base = codec("ShipmentEvent")
    event = {f["name"]: None for f in base.schema["fields"]}
    event.update(event_id="e", partner="p", tracking_number="t", tracking_number_flags=[],
                 status="unknown", aftership_tag="Exception", raw_status="", raw_text="",
                 occurred_at=value, local_time="", utc_offset="", zone_source="default",
                 references=[record], sequence=0)
    compile_writer(base.schema)(bytearray(), event)  # not deferred
    assert base.encode(event) == _fastavro("ShipmentEvent", event)


def test_what_the_writer_does_not_compile_is_left_to_fastavro():
    schema = fastavro.parse_schema({"type": "record", "name": "X", "fields": [
        {"name": "f", "type": "float"}, {"name": "u", "type": ["int", "string"]}]})
    write = compile_writer(schema)
    with pytest.raises(Deferred):
        write(bytearray(), {"f": 1.5, "u": 1})
