"""What a subscriber reads, tried as a subscriber: the whole pipeline (every partner's
catalog, as `lintas demo` sends it) runs once with LINTAS_WIRE_FORMAT=confluent; then every
canonical topic's new records are in Confluent's format and Confluent's own deserializer
reads them, the view sink stored them, and `lintas subscribe`, kcat and each example of
docs/subscribing.md read lintas.shipments.v1 — with its older single-object records too —
with nothing but a subscriber's credentials and the registry's URL."""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import uuid
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from lintas.connectors.members import AccountStore
from lintas.connectors.onboarding import Issued, add_account
from lintas.core.settings import get_settings
from lintas.core.topics import SHIPMENTS
from lintas.demo.run import run_demo
from lintas.kafka.connection import KafkaConnection
from lintas.schemas.codec import codec
from lintas.schemas.registry import CANONICAL_RECORDS, RegistryClient, register_canonical
from lintas.schemas.wire import format_of, schema_id_of
from tests.conftest import CACHE_DIR
from tests.integration.helpers import read_topic
from tests.unit.test_schemas import SAMPLES

pytestmark = [pytest.mark.integration, pytest.mark.slow]

DOC = Path(__file__).resolve().parents[2] / "docs" / "subscribing.md"
_EXAMPLE = re.compile(r"<!-- example: (?P<name>[\w-]+) -->\n```\w+\n(?P<code>.*?)```", re.S)


def example(name: str) -> str:
    found = {m["name"]: m["code"] for m in _EXAMPLE.finditer(DOC.read_text())}
    assert name in found, f"docs/subscribing.md has no example {name!r}"
    return found[name]


def _current_ids(url: str) -> dict[str, int]:
    with RegistryClient(url) as client:
        return {s.topic: s.current_id for s in register_canonical(client)}


@pytest.fixture(scope="module")
def confluent_run(kafka: KafkaConnection, schema_registry: str,
                  tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[int, int]]:
    """Run the pipeline once writing Confluent's format; where each canonical topic's
    partitions ended before (topic -> partition -> offset). A single-object record of
    lintas.shipments.v1 stays before them, as in a migration."""
    codec_view = codec("ShipmentView")
    _produce(kafka, SHIPMENTS, b"pos:SINGLE-OBJECT-1",
             codec_view.encode({**SAMPLES["ShipmentView"], "shipment_id": "pos:SINGLE-OBJECT-1"}))
    starts = {topic: _ends(kafka, topic) for topic in CANONICAL_RECORDS}
    home = tmp_path_factory.mktemp("confluent-run")
    with pytest.MonkeyPatch.context() as patch:
        for name, value in {**kafka.environment(), "LINTAS_HOME": str(home / "home"),
                            "LINTAS_DATABASE_URL": f"sqlite:///{home / 'view.db'}",
                            "LINTAS_WIRE_FORMAT": "confluent",
                            "LINTAS_SCHEMA_REGISTRY_URL": schema_registry}.items():
            patch.setenv(name, value)
        get_settings.cache_clear()
        summary = run_demo(get_settings(), rounds=1, timeout=300)
    get_settings.cache_clear()
    # The view sink read every record it needed, in Confluent's format.
    assert summary.complete, summary.missing[:5]
    assert summary.shipments > 0 and summary.network_nodes > 0
    return starts


def _produce(kafka: KafkaConnection, topic: str, key: bytes, value: bytes) -> None:
    from kafka import KafkaProducer

    producer = KafkaProducer(**kafka.kafka_python())
    try:
        producer.send(topic, key=key, value=value).get(timeout=30)
    finally:
        producer.close()


def _ends(kafka: KafkaConnection, topic: str) -> dict[int, int]:
    from kafka import KafkaConsumer, TopicPartition

    consumer = KafkaConsumer(**kafka.kafka_python(), enable_auto_commit=False)
    try:
        tps = [TopicPartition(topic, p) for p in consumer.partitions_for_topic(topic) or []]
        return {tp.partition: offset for tp, offset in consumer.end_offsets(tps).items()}
    finally:
        consumer.close()


def _since(kafka: KafkaConnection, topic: str, starts: dict[int, int]) -> list[Any]:
    return [m for m in read_topic(kafka, topic) if m.offset >= starts[m.partition]]


def _plain(value: Any, instant: Any = str) -> Any:
    """A decoded record as JSON would carry it (datetimes as ``instant`` makes them text)."""
    return json.loads(json.dumps(value, default=instant))


def test_every_canonical_topic_is_written_for_confluents_deserializer(
        kafka, schema_registry, confluent_run):
    from confluent_kafka.schema_registry import SchemaRegistryClient
    from confluent_kafka.schema_registry.avro import AvroDeserializer
    from confluent_kafka.serialization import MessageField, SerializationContext

    deserialize = AvroDeserializer(SchemaRegistryClient({"url": schema_registry}))
    ids = _current_ids(schema_registry)
    for topic, record in CANONICAL_RECORDS.items():
        written = [m for m in _since(kafka, topic, confluent_run[topic]) if m.value is not None]
        # Service points come from matching outlets after the view is complete; the demo
        # may stop before the first is sent. Every other topic has records.
        assert written or topic == "lintas.service-points.v1", f"nothing on {topic}"
        assert {format_of(m.value) for m in written} == {"confluent"}, topic
        assert {schema_id_of(m.value) for m in written} == {ids[topic]}, topic
        context = SerializationContext(topic, MessageField.VALUE)
        for message in written:
            assert deserialize(message.value, context) == codec(record).decode(message.value)


@pytest.fixture(scope="module")
def subscriber(kafka: KafkaConnection, tmp_path_factory: pytest.TempPathFactory) -> Issued:
    store = AccountStore(tmp_path_factory.mktemp("accounts") / "members.json")
    return add_account(kafka, store, "subscriber", f"guide-{uuid.uuid4().hex[:6]}")


@pytest.fixture
def guide_env(subscriber: Issued, schema_registry: str) -> dict[str, str]:
    """What the guide tells a subscriber to set, and nothing of lintas's own."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("LINTAS_")}
    env["PATH"] = f"{Path(sys.executable).parent}:{env.get('PATH', '')}"  # its python3
    env.update(KAFKA_BOOTSTRAP=subscriber.kafka.bootstrap,
               KAFKA_SECURITY_PROTOCOL=subscriber.kafka.protocol,
               KAFKA_USERNAME=subscriber.account.principal,
               KAFKA_PASSWORD=subscriber.password.get_secret_value(),
               SCHEMA_REGISTRY_URL=schema_registry, TOPIC=SHIPMENTS)
    return env


def _expected(kafka: KafkaConnection, instant: Any = str) -> dict[tuple[int, int], Any]:
    """Every record of lintas.shipments.v1 as lintas reads it: (partition, offset) -> value."""
    view = codec("ShipmentView")
    return {(m.partition, m.offset):
            None if m.value is None else _plain(view.decode(m.value), instant)
            for m in read_topic(kafka, SHIPMENTS)}


def _lines(out: subprocess.CompletedProcess[str]) -> dict[tuple[int, int], Any]:
    assert out.returncode == 0, out.stderr[-3000:]
    rows = [json.loads(line) for line in out.stdout.splitlines() if line.strip()]
    return {(r["partition"], r["offset"]): r["value"] for r in rows}


def _run(args: list[str], env: dict[str, str], cwd: Path | None = None,
         ) -> subprocess.CompletedProcess[str]:
    return subprocess.run(args, env=env, cwd=cwd, capture_output=True, text=True,
                          timeout=600, check=False)


def test_lintas_subscribe_reads_both_formats(kafka, confluent_run, subscriber, guide_env):
    env = {**guide_env, "LINTAS_KAFKA_BOOTSTRAP": guide_env["KAFKA_BOOTSTRAP"],
           "LINTAS_KAFKA_SECURITY_PROTOCOL": guide_env["KAFKA_SECURITY_PROTOCOL"],
           "LINTAS_KAFKA_USERNAME": guide_env["KAFKA_USERNAME"],
           "LINTAS_KAFKA_PASSWORD": guide_env["KAFKA_PASSWORD"],
           "LINTAS_SCHEMA_REGISTRY_URL": guide_env["SCHEMA_REGISTRY_URL"]}
    lintas = [sys.executable, "-m", "lintas", "subscribe", SHIPMENTS]
    out = _run([*lintas, "--from-beginning", "--json", "--exit-at-end"], env)
    assert out.returncode == 0, out.stderr[-3000:]
    rows = [json.loads(line) for line in out.stdout.splitlines()]
    expected = _expected(kafka, datetime.isoformat)
    assert {(r["partition"], r["offset"]): r["value"] for r in rows} == expected
    formats = {r["value"]["shipment_id"]: r["format"] for r in rows if r["value"]}
    assert formats["pos:SINGLE-OBJECT-1"] == "single-object"
    assert {r["format"] for r in rows if r["offset"] >= confluent_run[SHIPMENTS][r["partition"]]
            and r["value"]} == {"confluent"}
    grouped = _run([*lintas, "--group", f"{subscriber.account.principal}.cli",
                    "--from-beginning", "--max", "3"], env)
    assert grouped.returncode == 0, grouped.stderr[-3000:]
    assert len(grouped.stdout.splitlines()) == 3


def test_kcat_reads_the_framing_as_a_subscriber(confluent_run, schema_registry, guide_env,
                                                tmp_path):
    assert shutil.which("kcat"), "kcat is missing: .ci/run installs Debian's kcat"
    env = {**guide_env, "HOME": str(tmp_path)}
    out = _run(["bash", "-c", example("kcat-librdkafka") + example("kcat")], env)
    assert out.returncode == 0, out.stderr[-3000:]
    version, *lines = out.stdout.splitlines()
    assert version.startswith("librdkafka ")
    view_id = _current_ids(schema_registry)[SHIPMENTS]
    rows = [line.split() for line in lines]
    new = [r for r in rows if int(r[1]) >= confluent_run[SHIPMENTS][int(r[0])] and len(r) > 3]
    assert new and all(r[3] == f"0{view_id}" for r in new)  # magic byte 0, then the id
    old = [r for r in rows if r[2] == "pos:SINGLE-OBJECT-1"]
    assert old and old[0][3].startswith(str(0xC3 - 256))  # the marker byte C3, signed


def test_the_kafka_python_example(kafka, confluent_run, guide_env, tmp_path):
    (tmp_path / "example.py").write_text(example("kafka-python"))
    assert _lines(_run([sys.executable, "example.py"], guide_env, tmp_path)) == _expected(kafka)


def test_the_confluent_kafka_example(kafka, confluent_run, guide_env, subscriber, tmp_path):
    (tmp_path / "example.py").write_text(example("confluent-kafka"))
    env = {**guide_env, "GROUP": f"{subscriber.account.principal}.guide-{uuid.uuid4().hex[:4]}"}
    out = _run([sys.executable, "example.py"], env, tmp_path)
    # What it prints: records in Confluent's format, and tombstones (a merged shipment's
    # key gone); it skips single-object records.
    confluent = {(m.partition, m.offset) for m in read_topic(kafka, SHIPMENTS)
                 if m.value is None or format_of(m.value) == "confluent"}
    expected = {k: v for k, v in _expected(kafka).items() if k in confluent}
    assert _lines(out) == expected
    assert "single-object" in out.stderr  # what it skipped, it said


def _java_libs() -> Path:
    """The Java example's dependencies, resolved by Maven from the guide's POM (cached)."""
    pom = example("java-pom")
    libs = CACHE_DIR / f"subscriber-java-{hashlib.sha256(pom.encode()).hexdigest()[:12]}"
    if not (libs / ".complete").exists():
        libs.mkdir(parents=True, exist_ok=True)
        (libs / "pom.xml").write_text(pom)
        out = _run(["mvn", "-q", "-B", "-f", str(libs / "pom.xml"),
                    "dependency:copy-dependencies", f"-DoutputDirectory={libs / 'libs'}"],
                   dict(os.environ))
        assert out.returncode == 0, (out.stdout + out.stderr)[-3000:]
        (libs / ".complete").write_text("")
    return libs / "libs"


def test_the_java_example(kafka, confluent_run, guide_env, tmp_path):
    assert shutil.which("javac"), "javac is missing: .ci/run installs a JDK"
    (tmp_path / "Subscribe.java").write_text(example("java"))
    classpath = f"{_java_libs()}/*"
    built = _run(["javac", "-cp", classpath, "-d", str(tmp_path), "Subscribe.java"],
                 guide_env, tmp_path)
    assert built.returncode == 0, built.stderr[-3000:]
    read = _lines(_run(["java", "-Xmx256m", "-cp", f"{tmp_path}:{classpath}", "Subscribe"],
                       guide_env, tmp_path))
    expected = _expected(kafka)
    assert read.keys() == expected.keys()
    for where, value in expected.items():
        if value is None:
            assert read[where] is None
        else:
            assert (read[where]["shipment_id"], read[where]["status"],
                    read[where]["event_count"]) == (value["shipment_id"], value["status"],
                                                    value["event_count"])
