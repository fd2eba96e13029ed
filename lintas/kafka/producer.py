"""A kafka-python producer of bytes that says when the broker has acknowledged them."""

from __future__ import annotations

import asyncio
import functools
from typing import Any

from lintas.core.errors import BrokerError
from lintas.kafka.connection import KafkaConnection

__all__ = ["Producer"]


class Producer:
    """Produces with kafka-python (acks=all, idempotent); :meth:`flush` returns only when
    the broker acknowledged every record sent so far, or raises :class:`BrokerError`."""

    def __init__(self, kafka: KafkaConnection, client_id: str = "lintas-connector", *,
                 linger_ms: int = 5) -> None:
        from kafka import KafkaProducer
        from kafka.errors import KafkaError

        try:
            self._producer = KafkaProducer(
                **kafka.kafka_python(),
                client_id=client_id,
                acks="all",
                enable_idempotence=True,
                linger_ms=linger_ms,
                compression_type="gzip",
                max_request_size=4 * 1024 * 1024,
            )
        except (KafkaError, OSError) as exc:
            raise BrokerError(f"cannot reach Kafka as {kafka}: {exc}") from exc
        self._pending: list[Any] = []
        #: topics whose partitions the producer knows: sending to them never blocks
        self._known_topics: set[str] = set()

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

    async def send_bytes_acknowledged(
        self, topic: str, key: bytes | None, value: bytes | None, timeout: float = 30.0,
    ) -> Any:
        """Produce one record from a running event loop and return once the broker
        acknowledged it; :class:`BrokerError` when it did not within ``timeout`` seconds.

        No thread waits meanwhile: the producer's I/O thread hands the acknowledgement back
        to the loop. Only a topic's first record is sent from a worker thread, since the
        producer may block while it looks the topic's partitions up.
        """
        from kafka.errors import KafkaError

        loop = asyncio.get_running_loop()
        acknowledged: asyncio.Future[Any] = loop.create_future()
        send = functools.partial(self._producer.send, topic, key=key, value=value)
        try:
            if topic in self._known_topics:
                future = send()
            else:
                future = await asyncio.wait_for(loop.run_in_executor(None, send), timeout)
                self._known_topics.add(topic)
        except (KafkaError, asyncio.TimeoutError) as exc:
            raise BrokerError(f"the broker did not take the record: {exc!r}") from exc
        future.add_callback(_settle, loop, acknowledged, None)
        future.add_errback(lambda exc: _settle(loop, acknowledged, exc, None))
        try:
            return await asyncio.wait_for(acknowledged, timeout)
        except asyncio.TimeoutError as exc:
            raise BrokerError(
                f"the broker did not acknowledge the record within {timeout:.0f}s") from exc
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


def _settle(loop: asyncio.AbstractEventLoop, waiter: asyncio.Future[Any],
            error: BaseException | None, metadata: Any) -> None:
    """Resolve ``waiter`` on its loop (called on the producer's I/O thread)."""

    def resolve() -> None:
        if waiter.done():
            return
        if error is not None:
            waiter.set_exception(error)
        else:
            waiter.set_result(metadata)

    if not loop.is_closed():
        try:
            loop.call_soon_threadsafe(resolve)
        except RuntimeError:  # the loop closed meanwhile: nobody waits any more
            pass
