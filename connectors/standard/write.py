"""Writing standard-format files: JSON lines, CSV and Avro, as members are asked to.

The scenarios build their files with these; a member's developer may read them as the
reference of what lintas accepts. Rows are mappings from field name to value; ``None``
means absent.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Mapping, Sequence
from functools import cache
from pathlib import Path
from typing import Any, cast

import fastavro

from lintas.connectors.standard.record import FIELDS

__all__ = ["SCHEMA_PATH", "standard_schema", "to_avro", "to_csv", "to_jsonl"]

#: The Avro schema of one standard event (the wire contract for Avro files).
SCHEMA_PATH = Path(__file__).with_name("standard_event.avsc")

Row = Mapping[str, Any]


@cache
def _schema_text() -> str:
    return SCHEMA_PATH.read_text(encoding="utf-8")


def _stable(value: Any) -> Any:
    """``value`` with every mapping's keys sorted, so that the schema in a file's header is
    the same text in every process (fastavro's key order depends on hash seeds)."""
    if isinstance(value, dict):
        return {key: _stable(value[key]) for key in sorted(value)}
    if isinstance(value, list):
        return [_stable(item) for item in value]
    return value


def _parse(schema: Mapping[str, Any]) -> dict[str, Any]:
    return cast("dict[str, Any]", _stable(fastavro.parse_schema(dict(schema))))


def standard_schema() -> dict[str, Any]:
    """The parsed Avro schema of :data:`SCHEMA_PATH` (a fresh copy each call)."""
    return _parse(json.loads(_schema_text()))


def _used(rows: Sequence[Row]) -> list[str]:
    return [f for f in FIELDS if any(row.get(f) is not None for row in rows)]


def to_jsonl(rows: Iterable[Row], *, crlf: bool = False, bom: bool = False) -> bytes:
    """One JSON object per line, absent fields left out."""
    end = "\r\n" if crlf else "\n"
    lines = [json.dumps({k: v for k, v in row.items() if v is not None}, ensure_ascii=False)
             for row in rows]
    return ("\ufeff" if bom else "").encode() + "".join(line + end for line in lines).encode()


def to_csv(
    rows: Iterable[Row], *, delimiter: str = ",", crlf: bool = True, bom: bool = False,
    columns: Sequence[str] | None = None,
) -> bytes:
    """A header row, then one row per event; absent fields are empty cells."""
    rows = list(rows)
    columns = list(columns) if columns is not None else _used(rows)
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n" if crlf else "\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow(["" if row.get(c) is None else row.get(c) for c in columns])
    return ("\ufeff" if bom else "").encode() + buffer.getvalue().encode()


def to_avro(
    rows: Iterable[Row], *, schema: Mapping[str, Any] | None = None, codec: str = "deflate",
    sync_marker: bytes | None = None,
) -> bytes:
    """An Avro object container file of ``rows`` under ``schema`` (the standard one by
    default); a fixed ``sync_marker`` makes the bytes reproducible."""
    parsed = _parse(schema) if schema is not None else standard_schema()
    names = [f["name"] for f in parsed["fields"]]
    records = [{n: row.get(n) for n in names} for row in rows]
    buffer = io.BytesIO()
    marker: dict[str, Any] = {"sync_marker": sync_marker} if sync_marker else {}
    fastavro.writer(buffer, parsed, records, codec=codec, **marker)
    return buffer.getvalue()
