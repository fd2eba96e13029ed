"""The broker tooling and the topic catalog, on a real broker."""

from __future__ import annotations

import pytest

from lintas.connectors.registry import PARTNERS
from lintas.core.errors import BrokerError
from lintas.core.topics import CONNECT_OFFSETS, SHIPMENTS, catalog
from lintas.kafka.admin import admin_client, ensure_topics
from lintas.kafka.connection import KafkaConnection
from tests.conftest import CACHE_DIR

pytestmark = pytest.mark.integration


def test_topics_create_is_idempotent_and_applies_the_catalog(kafka):
    specs = catalog(sorted(PARTNERS), 3)
    first = ensure_topics(kafka, specs)
    assert {o.name for o in first} == {s.name for s in specs}
    again = ensure_topics(kafka, specs)
    assert {o.action for o in again} == {"exists"}
    admin = admin_client(kafka)
    try:
        described = {t["name"]: t for t in admin.describe_topics([SHIPMENTS, CONNECT_OFFSETS])}
        assert len(described[SHIPMENTS]["partitions"]) == 3
        assert len(described[CONNECT_OFFSETS]["partitions"]) == 1
        from kafka.admin import ConfigResource, ConfigResourceType

        configs = admin.describe_configs([ConfigResource(ConfigResourceType.TOPIC, SHIPMENTS)])
        text = repr(configs)
        assert "cleanup.policy" in text and "compact" in text
    finally:
        admin.close()


def test_local_broker_start_status_stop(tmp_path):
    from lintas.connectors.sandboxes import free_port
    from lintas.kafka.broker import LocalBroker
    from lintas.kafka.processes import pid_alive as _pid_alive

    broker = LocalBroker(tmp_path / "kafka", CACHE_DIR, version="4.1.1", port=free_port(),
                         controller_port=free_port())
    assert not broker.status().running
    status = broker.start()
    try:
        assert status.running and status.bootstrap == f"127.0.0.1:{broker.port}"
        assert broker.start().pid == status.pid  # starting again changes nothing
        ensure_topics(broker.connection(), catalog(["pos"], 1))
        # Secure by default: the admin's password was generated, kept for its owner only.
        assert broker.principals.path.stat().st_mode & 0o777 == 0o600
        assert (broker.directory / "server.properties").stat().st_mode & 0o777 == 0o600
        with pytest.raises(BrokerError):  # no credentials: not even a metadata answer
            ensure_topics(KafkaConnection(status.bootstrap), catalog(["jne"], 1))
    finally:
        assert broker.stop()
    assert not broker.status().running
    assert not _pid_alive(status.pid)
    assert not broker.stop()
