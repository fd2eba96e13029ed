"""Burrow-style verdicts on a consumer's progress, as pure functions of observations.

An observation is what one lag reading saw for one group and partition: when, the
committed offset, and the lag in messages. A partition's verdict looks at the
observations of the last ``window`` seconds (see :func:`window_of`); a group takes the
worst verdict of its partitions. Severity, from best to worst::

    OK < WARN < STALL < STOP < REWIND

The rules, in the order they are applied (docs/lag.md explains them with examples):

1. No observation: ``OK``.
2. The committed offset went down between two consecutive observations of the
   window: ``REWIND``.
3. Fewer than two observations in the window, or the lag was zero (or below) in one
   of them: ``OK``.
4. The window is not full yet (the history does not reach back ``window`` seconds):
   ``OK``.
5. The committed offset did not change across the full window while lagging: ``STALL``
   when a live member of the group owns the partition (the consumer runs but makes no
   progress), else ``STOP`` (no consumer commits: nobody owns it, or ownership is unknown).
6. The offset advanced but the lag grew across the window (trend ``growing``): ``WARN``.
7. Otherwise: ``OK``.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import IntEnum
from itertools import pairwise

from lintas.streams.ops.estimates import lag_trend

__all__ = [
    "DEFAULT_WINDOW",
    "Observation",
    "Verdict",
    "group_verdict",
    "is_full",
    "partition_verdict",
    "window_of",
]

DEFAULT_WINDOW = 120.0
"""Seconds of observations a verdict looks at unless told otherwise (``lintas lag --window``)."""


class Verdict(IntEnum):
    """A partition's or group's status; a larger value is worse."""

    OK = 0
    WARN = 1
    STALL = 2
    STOP = 3
    REWIND = 4


@dataclass(frozen=True)
class Observation:
    """One reading of a group's partition: time (epoch seconds), committed offset, lag."""

    time: float
    committed: int
    lag: int


def window_of(history: Sequence[Observation], window: float) -> list[Observation]:
    """The observations of the last ``window`` seconds before the newest one, plus the newest
    observation older than that, so that a full window spans at least ``window`` seconds.

    ``history`` is ordered by time.
    """
    if not history:
        return []
    start = history[-1].time - window
    first = 0
    for index, observation in enumerate(history):
        if observation.time <= start:
            first = index
        else:
            break
    return list(history[first:])


def is_full(observations: Sequence[Observation], window: float) -> bool:
    """Whether ``observations`` (a :func:`window_of` result) span ``window`` seconds."""
    return bool(observations) and observations[-1].time - observations[0].time >= window


def _rewound(observations: Sequence[Observation]) -> bool:
    return any(b.committed < a.committed for a, b in pairwise(observations))


def partition_verdict(
    history: Sequence[Observation], window: float, *, owned: bool | None = None
) -> Verdict:
    """The verdict of one partition from its ``history`` (ordered by time).

    ``owned`` tells whether a live member of the group has the partition assigned at the
    newest observation (``None``: unknown). See the module docstring for the rules.
    """
    observations = window_of(history, window)
    if not observations:
        return Verdict.OK
    if _rewound(observations):
        return Verdict.REWIND
    if len(observations) < 2 or any(o.lag <= 0 for o in observations):
        return Verdict.OK
    if not is_full(observations, window):
        return Verdict.OK
    if len({o.committed for o in observations}) == 1:
        return Verdict.STALL if owned else Verdict.STOP
    if lag_trend([(o.time, float(o.lag)) for o in observations]) == "growing":
        return Verdict.WARN
    return Verdict.OK


def group_verdict(verdicts: Iterable[Verdict]) -> Verdict:
    """The worst of a group's partition verdicts; ``OK`` for a group with none."""
    return max(verdicts, default=Verdict.OK)
