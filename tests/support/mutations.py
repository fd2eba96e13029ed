"""Hostile payloads made from recorded ones: what a careless or malicious partner sends.

:func:`mutate` takes a recorded payload (JSON, JSON lines, CSV or Avro bytes) and returns
one mutated copy of one of these classes, chosen by the ``random.Random`` given:

- ``deep``: a value replaced by arrays or objects nested hundreds to thousands deep;
- ``bigint``: a value replaced by an integer of thousands of digits;
- ``far_date``: a date moved to year 1 or 9999 (epoch numbers to huge or negative ones);
- ``surrogate``: a lone UTF-16 surrogate (``\\ud800``) inside a text value or a key;
- ``retype``: a value replaced by a value of another JSON type;
- ``drop``: a field removed, or set to null;
- ``truncate``: the bytes cut short;
- ``flip``: a few bytes overwritten with random ones;
- ``huge_text``: a text value a few hundred kilobytes long.

Used by the contract's fuzz targets (``tests/contract/test_fuzz.py``) and by ``make fuzz``.
"""

from __future__ import annotations

import json
import random
import re
from collections.abc import Callable
from typing import Any

__all__ = ["CLASSES", "mutate", "set_value", "value_paths"]

_PLACEHOLDER = "\u0000lintas-mutation\u0000"
_QUOTED_PLACEHOLDER = json.dumps(_PLACEHOLDER)
_YEAR = re.compile(r"(?<!\d)(19|20)\d\d(?!\d)")
_ISO_DATE = re.compile(r"(?<!\d)\d{4}-\d{2}-\d{2}(?!\d)")
_DMY_DATE = re.compile(r"(?<!\d)\d{2}-\d{2}-\d{4}(?!\d)")
_CLOCK = re.compile(r"(?<!\d)\d{2}:\d{2}(:\d{2})?(?!\d)")


def _far_text(value: str, rng: random.Random) -> str:
    """``value`` with its date at the first or the last day a datetime can hold."""
    early = rng.random() < 0.5
    out = _ISO_DATE.sub("0001-01-01" if early else "9999-12-31", value)
    out = _DMY_DATE.sub("01-01-0001" if early else "31-12-9999", out)
    out = _CLOCK.sub(lambda m: ("00:00" if early else "23:59") + (
        (":00" if early else ":59") if m.group(1) else ""), out)
    if out == value:
        out = _YEAR.sub("0001" if early else "9999", value)
    return out


def value_paths(doc: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every path to a value inside ``doc`` (not the root)."""
    out: list[tuple[Any, ...]] = []
    if isinstance(doc, dict):
        for key, value in doc.items():
            out.append((*prefix, key))
            out += value_paths(value, (*prefix, key))
    elif isinstance(doc, list):
        for index, value in enumerate(doc):
            out.append((*prefix, index))
            out += value_paths(value, (*prefix, index))
    return out


def _get(doc: Any, path: tuple[Any, ...]) -> Any:
    for step in path:
        doc = doc[step]
    return doc


def set_value(doc: Any, path: tuple[Any, ...], value: Any) -> None:
    """Put ``value`` at ``path`` inside ``doc``."""
    _get(doc, path[:-1])[path[-1]] = value


def _with_raw(doc: Any, path: tuple[Any, ...], raw_json: str) -> bytes:
    """``doc`` serialized with the value at ``path`` replaced by the JSON text ``raw_json``."""
    set_value(doc, path, _PLACEHOLDER)
    return json.dumps(doc).replace(_QUOTED_PLACEHOLDER, raw_json, 1).encode()


def _deep(rng: random.Random) -> str:
    depth = rng.choice((200, 900, 1000, 3000, 20000))
    opener, closer = ("[", "]") if rng.random() < 0.5 else ('{"a":', "}")
    return opener * depth + "1" + closer * depth


def _bigint(rng: random.Random) -> str:
    return rng.choice("123456789") + "".join(rng.choice("0123456789")
                                             for _ in range(rng.choice((4301, 5000, 20000))))


def _far_date(value: Any, rng: random.Random) -> Any:
    if isinstance(value, str) and _YEAR.search(value):
        return _far_text(value, rng)
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return rng.choice((-62_135_596_800_001, 253_402_300_800_000, 10**19, -(10**19)))
    return rng.choice(("0001-01-01 00:00:00", "9999-12-31 23:59:59"))


def _other_type(value: Any, rng: random.Random) -> Any:
    choices: list[Any] = [None, True, 0, -1, 1.5e308, "", "x", [], {}, [1, "a"], {"k": None}]
    return rng.choice([c for c in choices if type(c) is not type(value)])


def _json_mutation(doc: Any, kind: str, rng: random.Random) -> bytes | None:
    paths = value_paths(doc)
    if not paths:
        return None
    path = rng.choice(paths)
    value = _get(doc, path)
    if kind == "deep":
        return _with_raw(doc, path, _deep(rng))
    if kind == "bigint":
        return _with_raw(doc, path, _bigint(rng))
    if kind == "far_date":
        dated = [p for p in paths if isinstance(_get(doc, p), str) and _YEAR.search(_get(doc, p))]
        if dated:
            path = rng.choice(dated)
            value = _get(doc, path)
        set_value(doc, path, _far_date(value, rng))
        return json.dumps(doc).encode()
    if kind == "surrogate":
        texts = [p for p in paths if isinstance(_get(doc, p), str)]
        if texts and rng.random() < 0.7:
            path = rng.choice(texts)
            text = _get(doc, path)
            at = rng.randint(0, len(text))
            raw = json.dumps(text[:at] + _PLACEHOLDER + text[at:])
            return _with_raw(doc, path, raw.replace(_QUOTED_PLACEHOLDER[1:-1], "\\ud800"))
        holder = _get(doc, path[:-1])
        if isinstance(holder, dict):  # a surrogate in a key
            holder[_PLACEHOLDER] = holder.pop(path[-1])
            return json.dumps(doc).replace(_QUOTED_PLACEHOLDER[1:-1], "\\udfff", 1).encode()
        return _with_raw(doc, path, '"\\ud800"')
    if kind == "retype":
        set_value(doc, path, _other_type(value, rng))
        return json.dumps(doc).encode()
    if kind == "drop":
        holder = _get(doc, path[:-1])
        if isinstance(holder, dict) and rng.random() < 0.5:
            del holder[path[-1]]
        else:
            set_value(doc, path, None)
        return json.dumps(doc).encode()
    if kind == "huge_text":
        set_value(doc, path, "PAKET " * rng.choice((20_000, 60_000)))
        return json.dumps(doc).encode()
    raise ValueError(kind)


def _bytes_mutation(payload: bytes, kind: str, rng: random.Random) -> bytes:
    if kind == "truncate":
        return payload[: rng.randint(0, max(0, len(payload) - 1))]
    data = bytearray(payload)
    for _ in range(rng.randint(1, 8)):
        if data:
            data[rng.randrange(len(data))] = rng.randrange(256)
    return bytes(data)


def _text_mutation(payload: bytes, kind: str, rng: random.Random) -> bytes:
    """Mutations of text that is not one JSON document (CSV, JSON lines)."""
    text = payload.decode("utf-8", "replace")
    if kind == "deep":
        insert = _deep(rng)
    elif kind == "bigint":
        insert = _bigint(rng)
    elif kind == "far_date":
        return _far_text(text, rng).encode()
    elif kind == "surrogate":
        insert = "\\ud800"
    elif kind == "huge_text":
        insert = "PAKET " * 40_000
    else:
        insert = rng.choice(["null", "[]", "{}", '"', ",", ";", "\r", "\x00", "\u00ff"])
    at = rng.randint(0, len(text))
    return (text[:at] + insert + text[at:]).encode("utf-8", "surrogatepass")


CLASSES = ("deep", "bigint", "far_date", "surrogate", "retype", "drop", "truncate", "flip",
           "huge_text")

Mutator = Callable[[bytes, random.Random], bytes]


def mutate(payload: bytes, rng: random.Random, kind: str | None = None) -> tuple[str, bytes]:
    """(mutation class, mutated payload) of one recorded ``payload``."""
    kind = kind or rng.choice(CLASSES)
    if kind in ("truncate", "flip"):
        return kind, _bytes_mutation(payload, kind, rng)
    try:
        doc = json.loads(payload)
    except (ValueError, RecursionError):
        doc = None
    if isinstance(doc, (dict, list)):
        try:
            out = _json_mutation(doc, kind, rng)
        except RecursionError:  # a document nested too deep to write again: mutate its text
            out = None
        if out is not None:
            return kind, out
    if payload[:4] == b"Obj\x01":  # an Avro container: only bytes-level mutations apply
        return "flip", _bytes_mutation(payload, "flip", rng)
    return kind, _text_mutation(payload, kind, rng)
