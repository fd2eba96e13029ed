"""The lintas Faust app: one app, its topics and tables, declared once.

Nothing here reads the environment: :func:`configure` applies the settings before the
worker starts (``lintas worker``).
"""

from __future__ import annotations

from typing import Any

import faust

from connectors.registry import PARTNERS
from lintas.broker import bootstrap_servers
from lintas.settings import Settings
from lintas.topics import DLQ, SHIPMENT_EVENTS, SHIPMENTS, raw_topic
from schemas.codec import register_faust_codecs
from streams.eventset import CODEC_NAME as EVENT_SET_CODEC
from streams.eventset import register_codec as register_event_set_codec

__all__ = [
    "app",
    "configure",
    "dead_letters",
    "raw_records",
    "shipment_event_sets",
    "shipment_events",
    "shipment_views",
]

register_faust_codecs()
register_event_set_codec()

app = faust.App("lintas", autodiscover=False)

raw_records = app.topic(
    *(raw_topic(p) for p in sorted(PARTNERS)),
    key_type=bytes,
    value_type=bytes,
    key_serializer="raw",
    value_serializer="raw",
)
shipment_events = app.topic(
    SHIPMENT_EVENTS, key_type=bytes, key_serializer="raw", value_serializer="lintas.ShipmentEvent"
)
shipment_views = app.topic(
    SHIPMENTS, key_type=bytes, key_serializer="raw", value_serializer="lintas.ShipmentView"
)
dead_letters = app.topic(DLQ, key_type=bytes, value_type=bytes, key_serializer="raw", value_serializer="raw")

#: shipment id -> {event id: ShipmentEvent}; changelog-backed.
shipment_event_sets = app.Table("shipment-event-sets", default=None, key_type=bytes)
# Faust derives serializers from types (raw or json); the event set has its own codec.
shipment_event_sets.key_serializer = "raw"
shipment_event_sets.value_serializer = EVENT_SET_CODEC


def faust_settings(settings: Settings) -> dict[str, Any]:
    """Faust configuration derived from lintas settings."""
    return {
        "broker": f"kafka://{bootstrap_servers(settings)}",
        "store": settings.table_store,
        "datadir": str(settings.home / "worker"),
        "topic_partitions": settings.topic_partitions,
        "topic_replication_factor": settings.replication_factor,
        "topic_allow_declare": True,
        "producer_acks": -1,
        "consumer_auto_offset_reset": "earliest",
        "web_enabled": settings.worker_web_enabled,
        "web_bind": "127.0.0.1",
        "web_host": "127.0.0.1",
        "web_port": settings.worker_web_port,
        "broker_commit_every": 1000,
        "broker_commit_interval": 1.0,
        "stream_wait_empty": False,
        "key_serializer": "raw",
        "value_serializer": "raw",
        "table_cleanup_interval": 60.0,
    }


def configure(settings: Settings) -> faust.App:
    """Apply ``settings`` to the app; call once before the worker starts."""
    app.config_from_object(faust_settings(settings))
    return app
