"""The pipeline's steps after normalize, in one process: each leg's distinct events, the
linker, the assembler — the same state machines the agents run, over plain dicts.

``lintas replay`` and ``lintas reconcile`` run events through a :class:`Chain`, so the same
events give the same shipments there as through the pipeline, hand-overs included.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from lintas.streams.assembler import Assembler
from lintas.streams.eventset import EventSet
from lintas.streams.linker import Linker
from lintas.streams.linking import Agreements
from lintas.streams.messages import LegUpdate
from lintas.streams.normalize import event_key

__all__ = ["Chain"]


class Chain:
    """Canonical events in, shipment views out."""

    def __init__(self, agreements: Agreements = frozenset()) -> None:
        self._legs: dict[str, EventSet] = {}
        leg_states: dict[str, bytes] = {}
        shipment_states: dict[str, bytes] = {}
        self._linker = Linker(leg_states, agreements)
        self._assembler = Assembler(shipment_states)
        self._sequence = 0
        #: shipment id -> its view, or None where it was merged into another
        self.views: dict[str, dict[str, Any] | None] = {}

    def add(self, event: Mapping[str, Any]) -> None:
        """Take one canonical event (a ShipmentEvent record)."""
        record = dict(event)
        leg = event_key(record)
        state = self._legs.setdefault(leg, EventSet())
        self._sequence += 1
        if not state.add(record, self._sequence):
            return  # a duplicate changes nothing
        for assignment in self._linker.apply(LegUpdate(leg, [record], self._sequence)):
            self.views[assignment.shipment_id] = self._assembler.apply(assignment)

    def add_all(self, events: Iterable[Mapping[str, Any]]) -> Chain:
        for event in events:
            self.add(event)
        return self

    @property
    def shipments(self) -> list[dict[str, Any]]:
        """The live shipment views, by shipment id."""
        return [view for _, view in sorted(self.views.items()) if view is not None]

    @property
    def merged(self) -> list[str]:
        """Shipment ids that ended merged into another (tombstones)."""
        return sorted(sid for sid, view in self.views.items() if view is None)
