"""The worker's shape: its agents, its internal topics, and what the app declared for them.

:func:`lintas.streams.app.create_app` builds a :class:`Pipeline`; the agents
(:mod:`lintas.streams.agents`) read their topics and tables from it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # importing the names needs no Faust (the ops server reads them)
    import faust
    from faust.types import TableT, TopicT

__all__ = [
    "AGENT_NAMES",
    "LEG_UPDATES",
    "OUTLETS_BY_REGION",
    "SHIPMENT_LEGS",
    "Pipeline",
]

#: Every agent, in the order records flow through them.
AGENT_NAMES = ("normalize_records", "collect_legs", "link_legs", "assemble_shipments",
               "place_outlets", "match_service_points")

#: Internal topics between the worker's agents (not a public contract).
LEG_UPDATES = "lintas-leg-updates"
SHIPMENT_LEGS = "lintas-shipment-legs"
OUTLETS_BY_REGION = "lintas-outlets-by-region"


@dataclass(frozen=True)
class Pipeline:
    """The app and everything declared on it. A table is ``None`` in a worker that does
    not run the agent keeping it (``LINTAS_WORKER_AGENTS``)."""

    app: faust.App
    raw_records: TopicT
    shipment_events: TopicT
    network_nodes: TopicT
    shipment_views: TopicT
    dead_letters: TopicT
    leg_updates: TopicT
    shipment_legs: TopicT
    outlets_by_region: TopicT
    service_points: TopicT
    #: leg (partner:tracking_number) -> its EventSet (:mod:`lintas.streams.eventset`)
    leg_event_sets: TableT | None
    #: leg -> LegState (:mod:`lintas.streams.messages`), for the linker; one partition
    leg_states: TableT | None
    #: shipment id -> its assigned legs (:mod:`lintas.streams.assembler`)
    shipment_states: TableT | None
    #: regency code -> its outlets and service points (:mod:`lintas.streams.outlets`)
    region_outlets: TableT | None
    #: registered hand-overs, (giver, receiver) (``LINTAS_HANDOVER_AGREEMENTS``)
    agreements: frozenset[tuple[str, str]] = frozenset()
