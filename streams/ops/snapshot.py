"""One collection of the ops server: lag, topic offsets, agents, dead letters, freshness.

A snapshot holds what was read and when; ages are computed from it at the moment they are
asked for (a scrape, a page refresh), so a snapshot a few seconds old still tells the
right age. Everything here is pure data, built by :mod:`lintas.streams.ops.collector` and turned
into Prometheus metrics (:mod:`lintas.streams.ops.exposition`) and JSON (``GET /api/snapshot``).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from kafka import TopicPartition

from lintas.streams.ops.flows import AgentRecords
from lintas.streams.ops.lag import LagReport
from lintas.streams.ops.tails import DeadLetterKey

__all__ = ["CollectionStatus", "OpsSnapshot", "PartnerFreshness", "age_seconds"]


def age_seconds(timestamp_ms: int | None, now: float) -> float | None:
    """Seconds from ``timestamp_ms`` to ``now``; never negative (a clock ahead of ours is 0)."""
    if timestamp_ms is None:
        return None
    return max(0.0, now - timestamp_ms / 1000.0)


@dataclass(frozen=True)
class PartnerFreshness:
    """How recent a partner's data is.

    ``last_record_ms``: the newest broker timestamp on ``lintas.raw.<partner>`` (when the
    connector last delivered something). ``newest_event_ms``: the newest ``occurred_at`` of
    the partner's canonical events (how recent the scans it reports are). ``None``: nothing
    seen (or, for events, the events topic is still being read).
    """

    partner: str
    last_record_ms: int | None
    newest_event_ms: int | None

    def to_dict(self, now: float) -> dict[str, Any]:
        """The JSON form, with ages at ``now``."""
        return {
            "partner": self.partner,
            "last_record_ms": self.last_record_ms,
            "last_record_age_seconds": _rounded(age_seconds(self.last_record_ms, now)),
            "newest_event_ms": self.newest_event_ms,
            "newest_event_age_seconds": _rounded(age_seconds(self.newest_event_ms, now)),
        }


@dataclass(frozen=True)
class OpsSnapshot:
    """Everything one collection read. ``time`` is when the offsets were read (epoch s).

    ``log_start`` and ``log_end`` cover every partition of the lintas topics and of the
    topics the groups committed on; for the latter, ``log_end`` is the very value their
    lag was computed from. ``dead_letters`` is ``None`` until the DLQ has been read up to
    its end once (see :mod:`lintas.streams.ops.tails`).
    """

    time: float
    lag: LagReport
    log_start: Mapping[TopicPartition, int]
    log_end: Mapping[TopicPartition, int]
    agents: tuple[AgentRecords, ...]
    dead_letters: Mapping[DeadLetterKey, int] | None
    partners: tuple[PartnerFreshness, ...]
    duration: float = 0.0
    backlog: Mapping[str, int] = field(default_factory=dict)

    @property
    def dead_letters_total(self) -> int | None:
        """Every dead letter counted so far (``None`` while the DLQ is still being read)."""
        return None if self.dead_letters is None else sum(self.dead_letters.values())

    def topic_totals(self) -> dict[str, tuple[int, int, int]]:
        """Per topic: partitions, summed log start and summed log end."""
        totals: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
        for tp, end in self.log_end.items():
            entry = totals[tp.topic]
            entry[0] += 1
            entry[1] += self.log_start.get(tp, 0)
            entry[2] += end
        return {topic: (v[0], v[1], v[2]) for topic, v in sorted(totals.items())}

    def to_dict(self, now: float) -> dict[str, Any]:
        """The JSON form of ``GET /api/snapshot``, with ages at ``now``."""
        letters = None
        if self.dead_letters is not None:
            letters = [
                {"partner": k.partner, "stage": k.stage, "reason": k.reason, "count": n}
                for k, n in sorted(self.dead_letters.items(), key=lambda kv: (-kv[1], kv[0]))
            ]
        return {
            "time": self.time,
            "duration_seconds": round(self.duration, 3),
            "lag": self.lag.to_dict(),
            "topics": [
                {"topic": topic, "partitions": n, "log_start": start, "log_end": end,
                 "records": end - start}
                for topic, (n, start, end) in self.topic_totals().items()
            ],
            "agents": [a.to_dict() for a in self.agents],
            "dead_letters": {"total": self.dead_letters_total, "by_reason": letters},
            "partners": [p.to_dict(now) for p in self.partners],
            "backlog": dict(self.backlog),
        }


@dataclass(frozen=True)
class CollectionStatus:
    """How the collections went: counts, the last success and the last error."""

    attempts: int = 0
    failures: int = 0
    last_ok: bool = False
    last_success: float | None = None
    last_error: str | None = None

    def succeeded(self, at: float) -> CollectionStatus:
        """The status after a successful collection at ``at``."""
        return CollectionStatus(self.attempts + 1, self.failures, True, at, self.last_error)

    def failed(self, error: str) -> CollectionStatus:
        """The status after a failed collection."""
        return CollectionStatus(self.attempts + 1, self.failures + 1, False, self.last_success,
                                error)

    def to_dict(self) -> dict[str, Any]:
        """The JSON form."""
        return {"attempts": self.attempts, "failures": self.failures, "ok": self.last_ok,
                "last_success": self.last_success, "last_error": self.last_error}


def _rounded(value: float | None) -> float | None:
    return None if value is None else round(value, 3)
