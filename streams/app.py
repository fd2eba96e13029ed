"""The lintas Faust app: one app with its topics and table, built from the settings.

Faust reads its configuration when topics and tables are declared, so the app is built
by :func:`create_app` once the settings are known (``lintas worker``), never at import.
"""

from __future__ import annotations

import asyncio
from datetime import timedelta
from typing import Any

import faust

from lintas.connectors.registry import PARTNERS
from lintas.core.errors import ConfigurationError
from lintas.core.settings import Settings
from lintas.core.topics import (
    DLQ,
    NETWORK_NODES,
    SERVICE_POINTS,
    SHIPMENT_EVENTS,
    SHIPMENTS,
    TopicSpec,
    raw_topic,
)
from lintas.kafka.principals import kafka_connection
from lintas.streams import pipeline as shape
from lintas.streams.agents import register_agents
from lintas.streams.archive import ArchiveReader
from lintas.streams.linking import parse_agreements
from lintas.streams.members import follow_members, member_topics
from lintas.streams.pipeline import (
    AGENT_NAMES,
    HANDOVER_MATCHES,
    INTERNAL_TOPICS,
    LEG_MESSAGES,
    OUTLETS_BY_TILE,
    REGION_SUMMARIES,
    SHIPMENT_LEGS,
    Pipeline,
)
from lintas.streams.transport import SCHEME
from lintas.streams.transport import register as register_transport

__all__ = ["agreements", "changelog_topics", "create_app", "faust_settings", "internal_topics",
           "selected_agents"]


def faust_settings(settings: Settings) -> dict[str, Any]:
    """Faust configuration derived from lintas settings (as the worker's principal)."""
    kafka = kafka_connection(settings, "worker")
    return {
        "broker": [f"{SCHEME}://{server.strip()}" for server in kafka.bootstrap.split(",")],
        "broker_credentials": kafka.faust_credentials(),
        "store": settings.table_store,
        "datadir": str(settings.home / "worker"),
        "topic_partitions": settings.topic_partitions,
        "topic_replication_factor": settings.replication_factor,
        "producer_acks": -1,
        "consumer_auto_offset_reset": "earliest",
        "web_enabled": settings.worker_web_enabled,
        "web_bind": "127.0.0.1",
        "web_host": "127.0.0.1",
        "web_port": settings.worker_web_port,
        "broker_commit_every": 1000,
        "broker_commit_interval": 1.0,
        "stream_wait_empty": True,
        "key_serializer": "raw",
        "value_serializer": "raw",
    }


def internal_topics(partitions: int, archive_days: float = 90.0) -> list[TopicSpec]:
    """The worker's internal topics, partitioned like the public ones; the archive of
    closed shipments kept ``archive_days``."""
    archive = {"cleanup.policy": "delete", "retention.ms": str(int(archive_days * 86_400_000))}
    return [TopicSpec(name, "leg, region or shipment id", "internal", partitions,
                      archive if name == shape.SHIPMENT_ARCHIVE else {})
            for name in INTERNAL_TOPICS]


def changelog_topics(app: faust.App) -> list[TopicSpec]:
    """The changelog topics of the app's tables, for `lintas worker` to make before the
    worker subscribes. Faust makes them itself as it starts, but a consumer whose
    metadata does not list a changelog made a moment earlier leaves it out of the
    assignment, and its table refuses every write (``PartitionsMismatch``: "the
    changelog topic has 0 partitions") until the next rebalance: each record of the
    table's agent went to the DLQ."""
    return [TopicSpec(table.changelog_topic.get_topic_name(), "table key", "table value",
                      table.partitions or app.conf.topic_partitions,
                      {"cleanup.policy": "compact"})
            for table in app.tables.values()]


def closing(settings: Settings) -> shape.Closing:
    """When shipments leave the worker's tables, and where it reads them back."""
    return shape.Closing(
        after=timedelta(days=settings.close_after_days),
        archive_for=timedelta(days=settings.archive_days),
        partitions=settings.topic_partitions,
        archive=ArchiveReader(kafka_connection(settings, "worker"), shape.SHIPMENT_ARCHIVE),
    )


def agreements(settings: Settings) -> frozenset[tuple[str, str]]:
    """The registered hand-overs (``LINTAS_HANDOVER_AGREEMENTS``)."""
    try:
        return parse_agreements(settings.handover_agreements)
    except ValueError as exc:
        raise ConfigurationError(f"LINTAS_HANDOVER_AGREEMENTS: {exc}") from exc


def selected_agents(settings: Settings) -> set[str]:
    """The agents this worker runs (``LINTAS_WORKER_AGENTS``)."""
    wanted = {a.strip() for a in settings.worker_agents.split(",") if a.strip()}
    if not wanted or wanted == {"all"}:
        return set(AGENT_NAMES)
    unknown = wanted - set(AGENT_NAMES)
    if unknown:
        raise ConfigurationError(
            f"LINTAS_WORKER_AGENTS names unknown agents: {', '.join(sorted(unknown))}; "
            f"known: {', '.join(AGENT_NAMES)}"
        )
    return wanted


def create_app(settings: Settings) -> Pipeline:
    """Build the app, its topics, table and agents."""
    register_transport()
    (settings.home / "worker").mkdir(parents=True, exist_ok=True)
    app = faust.App(settings.app_id, autodiscover=False, **faust_settings(settings))
    raw: dict[str, Any] = {"key_type": bytes, "value_type": bytes, "key_serializer": "raw",
                           "value_serializer": "raw"}
    selected = selected_agents(settings)
    raw_topics = [raw_topic(p) for p in sorted(PARTNERS)]

    def table(name: str, agent: str, partitions: int) -> Any:
        if agent not in selected:
            return None  # a worker without the agent keeps none of its state
        return app.Table(name, default=None, key_type=bytes, value_type=bytes,
                         partitions=partitions)

    pipeline = Pipeline(
        app=app,
        # Every raw topic: the partners' and each member's (lintas.raw.member.<id>); members
        # who join later are added as they appear (lintas.streams.members).
        raw_records=app.topic(*raw_topics, **raw),
        # Agents decode what they read themselves: a record that does not decode is a
        # dead letter, not a crash in Faust's stream.
        shipment_events=app.topic(SHIPMENT_EVENTS, **raw),
        network_nodes=app.topic(NETWORK_NODES, **raw),
        shipment_views=app.topic(SHIPMENTS, **raw),
        dead_letters=app.topic(DLQ, **raw),
        # A leg's events and the messages for it share its key and partition count: one
        # worker holds the leg and everything said about it (`lintas worker` creates the
        # internal topics before the agents start).
        leg_inputs=app.topic(SHIPMENT_EVENTS, LEG_MESSAGES, HANDOVER_MATCHES, **raw),
        leg_messages=app.topic(LEG_MESSAGES, **raw),
        region_summaries=app.topic(REGION_SUMMARIES, **raw),
        handover_matches=app.topic(HANDOVER_MATCHES, **raw),
        shipment_legs=app.topic(SHIPMENT_LEGS, **raw),
        leg_records=table("leg-records", "collect_legs", settings.topic_partitions),
        region_records=table("region-records", "match_handovers", settings.topic_partitions),
        shipment_states=table("shipment-states", "assemble_shipments", settings.topic_partitions),
        outlets_by_tile=app.topic(OUTLETS_BY_TILE, **raw),
        service_points=app.topic(SERVICE_POINTS, **raw),
        outlet_homes=table("outlet-homes", "place_outlets", settings.topic_partitions),
        outlet_tiles=table("outlet-tiles", "match_service_points", settings.topic_partitions),
        agreements=agreements(settings),
        closing=closing(settings),
    )
    register_agents(pipeline, selected)
    if "normalize_records" in selected:
        _follow_members(app, set(), settings)
    return pipeline


def _follow_members(app: faust.App, known: set[str], settings: Settings) -> None:
    """A task of the worker: read members' raw topics as they appear (at start, then every
    ``LINTAS_MEMBER_TOPICS_REFRESH_SECONDS``)."""
    kafka = kafka_connection(settings, "worker")

    @app.task
    async def follow_member_topics() -> None:
        while not app.should_stop:
            await follow_members(app, known, lambda: member_topics(kafka))
            await asyncio.sleep(settings.member_topics_refresh_seconds)
