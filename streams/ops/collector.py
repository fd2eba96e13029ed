"""The ops server's collection: one reading of the broker becomes an :class:`OpsSnapshot`.

:class:`OpsCollector` reuses the lag collector (:mod:`lintas.streams.ops.lag`) and its offset
reader, reads the log start and end of every lintas topic, the newest timestamp of every
raw topic (ListOffsets ``max-timestamp``: one request, no records fetched), and reads the
DLQ and the events topic on from where it stopped (:mod:`lintas.streams.ops.tails`).
:class:`OpsPoller` runs it in a background thread every ``interval`` seconds and keeps the
latest snapshot, the collection status and the dashboard's series.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from kafka import TopicPartition

from lintas.core.topics import DLQ, SHIPMENT_EVENTS, raw_topic
from lintas.kafka.connection import KafkaConnection
from lintas.streams.ops.flows import SINK_GROUP, agent_flows, agent_records, flow_topics
from lintas.streams.ops.lag import LagCollector
from lintas.streams.ops.offsets import OffsetReader
from lintas.streams.ops.series import SeriesBuffer, point_of
from lintas.streams.ops.snapshot import CollectionStatus, OpsSnapshot, PartnerFreshness
from lintas.streams.ops.tails import DeadLetterTally, EventFreshness, TopicTail
from lintas.streams.ops.verdicts import DEFAULT_WINDOW

__all__ = ["OpsCollector", "OpsConfig", "OpsPoller"]

log = logging.getLogger(__name__)

_RAW_PREFIX = raw_topic("")


@dataclass(frozen=True)
class OpsConfig:
    """What the ops server reads and how often.

    ``groups`` limits the lag metrics to those groups (empty: every consumer group); the
    worker's group and the sink's are always read, for the agents' records in.
    ``tail_budget`` bounds the seconds one collection spends reading the DLQ and the
    events topic on.
    """

    kafka: KafkaConnection
    partners: tuple[str, ...]
    worker_group: str = "lintas"
    groups: tuple[str, ...] = ()
    window: float = DEFAULT_WINDOW
    interval: float = 10.0
    tail_budget: float = 3.0
    history_points: int = 360


class OpsCollector:
    """Collects :class:`OpsSnapshot` readings from one cluster; close it when done."""

    def __init__(self, config: OpsConfig, *, clock: Callable[[], float] = time.time,
                 reader: OffsetReader | None = None) -> None:
        self.config = config
        self._reader = reader or OffsetReader(config.kafka, client_id="lintas-ops")
        self._lag = LagCollector(config.kafka, window=config.window, clock=clock,
                                 reader=self._reader)
        self.flows = agent_flows(config.worker_group, config.partners)
        self.dead_letters = DeadLetterTally()
        self.events = EventFreshness(clock)
        self._tail = TopicTail(config.kafka,
                               {DLQ: self.dead_letters, SHIPMENT_EVENTS: self.events})

    def close(self) -> None:
        """Close every Kafka client."""
        self._tail.close()
        self._lag.close()

    def _groups(self) -> list[str] | None:
        if not self.config.groups:
            return None
        return sorted({*self.config.groups, self.config.worker_group, SINK_GROUP})

    def collect(self) -> OpsSnapshot:
        """One reading of lag, offsets, agents, dead letters and freshness."""
        started = time.monotonic()
        report = self._lag.collect(self._groups())
        raw = {raw_topic(p) for p in self.config.partners}
        lagging = {p.topic for g in report.groups for p in g.partitions}
        partitions = self._reader.topic_partitions(
            raw | flow_topics(self.flows) | {DLQ, SHIPMENT_EVENTS} | lagging)
        log_start, log_end = self._reader.log_offsets(partitions)
        committed: dict[str, dict[TopicPartition, int]] = {}
        for group in report.groups:
            committed[group.group] = {}
            for p in group.partitions:
                tp = TopicPartition(p.topic, p.partition)
                committed[group.group][tp] = p.committed
                if p.log_end is not None:  # keep lag = log end - committed in what is exported
                    log_end[tp] = p.log_end
        newest = self._reader.newest_timestamps([tp for tp in partitions if tp.topic in raw])
        self._tail.read(log_end, self.config.tail_budget)
        return OpsSnapshot(
            time=report.time,
            lag=report,
            log_start=log_start,
            log_end=log_end,
            agents=agent_records(self.flows, committed, log_end),
            dead_letters=dict(self.dead_letters.counts) if self._tail.is_ready(DLQ) else None,
            partners=self._freshness(newest),
            duration=time.monotonic() - started,
            backlog={topic: self._tail.backlog({tp: e for tp, e in log_end.items()
                                                if tp.topic == topic})
                     for topic in self._tail.topics},
        )

    def _freshness(self, newest: dict[TopicPartition, int]) -> tuple[PartnerFreshness, ...]:
        last_record: dict[str, int] = {}
        for tp, stamp in newest.items():
            partner = tp.topic[len(_RAW_PREFIX):]
            last_record[partner] = max(stamp, last_record.get(partner, stamp))
        events = self.events.newest_ms if self._tail.is_ready(SHIPMENT_EVENTS) else {}
        partners = sorted({*self.config.partners, *events})
        return tuple(PartnerFreshness(p, last_record.get(p), events.get(p)) for p in partners)


class OpsPoller:
    """Runs a collector every ``interval`` seconds in a daemon thread.

    A failed collection keeps the last good snapshot and says so in :attr:`status`;
    ``series`` holds the dashboard's history.
    """

    def __init__(self, collector: OpsCollector, *, interval: float | None = None,
                 history_points: int | None = None) -> None:
        config = collector.config
        self.collector = collector
        self.interval = interval if interval is not None else config.interval
        self.series = SeriesBuffer(history_points or config.history_points)
        self._state: tuple[OpsSnapshot | None, CollectionStatus] = (None, CollectionStatus())
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    @property
    def latest(self) -> OpsSnapshot | None:
        """The last good snapshot (``None`` before the first successful collection)."""
        return self._state[0]

    @property
    def status(self) -> CollectionStatus:
        """How the collections went."""
        return self._state[1]

    def state(self) -> tuple[OpsSnapshot | None, CollectionStatus]:
        """The latest snapshot and the status, read together (one reference, swapped whole
        by the collecting thread)."""
        return self._state

    def collect_once(self) -> OpsSnapshot | None:
        """Collect now; on failure keep the previous snapshot and record the error."""
        try:
            snapshot = self.collector.collect()
        except Exception as exc:  # the poller must outlive a broker outage
            log.warning("ops collection failed: %s", exc)
            latest, status = self._state
            self._state = (latest, status.failed(f"{type(exc).__name__}: {exc}"))
            return None
        self.series.add(point_of(snapshot))
        self._state = (snapshot, self._state[1].succeeded(snapshot.time))
        return snapshot

    def start(self) -> None:
        """Start collecting in the background (the first collection right away)."""
        if self._thread is not None:
            return
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, name="lintas-ops-poller", daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 10.0) -> None:
        """Stop collecting: wait up to ``timeout`` seconds for the current collection, after
        which the thread closes the Kafka clients. (The thread is a daemon: a collection
        stuck on an unreachable broker does not keep the process alive.)"""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout)
            self._thread = None

    def _run(self) -> None:
        try:
            while not self._stop.is_set():
                started = time.monotonic()
                self.collect_once()
                self._stop.wait(max(0.0, self.interval - (time.monotonic() - started)))
        finally:
            self.collector.close()

