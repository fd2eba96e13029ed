"""The small in-memory history the lag readings keep between two collections.

Two kinds of series, both ordered by time:

- log-end samples per topic partition (for lag in seconds by interpolation), kept for
  ``sample_seconds`` and at most ``max_samples`` per partition;
- observations per group and partition (for trends and verdicts), kept for one window
  plus the newest observation older than it (what :func:`lintas.streams.ops.verdicts.window_of`
  needs).
"""

from __future__ import annotations

from collections import deque
from collections.abc import Hashable

from lintas.streams.ops.estimates import LogEndSample
from lintas.streams.ops.verdicts import Observation

__all__ = ["LagHistory"]


class LagHistory:
    """Log-end samples and observations, trimmed as new ones arrive."""

    def __init__(
        self, window: float, *, sample_seconds: float = 3600.0, max_samples: int = 720
    ) -> None:
        if window <= 0:
            raise ValueError("the window must be positive")
        self.window = window
        self.sample_seconds = max(sample_seconds, window)
        self._log_ends: dict[Hashable, deque[LogEndSample]] = {}
        self._observations: dict[Hashable, deque[Observation]] = {}
        self._max_samples = max_samples

    def add_log_end(self, partition: Hashable, sample: LogEndSample) -> None:
        """Record a log-end reading. A log end below the previous one (the topic was
        recreated or truncated) starts the series again."""
        series = self._log_ends.setdefault(partition, deque(maxlen=self._max_samples))
        if series and sample.log_end < series[-1].log_end:
            series.clear()
        if series and sample.time <= series[-1].time:
            return
        series.append(sample)
        horizon = sample.time - self.sample_seconds
        while len(series) > 2 and series[1].time <= horizon:
            series.popleft()

    def log_ends(self, partition: Hashable) -> list[LogEndSample]:
        """The log-end samples of ``partition``, oldest first."""
        return list(self._log_ends.get(partition, ()))

    def add_observation(self, key: Hashable, observation: Observation) -> None:
        """Record a group's reading of one partition (``key``: group and partition)."""
        series = self._observations.setdefault(key, deque())
        if series and observation.time <= series[-1].time:
            return
        series.append(observation)
        horizon = observation.time - self.window
        while len(series) > 1 and series[1].time <= horizon:
            series.popleft()

    def observations(self, key: Hashable) -> list[Observation]:
        """The observations kept for ``key``, oldest first."""
        return list(self._observations.get(key, ()))

    def retain(self, partitions: set[Hashable], keys: set[Hashable]) -> None:
        """Forget the partitions and keys not in the latest reading."""
        for stale in set(self._log_ends) - partitions:
            del self._log_ends[stale]
        for stale in set(self._observations) - keys:
            del self._observations[stale]
