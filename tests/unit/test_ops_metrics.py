"""Prometheus metrics of the ops server, rendered from synthetic snapshots, and the sink's
in-process metrics.

The snapshot built here has every kind of figure: two groups (one stopped), a partition
without a leader, agents, dead letters and partners with and without data. The ops server
against a real broker is tested in tests/integration/test_ops_metrics.py.
"""

from __future__ import annotations

from kafka import TopicPartition
from prometheus_client import REGISTRY
from prometheus_client.parser import text_string_to_metric_families

from lintas.streams.ops.exposition import render_metrics
from lintas.streams.ops.flows import AgentRecords
from lintas.streams.ops.lag import GroupLag, LagReport, PartitionLag
from lintas.streams.ops.metrics import observe_sink_batch
from lintas.streams.ops.snapshot import CollectionStatus, OpsSnapshot, PartnerFreshness
from lintas.streams.ops.tails import DeadLetterKey
from lintas.streams.ops.verdicts import Verdict

NOW = 1_800_000_000.0
READ_AT = NOW - 4.0


def partition(topic: str, number: int, committed: int, log_end: int | None, *,
              seconds: float | None = None, verdict: Verdict = Verdict.OK,
              rate: float | None = None, clear: float | None = None) -> PartitionLag:
    lag = None if log_end is None else log_end - committed
    return PartitionLag(
        topic=topic, partition=number, committed=committed, log_end=log_end, lag=lag,
        lag_seconds=seconds, lag_seconds_source="record" if seconds else None,
        trend="steady" if rate is not None else None, lag_rate=rate, time_to_clear=clear,
        verdict=verdict, owned=True,
    )


def synthetic_snapshot() -> OpsSnapshot:
    """A snapshot with every kind of metric in it."""
    worker = GroupLag("lintas", "Stable", 1, (
        partition("lintas.raw.pos", 0, 100, 130, seconds=42.5, rate=1.5, clear=None),
        partition("lintas.raw.pos", 1, 80, 80, seconds=0.0, rate=0.0, clear=0.0),
        partition("lintas.shipment-events.v1", 0, 500, None),
    ), Verdict.OK)
    sink = GroupLag("lintas-view-sink", "Empty", 0, (
        partition("lintas.shipments.v1", 0, 10, 25, seconds=300.0, verdict=Verdict.STOP),
    ), Verdict.STOP)
    report = LagReport(READ_AT, 120.0, (worker, sink))
    log_end = {
        TopicPartition("lintas.raw.pos", 0): 130,
        TopicPartition("lintas.raw.pos", 1): 80,
        TopicPartition("lintas.shipments.v1", 0): 25,
        TopicPartition("lintas.dlq.v1", 0): 7,
    }
    log_start = {tp: 0 for tp in log_end} | {TopicPartition("lintas.raw.pos", 0): 20}
    return OpsSnapshot(
        time=READ_AT,
        lag=report,
        log_start=log_start,
        log_end=log_end,
        agents=(AgentRecords("normalize_records", 180, 900), AgentRecords("view_sink", 10, None),
                AgentRecords("match_handovers", None, None)),
        dead_letters={DeadLetterKey("pos", "normalize", "InvalidEvent"): 5,
                      DeadLetterKey("unknown", "sink", "SchemaError"): 2},
        partners=(PartnerFreshness("pos", int((NOW - 30) * 1000), int((NOW - 3600) * 1000)),
                  PartnerFreshness("jne", None, None)),
        duration=0.25,
        backlog={"lintas.dlq.v1": 0, "lintas.shipment-events.v1": 12},
    )


def samples(text: bytes) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    """``(sample name, sorted labels) -> value`` of an exposition."""
    out = {}
    for family in text_string_to_metric_families(text.decode()):
        for sample in family.samples:
            out[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
    return out


def value(found: dict, name: str, **labels: str) -> float:
    return found[(name, tuple(sorted(labels.items())))]


def rendered() -> dict:
    return samples(render_metrics(synthetic_snapshot(), CollectionStatus().succeeded(READ_AT),
                                  NOW))


def test_lag_metrics_carry_group_topic_and_partition():
    found = rendered()
    pos0 = {"group": "lintas", "topic": "lintas.raw.pos", "partition": "0"}
    assert value(found, "kafka_consumergroup_current_offset", **pos0) == 100
    assert value(found, "kafka_consumergroup_lag", **pos0) == 30
    assert value(found, "kafka_consumergroup_lag_seconds", **pos0) == 42.5
    assert value(found, "lintas_consumergroup_lag_rate", **pos0) == 1.5
    assert value(found, "lintas_consumergroup_partition_status_code", **pos0) == 0
    sink = {"group": "lintas-view-sink", "topic": "lintas.shipments.v1", "partition": "0"}
    assert value(found, "kafka_consumergroup_lag", **sink) == 15
    assert value(found, "lintas_consumergroup_partition_status_code", **sink) == int(Verdict.STOP)
    assert value(found, "kafka_consumergroup_members", group="lintas") == 1


def test_unknown_figures_are_left_out_not_made_up():
    found = rendered()
    leaderless = {"group": "lintas", "topic": "lintas.shipment-events.v1", "partition": "0"}
    assert value(found, "kafka_consumergroup_current_offset", **leaderless) == 500
    for name in ("kafka_consumergroup_lag", "kafka_consumergroup_lag_seconds",
                 "lintas_consumergroup_time_to_clear_seconds"):
        assert (name, tuple(sorted(leaderless.items()))) not in found
    pos0 = {"group": "lintas", "topic": "lintas.raw.pos", "partition": "0"}
    assert ("lintas_consumergroup_time_to_clear_seconds", tuple(sorted(pos0.items()))) \
        not in found  # the lag is not shrinking: it will not clear
    assert not any(labels == (("partner", "jne"),) for _, labels in found)
    assert not any(name.startswith("lintas_agent_") and labels == (("agent", "match_handovers"),)
                   for name, labels in found)


def test_group_verdict_is_one_hot_and_numeric():
    found = rendered()
    for group, verdict in (("lintas", Verdict.OK), ("lintas-view-sink", Verdict.STOP)):
        hot = {v.name: value(found, "lintas_consumergroup_status", group=group, status=v.name)
               for v in Verdict}
        assert hot == {v.name: float(v == verdict) for v in Verdict}
        assert value(found, "lintas_consumergroup_status_code", group=group) == int(verdict)


def test_topic_offsets():
    found = rendered()
    pos0 = {"topic": "lintas.raw.pos", "partition": "0"}
    assert value(found, "kafka_topic_partition_current_offset", **pos0) == 130
    assert value(found, "kafka_topic_partition_oldest_offset", **pos0) == 20
    assert value(found, "kafka_topic_partition_current_offset",
                 topic="lintas.dlq.v1", partition="0") == 7


def test_agents_dead_letters_and_freshness():
    found = rendered()
    assert value(found, "lintas_agent_records_in_total", agent="normalize_records") == 180
    assert value(found, "lintas_agent_records_out_total", agent="normalize_records") == 900
    assert value(found, "lintas_agent_records_in_total", agent="view_sink") == 10
    assert ("lintas_agent_records_out_total", (("agent", "view_sink"),)) not in found
    assert value(found, "lintas_dead_letters_total", partner="pos", stage="normalize",
                 reason="InvalidEvent") == 5
    assert value(found, "lintas_dead_letters_total", partner="unknown", stage="sink",
                 reason="SchemaError") == 2
    # Ages are computed at scrape time (NOW), not at collection time.
    assert value(found, "lintas_partner_last_record_age_seconds", partner="pos") == 30
    assert value(found, "lintas_partner_newest_event_age_seconds", partner="pos") == 3600
    assert value(found, "lintas_partner_last_record_timestamp_seconds", partner="pos") == NOW - 30


def test_collection_status_metrics():
    found = rendered()
    assert value(found, "lintas_ops_collections_total") == 1
    assert value(found, "lintas_ops_collection_failures_total") == 0
    assert value(found, "lintas_ops_last_collection_success") == 1
    assert value(found, "lintas_ops_last_success_timestamp_seconds") == READ_AT
    assert value(found, "lintas_ops_collection_duration_seconds") == 0.25
    assert value(found, "lintas_ops_tail_backlog_records", topic="lintas.shipment-events.v1") == 12

    failing = CollectionStatus().succeeded(READ_AT).failed("BrokerError: down")
    found = samples(render_metrics(synthetic_snapshot(), failing, NOW))
    assert value(found, "lintas_ops_last_collection_success") == 0
    assert value(found, "lintas_ops_collection_failures_total") == 1
    assert value(found, "kafka_consumergroup_lag", group="lintas", topic="lintas.raw.pos",
                 partition="0") == 30  # the last good snapshot is still served


def test_before_the_first_collection_only_the_status_is_served():
    found = samples(render_metrics(None, CollectionStatus().failed("BrokerError: down"), NOW))
    assert {name for name, _ in found} == {
        "lintas_ops_collections_total", "lintas_ops_collection_failures_total",
        "lintas_ops_last_collection_success",
    }


def test_dead_letters_are_left_out_while_the_dlq_is_still_being_read():
    snapshot = synthetic_snapshot()
    reading = OpsSnapshot(**{**snapshot.__dict__, "dead_letters": None})
    found = samples(render_metrics(reading, CollectionStatus().succeeded(READ_AT), NOW))
    assert not any(name == "lintas_dead_letters_total" for name, _ in found)


def test_the_sink_observes_commit_latency_and_records_per_topic():
    class TP:
        def __init__(self, topic: str) -> None:
            self.topic = topic

    def current(name: str, **labels: str) -> float:
        return REGISTRY.get_sample_value(name, labels) or 0.0

    before_count = current("lintas_sink_commit_seconds_count")
    before_views = current("lintas_sink_records_total", topic="lintas.shipments.v1")
    before_dlq = current("lintas_sink_records_total", topic="lintas.dlq.v1")
    observe_sink_batch({TP("lintas.shipments.v1"): [1, 2, 3], TP("lintas.dlq.v1"): [4]}, 0.02)
    assert current("lintas_sink_commit_seconds_count") == before_count + 1
    assert current("lintas_sink_records_total", topic="lintas.shipments.v1") == before_views + 3
    assert current("lintas_sink_records_total", topic="lintas.dlq.v1") == before_dlq + 1
    assert current("lintas_sink_commit_seconds_bucket", le="0.025") >= 1


def test_the_sink_metrics_server_serves_them():
    import httpx

    from lintas.connectors.sandboxes import free_port
    from lintas.streams.ops.metrics import start_metrics_server

    port = free_port()
    server = start_metrics_server(port)
    try:
        text = httpx.get(f"http://127.0.0.1:{port}/metrics", timeout=10).text
    finally:
        server.shutdown()
        server.server_close()
    assert "lintas_sink_commit_seconds_bucket" in text
    assert "# TYPE lintas_sink_records_total counter" in text


def test_table_keys_are_read_at_each_scrape():
    from prometheus_client import CollectorRegistry, generate_latest

    from lintas.streams.ops.metrics import _TableKeys

    legs: dict[bytes, bytes] = {b"pos:P1": b"", b"jne:J1": b""}
    registry = CollectorRegistry()
    registry.register(_TableKeys({"leg_records": legs, "shipment_states": {}}))

    def keys() -> dict[str, float]:
        families = text_string_to_metric_families(generate_latest(registry).decode())
        return {s.labels["table"]: s.value for f in families for s in f.samples
                if f.name == "lintas_table_keys"}

    assert keys() == {"leg_records": 2.0, "shipment_states": 0.0}
    del legs[b"pos:P1"]
    assert keys() == {"leg_records": 1.0, "shipment_states": 0.0}
