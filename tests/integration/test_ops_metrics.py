"""The ops server against a real broker: /metrics is scraped and every kind of series is
checked against what the test put on the broker.

A private topic and group give exact lag figures; a private worker group committed on
``lintas.raw.pos`` gives an exact ``records in`` for the normalize agent; dead letters
carry a partner name of this test only, so their count is exact even on a broker other
tests write to. Records on the shared topics are chosen to change nothing downstream: a
Pos "not found" answer normalizes to nothing.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path

import httpx
import pytest
from kafka import KafkaConsumer, KafkaProducer, TopicPartition
from kafka.admin import NewTopic
from kafka.structs import OffsetAndMetadata
from prometheus_client.parser import text_string_to_metric_families

from lintas.connectors.registry import PARTNERS, get_partner
from lintas.connectors.runtime.producer import RawProducer, raw_record
from lintas.connectors.sandboxes import free_port
from lintas.core.deadletters import Failure, headers_for
from lintas.core.tokens import TokenStore
from lintas.core.topics import DLQ, NETWORK_NODES, SHIPMENT_EVENTS, catalog, raw_topic
from lintas.kafka.admin import admin_client, ensure_topics
from lintas.kafka.connection import KafkaConnection
from lintas.schemas.codec import codec
from lintas.streams.ops.collector import OpsCollector, OpsConfig, OpsPoller
from lintas.streams.ops.server import BackgroundServer, create_app
from tests.conftest import FIXTURES
from tests.integration.conftest import wait_for

pytestmark = pytest.mark.integration

PRODUCED = {0: 10, 1: 7, 2: 5}
CONSUMED = {0: 3, 1: 0, 2: 5}
AGE = 90.0  # seconds: the private topic's records are stamped this far in the past
EVENT_AGE = 120.0  # seconds: occurred_at of the Pos event this test sends


Samples = dict[tuple[str, tuple[tuple[str, str], ...]], float]


def scrape(url: str, token: str | None = None) -> Samples:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    answer = httpx.get(f"{url}/metrics", headers=headers, timeout=10)
    answer.raise_for_status()
    return {
        (s.name, tuple(sorted(s.labels.items()))): s.value
        for family in text_string_to_metric_families(answer.text) for s in family.samples
    }


def sample(found: Samples, name: str, **labels: str) -> float | None:
    return found.get((name, tuple(sorted(labels.items()))))


@dataclass
class Stage:
    """What the ``ops_stage`` fixture put on the broker."""

    suffix: str
    topic: str
    group: str
    worker_group: str
    worker_committed: int
    partner: str  # the dead letters' partner label, unique to this test
    stamps: dict[int, list[int]]
    outputs_before: int  # log ends of normalize's output topics before the test wrote


def _end_offsets(bootstrap: KafkaConnection, topics: list[str]) -> dict[TopicPartition, int]:
    consumer = KafkaConsumer(**bootstrap.kafka_python(), group_id=None)
    try:
        tps = [TopicPartition(t, p) for t in topics
               for p in sorted(consumer.partitions_for_topic(t) or [])]
        return consumer.end_offsets(tps)
    finally:
        consumer.close()


def send_dead_letter(bootstrap: KafkaConnection, partner: str) -> bytes:
    """A dead letter of ``partner``; its origin offset is unique, so its dead-letter id
    (topic, partition, offset) clashes with no other in a view. Returns its key."""
    offset = uuid.uuid4().int % 10**12
    key = f"{partner}:X{offset}".encode()
    producer = KafkaProducer(**bootstrap.kafka_python())
    failure = Failure("ops-test", "OpsTestError", "a dead letter for the ops test", partner)
    producer.send(DLQ, key=key, value=b"{}",
                  headers=headers_for(failure, topic=raw_topic("pos"), partition=0,
                                      offset=offset))
    producer.flush()
    producer.close()
    return key


def send_pos_not_found(bootstrap: KafkaConnection, request_key: str, source: str) -> None:
    """A fresh raw record of Pos, keyed by ``request_key``: a "not found" answer, which
    normalizes to nothing."""
    raw = RawProducer(bootstrap, client_id=f"lintas-{source}")
    raw.send(raw_record(partner="pos", kind="tracking", connector=source, source=source,
                        payload=(FIXTURES / "pos" / "not_found.json").read_bytes(),
                        request_key=request_key), f"pos:{request_key}")
    raw.flush()
    raw.close()


def pos_event(tracking_number: str, occurred_at: datetime) -> bytes:
    """A real Pos ShipmentEvent (from a recorded payload), moved to ``occurred_at``."""
    payload = (FIXTURES / "pos" / "in_transit.json").read_bytes()
    record = get_partner("pos").parse(payload).events[0].to_record()
    record.update(tracking_number=tracking_number, occurred_at=occurred_at,
                  event_id=f"ops-test-{tracking_number}")
    return codec("ShipmentEvent").encode(record)


@pytest.fixture
def ops_stage(kafka: KafkaConnection) -> Iterator[Stage]:
    ensure_topics(kafka, catalog(sorted(PARTNERS), 3))
    suffix = uuid.uuid4().hex[:8]
    topic = group = f"lintas-test-ops-{suffix}"
    worker_group = f"lintas-test-ops-worker-{suffix}"
    admin = admin_client(kafka)
    admin.create_topics([NewTopic(topic, len(PRODUCED), 1)])
    consumer = KafkaConsumer(**kafka.kafka_python(), group_id=group,
                             enable_auto_commit=False)
    try:
        outputs_before = sum(_end_offsets(
            kafka, [SHIPMENT_EVENTS, NETWORK_NODES, DLQ]).values())
        producer = KafkaProducer(**kafka.kafka_python())
        start_ms = int((time.time() - AGE) * 1000)
        stamps = {p: [start_ms + 1000 * i for i in range(n)] for p, n in PRODUCED.items()}
        for number, times in stamps.items():
            for i, ts in enumerate(times):
                producer.send(topic, f"{number}:{i}".encode(), partition=number, timestamp_ms=ts)
        tracking = f"P{uuid.uuid4().int % 10**13:013d}"
        occurred = datetime.now(timezone.utc) - timedelta(seconds=EVENT_AGE)
        producer.send(SHIPMENT_EVENTS, key=f"pos:{tracking}".encode(),
                      value=pos_event(tracking, occurred))
        producer.flush()
        producer.close()
        consumer.assign([TopicPartition(topic, p) for p in PRODUCED])
        consumer.commit({TopicPartition(topic, p): OffsetAndMetadata(CONSUMED[p], "", -1)
                         for p in PRODUCED})

        send_pos_not_found(kafka, tracking, "ops-test")
        pos0 = TopicPartition(raw_topic("pos"), 0)
        committed = _end_offsets(kafka, [raw_topic("pos")])[pos0]
        worker = KafkaConsumer(**kafka.kafka_python(), group_id=worker_group,
                               enable_auto_commit=False)
        worker.assign([pos0])
        worker.commit({pos0: OffsetAndMetadata(committed, "", -1)})
        worker.close()

        partner = f"opstest{suffix}"
        send_dead_letter(kafka, partner)
        yield Stage(suffix, topic, group, worker_group, committed, partner, stamps,
                    outputs_before)
    finally:
        consumer.close()
        admin.delete_groups([group, worker_group])
        admin.delete_topics([topic])
        admin.close()


@dataclass
class Served:
    """The running ops server, its token store and an ops:read token of it."""

    url: str
    tokens: TokenStore
    token: str


@pytest.fixture
def ops_server(kafka: KafkaConnection, ops_stage: Stage, tmp_path: Path) -> Iterator[Served]:
    config = OpsConfig(
        kafka=kafka,
        partners=tuple(sorted(PARTNERS)),
        worker_group=ops_stage.worker_group,
        groups=(ops_stage.group,),
        window=60.0,
        interval=1.0,
    )
    tokens = TokenStore(tmp_path / "tokens.json")
    _, token = tokens.create("ops:read", "prometheus")
    app = create_app(OpsPoller(OpsCollector(config)), tokens=tokens)
    with BackgroundServer(app, port=free_port()) as s:
        yield Served(s.url, tokens, token)


def test_metrics_endpoint_exports_lag_dead_letters_freshness_and_agents(
    ops_server: Served, ops_stage: Stage, kafka: KafkaConnection
) -> None:
    stage = ops_stage
    url, token = ops_server.url, ops_server.token
    letters = {"partner": stage.partner, "stage": "ops-test", "reason": "OpsTestError"}

    def ready() -> Samples | None:
        found = scrape(url, token)
        wanted = (
            sample(found, "lintas_dead_letters_total", **letters),
            sample(found, "lintas_partner_newest_event_age_seconds", partner="pos"),
            sample(found, "kafka_consumergroup_lag", group=stage.group, topic=stage.topic,
                   partition="0"),
        )
        return found if all(v is not None for v in wanted) else None

    found = wait_for(ready, timeout=120, what="the ops server's first full collection")
    assert isinstance(found, dict)

    # Lag of the private group: exact offsets, lag in messages and in seconds, verdict.
    for number, produced in PRODUCED.items():
        labels = {"group": stage.group, "topic": stage.topic, "partition": str(number)}
        assert sample(found, "kafka_consumergroup_current_offset", **labels) == CONSUMED[number]
        assert sample(found, "kafka_consumergroup_lag", **labels) == produced - CONSUMED[number]
        assert sample(found, "kafka_topic_partition_current_offset", topic=stage.topic,
                      partition=str(number)) == produced
    seconds = sample(found, "kafka_consumergroup_lag_seconds", group=stage.group,
                     topic=stage.topic, partition="0")
    expected = time.time() - stage.stamps[0][CONSUMED[0]] / 1000
    assert seconds == pytest.approx(expected, abs=15.0)
    assert sample(found, "kafka_consumergroup_lag_seconds", group=stage.group,
                  topic=stage.topic, partition="2") == 0.0
    assert sample(found, "lintas_consumergroup_status", group=stage.group, status="OK") == 1
    assert sample(found, "lintas_consumergroup_status", group=stage.group, status="STOP") == 0
    assert sample(found, "lintas_consumergroup_status_code", group=stage.group) == 0
    assert sample(found, "kafka_consumergroup_members", group=stage.group) == 0

    # Dead letters by partner, stage and reason: exact, and read on incrementally.
    assert sample(found, "lintas_dead_letters_total", **letters) == 1
    send_dead_letter(kafka, stage.partner)
    wait_for(lambda: sample(scrape(url, token), "lintas_dead_letters_total", **letters) == 2,
             timeout=60, what="the second dead letter to be counted")

    # Freshness: the raw record and the event this test sent.
    found = scrape(url, token)
    assert sample(found, "lintas_partner_last_record_age_seconds", partner="pos") < 60
    event_age = sample(found, "lintas_partner_newest_event_age_seconds", partner="pos")
    assert event_age is not None and event_age <= EVENT_AGE + 60
    stamp = sample(found, "lintas_partner_newest_event_timestamp_seconds", partner="pos")
    assert stamp is not None and stamp >= time.time() - EVENT_AGE - 60

    # Agents: records in from the (private) worker group's committed offsets, out from the
    # log ends of the topics normalize writes.
    assert sample(found, "lintas_agent_records_in_total",
                  agent="normalize_records") == stage.worker_committed
    out = sample(found, "lintas_agent_records_out_total", agent="normalize_records")
    assert out is not None and out >= stage.outputs_before + 3  # an event, two dead letters

    assert sample(found, "lintas_ops_last_collection_success") == 1
    assert sample(found, "lintas_ops_tail_backlog_records", topic=DLQ) == 0

    # The dashboard's JSON tells the same lag.
    body = httpx.get(f"{url}/api/snapshot", headers={"Authorization": f"Bearer {token}"},
                     timeout=10).json()
    group = body["snapshot"]["lag"]["groups"][stage.group]
    assert group["lag"] == sum(PRODUCED.values()) - sum(CONSUMED.values())
    health = httpx.get(f"{url}/healthz", timeout=10)
    assert health.status_code == 200 and health.json() == {"status": "ok"}


def test_a_scrape_needs_an_ops_read_token(ops_server: Served) -> None:
    url, tokens = ops_server.url, ops_server.tokens
    for path in ("/metrics", "/api/snapshot", "/api/series"):
        refused = httpx.get(f"{url}{path}", timeout=10)
        assert refused.status_code == 401 and refused.json()["error"]
        assert refused.headers["www-authenticate"].startswith("Bearer")
    _, viewer = tokens.create("view:read")
    wrong = httpx.get(f"{url}/metrics", headers={"Authorization": f"Bearer {viewer}"}, timeout=10)
    assert wrong.status_code == 403
    entry, revoked = tokens.create("ops:read")
    tokens.revoke(entry.id)
    gone = httpx.get(f"{url}/metrics", headers={"Authorization": f"Bearer {revoked}"}, timeout=10)
    assert gone.status_code == 401 and "revoked" in gone.json()["error"]
    assert httpx.get(f"{url}/metrics", headers={"Authorization": f"Bearer {ops_server.token}"},
                     timeout=10).status_code == 200


def test_sink_metrics_count_records_and_time_commits(kafka: KafkaConnection, tmp_path) -> None:
    """A sink (private group, fresh SQLite view) with its metrics server, scraped."""
    import threading

    from lintas.streams.ops.metrics import start_metrics_server
    from lintas.streams.view.sink import ViewSink
    from lintas.streams.view.store import open_store

    ensure_topics(kafka, catalog(sorted(PARTNERS), 3))
    partner = f"opssink{uuid.uuid4().hex[:8]}"
    key = send_dead_letter(kafka, partner)
    group = f"lintas-test-ops-sink-{uuid.uuid4().hex[:8]}"
    store = open_store(f"sqlite:///{tmp_path / 'view.db'}")
    port = free_port()
    server = start_metrics_server(port)
    url = f"http://127.0.0.1:{port}"
    before = scrape(url)
    letters_before = sample(before, "lintas_sink_records_total", topic=DLQ) or 0.0
    commits_before = sample(before, "lintas_sink_commit_seconds_count") or 0.0
    stop = threading.Event()
    sink = ViewSink(store, kafka, group_id=group)
    thread = threading.Thread(target=sink.run, args=(stop,), daemon=True)
    thread.start()
    try:
        wait_for(lambda: store.dead_letters(keys=[key]), timeout=120,
                 what="the sink to write the dead letter")
        found = scrape(url)
        assert (sample(found, "lintas_sink_records_total", topic=DLQ) or 0) >= letters_before + 1
        assert (sample(found, "lintas_sink_commit_seconds_count") or 0) >= commits_before + 1
        assert (sample(found, "lintas_sink_commit_seconds_bucket", le="+Inf")
                == sample(found, "lintas_sink_commit_seconds_count"))
    finally:
        stop.set()
        thread.join(60)
        server.shutdown()
        server.server_close()
        store.close()
        admin = admin_client(kafka)
        admin.delete_groups([group])
        admin.close()
