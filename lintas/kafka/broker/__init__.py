"""The local broker, from the settings (an existing one is named by ``LINTAS_KAFKA_BOOTSTRAP``;
:func:`lintas.kafka.principals.kafka_connection` says how to reach either)."""

from __future__ import annotations

from lintas.core.settings import Settings
from lintas.kafka.broker.local import BrokerStatus, LocalBroker, wait_for_broker

__all__ = ["BrokerStatus", "LocalBroker", "local_broker", "wait_for_broker"]


def local_broker(settings: Settings) -> LocalBroker:
    """The local broker these settings describe."""
    return LocalBroker(
        settings.home / "kafka",
        settings.cache_dir,
        version=settings.kafka_version,
        port=settings.kafka_port,
        controller_port=settings.kafka_controller_port,
        heap=settings.kafka_heap,
        tls=settings.kafka_tls,
    )
