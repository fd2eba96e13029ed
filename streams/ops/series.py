"""The dashboard's time series: a bounded history of snapshots, reduced to chart points.

Each collection adds one :class:`Point` (lag per group, records in per agent, log end per
topic, dead letters so far, partner freshness). :meth:`SeriesBuffer.to_dict` turns them
into aligned series for ``GET /api/series``: lag per group, throughput per agent (records
per second between two points), dead letters per minute and the age of each partner's
newest raw record. A counter that went down between two points (a group reset, the ops
server's DLQ reading restarted) gives no rate for that step rather than a negative one.
"""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from lintas.streams.ops.snapshot import OpsSnapshot, age_seconds

__all__ = ["Point", "SeriesBuffer", "point_of", "rate", "series_of"]


@dataclass(frozen=True)
class Point:
    """What the charts need from one snapshot."""

    time: float
    group_lag: Mapping[str, int]
    agent_in: Mapping[str, int]
    dead_letters: int | None
    record_age: Mapping[str, float]


def point_of(snapshot: OpsSnapshot) -> Point:
    """The chart point of ``snapshot`` (partner ages as of the snapshot's time)."""
    ages = {}
    for p in snapshot.partners:
        age = age_seconds(p.last_record_ms, snapshot.time)
        if age is not None:
            ages[p.partner] = age
    return Point(
        time=snapshot.time,
        group_lag={g.group: g.lag for g in snapshot.lag.groups},
        agent_in={a.agent: a.records_in for a in snapshot.agents if a.records_in is not None},
        dead_letters=snapshot.dead_letters_total,
        record_age=ages,
    )


def rate(before: float | None, after: float | None, seconds: float) -> float | None:
    """Per-second increase of a counter between two readings ``seconds`` apart; ``None``
    when either reading is unknown, no time passed, or the counter went down."""
    if before is None or after is None or seconds <= 0 or after < before:
        return None
    return (after - before) / seconds


class SeriesBuffer:
    """The last ``capacity`` points, safe to add to from one thread and read from others."""

    def __init__(self, capacity: int = 360) -> None:
        self._points: deque[Point] = deque(maxlen=capacity)
        self._lock = threading.Lock()

    def add(self, point: Point) -> None:
        """Append a point (one per collection)."""
        with self._lock:
            self._points.append(point)

    def points(self) -> list[Point]:
        """The points kept, oldest first."""
        with self._lock:
            return list(self._points)

    def to_dict(self) -> dict[str, Any]:
        """Aligned series: ``time`` and, per name, one value (or ``null``) per time."""
        return series_of(self.points())


def series_of(points: Sequence[Point]) -> dict[str, Any]:
    """The chart series of ``points`` (see the module docstring)."""
    groups = sorted({g for p in points for g in p.group_lag})
    agents = sorted({a for p in points for a in p.agent_in})
    partners = sorted({name for p in points for name in p.record_age})
    throughput: dict[str, list[float | None]] = {a: [] for a in agents}
    dlq_per_minute: list[float | None] = []
    for index, point in enumerate(points):
        previous = points[index - 1] if index else None
        span = point.time - previous.time if previous else 0.0
        for agent in agents:
            before = previous.agent_in.get(agent) if previous else None
            throughput[agent].append(_round(rate(before, point.agent_in.get(agent), span)))
        per_second = rate(previous.dead_letters if previous else None, point.dead_letters, span)
        dlq_per_minute.append(_round(None if per_second is None else per_second * 60))
    return {
        "time": [p.time for p in points],
        "lag": {g: [p.group_lag.get(g) for p in points] for g in groups},
        "throughput": throughput,
        "dlq_per_minute": dlq_per_minute,
        "record_age": {n: [_round(p.record_age.get(n)) for p in points] for n in partners},
    }


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 3)
