"""The view sink: ``lintas.shipments.v1`` and ``lintas.dlq.v1`` -> the SQL view.

Batches are written in one transaction together with the next offsets; on assignment
the consumer seeks to the offsets stored in the database, not to Kafka's committed
ones, so a crash at any moment neither loses nor doubles a row. (It also commits to
Kafka after each batch, so lag tools see the sink's progress.) A fresh database
rebuilds itself from the start of the compacted topic. When the database goes away the
sink waits for it, staying in its group, and then seeks back to the offsets the database
holds: a batch it could not write is read again.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from lintas.core import deadletters
from lintas.core.errors import BrokerError, SchemaError
from lintas.core.topics import DLQ, NETWORK_NODES, SERVICE_POINTS, SHIPMENTS
from lintas.kafka.connection import KafkaConnection
from lintas.schemas.codec import codec
from lintas.streams.ops.metrics import observe_sink_batch
from lintas.streams.view.store import TopicPartitionKey, ViewStore, ViewUnavailable

__all__ = ["SINK_GROUP", "BatchResult", "ViewSink"]

log = logging.getLogger(__name__)

SINK_GROUP = "lintas-view-sink"
#: the longest the sink waits before asking an absent view database again
VIEW_RETRY_MAX_SECONDS = 5.0


@dataclass(frozen=True)
class BatchResult:
    """What one batch wrote."""

    views: int
    deleted: int
    dead_letters: int
    records: int


class ViewSink:
    """Consumes views and dead letters and writes them to the store, batch by batch."""

    def __init__(
        self,
        store: ViewStore,
        kafka: KafkaConnection,
        *,
        group_id: str = SINK_GROUP,
        batch_size: int = 500,
        topics: tuple[str, ...] = (SHIPMENTS, DLQ, NETWORK_NODES, SERVICE_POINTS),
    ) -> None:
        self.store = store
        self.kafka = kafka
        self.group_id = group_id
        self.batch_size = batch_size
        self.topics = topics
        self._consumer: Any = None
        self.on_batch: Callable[[BatchResult, float], None] | None = None
        #: partitions were assigned while the database was away: seek before reading on
        self._resync = False
        #: how many times the view's database went away under the sink
        self.outages = 0

    def _open(self) -> Any:
        from kafka import ConsumerRebalanceListener, KafkaConsumer

        consumer = KafkaConsumer(
            **self.kafka.kafka_python(),
            group_id=self.group_id,
            client_id=self.group_id,
            enable_auto_commit=False,
            auto_offset_reset="earliest",
            max_poll_records=self.batch_size,
            consumer_timeout_ms=float("inf"),
        )
        sink = self

        class SeekToStored(ConsumerRebalanceListener):
            def on_partitions_revoked(self, revoked: Any) -> None:
                pass  # every batch is already committed with its rows

            def on_partitions_assigned(self, assigned: Any) -> None:
                try:
                    sink._seek_to_stored(consumer, assigned, sink.store.offsets(sink.group_id))
                except ViewUnavailable as exc:  # seek once the database is back
                    log.warning("%s", exc)
                    sink._resync = True

        # Know every topic's partitions before joining the group: a leader that assigns
        # without them hands out nothing until the next metadata refresh, minutes later.
        deadline = time.monotonic() + 30
        while any(not consumer.partitions_for_topic(t) for t in self.topics):
            if time.monotonic() > deadline:
                missing = [t for t in self.topics if not consumer.partitions_for_topic(t)]
                raise BrokerError(
                    f"topics not found: {', '.join(missing)}; run `lintas topics create`"
                )
            time.sleep(0.5)
        consumer.subscribe(list(self.topics), listener=SeekToStored())
        return consumer

    @staticmethod
    def _seek_to_stored(consumer: Any, partitions: Any,
                        stored: dict[TopicPartitionKey, int]) -> None:
        for tp in partitions:
            position = stored.get((tp.topic, tp.partition))
            if position is None:
                consumer.seek_to_beginning(tp)
            else:
                consumer.seek(tp, position)

    def _wait_for_view(self, stop: threading.Event, reason: Exception) -> bool:
        """The view's database is away: stay in the group (polling paused partitions, which
        returns nothing) and ask again, less often each time; once it answers, seek every
        partition to the offsets stored with the rows, which the database holds exactly as
        its last committed batch left them. False when stopped meanwhile."""
        log.warning("%s; waiting for it", reason)
        self.outages += 1
        consumer = self._consumer
        delay = 0.5
        while not stop.is_set():
            consumer.pause(*consumer.assignment())
            consumer.poll(timeout_ms=int(delay * 1000))  # discarded: read again after the seek
            try:
                stored = self.store.offsets(self.group_id)
            except ViewUnavailable:
                delay = min(delay * 2, VIEW_RETRY_MAX_SECONDS)
                continue
            self._seek_to_stored(consumer, consumer.assignment(), stored)
            consumer.resume(*consumer.assignment())
            self._resync = False
            log.warning("the view database is back; going on from the offsets stored with "
                        "the rows")
            return True
        return False

    def handle(self, batch: dict[Any, list[Any]]) -> BatchResult:
        """Write one polled batch (``{TopicPartition: [records]}``) and its offsets."""
        views: dict[bytes, dict[str, Any]] = {}
        deleted: dict[bytes, str] = {}
        letters: list[dict[str, Any]] = []
        nodes: dict[bytes, dict[str, Any]] = {}
        points: dict[bytes, dict[str, Any]] = {}
        gone_points: dict[bytes, str] = {}
        offsets: dict[TopicPartitionKey, int] = {}
        records = 0
        view_codec = codec("ShipmentView")
        for tp, messages in batch.items():
            for msg in messages:
                records += 1
                offsets[(tp.topic, tp.partition)] = msg.offset + 1
                if tp.topic == DLQ:
                    letters.append(
                        deadletters.decode(msg.headers or [], msg.key, msg.value,
                                           dlq_timestamp_ms=msg.timestamp)
                    )
                    continue
                if tp.topic in (NETWORK_NODES, SERVICE_POINTS):
                    self._take_outlet(tp, msg, nodes, points, gone_points, letters)
                    continue
                key = msg.key or b""
                if msg.value is None:  # a tombstone: the shipment was removed
                    views.pop(key, None)
                    deleted[key] = key.decode("utf-8", "replace")
                    continue
                try:
                    views[key] = view_codec.decode(msg.value)
                    deleted.pop(key, None)
                except SchemaError as exc:
                    letters.append(self._undecodable(tp, msg, exc))
        committing = time.perf_counter()  # ops metrics: commit latency (streams/ops/metrics.py)
        self.store.apply(
            self.group_id,
            views=views.values(),
            deleted=deleted.values(),
            dead_letters=letters,
            nodes=nodes.values(),
            points=points.values(),
            deleted_points=gone_points.values(),
            offsets=offsets,
        )
        observe_sink_batch(batch, time.perf_counter() - committing)
        return BatchResult(len(views), len(deleted), len(letters), records)

    def _take_outlet(self, tp: Any, msg: Any, nodes: dict[bytes, dict[str, Any]],
                     points: dict[bytes, dict[str, Any]], gone: dict[bytes, str],
                     letters: list[dict[str, Any]]) -> None:
        key = msg.key or b""
        if tp.topic == SERVICE_POINTS and msg.value is None:
            points.pop(key, None)
            gone[key] = key.decode("utf-8", "replace")
            return
        if msg.value is None:
            return
        try:
            if tp.topic == NETWORK_NODES:
                nodes[key] = codec("NetworkNode").decode(msg.value)
            else:
                points[key] = codec("ServicePoint").decode(msg.value)
                gone.pop(key, None)
        except SchemaError as exc:
            letters.append(self._undecodable(tp, msg, exc))

    @staticmethod
    def _undecodable(tp: Any, msg: Any, exc: Exception) -> dict[str, Any]:
        failure = deadletters.Failure("sink", type(exc).__name__, str(exc))
        headers = deadletters.headers_for(
            failure, topic=tp.topic, partition=tp.partition, offset=msg.offset
        )
        return deadletters.decode(headers, msg.key, msg.value)

    def _commit_to_kafka(self, batch: dict[Any, list[Any]]) -> None:
        from kafka.structs import OffsetAndMetadata

        offsets = {
            tp: OffsetAndMetadata(messages[-1].offset + 1, "", -1)
            for tp, messages in batch.items() if messages
        }
        try:
            self._consumer.commit(offsets)
        except Exception as exc:  # progress for lag tools only; the database is authoritative
            log.warning("committing sink offsets to Kafka failed: %s", exc)

    def run(
        self,
        stop: threading.Event | None = None,
        *,
        idle_timeout: float | None = None,
        poll_ms: int = 500,
    ) -> None:
        """Consume until ``stop`` is set (or nothing arrived for ``idle_timeout`` seconds)."""
        stop = stop or threading.Event()
        self._consumer = self._open()
        last_data = time.monotonic()
        try:
            while not stop.is_set():
                batch = self._consumer.poll(timeout_ms=poll_ms, max_records=self.batch_size)
                if self._resync:  # assigned while the database was away: read from its offsets
                    self._wait_for_view(stop, ViewUnavailable("the view database was away"))
                    continue
                if not batch:
                    if idle_timeout is not None and time.monotonic() - last_data > idle_timeout:
                        return
                    continue
                started = time.monotonic()
                try:
                    result = self.handle(batch)
                except ViewUnavailable as exc:
                    self._wait_for_view(stop, exc)
                    continue
                elapsed = time.monotonic() - started
                self._commit_to_kafka(batch)
                last_data = time.monotonic()
                if self.on_batch:
                    self.on_batch(result, elapsed)
        finally:
            self._consumer.close(autocommit=False)
            self._consumer = None

