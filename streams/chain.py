"""The pipeline's steps after normalize, in one process: each leg's state machine, the
region matcher of unnamed hand-overs, the assembler — the same state machines the agents
run, with their messages passed in memory instead of through internal topics.

``lintas replay`` and ``lintas reconcile`` run events through a :class:`Chain`, so the same
events give the same shipments there as through the pipeline, hand-overs included.

State is kept as the agents keep it in their tables: each leg and each shipment as its
Avro bytes (:mod:`lintas.streams.legcodec`, :func:`~lintas.streams.assembler.encode_state`),
but for the few thousand legs used last, which are kept decoded. Views are not kept:
:meth:`Chain.views` makes them from the shipments' states when asked, so a replay holds
about half a kilobyte per event instead of several.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from lintas.streams.assembler import Assembler, decode_state
from lintas.streams.handovers import RegionRecord, RegionStep
from lintas.streams.legcodec import decode_leg, encode_leg
from lintas.streams.legs import LegRecord, LegStep, Output
from lintas.streams.linking import Agreements
from lintas.streams.normalize import event_key

__all__ = ["Chain"]

#: Legs a :class:`Chain` keeps decoded: those it used last.
RECENT_LEGS = 4096


class Chain:
    """Canonical events in, shipment views out."""

    def __init__(self, agreements: Agreements = frozenset()) -> None:
        self.agreements = agreements
        #: leg -> its record's bytes (what ``collect_legs`` keeps in its table) ...
        self._legs: dict[str, bytes] = {}
        #: ... or the record itself, for the legs used last (least recently used first)
        self._recent: dict[str, LegRecord] = {}
        self._regions: dict[str, RegionRecord] = {}
        #: shipment id -> its state's bytes; a shipment merged into another has none
        self._states: dict[str, bytes] = {}
        self._assembler = Assembler(self._states)
        #: shipment ids whose last view was a tombstone (merged into another)
        self._merged: set[str] = set()

    def add(self, event: Mapping[str, Any]) -> None:
        """Take one canonical event (a ShipmentEvent record)."""
        self._drain(LegStep(self._leg(event_key(event)), self.agreements).event(
            event, "events", -1))

    def add_all(self, events: Iterable[Mapping[str, Any]]) -> Chain:
        for event in events:
            self.add(event)
        return self

    def _drain(self, first: list[Output]) -> None:
        queue = deque(first)
        while queue:
            where, key, message = queue.popleft()
            if where == "legs":
                queue.extend(LegStep(self._leg(key), self.agreements).message(
                    message, "legs", -1))
            elif where == "handovers":
                region = self._regions.setdefault(key, RegionRecord(key))
                queue.extend(RegionStep(region).apply(message))
            elif self._assembler.assign(message) is None:
                self._merged.add(message.shipment_id)
            else:
                self._merged.discard(message.shipment_id)

    def _leg(self, leg: str) -> LegRecord:
        """``leg``'s record, decoded unless it is one of the :data:`RECENT_LEGS` used last;
        the one used longest ago goes back to bytes."""
        record = self._recent.pop(leg, None)
        if record is None:
            record = decode_leg(leg, self._legs.pop(leg, None))
        self._recent[leg] = record
        if len(self._recent) > RECENT_LEGS:
            oldest = next(iter(self._recent))
            self._legs[oldest] = encode_leg(self._recent.pop(oldest))
        return record

    @property
    def shipment_count(self) -> int:
        """How many shipments are live (not merged into another)."""
        return len(self._states)

    def views(self) -> Iterator[dict[str, Any]]:
        """The live shipment views, by shipment id, each made from its state as asked."""
        for sid in sorted(self._states):
            yield Assembler.view(sid, decode_state(self._states[sid]).legs)

    @property
    def shipments(self) -> list[dict[str, Any]]:
        """The live shipment views, by shipment id."""
        return list(self.views())

    @property
    def merged(self) -> list[str]:
        """Shipment ids that ended merged into another (tombstones)."""
        return sorted(self._merged)
