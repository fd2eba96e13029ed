"""Reconciliation as a pure function: the set of a shipment's events -> its view.

The result depends only on the *set* of events, never on their arrival order:
events are ordered by instant, then by progress rank, then by event id. A terminal
status wins over every non-terminal one whatever its time; later scans and a second,
different terminal status are kept and flagged as anomalies, never hidden.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any, TypeVar

from lintas.schemas.statuses import AFTERSHIP_TAG, PROGRESS, Status, status_of

__all__ = ["distinct", "ordered", "preferred", "reconcile"]

_DESTINATION_STATUSES = {
    Status.OUT_FOR_DELIVERY,
    Status.DELIVERY_FAILED,
    Status.READY_FOR_PICKUP,
    Status.DELIVERED,
}
# Going back after these is routine (back to the hub after a failed attempt), not a regression.
_REROUTING_STATUSES = {Status.DELIVERY_FAILED, Status.ON_HOLD, Status.RETURN_TO_SENDER}


def _status(event: Mapping[str, Any]) -> Status:
    return status_of(event["status"])


def _sort_key(event: Mapping[str, Any]) -> tuple[datetime, int, str]:
    return (event["occurred_at"], PROGRESS.get(_status(event), -1), event["event_id"])


def _representative_key(event: Mapping[str, Any]) -> tuple[str, str, str, int]:
    return (
        event.get("raw_text") or "",
        event.get("location_name") or "",
        event.get("detail") or "",
        event.get("sequence") or 0,
    )


EventT = TypeVar("EventT", bound=Mapping[str, Any])


def preferred(a: EventT, b: EventT) -> EventT:
    """Which of two copies of one event (same id, text differing in case or spacing) the
    view shows: always the same one, whichever arrived first."""
    return a if _representative_key(a) <= _representative_key(b) else b


def distinct(events: Iterable[EventT]) -> dict[str, EventT]:
    """One copy of each event, the preferred one, by event id."""
    by_id: dict[str, EventT] = {}
    for event in events:
        seen = by_id.get(event["event_id"])
        by_id[event["event_id"]] = event if seen is None else preferred(seen, event)
    return by_id


def ordered(events: Iterable[Mapping[str, Any]]) -> list[Mapping[str, Any]]:
    """Distinct events (by event id) in their canonical order."""
    return sorted(distinct(events).values(), key=_sort_key)


def _anomalies(timeline: list[Mapping[str, Any]]) -> list[dict[str, Any]]:
    anomalies: list[dict[str, Any]] = []
    terminals = [e for e in timeline if _status(e).terminal]
    kinds = {_status(e) for e in terminals}
    if len(kinds) > 1:
        anomalies.append({
            "kind": "conflicting_terminals",
            "detail": "terminal statuses " + ", ".join(sorted(k.value for k in kinds)),
            "event_ids": [e["event_id"] for e in terminals],
        })
    if terminals:
        first_terminal = terminals[0]["occurred_at"]
        after = [
            e for e in timeline
            if not _status(e).terminal and e["occurred_at"] > first_terminal
        ]
        if after:
            anomalies.append({
                "kind": "event_after_terminal",
                "detail": f"{len(after)} non-terminal event(s) after {_status(terminals[0]).value}",
                "event_ids": [e["event_id"] for e in after],
            })
    best = -1
    previous: Status | None = None
    regressed: list[str] = []
    for event in timeline:
        status = _status(event)
        rank = PROGRESS.get(status)
        if rank is None or status.terminal:
            continue
        if rank < best and previous not in _REROUTING_STATUSES:
            regressed.append(event["event_id"])
        best = max(best, rank)
        previous = status
    if regressed:
        anomalies.append({
            "kind": "status_regression",
            "detail": f"{len(regressed)} event(s) went back along the delivery path",
            "event_ids": regressed,
        })
    return anomalies + _unverified_handovers(timeline)


def _unverified_handovers(timeline: list[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """Hand-overs the shipment's events claim with a leg that is not part of it: the other
    side did not corroborate them (lintas.streams.linking), so they changed nothing."""
    legs = {f"{e['partner']}:{e['tracking_number']}" for e in timeline}
    claims: dict[str, list[str]] = {}
    for event in timeline:
        for ref in event.get("references") or ():
            if ref["kind"] in ("handover_to", "handover_from") and ref.get("partner") \
                    and ref.get("value"):
                other = f"{ref['partner']}:{ref['value']}"
                if other not in legs:
                    claims.setdefault(other, []).append(event["event_id"])
    return [{"kind": "unverified_handover",
             "detail": f"a hand-over with {other} that {other.split(':')[0]}'s own events "
                       "do not show",
             "event_ids": ids} for other, ids in sorted(claims.items())]


def _current(timeline: list[Mapping[str, Any]]) -> Status:
    terminals = [e for e in timeline if _status(e).terminal]
    if terminals:
        return _status(terminals[-1])
    known = [e for e in timeline if _status(e) is not Status.UNKNOWN]
    return _status((known or timeline)[-1])


def reconcile(
    shipment_id: str,
    events: Iterable[Mapping[str, Any]],
    *,
    links: Mapping[str, tuple[str, float]] | None = None,
) -> dict[str, Any]:
    """The ShipmentView record of ``shipment_id`` from its events (at least one).

    ``links`` gives, per leg (``partner:tracking_number``), how it was linked to the
    shipment (``origin``, ``explicit`` or ``heuristic``) and with what confidence.
    """
    timeline = ordered(events)
    if not timeline:
        raise ValueError(f"shipment {shipment_id} has no events")
    status = _current(timeline)
    delivered = [e["occurred_at"] for e in timeline if _status(e) is Status.DELIVERED]
    legs: dict[tuple[str, str], dict[str, Any]] = {}
    for event in timeline:
        leg = (event["partner"], event["tracking_number"])
        method, confidence = (links or {}).get(f"{leg[0]}:{leg[1]}", ("origin", 1.0))
        legs.setdefault(leg, {
            "partner": leg[0],
            "tracking_number": leg[1],
            "link_method": method,
            "confidence": confidence,
        })
    regions = [e.get("region_code") for e in timeline]
    destination = [
        e.get("region_code") for e in timeline
        if _status(e) in _DESTINATION_STATUSES and e.get("region_code")
    ]
    return {
        "shipment_id": shipment_id,
        "status": status.value,
        "aftership_tag": AFTERSHIP_TAG[status],
        "delivered_at": delivered[0] if delivered else None,
        "legs": list(legs.values()),
        "timeline": [
            {
                "event_id": e["event_id"],
                "partner": e["partner"],
                "tracking_number": e["tracking_number"],
                "status": _status(e).value,
                "raw_status": e["raw_status"],
                "raw_text": e.get("raw_text") or "",
                "occurred_at": e["occurred_at"],
                "utc_offset": e["utc_offset"],
                "location_name": e.get("location_name"),
            }
            for e in timeline
        ],
        "origin_region": next((r for r in regions if r), None),
        "destination_region": destination[-1] if destination else None,
        "anomalies": _anomalies(timeline),
        "first_event_at": timeline[0]["occurred_at"],
        "last_event_at": timeline[-1]["occurred_at"],
        "event_count": len(timeline),
    }
