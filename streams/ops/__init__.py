"""Operations: consumer lag in messages and seconds, trends, time to clear and verdicts.

``LagCollector`` reads the broker; ``estimates`` and ``verdicts`` are the pure rules it
applies (see docs/lag.md).
"""

from streams.ops.estimates import LogEndSample, committed_time, lag_slope, lag_trend, time_to_clear
from streams.ops.lag import DEFAULT_WINDOW, GroupLag, LagCollector, LagReport, PartitionLag
from streams.ops.verdicts import Observation, Verdict, group_verdict, partition_verdict

__all__ = [
    "DEFAULT_WINDOW",
    "GroupLag",
    "LagCollector",
    "LagReport",
    "LogEndSample",
    "Observation",
    "PartitionLag",
    "Verdict",
    "committed_time",
    "group_verdict",
    "lag_slope",
    "lag_trend",
    "partition_verdict",
    "time_to_clear",
]
