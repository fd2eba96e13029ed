"""Pure lag arithmetic: lag in seconds from sampled log-end offsets, trend, time to clear.

Times are seconds since the epoch (floats), offsets are Kafka offsets. Nothing here reads
a clock or the broker, so every function is tested on synthetic samples.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

__all__ = [
    "EstimateMethod",
    "LogEndSample",
    "Trend",
    "committed_time",
    "lag_slope",
    "lag_trend",
    "time_to_clear",
]

Trend = Literal["growing", "shrinking", "steady"]
EstimateMethod = Literal["interpolated", "extrapolated"]


@dataclass(frozen=True)
class LogEndSample:
    """The log-end offset of one partition as read at ``time``."""

    time: float
    log_end: int


def committed_time(
    samples: Sequence[LogEndSample], committed: int
) -> tuple[float, EstimateMethod] | None:
    """When the log end of the partition was ``committed``: the moment just before the next
    unconsumed record (offset ``committed``) was appended.

    ``samples`` are ordered by time with non-decreasing log ends. Between the last sample
    whose log end is at most ``committed`` and the next one, the time is interpolated
    linearly. When ``committed`` is below every sample, the time is extrapolated backwards
    at the average production rate of all samples. ``None`` when nothing can be said: no
    samples, or a log end that never moved while the committed offset is below it.
    """
    if not samples:
        return None
    latest = samples[-1]
    if committed >= latest.log_end:
        return latest.time, "interpolated"
    before = None
    for index, sample in enumerate(samples):
        if sample.log_end <= committed:
            before = index
    if before is not None:
        low, high = samples[before], samples[before + 1]
        fraction = (committed - low.log_end) / (high.log_end - low.log_end)
        return low.time + fraction * (high.time - low.time), "interpolated"
    first = samples[0]
    span = latest.time - first.time
    produced = latest.log_end - first.log_end
    if span <= 0 or produced <= 0:
        return None
    rate = produced / span
    return first.time - (first.log_end - committed) / rate, "extrapolated"


def lag_slope(points: Sequence[tuple[float, float]]) -> float | None:
    """Least-squares slope of lag over time, in messages per second (positive: growing).

    ``None`` with fewer than two points or when all points share one time.
    """
    if len(points) < 2:
        return None
    count = len(points)
    mean_t = sum(t for t, _ in points) / count
    mean_lag = sum(lag for _, lag in points) / count
    spread = sum((t - mean_t) ** 2 for t, _ in points)
    if spread == 0:
        return None
    return sum((t - mean_t) * (lag - mean_lag) for t, lag in points) / spread


def lag_trend(points: Sequence[tuple[float, float]]) -> Trend | None:
    """``growing``, ``shrinking`` or ``steady`` lag over ``points`` (time, lag).

    The fitted change over the span of the points (slope times span) must exceed one
    message and 1 % of the mean lag to count as a trend; smaller changes are ``steady``.
    ``None`` when the slope is unknown.
    """
    slope = lag_slope(points)
    if slope is None:
        return None
    span = points[-1][0] - points[0][0]
    mean_lag = sum(lag for _, lag in points) / len(points)
    change = slope * span
    if abs(change) < max(1.0, 0.01 * abs(mean_lag)):
        return "steady"
    return "growing" if change > 0 else "shrinking"


def time_to_clear(lag: int, slope: float | None, trend: Trend | None) -> float | None:
    """Seconds until the lag reaches zero at the current net drain rate.

    The drain rate is minus the lag slope: consumption minus production, so records
    still arriving are accounted for. ``0.0`` when there is no lag; ``None`` when the lag
    is not shrinking (it will not clear at this pace).
    """
    if lag <= 0:
        return 0.0
    if slope is None or trend != "shrinking" or slope >= 0:
        return None
    return lag / -slope
