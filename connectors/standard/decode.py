"""Reading a standard-format file into rows: JSON lines, CSV with a header, or Avro.

The encoding is decided from the bytes: an Avro object container starts with ``Obj\\x01``;
text whose first non-blank character is ``{`` is JSON lines; other text is CSV whose
header names the columns. A ``content_type`` naming JSON lines or CSV decides between
those two (generic types such as ``application/json`` or ``text/plain`` do not).

Text is UTF-8, with or without a byte-order mark, with ``\\n`` or ``\\r\\n`` line ends;
blank lines are skipped and do not count as rows. Each remaining line (JSON lines), data
row (CSV) or record (Avro) is a :class:`Row` with its 0-based index; one that cannot be
read carries an ``error`` instead of values. A file that is not in the format at all
raises :class:`PayloadError`.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, Literal

import fastavro

from lintas.connectors.common import json_value
from lintas.core.errors import PayloadError

__all__ = ["AVRO_MAGIC", "Encoding", "Row", "detect", "field_name", "read_rows"]

PARTNER = "standard"
AVRO_MAGIC = b"Obj\x01"
Encoding = Literal["jsonl", "csv", "avro"]

_JSONL_TYPES = {"application/x-ndjson", "application/ndjson", "application/jsonl",
                "application/x-jsonlines", "application/jsonlines", "text/jsonl"}
_CSV_TYPES = {"text/csv", "application/csv", "text/comma-separated-values"}
_DELIMITERS = (",", ";", "\t")
_KEY = "tracking_number"


@dataclass(frozen=True, slots=True)
class Row:
    """One row of a file: its values, or why they could not be read."""

    index: int
    line: int | None
    values: dict[str, Any] | None = None
    error: str | None = None

    @property
    def where(self) -> str:
        """``row 3 (line 5)`` — how messages name the row."""
        return f"row {self.index}" + (f" (line {self.line})" if self.line else "")


def field_name(name: object) -> str:
    """A column or key as the format names it: trimmed, lower case, ``_`` for spaces."""
    return "_".join(str(name).strip().lower().replace("-", " ").split())


def detect(data: bytes, content_type: str | None = None) -> Encoding:
    """Which encoding ``data`` is in (see the module docstring)."""
    if data.startswith(AVRO_MAGIC):
        return "avro"
    media = (content_type or "").split(";")[0].strip().lower()
    if media in _JSONL_TYPES:
        return "jsonl"
    if media in _CSV_TYPES:
        return "csv"
    head = data.lstrip(b"\xef\xbb\xbf \t\r\n")
    return "jsonl" if head.startswith(b"{") else "csv"


def _text(data: bytes) -> str:
    try:
        out = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise PayloadError(
            f"{PARTNER}: not a standard-format file: not UTF-8 text and not Avro "
            f"({exc.reason} at byte {exc.start})"
        ) from exc
    if not out.strip():
        raise PayloadError(f"{PARTNER}: payload is empty")
    return out


def _jsonl(data: bytes) -> list[Row]:
    rows: list[Row] = []
    for number, line in enumerate(_text(data).split("\n"), start=1):
        if not line.strip():
            continue
        index = len(rows)
        try:
            value = json_value(line)
        except ValueError as exc:
            reason = str(exc).replace(" at line 1 column", " at column")
            rows.append(Row(index, number, error=reason))
            continue
        if not isinstance(value, dict):
            rows.append(Row(index, number, error=f"a JSON {type(value).__name__}, not an object"))
            continue
        rows.append(Row(index, number, {field_name(k): v for k, v in value.items()}))
    if not any(r.values is not None and _KEY in r.values for r in rows):
        raise PayloadError(
            f"{PARTNER}: not a standard-format file: no JSON line is an object with "
            f"'{_KEY}'"
        )
    return rows


def _delimiter(header_line: str) -> str:
    counts = {d: header_line.count(d) for d in _DELIMITERS}
    best = max(_DELIMITERS, key=lambda d: counts[d])
    return best if counts[best] else ","


def _csv(data: bytes) -> list[Row]:
    text = _text(data)
    first = next(line for line in text.splitlines() if line.strip())
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(first))
    header: list[str] | None = None
    rows: list[Row] = []
    try:
        for cells in reader:
            if not any(cell.strip() for cell in cells):
                continue
            if header is None:
                header = [field_name(cell) for cell in cells]
                _check_header(header)
                continue
            index, line = len(rows), reader.line_num
            extra = cells[len(header):]
            if any(cell.strip() for cell in extra):
                rows.append(Row(index, line, error=(
                    f"{len(cells)} cells but the header names {len(header)} columns")))
                continue
            values = {name: cell for name, cell in zip(header, cells, strict=False) if name}
            rows.append(Row(index, line, values))
    except csv.Error as exc:
        rows.append(Row(len(rows), reader.line_num, error=f"CSV unreadable from here: {exc}"))
    return rows


def _check_header(header: list[str]) -> None:
    names = set(header)
    if _KEY not in names:
        shown = ", ".join(h for h in header[:6] if h) or "none"
        raise PayloadError(
            f"{PARTNER}: not a standard-format file: the first line is neither a JSON object "
            f"nor a CSV header naming '{_KEY}' (columns: {shown})"
        )
    missing = [n for n in ("courier", "occurred_at") if n not in names]
    if "status_code" not in names and "status_text" not in names:
        missing.append("status_code or status_text")
    if missing:
        raise PayloadError(f"{PARTNER}: the CSV header lacks columns: {', '.join(missing)}")


def _avro_records(data: bytes) -> tuple[Any, Iterator[Any]]:
    try:
        reader = fastavro.reader(io.BytesIO(data))
    except Exception as exc:  # fastavro raises many types on a corrupt header
        raise PayloadError(f"{PARTNER}: unreadable Avro container header: {exc}") from exc
    return reader.writer_schema, iter(reader)


def _avro(data: bytes) -> list[Row]:
    schema, records = _avro_records(data)
    fields = schema.get("fields") if isinstance(schema, dict) else None
    names = {field_name(f.get("name")) for f in fields or () if isinstance(f, dict)}
    if _KEY not in names:
        raise PayloadError(
            f"{PARTNER}: not a standard-format file: the Avro writer schema is not a record "
            f"with a '{_KEY}' field"
        )
    rows: list[Row] = []
    while True:
        index = len(rows)
        try:
            record = next(records)
        except StopIteration:
            break
        except Exception as exc:  # corrupt blocks surface as many exception types
            rows.append(Row(index, None, error=f"Avro data unreadable from here: {exc}"))
            break
        if not isinstance(record, dict):
            rows.append(Row(index, None, error=f"an Avro {type(record).__name__}, not a record"))
            continue
        rows.append(Row(index, None, {field_name(k): v for k, v in record.items()}))
    return rows


def read_rows(payload: bytes | str, content_type: str | None = None) -> tuple[Encoding, list[Row]]:
    """(encoding, rows) of one file; :class:`PayloadError` when it is not in the format."""
    data = payload.encode("utf-8", "surrogatepass") if isinstance(payload, str) else bytes(payload)
    if not data.strip():
        raise PayloadError(f"{PARTNER}: payload is empty")
    encoding = detect(data, content_type)
    reader = {"jsonl": _jsonl, "csv": _csv, "avro": _avro}[encoding]
    return encoding, reader(data)
