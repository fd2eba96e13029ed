"""The canonical topics' two wire formats, told apart by their first byte.

=================  =========================================================================
single-object      ``C3 01``, the writer schema's 8-byte CRC-64-AVRO fingerprint, the Avro
                   body: Avro's own framing (:mod:`lintas.schemas.codec`), read without a
                   registry. lintas's default.
Confluent          ``00``, the writer schema's 4-byte id in a schema registry (big-endian),
                   the Avro body: what Kafka Connect, ksqlDB, Flink, Spark, kcat and
                   Confluent's deserializers read. lintas writes it with
                   ``LINTAS_WIRE_FORMAT=confluent``.
=================  =========================================================================

The body is the same in both, so a record changes format by changing its header: the
worker's producer encodes single-object records and, for the canonical topics, swaps the
fingerprint for the id the registry gave that schema (:class:`ConfluentFraming`). Readers
take both during a migration: the codec hands a Confluent record's id to
:func:`writer_of`, which asks the registry of the settings once per id.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import fastavro
from fastavro.schema import fingerprint, to_parsing_canonical_form

from lintas.core.errors import RegistryError, SchemaError
from lintas.core.settings import Settings

__all__ = [
    "CONFLUENT_MAGIC",
    "CONFLUENT_RECORDS",
    "SINGLE_OBJECT_MARKER",
    "ConfluentFraming",
    "confluent_framing",
    "fingerprint_of",
    "format_of",
    "schema_id_of",
    "writer_of",
]

SINGLE_OBJECT_MARKER = b"\xc3\x01"
CONFLUENT_MAGIC = b"\x00"
#: marker and fingerprint; magic byte and schema id
SINGLE_OBJECT_HEADER = 10
CONFLUENT_HEADER = 5
#: The records of the canonical topics: the only ones ever written in Confluent's format
CONFLUENT_RECORDS = frozenset({"ShipmentEvent", "NetworkNode", "ShipmentView", "ServicePoint"})


def format_of(data: bytes) -> str:
    """``single-object``, ``confluent`` or ``unknown``, from the first bytes."""
    if data[:2] == SINGLE_OBJECT_MARKER:
        return "single-object"
    if data[:1] == CONFLUENT_MAGIC and len(data) >= CONFLUENT_HEADER:
        return "confluent"
    return "unknown"


def schema_id_of(data: bytes) -> int:
    """The registry's schema id in a Confluent record."""
    if format_of(data) != "confluent":
        raise SchemaError("not in Confluent's wire format (magic byte 0, 4-byte schema id)")
    return int.from_bytes(data[1:CONFLUENT_HEADER], "big")


def fingerprint_of(schema: Any) -> bytes:
    """CRC-64-AVRO fingerprint of a parsed schema (what single-object records carry)."""
    return bytes.fromhex(fingerprint(to_parsing_canonical_form(schema), "CRC-64-AVRO"))


def _parse(text: str) -> tuple[bytes, Any]:
    parsed = fastavro.parse_schema(json.loads(text))
    return fingerprint_of(parsed), parsed


@functools.cache
def _registered(url: str, schema_id: int) -> tuple[bytes, Any]:
    from lintas.schemas.registry import RegistryClient

    with RegistryClient(url) as client:
        try:
            return _parse(client.schema(schema_id))
        except RegistryError as exc:
            if exc.status == 404:
                raise SchemaError(f"schema id {schema_id} is not in the registry") from exc
            raise


def writer_of(record: str, data: bytes, settings: Settings | None = None) -> tuple[bytes, Any]:
    """The fingerprint and parsed writer schema of a Confluent record of ``record``, from
    the registry of ``settings`` (the process's by default); each id is asked for once.
    :class:`SchemaError` for a record that is never written so, or an id the registry
    does not hold; :class:`~lintas.core.errors.RegistryUnavailable` when it is not
    reached."""
    if record not in CONFLUENT_RECORDS:
        raise SchemaError(f"{record}: not Avro single-object encoded data")
    if settings is None:
        from lintas.core.settings import get_settings

        settings = get_settings()
    return _registered(settings.registry_url, schema_id_of(data))


@dataclass(frozen=True)
class ConfluentFraming:
    """Rewrites single-object records of the canonical topics in Confluent's format."""

    #: topic -> writer schema fingerprint -> the registry's id of that schema
    ids: Mapping[str, Mapping[bytes, int]]

    def frame(self, topic: str, value: bytes | None) -> bytes | None:
        """``value`` in Confluent's format if ``topic`` is canonical; as it is otherwise
        (other topics, tombstones, records already framed)."""
        known = self.ids.get(topic)
        if known is None or value is None or value[:2] != SINGLE_OBJECT_MARKER:
            return value
        fp = bytes(value[2:SINGLE_OBJECT_HEADER])
        try:
            schema_id = known[fp]
        except KeyError:
            raise SchemaError(f"{topic}: writer schema {fp.hex()} is not registered under "
                              f"{topic}-value") from None
        return CONFLUENT_MAGIC + schema_id.to_bytes(4, "big") + value[SINGLE_OBJECT_HEADER:]


def confluent_framing(settings: Settings) -> ConfluentFraming | None:
    """The framing a producer applies under ``settings``: None for single-object; for
    Confluent's format, every canonical schema registered (a subject refusing lintas's
    current schema stops the producer here, before it writes anything)."""
    if settings.wire_format != "confluent":
        return None
    from lintas.schemas.registry import RegistryClient, register_canonical

    ids: dict[str, dict[bytes, int]] = {}
    with RegistryClient(settings.registry_url) as client:
        for subject in register_canonical(client):
            ids[subject.topic] = {_registered(client.url, i)[0]: i for i in subject.ids}
    return ConfluentFraming(ids)
