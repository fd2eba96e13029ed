"""Consumer lag on a real broker, checked against Kafka's own consumer-group tool.

A group commits part of what was produced on a three-partition topic; then, with nothing
produced or consumed in between, ``lintas lag --json`` and
``kafka-consumer-groups --describe`` (run from the broker jars) must report the same
committed offset, log-end offset and lag for every partition.
"""

from __future__ import annotations

import json
import subprocess
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner
from kafka import KafkaConsumer, KafkaProducer, TopicPartition
from kafka.structs import OffsetAndMetadata

from lintas.cli.lag import lag
from lintas.kafka.admin import admin_client
from lintas.kafka.connection import KafkaConnection
from lintas.streams.ops.lag import LagCollector
from tests.conftest import CACHE_DIR

pytestmark = pytest.mark.integration

KAFKA_VERSION = "4.1.1"
GROUP_TOOL = "org.apache.kafka.tools.consumer.group.ConsumerGroupCommand"
PRODUCED = {0: 10, 1: 7, 2: 5}
CONSUMED = {0: 3, 1: 0, 2: 5}
DELETED_BELOW = {1: 4}  # retention-like deletion: the next record of partition 1 is gone
AGE = 90.0  # seconds: records are stamped this far in the past, one second apart


def kafka_tool_describe(kafka: KafkaConnection, group: str,
                        folder: Path) -> dict[tuple[str, int], tuple[int, int, int]]:
    """``(topic, partition) -> (current offset, log-end offset, lag)`` from the broker's tool."""
    libs = CACHE_DIR / f"kafka-{KAFKA_VERSION}" / "libs"
    assert any(libs.glob("kafka-tools-*.jar")), f"no Kafka jars in {libs}: start a broker once"
    secret = kafka.password.get_secret_value() if kafka.password else ""
    config = folder / "tool.properties"
    config.write_text(
        f"security.protocol={kafka.protocol}\nsasl.mechanism={kafka.mechanism}\n"
        "sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required "
        f'username="{kafka.username}" password="{secret}";\n')
    out = subprocess.run(
        ["java", "-Xmx256m", "-cp", f"{libs}/*", GROUP_TOOL, "--bootstrap-server",
         kafka.bootstrap, "--command-config", str(config), "--describe", "--group", group],
        capture_output=True, text=True, timeout=120, check=True,
    )
    lines = [line.split() for line in out.stdout.splitlines() if line.strip()]
    header = lines[0]
    assert header[:6] == ["GROUP", "TOPIC", "PARTITION", "CURRENT-OFFSET", "LOG-END-OFFSET",
                          "LAG"], out.stdout
    rows = {}
    for cells in lines[1:]:
        assert cells[0] == group, out.stdout
        rows[(cells[1], int(cells[2]))] = (int(cells[3]), int(cells[4]), int(cells[5]))
    return rows


@dataclass
class Lagging:
    """What the ``lagging_group`` fixture built."""

    topic: str
    group: str
    stamps: dict[int, list[int]]  # record timestamps (ms) per partition, by offset
    collector: LagCollector  # it read the group once, before anything was produced
    empty_at: float  # when it did


@pytest.fixture
def lagging_group(kafka):
    """A topic with records and a group that committed part of them."""
    from kafka.admin import NewTopic

    suffix = uuid.uuid4().hex[:8]
    topic, group = f"lintas-test-lag-{suffix}", f"lintas-test-lag-{suffix}"
    tps = [TopicPartition(topic, p) for p in PRODUCED]
    admin = admin_client(kafka)
    admin.create_topics([NewTopic(topic, len(PRODUCED), 1)])
    consumer = KafkaConsumer(**kafka.kafka_python(), group_id=group,
                             enable_auto_commit=False, auto_offset_reset="earliest")
    collector = LagCollector(kafka, window=60)
    try:
        consumer.assign(tps)
        consumer.commit({tp: OffsetAndMetadata(0, "", -1) for tp in tps})
        empty = collector.collect([group])  # samples log end 0 on every partition
        assert [p.lag for p in empty.groups[0].partitions] == [0, 0, 0]

        producer = KafkaProducer(**kafka.kafka_python())
        start_ms = int((time.time() - AGE) * 1000)
        stamps = {p: [start_ms + 1000 * i for i in range(n)] for p, n in PRODUCED.items()}
        for partition, times in stamps.items():
            for i, ts in enumerate(times):
                producer.send(topic, f"{partition}:{i}".encode(), partition=partition,
                              timestamp_ms=ts)
        producer.flush()
        producer.close()

        seen: dict[int, list[int]] = {p: [] for p in PRODUCED}
        deadline = time.monotonic() + 60
        while any(len(seen[p]) < CONSUMED[p] for p in PRODUCED):
            assert time.monotonic() < deadline, seen
            for tp, records in consumer.poll(timeout_ms=500).items():
                seen[tp.partition].extend(r.offset for r in records)
        consumer.commit({
            TopicPartition(topic, p): OffsetAndMetadata(CONSUMED[p], "", -1) for p in PRODUCED
        })
        admin.delete_records({TopicPartition(topic, p): o for p, o in DELETED_BELOW.items()})
        yield Lagging(topic, group, stamps, collector, empty.time)
    finally:
        collector.close()
        consumer.close()
        admin.delete_groups([group])
        admin.delete_topics([topic])
        admin.close()


def test_lag_json_matches_kafka_consumer_group_tool(lagging_group, kafka, monkeypatch, tmp_path):
    topic, group = lagging_group.topic, lagging_group.group
    [monkeypatch.setenv(k, v) for k, v in kafka.environment().items()]
    result = CliRunner().invoke(lag, ["--group", group, "--json"], catch_exceptions=False)
    tool = kafka_tool_describe(kafka, group, tmp_path)
    assert result.exit_code == 0, result.output
    document = json.loads(result.output)
    ours = {
        (p["topic"], p["partition"]): (p["committed"], p["log_end"], p["lag"])
        for p in document["groups"][group]["partitions"]
    }
    assert ours == tool
    assert ours == {
        (topic, p): (CONSUMED[p], PRODUCED[p], PRODUCED[p] - CONSUMED[p]) for p in PRODUCED
    }
    assert document["groups"][group]["lag"] == sum(PRODUCED.values()) - sum(CONSUMED.values())
    assert document["groups"][group]["verdict"] == "OK"


def test_lag_seconds_is_the_age_of_the_next_unconsumed_record(lagging_group):
    report = lagging_group.collector.collect([lagging_group.group])
    now = time.time()
    by_partition = {p.partition: p for p in report.groups[0].partitions}

    record = by_partition[0]  # offset 3 is there: its own timestamp
    assert record.lag_seconds_source == "record"
    expected = now - lagging_group.stamps[0][CONSUMED[0]] / 1000
    assert record.lag_seconds == pytest.approx(expected, abs=2.0)
    assert record.lag_seconds > AGE - 10

    deleted = by_partition[1]  # offset 0 was deleted: when the log end was 0
    assert deleted.lag_seconds_source == "interpolated"
    assert deleted.lag_seconds == pytest.approx(report.time - lagging_group.empty_at, abs=0.01)

    caught_up = by_partition[2]
    assert (caught_up.lag, caught_up.lag_seconds, caught_up.lag_seconds_source) == (
        0, 0.0, "caught-up")
    assert report.groups[0].state == "Empty"
    assert {p.owned for p in report.groups[0].partitions} == {False}
