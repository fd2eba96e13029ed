"""The local broker with TLS (``LINTAS_KAFKA_TLS=true``): clients speak SASL_SSL and verify
the broker's certificate against the CA it made; a client that does not trust that CA, or
that does not speak TLS, gets nothing; the worker and the sink run over it end to end."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from lintas.connectors.runtime.producer import RawProducer, raw_record
from lintas.core.errors import BrokerError
from lintas.core.topics import catalog, raw_topic
from lintas.demo import ChildProcess
from lintas.kafka.admin import ensure_topics
from lintas.kafka.broker import LocalBroker
from lintas.kafka.connection import KafkaConnection
from lintas.kafka.principals import principal_name
from lintas.streams.view.store import open_store
from tests.integration.conftest import wait_for
from tests.integration.helpers import own_broker, pos_delivered

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def tls_broker(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalBroker]:
    home = tmp_path_factory.mktemp("tls-home")
    with own_broker(home / "kafka", partitions=1, tls=True) as broker:
        yield broker


def test_clients_verify_the_broker_and_nothing_speaks_in_the_clear(tls_broker: LocalBroker):
    admin = tls_broker.connection()
    assert admin.protocol == "SASL_SSL" and admin.ca_file
    ca = Path(admin.ca_file)
    assert ca.read_text().startswith("-----BEGIN CERTIFICATE-----")
    for private in (ca.parent / "broker.p12", ca.parent / "ca.p12",
                    ca.parent / "keystore.password", tls_broker.directory / "server.properties"):
        assert private.stat().st_mode & 0o777 == 0o600, private
    assert ensure_topics(admin, catalog(["pos"], 1))  # SASL_SSL, the CA trusted: answered
    cleartext = KafkaConnection(admin.bootstrap, "SASL_PLAINTEXT", admin.mechanism,
                                admin.username, admin.password)
    untrusting = KafkaConnection(admin.bootstrap, "SASL_SSL", admin.mechanism,
                                 admin.username, admin.password)  # the system's CAs only
    for refused in (cleartext, untrusting):
        with pytest.raises(BrokerError):
            ensure_topics(refused, catalog(["jne"], 1))


def test_a_lintas_command_finds_the_local_broker_over_tls(tls_broker: LocalBroker):
    home = tls_broker.directory.parent
    env = {key: value for key, value in os.environ.items()
           if not key.startswith("LINTAS_KAFKA_")}
    env.update(LINTAS_HOME=str(home), LINTAS_KAFKA_TLS="true",
               LINTAS_KAFKA_PORT=str(tls_broker.port),
               LINTAS_KAFKA_CONTROLLER_PORT=str(tls_broker.controller_port))
    out = subprocess.run([sys.executable, "-m", "lintas", "kafka", "start", "--json"], env=env,
                         capture_output=True, text=True, timeout=120, check=False)
    assert out.returncode == 0, out.stderr[-2000:]
    status = json.loads(out.stdout)  # already running: it says so, and how to reach it
    assert status["running"] and status["security_protocol"] == "SASL_SSL"
    assert status["ca_file"] == tls_broker.ca_file
    listed = subprocess.run([sys.executable, "-m", "lintas", "topics", "list", "--json"],
                            env=env, capture_output=True, text=True, timeout=120, check=False)
    assert listed.returncode == 0, listed.stderr[-2000:]
    assert raw_topic("pos") in listed.stdout


def test_the_worker_and_the_sink_run_over_tls(tls_broker: LocalBroker, tmp_path: Path):
    url = f"sqlite:///{tmp_path / 'view.db'}"

    def env(role: str) -> dict[str, str]:
        return {**os.environ, **tls_broker.connection(principal_name(role)).environment(),
                "LINTAS_TOPIC_PARTITIONS": "1", "LINTAS_DATABASE_URL": url,
                "LINTAS_HOME": str(tmp_path / role)}

    worker = ChildProcess("worker", ["worker"], env("worker"), tmp_path)
    sink = ChildProcess("sink", ["sink"], env("sink"), tmp_path)
    store = open_store(url)
    producer = RawProducer(tls_broker.connection(principal_name("connector")))
    try:
        barcode = "P2611300000042"
        producer.send(raw_record(partner="pos", kind="tracking", connector="test",
                                 source="test", payload=pos_delivered(barcode),
                                 request_key=barcode), f"pos:{barcode}")
        producer.flush()
        wait_for(lambda: (view := store.shipment(f"pos:{barcode}")) is not None
                 and view["status"] == "delivered", timeout=180,
                 what="the delivered shipment, through a worker and a sink on TLS")
        assert worker.alive() and sink.alive(), worker.log_tail()
    finally:
        producer.close()
        worker.stop()
        sink.stop()
        store.close()
