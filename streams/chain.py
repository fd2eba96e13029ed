"""The pipeline's steps after normalize, in one process: each leg's state machine, the
region matcher of unnamed hand-overs, the assembler — the same state machines the agents
run, with their messages passed in memory instead of through internal topics.

``lintas replay`` and ``lintas reconcile`` run events through a :class:`Chain`, so the same
events give the same shipments there as through the pipeline, hand-overs included.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Mapping
from typing import Any

from lintas.streams.assembler import Assembler
from lintas.streams.handovers import RegionRecord, RegionStep
from lintas.streams.legs import LegRecord, LegStep, Output
from lintas.streams.linking import Agreements
from lintas.streams.normalize import event_key

__all__ = ["Chain"]


class Chain:
    """Canonical events in, shipment views out."""

    def __init__(self, agreements: Agreements = frozenset()) -> None:
        self.agreements = agreements
        self._legs: dict[str, LegRecord] = {}
        self._regions: dict[str, RegionRecord] = {}
        shipment_states: dict[str, bytes] = {}
        self._assembler = Assembler(shipment_states)
        #: shipment id -> its view, or None where it was merged into another
        self.views: dict[str, dict[str, Any] | None] = {}
        #: how many of :attr:`views` are live (not merged), kept as they change
        self.shipment_count = 0

    def add(self, event: Mapping[str, Any]) -> None:
        """Take one canonical event (a ShipmentEvent record)."""
        leg = event_key(event)
        record = self._legs.setdefault(leg, LegRecord(leg))
        self._drain(LegStep(record, self.agreements).event(event, "events", -1))

    def add_all(self, events: Iterable[Mapping[str, Any]]) -> Chain:
        for event in events:
            self.add(event)
        return self

    def _drain(self, first: list[Output]) -> None:
        queue = deque(first)
        while queue:
            where, key, message = queue.popleft()
            if where == "legs":
                record = self._legs.setdefault(key, LegRecord(key))
                queue.extend(LegStep(record, self.agreements).message(message, "legs", -1))
            elif where == "handovers":
                region = self._regions.setdefault(key, RegionRecord(key))
                queue.extend(RegionStep(region).apply(message))
            else:
                before = self.views.get(message.shipment_id)
                view = self.views[message.shipment_id] = self._assembler.apply(message)
                self.shipment_count += (view is not None) - (before is not None)

    @property
    def shipments(self) -> list[dict[str, Any]]:
        """The live shipment views, by shipment id."""
        return [view for _, view in sorted(self.views.items()) if view is not None]

    @property
    def merged(self) -> list[str]:
        """Shipment ids that ended merged into another (tombstones)."""
        return sorted(sid for sid, view in self.views.items() if view is None)
