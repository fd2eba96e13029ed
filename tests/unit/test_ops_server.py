"""The ops server's routes and the dashboard's series, over a scripted collector."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from lintas.core.errors import BrokerError
from lintas.core.tokens import TokenStore
from lintas.kafka.connection import KafkaConnection
from lintas.streams.ops.collector import OpsConfig, OpsPoller
from lintas.streams.ops.flows import AgentRecords
from lintas.streams.ops.series import point_of, rate, series_of
from lintas.streams.ops.server import create_app
from lintas.streams.ops.snapshot import OpsSnapshot
from lintas.streams.ops.tails import DeadLetterKey
from tests.unit.test_ops_metrics import READ_AT, synthetic_snapshot

LETTER = DeadLetterKey("pos", "normalize", "InvalidEvent")


@pytest.fixture
def tokens(tmp_path: Path) -> TokenStore:
    return TokenStore(tmp_path / "tokens.json")


def authorized(app, tokens: TokenStore) -> TestClient:
    """A client of ``app`` sending a fresh ops:read token."""
    _, token = tokens.create("ops:read", "test")
    return TestClient(app, headers={"Authorization": f"Bearer {token}"})


class ScriptedCollector:
    """Hands out prepared snapshots (or raises), one per collection."""

    def __init__(self, *answers: OpsSnapshot | Exception) -> None:
        self.config = OpsConfig(KafkaConnection("fake:9092"), ("pos",), interval=5.0,
                                history_points=10)
        self.answers = list(answers)
        self.closed = False

    def collect(self) -> OpsSnapshot:
        answer = self.answers.pop(0)
        if isinstance(answer, Exception):
            raise answer
        return answer

    def close(self) -> None:
        self.closed = True


def later(snapshot: OpsSnapshot, seconds: float, *, normalized: int, letters: int) -> OpsSnapshot:
    """``snapshot`` ``seconds`` later, with normalize's records in and the DLQ count moved."""
    agents = tuple(dataclasses.replace(a, records_in=normalized)
                   if a.agent == "normalize_records" else a for a in snapshot.agents)
    return dataclasses.replace(snapshot, time=snapshot.time + seconds, agents=agents,
                               dead_letters={LETTER: letters})


def test_rates_between_points():
    assert rate(10, 40, 3.0) == 10.0
    assert rate(None, 40, 3.0) is None
    assert rate(40, 10, 3.0) is None  # a counter going down is a reset, not a rate
    assert rate(10, 40, 0.0) is None


def test_series_give_lag_throughput_dlq_per_minute_and_freshness():
    first = synthetic_snapshot()
    second = later(first, 10, normalized=280, letters=10)
    third = later(first, 20, normalized=100, letters=12)  # normalize's group was reset
    series = series_of([point_of(s) for s in (first, second, third)])
    assert series["time"] == [READ_AT, READ_AT + 10, READ_AT + 20]
    assert series["lag"] == {"lintas": [30, 30, 30], "lintas-view-sink": [15, 15, 15]}
    assert series["throughput"]["normalize_records"] == [None, 10.0, None]
    assert series["throughput"]["view_sink"] == [None, 0.0, 0.0]
    assert "match_handovers" not in series["throughput"]  # never known
    # 7 dead letters, then 10 after 10 s, then 12 after 10 s more.
    assert series["dlq_per_minute"] == [None, pytest.approx(18.0), pytest.approx(12.0)]
    assert series["record_age"] == {"pos": [26.0, 36.0, 46.0]}


def test_routes_serve_the_latest_collection(tokens):
    snapshot = synthetic_snapshot()
    poller = OpsPoller(ScriptedCollector(snapshot, later(snapshot, 5, normalized=230, letters=9)))
    app = create_app(poller, tokens=tokens, run_poller=False)
    with authorized(app, tokens) as client:
        body = client.get("/api/snapshot").json()
        assert body["snapshot"] is None and body["status"]["attempts"] == 0
        assert client.get("/healthz").status_code == 503

        poller.collect_once()
        poller.collect_once()
        page = client.get("/")
        assert page.status_code == 200 and "lintas ops" in page.text
        for asset in ("dashboard.js", "chart.js", "dashboard.css"):
            assert client.get(f"/static/{asset}").status_code == 200

        metrics = client.get("/metrics")
        assert metrics.headers["content-type"].startswith("text/plain; version=0.0.4")
        assert 'kafka_consumergroup_lag{group="lintas",partition="0",topic="lintas.raw.pos"} 30.0' \
            in metrics.text

        body = client.get("/api/snapshot").json()
        assert body["interval_seconds"] == 5.0
        assert body["status"]["ok"] and body["status"]["attempts"] == 2
        lag = body["snapshot"]["lag"]["groups"]
        assert lag["lintas"]["lag"] == 30 and lag["lintas-view-sink"]["verdict"] == "STOP"
        assert body["snapshot"]["dead_letters"] == {
            "total": 9,
            "by_reason": [{"partner": "pos", "stage": "normalize", "reason": "InvalidEvent",
                           "count": 9}],
        }
        assert {a["agent"]: a["records_in"] for a in body["snapshot"]["agents"]}[
            "normalize_records"] == 230
        topics = {t["topic"]: t for t in body["snapshot"]["topics"]}
        assert topics["lintas.raw.pos"] == {"topic": "lintas.raw.pos", "partitions": 2,
                                            "log_start": 20, "log_end": 210, "records": 190}

        series = client.get("/api/series").json()
        assert series["throughput"]["normalize_records"] == [None, 10.0]
        health = client.get("/healthz")
        assert health.status_code == 200 and health.json() == {"status": "ok"}


def test_a_failed_collection_keeps_the_last_snapshot_and_says_so(tokens):
    snapshot = synthetic_snapshot()
    poller = OpsPoller(ScriptedCollector(snapshot, BrokerError("cannot reach Kafka")))
    assert poller.collect_once() is snapshot
    assert poller.collect_once() is None
    assert poller.latest is snapshot
    assert poller.status.failures == 1 and not poller.status.last_ok
    assert poller.status.last_error == "BrokerError: cannot reach Kafka"
    assert poller.status.last_success == snapshot.time
    with authorized(create_app(poller, tokens=tokens, run_poller=False), tokens) as client:
        health = client.get("/healthz")
        assert health.status_code == 503 and health.json() == {"status": "unavailable"}
        assert "lintas_ops_last_collection_success 0.0" in client.get("/metrics").text


def test_the_poller_thread_collects_and_closes_the_collector():
    import time

    snapshot = synthetic_snapshot()
    collector = ScriptedCollector(*[snapshot] * 50)
    poller = OpsPoller(collector, interval=0.01)  # type: ignore[arg-type]
    poller.start()
    deadline = time.monotonic() + 10
    while poller.status.attempts < 3 and time.monotonic() < deadline:
        time.sleep(0.01)
    poller.stop()
    assert poller.status.attempts >= 3 and collector.closed
    assert len(poller.series.points()) == poller.status.attempts


def test_agent_records_json():
    assert AgentRecords("a", 1, None).to_dict() == {"agent": "a", "records_in": 1,
                                                   "records_out": None}


def test_ops_serve_binds_localhost_on_9308_by_default(monkeypatch, tmp_path):
    import uvicorn
    from click.testing import CliRunner

    from lintas.cli.ops import ops

    served = {}
    monkeypatch.setattr(uvicorn, "run",
                        lambda app, host, port, **_: served.update(app=app, host=host, port=port))
    monkeypatch.setenv("LINTAS_KAFKA_BOOTSTRAP", "127.0.0.1:1")
    monkeypatch.setenv("LINTAS_HOME", str(tmp_path))
    result = CliRunner().invoke(ops, ["serve", "--group", "lintas", "--interval", "2"],
                                catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert (served["host"], served["port"]) == ("127.0.0.1", 9308)
    assert "http://127.0.0.1:9308" in result.output
    help_text = CliRunner().invoke(ops, ["serve", "--help"]).output
    for option in ("--host", "--port", "--interval", "--window", "--group"):
        assert option in help_text


def test_sink_takes_a_metrics_port_off_by_default():
    from click.testing import CliRunner

    from lintas.cli.pipeline import sink

    port = next(p for p in sink.params if p.name == "metrics_port")
    assert port.default == 0
    assert "--metrics-port" in CliRunner().invoke(sink, ["--help"]).output
