"""LagCollector over a scripted broker: how readings become lag, trends and verdicts.

The broker side (``OffsetReader``) is replaced by an in-memory cluster whose state each
test moves forward; the real reader is tested against a real broker in
tests/integration/test_lag.py.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from kafka import TopicPartition
from rich.console import Console

from lintas.cli.lag import format_seconds, render
from lintas.streams.ops.lag import LagCollector
from lintas.streams.ops.offsets import BrokerOffsets, GroupState, RecordTime
from lintas.streams.ops.verdicts import Verdict

TP0 = TopicPartition("lintas.raw.pos", 0)
TP1 = TopicPartition("lintas.raw.pos", 1)


@dataclass
class FakeCluster:
    """Offsets and record timestamps that a test changes between readings."""

    now: float = 10_000.0
    committed: dict[str, dict[TopicPartition, int]] = field(default_factory=dict)
    log_end: dict[TopicPartition, int] = field(default_factory=dict)
    log_start: dict[TopicPartition, int] = field(default_factory=dict)
    owners: dict[str, frozenset[TopicPartition] | None] = field(default_factory=dict)
    # the append time of every record: offset -> epoch seconds, per partition
    appended: dict[TopicPartition, dict[int, float]] = field(default_factory=dict)
    fetches: list[dict[TopicPartition, int]] = field(default_factory=list)
    closed: bool = False

    def produce(self, tp: TopicPartition, count: int, at: float) -> None:
        end = self.log_end.get(tp, 0)
        times = self.appended.setdefault(tp, {})
        for offset in range(end, end + count):
            times[offset] = at
        self.log_end[tp] = end + count

    # -- the OffsetReader interface ----------------------------------------------

    def list_groups(self) -> list[str]:
        return sorted(self.committed)

    def read(self, groups, clock):
        return BrokerOffsets(
            committed={g: dict(self.committed.get(g, {})) for g in groups},
            log_end=dict(self.log_end),
            log_start=dict(self.log_start),
            groups={
                g: GroupState("Stable" if self.owners.get(g) else "Empty",
                              1 if self.owners.get(g) else 0, self.owners.get(g))
                for g in groups
            },
            read_at=clock(),
        )

    def record_times(self, wanted, log_end, timeout=5.0):
        self.fetches.append(dict(wanted))
        out = {}
        for tp, offset in wanted.items():
            if offset >= self.log_start.get(tp, 0) and offset in self.appended.get(tp, {}):
                out[tp] = RecordTime(offset, int(self.appended[tp][offset] * 1000), "create")
        return out

    def close(self) -> None:
        self.closed = True


def collector_for(cluster: FakeCluster, window: float = 60.0) -> LagCollector:
    return LagCollector("fake:9092", window=window, clock=lambda: cluster.now, reader=cluster)


def test_one_reading_gives_offsets_lag_and_the_age_of_the_next_record():
    cluster = FakeCluster()
    cluster.produce(TP0, 10, at=9_900.0)
    cluster.produce(TP0, 5, at=9_990.0)
    cluster.produce(TP1, 3, at=9_950.0)
    cluster.committed["sink"] = {TP0: 12, TP1: 3}
    with collector_for(cluster) as collector:
        report = collector.collect()
    assert cluster.closed
    group = report.groups[0]
    p0, p1 = group.partitions
    assert (p0.committed, p0.log_end, p0.lag) == (12, 15, 3)
    assert (p0.lag_seconds, p0.lag_seconds_source) == (10.0, "record")
    assert (p1.lag, p1.lag_seconds, p1.lag_seconds_source) == (0, 0.0, "caught-up")
    assert p0.trend is None and p0.time_to_clear is None and p1.time_to_clear == 0.0
    assert group.verdict is Verdict.OK and group.lag == 3 and group.lag_seconds == 10.0
    assert cluster.fetches == [{TP0: 12}]  # caught-up partitions are not fetched


def test_json_document_has_groups_partitions_and_verdicts():
    cluster = FakeCluster()
    cluster.produce(TP0, 4, at=9_999.0)
    cluster.committed["sink"] = {TP0: 1}
    report = collector_for(cluster).collect(["sink"])
    document = json.loads(json.dumps(report.to_dict()))
    partition = document["groups"]["sink"]["partitions"][0]
    assert set(partition) >= {"topic", "partition", "committed", "log_end", "lag", "lag_seconds",
                              "trend", "time_to_clear", "verdict"}
    assert (partition["committed"], partition["log_end"], partition["lag"]) == (1, 4, 3)
    assert document["groups"]["sink"]["verdict"] == "OK"


def test_a_deleted_next_record_is_dated_from_the_sampled_log_ends():
    cluster = FakeCluster(now=1_000.0, log_end={TP0: 0})
    cluster.committed["g"] = {TP0: 0}
    collector = collector_for(cluster)
    collector.collect()  # log end 0 at t=1000
    cluster.produce(TP0, 100, at=1_005.0)
    cluster.now = 1_010.0
    collector.collect()  # log end 100 at t=1010
    cluster.log_start[TP0] = 80  # retention removed offsets 0..79
    cluster.committed["g"] = {TP0: 50}
    cluster.now = 1_030.0
    fetches = len(cluster.fetches)
    p = collector.collect().groups[0].partitions[0]
    # offset 50 was the log end half-way between 1000 and 1010
    assert (p.lag, p.lag_seconds, p.lag_seconds_source) == (50, 25.0, "interpolated")
    assert len(cluster.fetches) == fetches  # a record below the log start is not fetched


def run_readings(cluster: FakeCluster, collector: LagCollector, steps: int, *, produce: int,
                 consume: int, group: str = "g", every: float = 10.0):
    report = None
    for _ in range(steps):
        cluster.now += every
        cluster.produce(TP0, produce, at=cluster.now)
        current = cluster.committed[group][TP0]
        cluster.committed[group][TP0] = min(current + consume, cluster.log_end[TP0])
        report = collector.collect()
    return report


def test_a_consumer_slower_than_its_producers_gets_warn_and_no_time_to_clear():
    cluster = FakeCluster()
    cluster.committed["g"] = {TP0: 0}
    cluster.produce(TP0, 50, at=cluster.now)
    collector = collector_for(cluster)
    report = run_readings(cluster, collector, 8, produce=30, consume=20)
    p = report.groups[0].partitions[0]
    assert p.trend == "growing" and p.lag_rate == 1.0
    assert p.time_to_clear is None
    assert p.verdict is Verdict.WARN and report.groups[0].verdict is Verdict.WARN


def test_a_draining_consumer_is_ok_with_a_time_to_clear():
    cluster = FakeCluster()
    cluster.committed["g"] = {TP0: 0}
    cluster.produce(TP0, 500, at=cluster.now)
    collector = collector_for(cluster)
    report = run_readings(cluster, collector, 8, produce=10, consume=30)
    p = report.groups[0].partitions[0]
    assert p.trend == "shrinking" and p.lag_rate == -2.0
    assert p.time_to_clear == p.lag / 2.0
    assert p.verdict is Verdict.OK


def test_a_stuck_offset_is_stall_with_an_owner_and_stop_without():
    cluster = FakeCluster()
    cluster.committed = {"alive": {TP0: 0}, "gone": {TP0: 0}}
    cluster.owners = {"alive": frozenset({TP0}), "gone": None}
    cluster.produce(TP0, 5, at=cluster.now)
    collector = collector_for(cluster)
    for _ in range(8):
        cluster.now += 10
        cluster.produce(TP0, 1, at=cluster.now)
        report = collector.collect()
    verdicts = {g.group: g.verdict for g in report.groups}
    assert verdicts == {"alive": Verdict.STALL, "gone": Verdict.STOP}
    assert {g.group: g.partitions[0].owned for g in report.groups} == {"alive": True, "gone": None}


def test_groups_at_different_offsets_of_one_partition_fetch_in_rounds():
    cluster = FakeCluster()
    cluster.produce(TP0, 10, at=9_000.0)
    cluster.produce(TP0, 10, at=9_500.0)
    cluster.committed = {"early": {TP0: 2}, "late": {TP0: 15}}
    report = collector_for(cluster).collect()
    assert cluster.fetches == [{TP0: 2}, {TP0: 15}]
    seconds = {g.group: g.partitions[0].lag_seconds for g in report.groups}
    assert seconds == {"early": 1000.0, "late": 500.0}


def test_a_partition_whose_topic_is_gone_has_unknown_lag():
    cluster = FakeCluster()
    cluster.committed["g"] = {TopicPartition("deleted", 0): 7}
    p = collector_for(cluster).collect().groups[0].partitions[0]
    assert (p.committed, p.log_end, p.lag, p.lag_seconds, p.time_to_clear) == (7, None, None,
                                                                                 None, None)
    assert p.verdict is Verdict.OK


def test_the_table_shows_each_group_and_partition():
    cluster = FakeCluster()
    cluster.produce(TP0, 10, at=9_700.0)
    cluster.committed = {"lintas": {TP0: 4}, "empty": {}}
    console = Console(record=True, width=160)
    console.print(render(collector_for(cluster).collect()))
    text = console.export_text()
    assert "lintas" in text and "lintas.raw.pos" in text and "5m00s" in text
    assert "no committed offsets" in text and "OK" in text


def test_durations_are_short_and_readable():
    assert [format_seconds(s) for s in (None, 0.42, 42, 187, 7500, 3 * 86400 + 4 * 3600)] == [
        "-", "0.4s", "42s", "3m07s", "2h05m", "3d04h"]


def test_the_command_offers_its_options():
    from click.testing import CliRunner

    from lintas.cli.lag import lag

    result = CliRunner().invoke(lag, ["--help"])
    assert result.exit_code == 0
    for option in ("--group", "--watch", "--interval", "--samples", "--window", "--json"):
        assert option in result.output
