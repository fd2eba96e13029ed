"""fastavro (the codec lintas uses) against the avro package, encoding and decoding the
same ShipmentEvent records."""

from __future__ import annotations

import io
import json
import time
from typing import Any

import avro.io
import avro.schema

from lintas.schemas.codec import codec, load_schema

__all__ = ["codec_ratios"]


def _rate(fn: Any, items: list[Any], seconds: float = 1.0) -> float:
    """Items per second of ``fn`` over ``items``, repeated for about ``seconds``."""
    done = 0
    start = time.perf_counter()
    while True:
        for item in items:
            fn(item)
        done += len(items)
        elapsed = time.perf_counter() - start
        if elapsed >= seconds:
            return done / elapsed


def codec_ratios(records: list[dict[str, Any]]) -> dict[str, float]:
    """Encode and decode rates of both libraries and their ratios."""
    fast = codec("ShipmentEvent")
    schema = avro.schema.parse(json.dumps(load_schema("ShipmentEvent")))
    writer = avro.io.DatumWriter(schema)
    reader = avro.io.DatumReader(schema, schema)

    def avro_encode(record: dict[str, Any]) -> bytes:
        buffer = io.BytesIO()
        writer.write(record, avro.io.BinaryEncoder(buffer))
        return buffer.getvalue()

    def avro_decode(data: bytes) -> Any:
        return reader.read(avro.io.BinaryDecoder(io.BytesIO(data)))

    encoded_fast = [fast.encode(r) for r in records]
    encoded_avro = [avro_encode(r) for r in records]
    out = {
        "fastavro_encode_per_s": _rate(fast.encode, records),
        "avro_encode_per_s": _rate(avro_encode, records),
        "fastavro_decode_per_s": _rate(fast.decode, encoded_fast),
        "avro_decode_per_s": _rate(avro_decode, encoded_avro),
    }
    out["encode_ratio"] = out["fastavro_encode_per_s"] / out["avro_encode_per_s"]
    out["decode_ratio"] = out["fastavro_decode_per_s"] / out["avro_decode_per_s"]
    return out
