"""Small helpers every partner parser uses: decoding payloads and reading loose fields.

Whatever bytes arrive, :func:`load_json` either returns JSON values whose every string
encodes as UTF-8, or raises :class:`PayloadError` with one line saying why: not UTF-8,
not JSON, nested deeper than the decoder goes, a number of thousands of digits. Lone
UTF-16 surrogates (``"\\ud800"``, legal in JSON text but not in UTF-8) become U+FFFD.

The envelope checks (:func:`payload_object`, :func:`webhook_object`, :func:`nullable`)
raise :class:`PayloadError`: the payload is not the partner's at all. The row readers
(:func:`row_object`, :func:`required_text`) raise :class:`ValueError`: one row is
broken and becomes a problem, the other rows still count.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping
from datetime import datetime
from functools import cache
from operator import itemgetter
from typing import Any, TypeVar

from lintas.connectors.tracking import normalize_tracking_number
from lintas.core.errors import PayloadError

__all__ = [
    "json_value",
    "key_list",
    "load_json",
    "nullable",
    "one_line",
    "parse_time",
    "payload_object",
    "printable",
    "repair_text",
    "required_text",
    "row_object",
    "row_tracking_number",
    "text",
    "webhook_object",
]

T = TypeVar("T", dict[str, Any], list[Any])

_SURROGATE = re.compile("[\ud800-\udfff]")
# A \u escape of a surrogate in JSON text: only then can a decoded string hold one.
_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")


def repair_text(value: str) -> str:
    """``value`` with lone surrogates replaced by U+FFFD, so that it encodes as UTF-8."""
    if value.isascii() or not _SURROGATE.search(value):
        return value
    return _SURROGATE.sub("\ufffd", value)


def _repaired(value: Any) -> Any:
    """JSON values with every string and key repaired (iterative: depth costs no stack)."""
    root: list[Any] = [value]
    stack: list[tuple[Any, Any]] = [(root, 0)]
    while stack:
        holder, slot = stack.pop()
        item = holder[slot]
        if isinstance(item, str):
            holder[slot] = repair_text(item)
        elif isinstance(item, list):
            stack.extend((item, i) for i in range(len(item)))
        elif isinstance(item, dict):
            fixed = {repair_text(k) if isinstance(k, str) else k: v for k, v in item.items()}
            if len(fixed) == len(item) and all(a is b for a, b in zip(fixed, item, strict=True)):
                fixed = item
            else:
                holder[slot] = fixed
            stack.extend((fixed, k) for k in fixed)
    return root[0]


def json_value(text: str) -> Any:
    """``json.loads`` of ``text``; :class:`ValueError` with a one-line reason for anything
    it cannot read, and lone surrogates repaired (see the module docstring)."""
    try:
        value = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ValueError(f"not JSON ({exc.msg} at line {exc.lineno} column {exc.colno})") from None
    except RecursionError:
        raise ValueError("not JSON this parser reads: nested too deeply") from None
    except ValueError:  # Python's limit on the digits of an integer
        raise ValueError("not JSON this parser reads: a number has thousands of digits") from None
    if ("\\u" in text and _SURROGATE_ESCAPE.search(text)) or (
            not text.isascii() and _SURROGATE.search(text)):
        value = _repaired(value)
    return value


def load_json(payload: bytes | str | dict[str, Any] | list[Any], partner: str) -> Any:
    """The payload as JSON values; :class:`PayloadError` when it is not JSON."""
    if isinstance(payload, (dict, list)):
        return _repaired(payload)
    if isinstance(payload, bytes):
        try:
            payload = payload.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise PayloadError(f"{partner}: payload is not UTF-8 text ({exc.reason})") from exc
    if not payload.strip():
        raise PayloadError(f"{partner}: payload is empty")
    try:
        return json_value(payload)
    except ValueError as exc:
        raise PayloadError(f"{partner}: payload is {exc}") from None


def text(value: Any) -> str | None:
    """A loose field as trimmed text; numbers become text, blanks and ``-`` become None."""
    if type(value) is str:  # the usual case, without the checks below
        out = value.strip()
        if not out.isascii():
            out = repair_text(out)
        return out if out and out != "-" else None
    if value is None or isinstance(value, (dict, list, bool)):
        return None
    out = repair_text(str(value).strip())
    return out if out and out != "-" else None


# Fields as strptime reads them, restricted to their zero-padded ASCII spelling: whatever
# these match, strptime with the same format reads the same way.
_STRICT_FIELDS = {
    "Y": "([0-9]{4})",
    "m": "(0[1-9]|1[0-2])",
    "d": "(0[1-9]|[12][0-9]|3[01])",
    "H": "([01][0-9]|2[0-3])",
    "M": "([0-5][0-9])",
    "S": "([0-5][0-9])",
}
_DATE_TIME_FIELDS = "YmdHMS"
#: Formats whose strict spelling ``datetime.fromisoformat`` reads, and faster.
_ISO_FORMATS = frozenset({"%Y-%m-%d", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M",
                          "%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S"})


@cache
def _strict_reader(fmt: str) -> tuple[re.Pattern[str], Callable[[re.Match[str]], datetime]] | None:
    """A regular expression reading ``fmt``'s usual spelling (zero-padded ASCII digits),
    and the naive datetime of what it matched; None when ``fmt`` has other directives or
    no full date."""
    pattern, fields = [], []
    rest = iter(fmt)
    for char in rest:
        if char != "%":
            pattern.append(re.escape(char))
            continue
        directive = next(rest, "")
        if directive not in _STRICT_FIELDS or directive in fields:
            return None
        pattern.append(_STRICT_FIELDS[directive])
        fields.append(directive)
    if not {"Y", "m", "d"} <= set(fields):
        return None
    if fmt in _ISO_FORMATS:
        return re.compile("".join(pattern)), lambda found: datetime.fromisoformat(found.string)
    # The fields in datetime's order, a missing one read from a last "0".
    pick = itemgetter(*(fields.index(f) if f in fields else len(fields)
                        for f in _DATE_TIME_FIELDS))

    def read(found: re.Match[str]) -> datetime:
        year, month, day, hour, minute, second = map(int, pick((*found.groups(), "0")))
        return datetime(year, month, day, hour, minute, second)  # noqa: DTZ001 (naive)

    return re.compile("".join(pattern)), read


def _strict_time(raw: str, fmt: str) -> datetime | None:
    """``raw`` read with ``fmt`` when it is spelled the usual way (``2024-01-31 08:05:00``
    for ``%Y-%m-%d %H:%M:%S``), without strptime's cost; None when it is not, or when
    ``fmt`` is not one this reads (then only strptime decides). ValueError for a date
    that does not exist, as strptime's."""
    reader = _strict_reader(fmt)
    if reader is None:
        return None
    pattern, read = reader
    found = pattern.fullmatch(raw)
    return read(found) if found is not None else None


def parse_time(value: Any, formats: tuple[str, ...]) -> datetime:
    """The first of ``formats`` that reads ``value``; ValueError naming the value otherwise."""
    raw = text(value)
    if raw is None:
        raise ValueError("time is missing")
    for fmt in formats:
        try:
            moment = _strict_time(raw, fmt)
            # Naive unless ``fmt`` has %z: the caller localizes a partner's wall-clock time.
            return moment if moment is not None else datetime.strptime(raw, fmt)  # noqa: DTZ007
        except ValueError:
            continue
    raise ValueError(f"time {raw!r} is not in a known format")


def one_line(value: Any, limit: int = 80) -> str:
    """``value`` folded onto one line of at most ``limit`` characters, for error messages."""
    return " ".join(str(value).split())[:limit]


def printable(value: Any, limit: int = 40) -> str:
    """``value`` with control and non-ASCII characters escaped, at most ``limit``
    characters, for error messages."""
    return str(value).encode("unicode_escape").decode("ascii")[:limit]


def key_list(mapping: Mapping[Any, Any], *, escaped: bool = False) -> str:
    """The first six keys of ``mapping`` in sorted order (each :func:`printable` when
    ``escaped``, else with its white space folded: on one line either way), or ``none``:
    what an error message shows of a foreign object."""
    keys = sorted(printable(k) if escaped else " ".join(str(k).split()) for k in mapping)
    return ", ".join(keys[:6]) or "none"


def _expected(keys: tuple[str, ...]) -> str:
    return " and ".join(repr(k) for k in keys)


def payload_object(body: Any, partner: str, what: str,
                   required: tuple[str, ...] = ()) -> dict[str, Any]:
    """``body`` when it is a JSON object holding every ``required`` top-level key;
    :class:`PayloadError` ``not <what>`` saying what was expected otherwise."""
    if not isinstance(body, dict):
        raise PayloadError(
            f"{partner}: not {what}: expected a JSON object, got {type(body).__name__}"
        )
    if not all(key in body for key in required):
        raise PayloadError(
            f"{partner}: not {what}: expected {_expected(required)} at the top level, "
            f"found keys: {key_list(body, escaped=True)}"
        )
    return body


def webhook_object(body: Any, partner: str, what: str,
                   required: tuple[str, ...]) -> dict[str, Any]:
    """The body of a push partner's webhook: one JSON object holding every ``required``
    key; :class:`PayloadError` ``not <what>`` otherwise."""
    if not isinstance(body, dict):
        raise PayloadError(
            f"{partner}: not {what}: expected one JSON object, got {type(body).__name__}"
        )
    if not all(key in body for key in required):
        raise PayloadError(
            f"{partner}: not {what}: expected {_expected(required)}, "
            f"found keys: {key_list(body)}"
        )
    return body


def nullable(value: Any, kind: type[T], name: str, partner: str) -> T | None:
    """``value`` when it is a ``kind`` (``dict`` or ``list``), None when null;
    :class:`PayloadError` naming the field ``name`` otherwise."""
    if value is None or isinstance(value, kind):
        return value
    noun = "an object" if kind is dict else "a list"
    raise PayloadError(f"{partner}: {name!r} is a {type(value).__name__}, not {noun}")


def row_object(row: Any, noun: str = "row") -> dict[str, Any]:
    """``row`` when it is a JSON object; ValueError ``<noun> is a <type>`` otherwise."""
    if not isinstance(row, dict):
        raise ValueError(f"{noun} is a {type(row).__name__}, not an object")
    return row


def required_text(row: Mapping[str, Any], key: str, noun: str = "row",
                  label: str | None = None) -> str:
    """:func:`text` of ``row[key]``; ValueError ``<noun> has no <label or key>`` when it is
    missing or blank."""
    value = text(row.get(key))
    if value is None:
        raise ValueError(f"{noun} has no {label or key}")
    return value


def row_tracking_number(row: Mapping[str, Any], key: str, request_key: str | None,
                        noun: str = "row") -> str:
    """The tracking number ``row[key]`` states, else the one asked for (``request_key``),
    normalized; ValueError ``<noun> has no <key>`` when there is neither."""
    number = text(row.get(key)) or request_key
    if not number:
        raise ValueError(f"{noun} has no {key}")
    return normalize_tracking_number(number)
