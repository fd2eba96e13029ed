"""The worker's shape: its agents, its internal topics, and what the app declared for them.

:func:`lintas.streams.app.create_app` builds a :class:`Pipeline`; the agents
(:mod:`lintas.streams.agents`) read their topics and tables from it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING

from lintas.streams.archive import ArchiveReader

if TYPE_CHECKING:  # importing the names needs no Faust (the ops server reads them)
    import faust
    from faust.types import TableT, TopicT

__all__ = [
    "AGENT_NAMES",
    "HANDOVER_MATCHES",
    "INTERNAL_TOPICS",
    "LEG_MESSAGES",
    "OUTLETS_BY_TILE",
    "REGION_SUMMARIES",
    "SHIPMENT_ARCHIVE",
    "SHIPMENT_LEGS",
    "Closing",
    "Pipeline",
]

#: Every agent, in the order records flow through them.
AGENT_NAMES = ("normalize_records", "collect_legs", "match_handovers", "assemble_shipments",
               "place_outlets", "match_service_points")

#: Internal topics between the worker's agents (not a public contract), every one
#: partitioned like the public topics: no stage runs on a single partition.
#: Messages between legs (claims, parents, roots), keyed by the leg they are for.
LEG_MESSAGES = "lintas-leg-messages"
#: Legs with an unnamed hand-over or that could receive one, keyed by region.
REGION_SUMMARIES = "lintas-region-summaries"
#: Matches of unnamed hand-overs, keyed by the receiving leg.
HANDOVER_MATCHES = "lintas-handover-matches"
SHIPMENT_LEGS = "lintas-shipment-legs"
#: Closed shipments' states, keyed by shipment id, read back by position for a late event
#: (kept ``LINTAS_ARCHIVE_DAYS``).
SHIPMENT_ARCHIVE = "lintas-shipment-archive"
#: Network nodes for the tiles that hold them (:mod:`lintas.streams.outletgrid`), keyed by tile.
OUTLETS_BY_TILE = "lintas-outlets-by-tile"
#: What ``lintas worker`` makes sure exists before the agents start.
INTERNAL_TOPICS = (LEG_MESSAGES, REGION_SUMMARIES, HANDOVER_MATCHES, SHIPMENT_LEGS,
                   SHIPMENT_ARCHIVE, OUTLETS_BY_TILE)


@dataclass(frozen=True)
class Closing:
    """When shipments leave the tables (:mod:`lintas.streams.closing`)."""

    after: timedelta
    archive_for: timedelta
    #: partitions of the internal topics: which keys of a table a partition holds
    partitions: int
    archive: ArchiveReader | None = None


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
    #: what collect_legs reads: events, messages between legs, hand-over matches
    leg_inputs: TopicT
    leg_messages: TopicT
    region_summaries: TopicT
    handover_matches: TopicT
    shipment_legs: TopicT
    outlets_by_tile: TopicT
    service_points: TopicT
    #: leg (partner:tracking_number) -> its LegRecord (:mod:`lintas.streams.legs`)
    leg_records: TableT | None
    #: region -> its unnamed hand-overs and candidates (:mod:`lintas.streams.handovers`)
    region_records: TableT | None
    #: shipment id -> its assigned legs (:mod:`lintas.streams.assembler`)
    shipment_states: TableT | None
    #: node id -> the tiles it was sent to (:mod:`lintas.streams.outlets`)
    outlet_homes: TableT | None
    #: tile/cell -> the outlets in that cell and the service points they name
    outlet_tiles: TableT | None
    #: registered hand-overs, (giver, receiver) (``LINTAS_HANDOVER_AGREEMENTS``)
    agreements: frozenset[tuple[str, str]] = frozenset()
    closing: Closing | None = None

    def tables(self) -> dict[str, TableT]:
        """The tables this worker keeps, by their field's name."""
        named = {"leg_records": self.leg_records, "region_records": self.region_records,
                 "shipment_states": self.shipment_states, "outlet_homes": self.outlet_homes,
                 "outlet_tiles": self.outlet_tiles}
        return {name: table for name, table in named.items() if table is not None}
