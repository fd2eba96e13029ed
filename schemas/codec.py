"""Avro encoding of every lintas record, from the ``.avsc`` files beside this module.

Records travel in Avro's *single-object encoding*: two marker bytes ``C3 01``, the
8-byte CRC-64-AVRO fingerprint of the writer schema, then the binary body. Readers
need no schema registry: the fingerprint names the writer schema among the current
and released versions kept in ``schemas/released/``, and the body is resolved to the
current schema. Any Avro library that speaks single-object encoding can read it.

fastavro decodes, and encodes whatever the writer compiled from the schema
(:mod:`lintas.schemas.writer`: the same bytes, in half the time) does not take; the
avro package is used by the compatibility checks (:mod:`lintas.schemas.compatibility`).
"""

from __future__ import annotations

import io
import json
from collections.abc import Mapping
from functools import cache, cached_property
from pathlib import Path
from typing import Any

import fastavro
from fastavro.schema import fingerprint, to_parsing_canonical_form

from lintas.core.errors import SchemaError
from lintas.schemas.wire import CONFLUENT_HEADER, CONFLUENT_MAGIC, writer_of
from lintas.schemas.writer import Deferred, Writer, compile_writer

__all__ = [
    "MARKER",
    "SCHEMA_FILES",
    "AvroCodec",
    "codec",
    "load_schema",
    "released_versions",
]

SCHEMA_DIR = Path(__file__).resolve().parent
RELEASED_DIR = SCHEMA_DIR / "released"
MARKER = b"\xc3\x01"
_HEADER_LEN = len(MARKER) + 8

#: Record name -> schema file. The files are the single source of truth.
SCHEMA_FILES: dict[str, str] = {
    "RawRecord": "raw_record.avsc",
    "ShipmentEvent": "shipment_event.avsc",
    "NetworkNode": "network_node.avsc",
    "ShipmentView": "shipment_view.avsc",
    "DeadLetter": "dead_letter.avsc",
    "ServicePoint": "service_point.avsc",
}


def load_schema(name: str) -> dict[str, Any]:
    """The current schema of record ``name`` as parsed JSON."""
    try:
        filename = SCHEMA_FILES[name]
    except KeyError:
        raise SchemaError(f"no schema named {name!r}; known: {sorted(SCHEMA_FILES)}") from None
    return json.loads((SCHEMA_DIR / filename).read_text(encoding="utf-8"))


def released_versions(name: str) -> list[tuple[int, dict[str, Any]]]:
    """Released versions of record ``name``, oldest first, as (version, schema)."""
    folder = RELEASED_DIR / name
    versions = []
    for path in folder.glob("*.avsc"):
        versions.append((int(path.stem), json.loads(path.read_text(encoding="utf-8"))))
    return sorted(versions, key=lambda item: item[0])


def _fingerprint(parsed: Any) -> bytes:
    return bytes.fromhex(fingerprint(to_parsing_canonical_form(parsed), "CRC-64-AVRO"))


class AvroCodec:
    """Encodes and decodes one record type in single-object encoding."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.schema = fastavro.parse_schema(load_schema(name))
        self.fingerprint = _fingerprint(self.schema)
        self._header = MARKER + self.fingerprint
        # Writer schemas this codec can read: the current one and every released one.
        self._writers: dict[bytes, Any] = {self.fingerprint: None}
        for _version, raw in released_versions(name):
            parsed = fastavro.parse_schema(raw)
            fp = _fingerprint(parsed)
            if fp != self.fingerprint:
                self._writers[fp] = parsed

    @cached_property
    def _write(self) -> Writer:
        return compile_writer(self.schema)

    def encode(self, record: Mapping[str, Any]) -> bytes:
        """The record as single-object encoded bytes; :class:`SchemaError` if it does not fit."""
        out = bytearray(self._header)
        try:
            self._write(out, record)
            return bytes(out)
        except (Deferred, ValueError, TypeError, KeyError, OverflowError):
            pass  # fastavro decides, and words the error
        buffer = io.BytesIO()
        buffer.write(self._header)
        try:
            fastavro.schemaless_writer(buffer, self.schema, record, strict_allow_default=True)
        except (ValueError, TypeError, KeyError, AttributeError) as exc:
            raise SchemaError(f"{self.name}: record does not match the schema: {exc}") from exc
        return buffer.getvalue()

    def decode(self, data: bytes) -> dict[str, Any]:
        """The record in ``data``, resolved to the current schema. Records in Confluent's
        wire format are read too (:mod:`lintas.schemas.wire`)."""
        if data[:1] == CONFLUENT_MAGIC:
            fp, writer = writer_of(self.name, data)
            self._writers.setdefault(fp, None if fp == self.fingerprint else writer)
            data = MARKER + fp + data[CONFLUENT_HEADER:]
        if len(data) < _HEADER_LEN or data[:2] != MARKER:
            raise SchemaError(f"{self.name}: neither Avro single-object encoded nor in "
                              "Confluent's wire format")
        fp = bytes(data[2:_HEADER_LEN])
        try:
            writer = self._writers[fp]
        except KeyError:
            raise SchemaError(
                f"{self.name}: unknown writer schema fingerprint {fp.hex()}"
            ) from None
        body = io.BytesIO(data[_HEADER_LEN:])
        try:
            if writer is None:
                return fastavro.schemaless_reader(body, self.schema)  # type: ignore[return-value]
            return fastavro.schemaless_reader(body, writer, self.schema)  # type: ignore[return-value]
        except (EOFError, ValueError, TypeError, IndexError, UnicodeDecodeError) as exc:
            raise SchemaError(f"{self.name}: corrupt record body: {exc}") from exc


@cache
def codec(name: str) -> AvroCodec:
    """The shared codec of record ``name``."""
    return AvroCodec(name)


#: Faust codec names, one per record type: ``value_serializer="lintas.ShipmentEvent"``.
FAUST_CODEC_PREFIX = "lintas."


def register_faust_codecs() -> None:
    """Register every record type as a Faust codec named ``lintas.<Record>``."""
    from faust.serializers import codecs

    class _FaustAvro(codecs.Codec):
        def __init__(self, record: str) -> None:
            super().__init__(record=record)
            self._codec = codec(record)

        def _dumps(self, obj: Any) -> bytes:
            return self._codec.encode(obj)

        def _loads(self, s: bytes) -> Any:
            return self._codec.decode(s)

    for name in SCHEMA_FILES:
        codecs.register(FAUST_CODEC_PREFIX + name, _FaustAvro(name))
