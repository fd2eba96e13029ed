"""A kafka-python producer of bytes that says when the broker has acknowledged them."""

from __future__ import annotations

from typing import Any

from lintas.core.errors import BrokerError
from lintas.kafka.connection import KafkaConnection

__all__ = ["Producer"]


class Producer:
    """Produces with kafka-python (acks=all, idempotent); :meth:`flush` returns only when
    the broker acknowledged every record sent so far, or raises :class:`BrokerError`."""

    def __init__(self, kafka: KafkaConnection, client_id: str = "lintas-connector") -> None:
        from kafka import KafkaProducer
        from kafka.errors import KafkaError

        try:
            self._producer = KafkaProducer(
                **kafka.kafka_python(),
                client_id=client_id,
                acks="all",
                enable_idempotence=True,
                linger_ms=5,
                compression_type="gzip",
                max_request_size=4 * 1024 * 1024,
            )
        except (KafkaError, OSError) as exc:
            raise BrokerError(f"cannot reach Kafka as {kafka}: {exc}") from exc
        self._pending: list[Any] = []

    def send_bytes(
        self, topic: str, key: bytes | None, value: bytes | None,
        headers: list[tuple[str, bytes]] | None = None,
    ) -> None:
        """Queue one record; :meth:`flush` waits for it."""
        self._pending.append(self._producer.send(topic, key=key, value=value, headers=headers))

    def send_bytes_and_wait(
        self, topic: str, key: bytes | None, value: bytes | None, timeout: float = 30.0,
    ) -> Any:
        """Produce one record and return once the broker acknowledged it (thread-safe)."""
        from kafka.errors import KafkaError

        try:
            return self._producer.send(topic, key=key, value=value).get(timeout=timeout)
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
