"""The raw producer: partner payloads -> ``lintas.raw.<partner>`` as RawRecords."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from datetime import datetime, timezone
from typing import Any

from lintas.core.topics import raw_topic
from lintas.kafka.connection import KafkaConnection
from lintas.kafka.producer import Producer
from lintas.schemas.codec import codec

__all__ = ["RawProducer", "raw_record"]


def raw_record(
    *,
    partner: str,
    kind: str,
    connector: str,
    source: str,
    payload: bytes,
    request_key: str | None = None,
    content_type: str = "application/json",
    attributes: Mapping[str, str] | None = None,
    received_at: datetime | None = None,
) -> dict[str, Any]:
    """A RawRecord; its id depends only on partner, kind, request key and payload bytes."""
    digest = hashlib.blake2b(digest_size=16)
    for part in (partner, kind, request_key or ""):
        digest.update(part.encode())
        digest.update(b"\x1f")
    digest.update(payload)
    return {
        "record_id": digest.hexdigest(),
        "partner": partner,
        "kind": kind,
        "connector": connector,
        "source": source,
        "request_key": request_key,
        "received_at": received_at or datetime.now(timezone.utc),
        "content_type": content_type,
        "payload": payload,
        "attributes": dict(attributes or {}),
    }


class RawProducer(Producer):
    """A :class:`Producer` of RawRecords to their partner's raw topic."""

    def __init__(self, kafka: KafkaConnection, client_id: str = "lintas-connector", *,
                 linger_ms: int = 5) -> None:
        super().__init__(kafka, client_id, linger_ms=linger_ms)
        self._codec = codec("RawRecord")

    def send(self, record: Mapping[str, Any], key: str, *, topic: str | None = None) -> None:
        """Queue one RawRecord for ``topic``: its partner's raw topic unless given (a
        member's own)."""
        self.send_bytes(topic or raw_topic(record["partner"]), key.encode(),
                        self._codec.encode(record))

    def send_and_wait(self, record: Mapping[str, Any], key: str, timeout: float = 30.0, *,
                      topic: str | None = None) -> Any:
        """Produce one RawRecord and return once the broker acknowledged it (thread-safe)."""
        return self.send_bytes_and_wait(topic or raw_topic(record["partner"]), key.encode(),
                                        self._codec.encode(record), timeout)

    async def acknowledged(self, record: Mapping[str, Any], key: str, timeout: float = 30.0, *,
                           topic: str | None = None) -> Any:
        """Produce one RawRecord from an event loop and return once the broker acknowledged
        it, holding no thread meanwhile (the ingest endpoint answers 202 only after this
        returns); :class:`~lintas.core.errors.BrokerError` otherwise."""
        return await self.send_bytes_acknowledged(
            topic or raw_topic(record["partner"]), key.encode(), self._codec.encode(record),
            timeout)
