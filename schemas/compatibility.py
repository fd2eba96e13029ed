"""Schema compatibility checks with the avro package (``avro.compatibility``).

Every current schema must be *fully* compatible with each released version: new readers
read old data (backward) and old readers read new data (forward), so producers and
consumers can upgrade in any order.
"""

from __future__ import annotations

import json
from typing import Any

import avro.schema
from avro.compatibility import ReaderWriterCompatibilityChecker, SchemaCompatibilityType

from lintas.schemas.codec import SCHEMA_FILES, load_schema, released_versions

__all__ = ["Incompatibility", "check_all", "incompatibilities"]

Incompatibility = tuple[str, int, str, str]  # record, released version, direction, messages


def _parse(schema: dict[str, Any]) -> avro.schema.Schema:
    return avro.schema.parse(json.dumps(schema))


def incompatibilities(current: dict[str, Any], released: dict[str, Any]) -> list[tuple[str, str]]:
    """(direction, messages) for every direction in which the two schemas clash."""
    checker = ReaderWriterCompatibilityChecker()
    new, old = _parse(current), _parse(released)
    out = []
    for direction, reader, writer in (("backward", new, old), ("forward", old, new)):
        result = checker.get_compatibility(reader, writer)
        if result.compatibility is not SchemaCompatibilityType.compatible:
            out.append((direction, "; ".join(sorted(result.messages))))
    return out


def check_all() -> list[Incompatibility]:
    """Every clash between a current schema and one of its released versions."""
    found = []
    for name in SCHEMA_FILES:
        current = load_schema(name)
        for version, released in released_versions(name):
            for direction, messages in incompatibilities(current, released):
                found.append((name, version, direction, messages))
    return found
