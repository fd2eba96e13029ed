"""Prometheus metrics of an ops snapshot, in the text exposition format.

Names follow the Kafka exporters Prometheus users know (``kafka_consumergroup_lag``,
``kafka_topic_partition_current_offset``, …) with the label ``group`` for the consumer
group; lintas's own metrics start with ``lintas_``. docs/ops.md lists every metric.
A series whose value is unknown (lag of a partition without a leader, freshness of a
partner that never sent anything) is left out rather than exported as a made-up number.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from prometheus_client import CollectorRegistry, generate_latest
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric
from prometheus_client.registry import Collector

from lintas.streams.ops.snapshot import CollectionStatus, OpsSnapshot, age_seconds
from lintas.streams.ops.verdicts import Verdict

__all__ = ["SnapshotCollector", "metric_families", "render_metrics"]

_PARTITION = ["group", "topic", "partition"]


def metric_families(
    snapshot: OpsSnapshot | None, status: CollectionStatus, now: float
) -> list[Metric]:
    """Every metric of ``snapshot`` (``None`` before the first collection: only the ops
    server's own metrics), with ages at ``now``."""
    families = _status_families(status, snapshot)
    if snapshot is not None:
        families += _lag_families(snapshot)
        families += _topic_families(snapshot)
        families += _agent_families(snapshot)
        families += _dead_letter_families(snapshot)
        families += _partner_families(snapshot, now)
    return families


def render_metrics(snapshot: OpsSnapshot | None, status: CollectionStatus, now: float) -> bytes:
    """The text exposition of :func:`metric_families`."""
    registry = CollectorRegistry(auto_describe=False)
    registry.register(SnapshotCollector(lambda: (snapshot, status), lambda: now))
    return generate_latest(registry)


class SnapshotCollector(Collector):
    """A Prometheus collector serving whatever ``source`` returns at scrape time."""

    def __init__(
        self,
        source: Callable[[], tuple[OpsSnapshot | None, CollectionStatus]],
        clock: Callable[[], float],
    ) -> None:
        self._source = source
        self._clock = clock

    def collect(self) -> Iterator[Metric]:
        snapshot, status = self._source()
        yield from metric_families(snapshot, status, self._clock())


def _status_families(status: CollectionStatus, snapshot: OpsSnapshot | None) -> list[Metric]:
    attempts = CounterMetricFamily("lintas_ops_collections", "Collections attempted.")
    attempts.add_metric([], status.attempts)
    failures = CounterMetricFamily("lintas_ops_collection_failures",
                                   "Collections that failed (broker unreachable, timeouts).")
    failures.add_metric([], status.failures)
    ok = GaugeMetricFamily("lintas_ops_last_collection_success",
                           "1 when the latest collection succeeded, else 0.")
    ok.add_metric([], 1.0 if status.last_ok else 0.0)
    out: list[Metric] = [attempts, failures, ok]
    if status.last_success is not None:
        success = GaugeMetricFamily("lintas_ops_last_success_timestamp_seconds",
                                    "When the metrics served were read (epoch seconds).")
        success.add_metric([], status.last_success)
        out.append(success)
    if snapshot is not None:
        duration = GaugeMetricFamily("lintas_ops_collection_duration_seconds",
                                     "How long the latest successful collection took.")
        duration.add_metric([], snapshot.duration)
        backlog = GaugeMetricFamily("lintas_ops_tail_backlog_records",
                                    "Records of a topic the ops server still has to read.",
                                    labels=["topic"])
        for topic, records in sorted(snapshot.backlog.items()):
            backlog.add_metric([topic], records)
        out += [duration, backlog]
    return out


def _gauge(name: str, documentation: str, labels: list[str]) -> GaugeMetricFamily:
    return GaugeMetricFamily(name, documentation, labels=labels)


def _lag_families(snapshot: OpsSnapshot) -> list[Metric]:
    current = _gauge("kafka_consumergroup_current_offset",
                     "Committed offset of the group on the partition.", _PARTITION)
    lag = _gauge("kafka_consumergroup_lag",
                 "Lag in messages: log-end offset minus committed offset.", _PARTITION)
    seconds = _gauge("kafka_consumergroup_lag_seconds",
                     "Lag in seconds: age of the next unconsumed record.", _PARTITION)
    rate = _gauge("lintas_consumergroup_lag_rate",
                  "Slope of the lag over the verdict window, messages per second.", _PARTITION)
    clear = _gauge("lintas_consumergroup_time_to_clear_seconds",
                   "Seconds until the lag is zero at the current pace.", _PARTITION)
    partition_code = _gauge("lintas_consumergroup_partition_status_code",
                            "Verdict of the partition: 0 OK, 1 WARN, 2 STALL, 3 STOP, 4 REWIND.",
                            _PARTITION)
    members = _gauge("kafka_consumergroup_members", "Members of the group.", ["group"])
    one_hot = _gauge("lintas_consumergroup_status",
                     "1 for the group's verdict (OK, WARN, STALL, STOP, REWIND), 0 for the others.",
                     ["group", "status"])
    code = _gauge("lintas_consumergroup_status_code",
                  "Verdict of the group, its worst partition: 0 OK, 1 WARN, 2 STALL, 3 STOP, "
                  "4 REWIND.", ["group"])
    for group in snapshot.lag.groups:
        members.add_metric([group.group], group.members)
        code.add_metric([group.group], int(group.verdict))
        for verdict in Verdict:
            one_hot.add_metric([group.group, verdict.name], float(verdict == group.verdict))
        for p in group.partitions:
            labels = [group.group, p.topic, str(p.partition)]
            current.add_metric(labels, p.committed)
            partition_code.add_metric(labels, int(p.verdict))
            _maybe(lag, labels, p.lag)
            _maybe(seconds, labels, p.lag_seconds)
            _maybe(rate, labels, p.lag_rate)
            _maybe(clear, labels, p.time_to_clear)
    return [current, lag, seconds, members, one_hot, code, partition_code, rate, clear]


def _maybe(family: GaugeMetricFamily, labels: list[str], value: float | None) -> None:
    if value is not None:
        family.add_metric(labels, value)


def _topic_families(snapshot: OpsSnapshot) -> list[Metric]:
    end = _gauge("kafka_topic_partition_current_offset",
                 "Log-end offset of the partition: the offset of the next record produced.",
                 ["topic", "partition"])
    start = _gauge("kafka_topic_partition_oldest_offset",
                   "Log-start offset of the partition: its oldest retained record.",
                   ["topic", "partition"])
    for tp, offset in sorted(snapshot.log_end.items()):
        end.add_metric([tp.topic, str(tp.partition)], offset)
    for tp, offset in sorted(snapshot.log_start.items()):
        start.add_metric([tp.topic, str(tp.partition)], offset)
    return [end, start]


def _agent_families(snapshot: OpsSnapshot) -> list[Metric]:
    records_in = CounterMetricFamily(
        "lintas_agent_records_in",
        "Records an agent has consumed: its group's committed offsets on its input topics.",
        labels=["agent"])
    records_out = CounterMetricFamily(
        "lintas_agent_records_out",
        "Records an agent has produced: log-end offsets of the topics only it writes.",
        labels=["agent"])
    for agent in snapshot.agents:
        if agent.records_in is not None:
            records_in.add_metric([agent.agent], agent.records_in)
        if agent.records_out is not None:
            records_out.add_metric([agent.agent], agent.records_out)
    return [records_in, records_out]


def _dead_letter_families(snapshot: OpsSnapshot) -> list[Metric]:
    if snapshot.dead_letters is None:
        return []
    letters = CounterMetricFamily(
        "lintas_dead_letters",
        "Records on lintas.dlq.v1 by partner, stage and reason (error class).",
        labels=["partner", "stage", "reason"])
    for key, count in sorted(snapshot.dead_letters.items()):
        letters.add_metric([key.partner, key.stage, key.reason], count)
    return [letters]


def _partner_families(snapshot: OpsSnapshot, now: float) -> list[Metric]:
    families: dict[str, Any] = {
        "record_ts": _gauge("lintas_partner_last_record_timestamp_seconds",
                            "Broker timestamp of the newest record on lintas.raw.<partner>.",
                            ["partner"]),
        "record_age": _gauge("lintas_partner_last_record_age_seconds",
                             "Age of the newest record on lintas.raw.<partner>.", ["partner"]),
        "event_ts": _gauge("lintas_partner_newest_event_timestamp_seconds",
                           "occurred_at of the partner's newest canonical event.", ["partner"]),
        "event_age": _gauge("lintas_partner_newest_event_age_seconds",
                            "Age of the occurred_at of the partner's newest canonical event.",
                            ["partner"]),
    }
    for p in snapshot.partners:
        if p.last_record_ms is not None:
            families["record_ts"].add_metric([p.partner], p.last_record_ms / 1000.0)
            families["record_age"].add_metric([p.partner], age_seconds(p.last_record_ms, now))
        if p.newest_event_ms is not None:
            families["event_ts"].add_metric([p.partner], p.newest_event_ms / 1000.0)
            families["event_age"].add_metric([p.partner], age_seconds(p.newest_event_ms, now))
    return list(families.values())
