"""Where lintas finds Kafka: an existing broker (``LINTAS_KAFKA_BOOTSTRAP``) or the local one."""

from __future__ import annotations

from lintas.core.settings import Settings
from lintas.kafka.broker.local import BrokerStatus, LocalBroker, wait_for_broker

__all__ = ["BrokerStatus", "LocalBroker", "bootstrap_servers", "local_broker", "wait_for_broker"]


def local_broker(settings: Settings) -> LocalBroker:
    """The local broker these settings describe."""
    return LocalBroker(
        settings.home / "kafka",
        settings.cache_dir,
        version=settings.kafka_version,
        port=settings.kafka_port,
        controller_port=settings.kafka_controller_port,
        heap=settings.kafka_heap,
    )


def bootstrap_servers(settings: Settings) -> str:
    """Bootstrap servers to use: the configured broker, else the local one's address."""
    if settings.kafka_bootstrap:
        return settings.kafka_bootstrap
    return f"127.0.0.1:{settings.kafka_port}"
