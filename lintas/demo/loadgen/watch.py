"""Which parcels of the mix the SQL view holds in full, and when the row got there.

A parcel is *settled* when the view holds its shipment under its root leg's id, with
every leg linked as the mix intends (a hand-over's receiving leg by the heuristic), each
leg's distinct events in its timeline, and the status the scenario ends in. The time it
got there is the shipment row's ``updated_at``: the sink sets it, for every row of a
batch, in the transaction that commits the batch (with the sink's offsets), so it is the
row's commit time to within that transaction's duration.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from sqlalchemy import func, select

from lintas.demo.loadgen.mix import Parcel
from lintas.streams.view.models import LegRow, ShipmentRow, TimelineRow
from lintas.streams.view.store import ViewStore

__all__ = ["ViewWatcher"]

_CHUNK = 400


def _chunks(items: list[Any]) -> Iterable[list[Any]]:
    for start in range(0, len(items), _CHUNK):
        yield items[start:start + _CHUNK]


class ViewWatcher:
    """Reads the view for the mix's parcels (see the module doc)."""

    def __init__(self, store: ViewStore) -> None:
        self.store = store

    def check(self, parcels: Iterable[Parcel]) -> tuple[dict[int, datetime], dict[int, str]]:
        """(settled parcel -> its row's ``updated_at``, unsettled parcel -> what is missing)."""
        parcels = list(parcels)
        legs = self._legs(parcels)
        ids = sorted({sid for found in legs.values() for sid, _method in found})
        counts, rows = self._shipments(ids)
        settled: dict[int, datetime] = {}
        missing: dict[int, str] = {}
        for parcel in parcels:
            why = self._why_not(parcel, legs, counts, rows)
            if why is None:
                settled[parcel.number] = rows[parcel.shipment_id][1]
            else:
                missing[parcel.number] = f"{parcel.shipment_id} ({parcel.scenario}): {why}"
        return settled, missing

    @staticmethod
    def _why_not(parcel: Parcel, legs: dict[tuple[str, str], list[tuple[str, str]]],
                 counts: dict[tuple[str, str, str], int],
                 rows: dict[str, tuple[str, datetime]]) -> str | None:
        sid = parcel.shipment_id
        for leg in parcel.legs:
            found = legs.get((leg.partner, leg.tracking_number), [])
            if not found:
                return f"{leg.key} not in the view"
            if found != [(sid, leg.link_method)]:  # elsewhere, or still in its old shipment
                where = ", ".join(f"{other} as {method}" for other, method in found)
                return f"{leg.key} is in {where}, not (only) in {sid} as {leg.link_method}"
            got = counts.get((sid, leg.partner, leg.tracking_number), 0)
            if got != leg.distinct_events:
                return f"{leg.key} has {got}/{leg.distinct_events} events"
        status = rows[sid][0] if sid in rows else None
        if status != parcel.final_status:
            return f"status {status}, expected {parcel.final_status}"
        return None

    def _legs(self, parcels: list[Parcel]) -> dict[tuple[str, str], list[tuple[str, str]]]:
        """(partner, tracking number) -> [(shipment id, link method)] of the parcels' legs:
        one shipment once settled, two while a moved leg's old shipment still names it."""
        wanted: dict[str, list[str]] = {}
        for parcel in parcels:
            for leg in parcel.legs:
                wanted.setdefault(leg.partner, []).append(leg.tracking_number)
        out: dict[tuple[str, str], list[tuple[str, str]]] = {}
        with self.store.engine.connect() as conn:
            for partner, numbers in wanted.items():
                for chunk in _chunks(numbers):
                    query = select(LegRow.partner, LegRow.tracking_number, LegRow.shipment_id,
                                   LegRow.link_method).where(
                        LegRow.partner == partner, LegRow.tracking_number.in_(chunk))
                    for p, number, sid, method in conn.execute(query):
                        out.setdefault((p, number), []).append((sid, method))
        return out

    def _shipments(self, ids: list[str]) -> tuple[dict[tuple[str, str, str], int],
                                                  dict[str, tuple[str, datetime]]]:
        """(events by shipment and leg, shipment id -> (status, updated_at))."""
        counts: dict[tuple[str, str, str], int] = {}
        rows: dict[str, tuple[str, datetime]] = {}
        with self.store.engine.connect() as conn:
            for chunk in _chunks(ids):
                query = select(TimelineRow.shipment_id, TimelineRow.partner,
                               TimelineRow.tracking_number, func.count()).where(
                    TimelineRow.shipment_id.in_(chunk)).group_by(
                    TimelineRow.shipment_id, TimelineRow.partner, TimelineRow.tracking_number)
                for sid, partner, number, count in conn.execute(query):
                    counts[(sid, partner, number)] = count
                latest = select(ShipmentRow.shipment_id, ShipmentRow.status,
                                ShipmentRow.updated_at).where(ShipmentRow.shipment_id.in_(chunk))
                for sid, status, updated_at in conn.execute(latest):
                    rows[sid] = (status, updated_at)
        return counts, rows
