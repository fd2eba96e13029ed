"""The state machine behind the ``link_legs`` agent, free of Kafka so it can be tested.

It keeps every leg's events and assignment in a table (leg -> LegState bytes). For each
LegUpdate it re-links the leg's neighbourhood — legs it names or that name it, hand-over
candidates within the window, and the members of their shipments — with the pure
:func:`lintas.streams.linking.link_legs`, and returns the LegAssignments to send: ``leg`` to the
shipment a leg now belongs to, ``drop`` to the one it left.

Limits: all legs live on one partition (the linker is a single consumer), and a leg
claimed by a hand-over outside the neighbourhood is not seen; see docs/architecture.md.
"""

from __future__ import annotations

from bisect import bisect_left, insort
from collections import defaultdict
from datetime import datetime
from typing import Any

from lintas.streams.linking import (
    EARLY,
    WINDOW,
    Agreements,
    LegLink,
    LegSummary,
    link_legs,
    summarize,
)
from lintas.streams.messages import LegAssignment, LegState, LegUpdate, decode_state, encode_state
from lintas.streams.reconcile import preferred
from lintas.streams.tables import StateTable

__all__ = ["Linker", "merge_events"]


class Linker:
    """Decides which shipment each leg belongs to."""

    def __init__(self, table: StateTable, agreements: Agreements = frozenset()) -> None:
        self.table = table
        self.agreements = agreements
        self._summaries: dict[str, LegSummary] | None = None
        self._members: dict[str, set[str]] = defaultdict(set)
        self._named_by: dict[str, set[str]] = defaultdict(set)  # leg -> legs naming it
        # partner -> hand-overs
        self._open: dict[str, list[tuple[datetime, str]]] = defaultdict(list)
        self._starts: dict[str, list[tuple[datetime, str]]] = defaultdict(list)  # partner -> legs

    # -- indexes, rebuilt from the table after a restart ------------------------------

    def _index(self) -> dict[str, LegSummary]:
        if self._summaries is None:
            self._summaries = {}
            for leg, raw in list(self.table.items()):
                state = decode_state(raw)
                if state.events:
                    self._add(summarize(leg, state.events))
                    self._members[state.shipment_id].add(leg)
        return self._summaries

    def _add(self, summary: LegSummary) -> None:
        assert self._summaries is not None
        self._summaries[summary.leg] = summary
        for h in summary.handovers_to:
            if h.tracking_number:
                self._named_by[f"{h.partner}:{h.tracking_number}"].add(summary.leg)
            else:
                insort(self._open[h.partner], (h.at, summary.leg))
        for partner, number in summary.handovers_from:
            self._named_by[f"{partner}:{number}"].add(summary.leg)
        insort(self._starts[summary.partner], (summary.first_at, summary.leg))

    def _remove(self, summary: LegSummary) -> None:
        assert self._summaries is not None
        for h in summary.handovers_to:
            if h.tracking_number:
                self._named_by[f"{h.partner}:{h.tracking_number}"].discard(summary.leg)
            else:
                self._open[h.partner].remove((h.at, summary.leg))
        for partner, number in summary.handovers_from:
            self._named_by[f"{partner}:{number}"].discard(summary.leg)
        self._starts[summary.partner].remove((summary.first_at, summary.leg))
        del self._summaries[summary.leg]

    @staticmethod
    def _between(items: list[tuple[datetime, str]], low: datetime, high: datetime) -> list[str]:
        start = bisect_left(items, (low, ""))
        out = []
        for moment, leg in items[start:]:
            if moment > high:
                break
            out.append(leg)
        return out

    def _state(self, leg: str) -> LegState | None:
        raw = self.table.get(leg)
        return decode_state(raw) if raw else None

    def _neighbourhood(self, leg: str) -> set[str]:
        summaries = self._index()
        me = summaries[leg]
        pool = {leg} | self._named_by.get(leg, set())
        pool |= {f"{h.partner}:{h.tracking_number}" for h in me.handovers_to if h.tracking_number}
        pool |= {f"{p}:{t}" for p, t in me.handovers_from}
        for h in me.handovers_to:
            if h.tracking_number is None:
                pool |= set(self._between(self._starts[h.partner], h.at - EARLY, h.at + WINDOW))
        pool |= set(
            self._between(self._open[me.partner], me.first_at - WINDOW, me.first_at + EARLY)
        )
        for member in list(pool):
            state = self._state(member)
            if state is not None:
                pool |= self._members.get(state.shipment_id, set())
        return {p for p in pool if p in summaries}

    # -- the step --------------------------------------------------------------------

    def apply(self, update: LegUpdate) -> list[LegAssignment]:
        """Take one LegUpdate (a leg's new or changed events); return what to send to
        ``assemble_shipments``: the whole leg where it is newly assigned, only the new events
        where its assignment stands, and ``drop`` where a leg left a shipment."""
        summaries = self._index()
        before = self._state(update.leg)
        if before is not None and update.offset <= before.offset:
            # A redelivery after a restart: send the current assignment again, in case it
            # was lost with the crash.
            return [LegAssignment(before.shipment_id, update.leg, "leg", before.method,
                                  before.confidence, before.events)]
        merged = merge_events(before.events if before else [], update.events)
        if update.leg in summaries:
            self._remove(summaries[update.leg])
        self._add(summarize(update.leg, merged))
        pool = self._neighbourhood(update.leg)
        links = link_legs((summaries[p] for p in pool), agreements=self.agreements)
        out: list[LegAssignment] = []
        for leg in sorted(pool):
            link: LegLink = links[leg]
            state = before if leg == update.leg else self._state(leg)
            events = merged if leg == update.leg else (state.events if state else [])
            offset = update.offset if leg == update.leg else (state.offset if state else -1)
            unchanged = state is not None and (
                (state.shipment_id, state.method, state.confidence)
                == (link.shipment_id, link.method, link.confidence)
            )
            if unchanged and leg != update.leg:
                continue
            if state is not None and state.shipment_id != link.shipment_id:
                out.append(LegAssignment(state.shipment_id, leg, "drop"))
                self._members[state.shipment_id].discard(leg)
            self._members[link.shipment_id].add(leg)
            self.table[leg] = encode_state(LegState(events, offset, link.shipment_id, link.method,
                                                    link.confidence))
            if unchanged:  # same shipment as before: only what is new travels
                out.append(LegAssignment(link.shipment_id, leg, "events", link.method,
                                         link.confidence, list(update.events)))
            else:
                out.append(LegAssignment(link.shipment_id, leg, "leg", link.method,
                                         link.confidence, events))
        return out


def merge_events(
    known: list[dict[str, Any]], new: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    """``known`` with ``new`` added: one copy per event id, the preferred one."""
    by_id = {e["event_id"]: e for e in known}
    for event in new:
        seen = by_id.get(event["event_id"])
        by_id[event["event_id"]] = event if seen is None else preferred(seen, event)
    return list(by_id.values())
