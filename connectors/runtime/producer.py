"""The raw producer: partner payloads -> ``lintas.raw.<partner>`` as RawRecords."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from datetime import datetime, timezone
from typing import Any

from lintas.errors import BrokerError
from lintas.topics import raw_topic
from schemas.codec import codec

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


class RawProducer:
    """Produces RawRecords with kafka-python (acks=all, idempotent); :meth:`flush` returns
    only when the broker acknowledged every record sent so far, or raises."""

    def __init__(self, bootstrap: str, client_id: str = "lintas-connector") -> None:
        from kafka import KafkaProducer
        from kafka.errors import KafkaError

        try:
            self._producer = KafkaProducer(
                bootstrap_servers=bootstrap,
                client_id=client_id,
                acks="all",
                enable_idempotence=True,
                linger_ms=5,
                compression_type="gzip",
                max_request_size=4 * 1024 * 1024,
            )
        except (KafkaError, OSError) as exc:
            raise BrokerError(f"cannot reach Kafka at {bootstrap}: {exc}") from exc
        self._pending: list[Any] = []
        self._codec = codec("RawRecord")

    def send(self, record: Mapping[str, Any], key: str) -> None:
        """Queue one RawRecord for its partner's raw topic."""
        value = self._codec.encode(record)
        self.send_bytes(raw_topic(record["partner"]), key.encode(), value)

    def send_bytes(
        self, topic: str, key: bytes | None, value: bytes | None,
        headers: list[tuple[str, bytes]] | None = None,
    ) -> None:
        self._pending.append(self._producer.send(topic, key=key, value=value, headers=headers))

    def send_and_wait(self, record: Mapping[str, Any], key: str, timeout: float = 30.0) -> Any:
        """Produce one RawRecord and return once the broker acknowledged it (thread-safe;
        the ingest endpoint answers 202 only after this returns)."""
        from kafka.errors import KafkaError

        value = self._codec.encode(record)
        try:
            future = self._producer.send(
                raw_topic(record["partner"]), key=key.encode(), value=value
            )
            return future.get(timeout=timeout)
        except KafkaError as exc:
            raise BrokerError(f"the broker did not acknowledge the record: {exc}") from exc

    def flush(self, timeout: float = 60.0) -> int:
        """Wait for the broker to acknowledge everything sent; return how many records."""
        from kafka.errors import KafkaError

        pending, self._pending = self._pending, []
        try:
            self._producer.flush(timeout=timeout)
            for future in pending:
                future.get(timeout=timeout)
        except KafkaError as exc:
            raise BrokerError(
                f"the broker did not acknowledge {len(pending)} record(s): {exc}"
            ) from exc
        return len(pending)

    def close(self) -> None:
        self._producer.close(timeout=10)
