"""A real Prometheus scrapes ``lintas ops serve`` while a consumer group falls behind, and the
lag alerts of ``ops/prometheus/alerts.yml`` fire.

Prometheus (Debian's package) runs on 127.0.0.1 with a configuration derived from the
shipped ``prometheus.yml``: its ``lintas-ops`` job, with the bearer token in a credentials
file that ``lintas tokens create --output`` wrote as docker-compose's ``ops-token`` does,
scraping every second. It loads the shipped rules with their expressions, labels and
annotations untouched and every ``for:`` shortened from minutes to as many seconds (the
shipped durations are checked by promtool's unit tests, tests/unit/test_prometheus_rules.py).

``lintas ops serve`` runs as its own process, as the ``ops`` principal, with a 10 s verdict
window. A private group is caught up first; then, every half second, three records are
written to its topic (stamped 20 minutes ago) and it commits one more: its verdict becomes
WARN and its oldest unconsumed record is 20 minutes old, so ``LintasConsumerLagGrowing`` and
``LintasConsumerLagHigh`` must fire for that group, read from ``/api/v1/alerts``, and clear
once it catches up. The Grafana board's queries then run on the same Prometheus: every
metric they name is one the ops server served in a real scrape (or one of the sink's).
"""

from __future__ import annotations

import json
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
import yaml
from kafka import KafkaConsumer, KafkaProducer, TopicPartition
from kafka.admin import NewTopic
from kafka.structs import OffsetAndMetadata

from lintas.connectors.registry import PARTNERS
from lintas.connectors.sandboxes import free_port
from lintas.core.topics import SHIPMENT_EVENTS, catalog, raw_topic
from lintas.demo.processes import ChildProcess
from lintas.kafka.admin import admin_client, ensure_topics
from lintas.kafka.connection import KafkaConnection
from lintas.streams.ops import metrics as sink_metrics
from tests.integration.conftest import wait_for
from tests.integration.test_ops_metrics import pos_event, send_dead_letter, send_pos_not_found
from tests.support.prometheus import PrometheusServer, quicken, require_tool
from tests.unit.test_ops_config import metric_names

pytestmark = pytest.mark.integration

ROOT = Path(__file__).resolve().parents[2]
OPS = ROOT / "ops"
SCALE = 1 / 60  # the test's `for:` lasts a second for every minute of the shipped one
WINDOW = 10.0  # seconds: the ops server's verdict window
OLD = 1200.0  # seconds: the lagging topic's records are stamped this far in the past
TICK = 0.5  # seconds between two writes of three records (and one commit)
CAUGHT_UP = 5  # records written and committed before the group falls behind
LAG_ALERTS = {"LintasConsumerLagGrowing", "LintasConsumerLagHigh"}


class FallingBehind:
    """A private one-partition topic and a group caught up on it; after :meth:`start`,
    every ``TICK`` three records are written and the group commits one more."""

    def __init__(self, kafka: KafkaConnection, topic: str, group: str) -> None:
        self.tp = TopicPartition(topic, 0)
        self.producer = KafkaProducer(**kafka.kafka_python())
        self.consumer = KafkaConsumer(**kafka.kafka_python(), group_id=group,
                                      enable_auto_commit=False)
        self.consumer.assign([self.tp])
        self.committed = 0
        self._write(CAUGHT_UP)
        self._commit(CAUGHT_UP)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _write(self, count: int) -> None:
        stamp = int((time.time() - OLD) * 1000)
        for _ in range(count):
            self.producer.send(self.tp.topic, b"behind", partition=0, timestamp_ms=stamp)
        self.producer.flush()

    def _commit(self, offset: int) -> None:
        self.consumer.commit({self.tp: OffsetAndMetadata(offset, "", -1)})
        self.committed = offset

    def _run(self) -> None:
        while not self._stop.wait(TICK):
            self._write(3)
            self._commit(self.committed + 1)

    def start(self) -> None:
        self._thread.start()

    def catch_up(self) -> None:
        """Stop writing and commit up to the log end."""
        self._stop.set()
        self._thread.join(30)
        self._commit(self.consumer.end_offsets([self.tp])[self.tp])

    def close(self) -> None:
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(30)
        self.producer.close()
        self.consumer.close()


@dataclass
class Stack:
    """What the ``stack`` fixture runs."""

    prometheus: PrometheusServer
    ops: ChildProcess
    target: str  # the ops server's host:port, as Prometheus labels it
    group: str
    behind: FallingBehind

    def group_alerts(self) -> dict[str, dict[str, Any]]:
        """Active alerts (pending or firing) of the private group, by name."""
        return {a["labels"]["alertname"]: a for a in self.prometheus.alerts()
                if a["labels"].get("group") == self.group}

    def firing(self) -> set[str]:
        return {name for name, a in self.group_alerts().items() if a["state"] == "firing"}

    def explain(self) -> str:
        """What Prometheus and the ops server say, for a timeout's message."""
        status = self.prometheus.query(f'lintas_consumergroup_status{{group="{self.group}"}} == 1')
        lag = self.prometheus.query(f'kafka_consumergroup_lag_seconds{{group="{self.group}"}}')
        return (f"alerts {self.group_alerts()}; verdict {status}; lag seconds {lag}; targets "
                f"{self.prometheus.target_health('lintas-ops')}\nops log:\n{self.ops.log_tail()}"
                f"\nprometheus log:\n{self.prometheus.log_tail()}")


def prometheus_config(target: str, token_file: Path, rules_file: Path) -> dict[str, Any]:
    """The shipped prometheus.yml's ``lintas-ops`` job pointed at ``target`` with the token
    of ``token_file``; scrapes and evaluations every second."""
    shipped = yaml.safe_load((OPS / "prometheus" / "prometheus.yml").read_text())
    job = next(j for j in shipped["scrape_configs"] if j["job_name"] == "lintas-ops")
    assert job["authorization"]["type"] == "Bearer" and job["authorization"]["credentials_file"]
    job = {**job, "authorization": {**job["authorization"], "credentials_file": str(token_file)},
           "static_configs": [{"targets": [target]}]}
    return {
        "global": {"scrape_interval": "1s", "scrape_timeout": "1s", "evaluation_interval": "1s"},
        "rule_files": [str(rules_file)],
        "scrape_configs": [job],
    }


def seed_every_series(kafka: KafkaConnection, worker_group: str, suffix: str) -> None:
    """Records that make the ops server export every kind of series: a dead letter (of a
    partner of this test only), a raw Pos record (a "not found" answer, which normalizes to
    nothing), a Pos event, and ``worker_group``'s commit on ``lintas.raw.pos``."""
    send_dead_letter(kafka, f"promtest{suffix}")
    tracking = f"P{uuid.uuid4().int % 10**13:013d}"
    send_pos_not_found(kafka, tracking, "prometheus-test")
    producer = KafkaProducer(**kafka.kafka_python())
    producer.send(SHIPMENT_EVENTS, key=f"pos:{tracking}".encode(),
                  value=pos_event(tracking, datetime.now(timezone.utc) - timedelta(minutes=2)))
    producer.flush()
    producer.close()
    worker = KafkaConsumer(**kafka.kafka_python(), group_id=worker_group,
                           enable_auto_commit=False)
    try:
        pos0 = TopicPartition(raw_topic("pos"), 0)
        worker.assign([pos0])
        worker.commit({pos0: OffsetAndMetadata(worker.end_offsets([pos0])[pos0], "", -1)})
    finally:
        worker.close()


def issue_token(env: dict[str, str], token_file: Path) -> None:
    """``lintas tokens create`` as docker-compose's ops-token service runs it."""
    subprocess.run(
        [sys.executable, "-m", "lintas", "tokens", "create", "--scope", "ops:read",
         "--name", "prometheus", "--replace", "--output", str(token_file)],
        env=env, check=True, capture_output=True, timeout=60)
    assert token_file.stat().st_mode & 0o077 == 0


@pytest.fixture(scope="module")
def stack(kafka: KafkaConnection, process_env: Any,
          tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    require_tool("prometheus")
    folder = tmp_path_factory.mktemp("prometheus")
    ensure_topics(kafka, catalog(sorted(PARTNERS), 3))
    suffix = uuid.uuid4().hex[:8]
    topic = group = f"lintas-test-prometheus-{suffix}"
    worker_group = f"lintas-test-prometheus-worker-{suffix}"
    admin = admin_client(kafka)
    admin.create_topics([NewTopic(topic, 1, 1)])
    behind = FallingBehind(kafka, topic, group)
    seed_every_series(kafka, worker_group, suffix)

    env = process_env("ops", LINTAS_HOME=str(folder / "home"), LINTAS_APP_ID=worker_group)
    token_file = folder / "prometheus.token"
    issue_token(env, token_file)
    rules_file = folder / "alerts.yml"
    shipped = yaml.safe_load((OPS / "prometheus" / "alerts.yml").read_text())
    rules_file.write_text(yaml.safe_dump(quicken(shipped, SCALE), sort_keys=False))
    ops_port = free_port()
    ops = ChildProcess("ops", ["ops", "serve", "--port", str(ops_port), "--interval", "1",
                               "--window", str(WINDOW), "--group", group], env, folder)
    target = f"127.0.0.1:{ops_port}"
    prometheus = PrometheusServer(prometheus_config(target, token_file, rules_file),
                                  free_port(), folder)
    try:
        prometheus.start()
        yield Stack(prometheus, ops, target, group, behind)
    finally:
        prometheus.stop()
        ops.stop()
        behind.close()
        admin.delete_groups([group, worker_group])
        admin.delete_topics([topic])
        admin.close()


def test_the_lag_alerts_fire_on_a_real_scrape_when_a_group_falls_behind(stack: Stack) -> None:
    prometheus = stack.prometheus
    wait_for(lambda: prometheus.query(
        f'lintas_consumergroup_status{{group="{stack.group}",status="OK"}} == 1'),
        timeout=180, what=lambda: f"Prometheus to scrape the caught-up group: {stack.explain()}")
    [target] = prometheus.target_health("lintas-ops")
    assert target["health"] == "up", target  # the scrape sent the token of the file
    assert prometheus.query('up{job="lintas-ops"} == 1')
    assert stack.group_alerts() == {}

    started = time.monotonic()
    stack.behind.start()
    wait_for(lambda: stack.firing() >= LAG_ALERTS, timeout=300, every=1.0,
             what=lambda: f"the lag alerts to fire: {stack.explain()}")
    print(f"\nlag alerts firing {time.monotonic() - started:.0f} s after the group fell behind "
          f"(window {WINDOW:.0f} s, for: 10 s)")

    alerts = stack.group_alerts()
    assert set(alerts) == LAG_ALERTS  # it falls behind, it neither stopped nor stalled
    growing, high = alerts["LintasConsumerLagGrowing"], alerts["LintasConsumerLagHigh"]
    assert growing["labels"] == {"alertname": "LintasConsumerLagGrowing", "group": stack.group,
                                 "status": "WARN", "severity": "warning",
                                 "job": "lintas-ops", "instance": stack.target}
    assert growing["annotations"]["summary"] == f"Group {stack.group} falls behind"
    assert high["labels"] == {"alertname": "LintasConsumerLagHigh", "group": stack.group,
                              "severity": "warning"}
    assert float(high["value"]) >= OLD
    assert high["annotations"]["summary"].startswith(f"Group {stack.group} is 20m ")
    assert not [a for a in prometheus.alerts()
                if a["labels"]["alertname"] in {"LintasOpsServerDown",
                                                "LintasOpsCollectionFailing"}]

    stack.behind.catch_up()
    wait_for(lambda: stack.group_alerts() == {}, timeout=120,
             what=lambda: f"the alerts to clear once the group caught up: {stack.explain()}")


def sink_names() -> set[str]:
    """The sample names of the view sink's metrics, from their registry."""
    suffixes = {"counter": ("_total",), "histogram": ("_bucket", "_count", "_sum")}
    return {family.name + suffix
            for metric in (sink_metrics.SINK_RECORDS, sink_metrics.SINK_COMMIT_SECONDS)
            for family in metric.describe() for suffix in suffixes[family.type]}


def test_the_grafana_board_queries_what_the_ops_server_serves(stack: Stack) -> None:
    prometheus = stack.prometheus
    dashboard = json.loads((OPS / "grafana" / "dashboards" / "lintas.json").read_text())
    queries = [(p["title"], t["expr"]) for p in dashboard["panels"] for t in p["targets"]]
    rules = yaml.safe_load((OPS / "prometheus" / "alerts.yml").read_text())
    alert_exprs = [r["expr"] for g in rules["groups"] for r in g["rules"]]
    sink = sink_names()
    named = set().union(*(metric_names(e) for e in [*(q for _, q in queries), *alert_exprs]))
    from_ops = named - sink - {"up"}
    assert named & sink  # the board shows the sink, whose metrics this test does not scrape

    def scraped() -> set[str]:
        found = prometheus.query('count by (__name__) ({job="lintas-ops"})')
        return {r["metric"]["__name__"] for r in found}

    wait_for(lambda: from_ops <= scraped(), timeout=180,
             what=lambda: f"series the ops server never served: {from_ops - scraped()}")
    for title, expr in queries:
        names = metric_names(expr)
        if names & sink:
            assert names <= sink, (title, expr)
            prometheus.query(expr)  # valid PromQL; no sink here to give it data
            continue
        wait_for(lambda e=expr: prometheus.query(e), timeout=60,  # type: ignore[misc]
                 what=f"panel {title!r} to show data: {expr}")
