"""Operations: consumer lag in messages and seconds, trends, time to clear and verdicts.

The pure rules are importable from here; the collector that reads the broker lives in
:mod:`lintas.streams.ops.lag` (``from lintas.streams.ops.lag import LagCollector``), so
that importing the rules does not load kafka-python. docs/lag.md describes both for ops engineers.
"""

from lintas.streams.ops.estimates import (
    LogEndSample,
    committed_time,
    lag_slope,
    lag_trend,
    time_to_clear,
)
from lintas.streams.ops.verdicts import (
    DEFAULT_WINDOW,
    Observation,
    Verdict,
    group_verdict,
    partition_verdict,
)

__all__ = [
    "DEFAULT_WINDOW",
    "LogEndSample",
    "Observation",
    "Verdict",
    "committed_time",
    "group_verdict",
    "lag_slope",
    "lag_trend",
    "partition_verdict",
    "time_to_clear",
]
