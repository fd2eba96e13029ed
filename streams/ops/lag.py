"""Consumer lag per group, topic and partition: in messages and in seconds, with its trend,
time to clear and verdict.

:class:`LagCollector` reads the broker (:mod:`lintas.streams.ops.offsets`), keeps a small history
between readings (:mod:`lintas.streams.ops.history`) and returns a :class:`LagReport`. Lag in
seconds is the age of the next unconsumed record (its broker timestamp); when that record
cannot be read (deleted by retention, or not fetched in time) it is estimated from the
sampled log-end offsets (:func:`lintas.streams.ops.estimates.committed_time`). A collector that
reads repeatedly (``lintas lag --watch``) builds the history that trends and verdicts need;
a single reading has no trend and every verdict is ``OK`` unless the offsets rewound.
"""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from lintas.kafka.connection import KafkaConnection
from lintas.streams.ops.estimates import (
    LogEndSample,
    Trend,
    committed_time,
    lag_slope,
    lag_trend,
    time_to_clear,
)
from lintas.streams.ops.history import LagHistory
from lintas.streams.ops.offsets import BrokerOffsets, OffsetReader, RecordTime, TopicPartition
from lintas.streams.ops.verdicts import (
    DEFAULT_WINDOW,
    Observation,
    Verdict,
    group_verdict,
    partition_verdict,
    window_of,
)

__all__ = ["DEFAULT_WINDOW", "GroupLag", "LagCollector", "LagReport", "PartitionLag"]

LagSecondsSource = Literal["record", "interpolated", "extrapolated", "caught-up"]


@dataclass(frozen=True)
class PartitionLag:
    """One group's lag on one partition at one reading.

    ``log_end`` and ``lag`` are ``None`` when the topic is gone or the partition has no
    leader. ``lag_seconds_source`` says how ``lag_seconds`` was found. ``lag_rate`` is the
    lag's slope over the window in messages per second (positive: growing).
    """

    topic: str
    partition: int
    committed: int
    log_end: int | None
    lag: int | None
    lag_seconds: float | None
    lag_seconds_source: LagSecondsSource | None
    trend: Trend | None
    lag_rate: float | None
    time_to_clear: float | None
    verdict: Verdict
    owned: bool | None

    def to_dict(self) -> dict[str, Any]:
        """The JSON form (``lintas lag --json``)."""
        return {
            "topic": self.topic,
            "partition": self.partition,
            "committed": self.committed,
            "log_end": self.log_end,
            "lag": self.lag,
            "lag_seconds": _rounded(self.lag_seconds),
            "lag_seconds_source": self.lag_seconds_source,
            "trend": self.trend,
            "lag_rate": _rounded(self.lag_rate),
            "time_to_clear": _rounded(self.time_to_clear),
            "verdict": self.verdict.name,
            "owned": self.owned,
        }


@dataclass(frozen=True)
class GroupLag:
    """One group at one reading: its state, its partitions and its verdict (the worst)."""

    group: str
    state: str
    members: int
    partitions: tuple[PartitionLag, ...]
    verdict: Verdict

    @property
    def lag(self) -> int:
        """Total lag in messages over the partitions whose lag is known."""
        return sum(p.lag for p in self.partitions if p.lag is not None and p.lag > 0)

    @property
    def lag_seconds(self) -> float | None:
        """The largest lag in seconds among the partitions (``None`` when none is known)."""
        known = [p.lag_seconds for p in self.partitions if p.lag_seconds is not None]
        return max(known, default=None)

    def to_dict(self) -> dict[str, Any]:
        """The JSON form (``lintas lag --json``)."""
        return {
            "state": self.state,
            "members": self.members,
            "lag": self.lag,
            "lag_seconds": _rounded(self.lag_seconds),
            "verdict": self.verdict.name,
            "partitions": [p.to_dict() for p in self.partitions],
        }


@dataclass(frozen=True)
class LagReport:
    """Every selected group at one reading; ``time`` is when the log ends were read."""

    time: float
    window: float
    groups: tuple[GroupLag, ...]

    def to_dict(self) -> dict[str, Any]:
        """One JSON document: groups by id, each with its partitions."""
        return {
            "time": self.time,
            "window_seconds": self.window,
            "groups": {g.group: g.to_dict() for g in self.groups},
        }


class LagCollector:
    """Reads lag from one cluster, keeping history between readings for trends and verdicts.

    Use it as a context manager, or call :meth:`close`, to close its Kafka clients.
    """

    def __init__(
        self,
        kafka: KafkaConnection,
        *,
        window: float = DEFAULT_WINDOW,
        clock: Callable[[], float] = time.time,
        fetch_timeout: float = 5.0,
        reader: OffsetReader | None = None,
    ) -> None:
        self.window = window
        self.history = LagHistory(window)
        self._clock = clock
        self._fetch_timeout = fetch_timeout
        self._reader = reader or OffsetReader(kafka)

    def __enter__(self) -> LagCollector:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Close the Kafka clients."""
        self._reader.close()

    def collect(self, groups: Sequence[str] | None = None) -> LagReport:
        """Read the lag of ``groups`` (default: every consumer group of the cluster)."""
        group_ids = sorted(set(groups)) if groups else self._reader.list_groups()
        offsets = self._reader.read(group_ids, self._clock)
        now = offsets.read_at
        for tp, end in offsets.log_end.items():
            self.history.add_log_end(tp, LogEndSample(now, end))
        records = self._next_records(offsets)
        report = LagReport(
            time=now,
            window=self.window,
            groups=tuple(self._group(group, offsets, records, now) for group in group_ids),
        )
        self.history.retain(
            set(offsets.log_end),
            {(g, tp) for g, committed in offsets.committed.items() for tp in committed},
        )
        return report

    def _next_records(
        self, offsets: BrokerOffsets
    ) -> dict[tuple[TopicPartition, int], RecordTime]:
        """The next unconsumed record of every lagging group and partition whose record is
        still in the log. Groups at different offsets of one partition need one fetch
        round each."""
        wanted: dict[TopicPartition, set[int]] = defaultdict(set)
        for committed in offsets.committed.values():
            for tp, offset in committed.items():
                end = offsets.log_end.get(tp)
                start = offsets.log_start.get(tp, 0)
                if end is not None and start <= offset < end:
                    wanted[tp].add(offset)
        ordered = {tp: sorted(v) for tp, v in wanted.items()}
        out: dict[tuple[TopicPartition, int], RecordTime] = {}
        for index in range(max((len(v) for v in ordered.values()), default=0)):
            this_round = {tp: v[index] for tp, v in ordered.items() if len(v) > index}
            found = self._reader.record_times(this_round, offsets.log_end, self._fetch_timeout)
            out.update({(tp, this_round[tp]): record for tp, record in found.items()})
        return out

    def _group(
        self,
        group: str,
        offsets: BrokerOffsets,
        records: dict[tuple[TopicPartition, int], RecordTime],
        now: float,
    ) -> GroupLag:
        state = offsets.groups.get(group)
        partitions = []
        for tp, committed in sorted(offsets.committed.get(group, {}).items()):
            owned = None if state is None or state.owned is None else tp in state.owned
            partitions.append(
                self._partition(group, tp, committed, offsets, records.get((tp, committed)),
                                owned, now)
            )
        return GroupLag(
            group=group,
            state=state.state if state else "Unknown",
            members=state.members if state else 0,
            partitions=tuple(partitions),
            verdict=group_verdict(p.verdict for p in partitions),
        )

    def _partition(
        self,
        group: str,
        tp: TopicPartition,
        committed: int,
        offsets: BrokerOffsets,
        record: RecordTime | None,
        owned: bool | None,
        now: float,
    ) -> PartitionLag:
        key = (group, tp)
        end = offsets.log_end.get(tp)
        lag = None if end is None else end - committed
        if lag is not None:
            self.history.add_observation(key, Observation(now, committed, lag))
        observations = window_of(self.history.observations(key), self.window)
        points = [(o.time, float(o.lag)) for o in observations]
        slope = lag_slope(points)
        trend = lag_trend(points)
        seconds, source = lag_seconds(lag, committed, record, self.history.log_ends(tp), now)
        return PartitionLag(
            topic=tp.topic,
            partition=tp.partition,
            committed=committed,
            log_end=end,
            lag=lag,
            lag_seconds=seconds,
            lag_seconds_source=source,
            trend=trend,
            lag_rate=slope,
            time_to_clear=None if lag is None else time_to_clear(lag, slope, trend),
            verdict=partition_verdict(self.history.observations(key), self.window, owned=owned),
            owned=owned,
        )


def lag_seconds(
    lag: int | None,
    committed: int,
    record: RecordTime | None,
    samples: Sequence[LogEndSample],
    now: float,
) -> tuple[float | None, LagSecondsSource | None]:
    """Lag in seconds and how it was found: ``0`` when caught up; the age of the next
    unconsumed ``record`` when it was read; else the time since the log end was
    ``committed``, estimated from ``samples``; ``(None, None)`` when unknown."""
    if lag is None:
        return None, None
    if lag <= 0:
        return 0.0, "caught-up"
    if record is not None and record.timestamp_ms >= 0:
        return max(0.0, now - record.timestamp_ms / 1000.0), "record"
    estimate = committed_time(samples, committed)
    if estimate is None:
        return None, None
    moment, method = estimate
    return max(0.0, now - moment), method


def _rounded(value: float | None) -> float | None:
    return None if value is None else round(value, 3)
