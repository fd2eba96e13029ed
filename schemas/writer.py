"""Avro binary writers compiled from a parsed schema, for the records lintas sends most.

fastavro decides, for every field of every record, what the schema says and which branch
of a union a value takes; that costs more than the encoding itself. A writer compiled
here decides it once per schema, and per value checks only that the value is exactly what
it expects: ``str`` for a string, ``int`` in range for an int or long, ``None`` or the
one other branch of a ``["null", X]`` union, an aware ``datetime`` (or ``int``) for a
``timestamp-millis``, a ``dict`` with exactly the record's fields. Anything else, and
any construct it does not compile (other unions, ``float``, ``fixed``, logical types
other than ``timestamp-millis``), raises :class:`Deferred`: the caller then encodes with
fastavro, which also words the errors. Where a compiled writer writes, it writes the
bytes fastavro writes (``tests/unit/test_codec_writer.py`` checks it on every schema).
"""

from __future__ import annotations

import struct
from collections.abc import Callable, Mapping
from datetime import datetime, timezone
from typing import Any

__all__ = ["Deferred", "Writer", "compile_writer"]

#: ``write(out, value)``: appends ``value``'s encoding to ``out``.
Writer = Callable[[bytearray, Any], None]

_EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)
_LONG = (-(1 << 63), 1 << 63)
_INT = (-(1 << 31), 1 << 31)
_DOUBLE = struct.Struct("<d")


class Deferred(Exception):
    """The value is not one the compiled writer takes; encode it with fastavro."""


def _varint(n: int) -> bytes:
    """Zig-zag variable-length encoding of a long."""
    n = (n << 1) ^ (n >> 63)
    out = bytearray()
    while n & ~0x7F:
        out.append((n & 0x7F) | 0x80)
        n >>= 7
    out.append(n)
    return bytes(out)


_SMALL = tuple(_varint(n) for n in range(4096))  # lengths, counts, small longs


def _long(n: int) -> bytes:
    return _SMALL[n] if 0 <= n < 4096 else _varint(n)


def _write_string(out: bytearray, value: Any) -> None:
    if type(value) is not str:
        raise Deferred
    data = value.encode()
    out += _long(len(data))
    out += data


def _write_bytes(out: bytearray, value: Any) -> None:
    if type(value) is not bytes:
        raise Deferred
    out += _long(len(value))
    out += value


def _write_boolean(out: bytearray, value: Any) -> None:
    if type(value) is not bool:
        raise Deferred
    out += b"\x01" if value else b"\x00"


def _write_null(_out: bytearray, value: Any) -> None:
    if value is not None:
        raise Deferred


def _write_double(out: bytearray, value: Any) -> None:
    if type(value) is not float:
        raise Deferred
    out += _DOUBLE.pack(value)


def _integer(bounds: tuple[int, int]) -> Writer:
    low, high = bounds

    def write(out: bytearray, value: Any) -> None:
        if type(value) is not int or not low <= value < high:
            raise Deferred
        out += _long(value)

    return write


def _write_timestamp_millis(out: bytearray, value: Any) -> None:
    if type(value) is datetime and value.tzinfo is not None:
        delta = value - _EPOCH
        value = (delta.days * 86400 + delta.seconds) * 1000 + delta.microseconds // 1000
    if type(value) is not int or not _LONG[0] <= value < _LONG[1]:
        raise Deferred
    out += _long(value)


def _defer(_out: bytearray, _value: Any) -> None:
    raise Deferred


_PRIMITIVES: dict[str, Writer] = {
    "null": _write_null,
    "boolean": _write_boolean,
    "int": _integer(_INT),
    "long": _integer(_LONG),
    "double": _write_double,
    "string": _write_string,
    "bytes": _write_bytes,
}


def _enum(symbols: list[str]) -> Writer:
    index = {symbol: _long(i) for i, symbol in enumerate(symbols)}

    def write(out: bytearray, value: Any) -> None:
        if type(value) is not str or value not in index:
            raise Deferred
        out += index[value]

    return write


def _array(items: Writer) -> Writer:
    def write(out: bytearray, value: Any) -> None:
        if type(value) is not list:
            raise Deferred
        if value:
            out += _long(len(value))
            for item in value:
                items(out, item)
        out += b"\x00"

    return write


def _map(values: Writer) -> Writer:
    def write(out: bytearray, value: Any) -> None:
        if type(value) is not dict:
            raise Deferred
        if value:
            out += _long(len(value))
            for key, item in value.items():
                _write_string(out, key)
                values(out, item)
        out += b"\x00"

    return write


def _nullable(null_index: int, other: Writer) -> Writer:
    if null_index == 0 and other is _write_string:
        return _write_optional_string
    null, other_index = _long(null_index), _long(1 - null_index)

    def write(out: bytearray, value: Any) -> None:
        if value is None:
            out += null
        else:
            out += other_index
            other(out, value)

    return write


def _write_optional_string(out: bytearray, value: Any) -> None:
    if value is None:
        out += b"\x00"
    else:
        out += b"\x02"
        _write_string(out, value)


def _record(fields: list[tuple[str, Writer]]) -> Writer:
    """The writer of a record whose ``fields`` the compiler fills in afterwards."""

    def write(out: bytearray, value: Any) -> None:
        if type(value) is not dict or len(value) != len(fields):
            raise Deferred  # fastavro fills defaults in, or refuses extra fields
        for name, field in fields:
            item = value[name]
            # Strings, optional or not, are most fields: written here, without a call.
            if field is _write_optional_string:
                if item is None:
                    out += b"\x00"
                    continue
                out += b"\x02"
                field = _write_string
            if field is _write_string and type(item) is str:
                data = item.encode()
                size = len(data)
                out += _SMALL[size] if size < 4096 else _varint(size)
                out += data
            else:
                field(out, item)

    return write


class _Compiler:
    """Turns a schema parsed by fastavro into a :data:`Writer`."""

    def __init__(self) -> None:
        self.named: dict[str, Writer] = {}

    def compile(self, schema: Any) -> Writer:
        if isinstance(schema, str):
            if schema in _PRIMITIVES:
                return _PRIMITIVES[schema]
            return self._reference(schema)
        if isinstance(schema, list):
            return self._union(schema)
        kind = schema.get("type")
        logical = schema.get("logicalType")
        if logical is not None:
            return _write_timestamp_millis if (kind, logical) == (
                "long", "timestamp-millis") else _defer
        if kind == "record":
            return self._record(schema)
        if kind == "enum":
            return self._define(schema, _enum(schema["symbols"]))
        if kind == "array":
            return _array(self.compile(schema["items"]))
        if kind == "map":
            return _map(self.compile(schema["values"]))
        if isinstance(kind, (str, list)):  # {"type": "string"}; fixed and float defer
            return self.compile(kind)
        return _defer

    def _union(self, branches: list[Any]) -> Writer:
        if len(branches) != 2 or "null" not in branches:
            return _defer
        null_index = branches.index("null")
        return _nullable(null_index, self.compile(branches[1 - null_index]))

    def _record(self, schema: Mapping[str, Any]) -> Writer:
        fields: list[tuple[str, Writer]] = []
        # Defined before its fields: a field may refer to the record itself.
        writer = self._define(schema, _record(fields))
        fields += [(f["name"], self.compile(f["type"])) for f in schema["fields"]]
        return writer

    def _define(self, schema: Mapping[str, Any], writer: Writer) -> Writer:
        self.named[schema["name"]] = writer
        return writer

    def _reference(self, name: str) -> Writer:
        writer = self.named.get(name)
        return writer if writer is not None else _defer


def compile_writer(schema: Any) -> Writer:
    """A writer for ``schema`` as :func:`fastavro.parse_schema` returns it (named types
    under their full names)."""
    return _Compiler().compile(schema)
