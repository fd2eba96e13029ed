"""Linking legs into shipments: pure functions over leg summaries.

A parcel can travel on several partners (a courier hands it to Pos for the last mile).
Each partner's tracking number is a *leg*; legs are linked

- **explicitly** when an event names the other leg (``Reference("handover_to", "pos",
  "RB123…ID")`` or ``handover_from``): confidence 1.0;
- **heuristically** when a leg says it was handed to a partner without naming the
  number (Lion's ``PAKET AKAN DIKIRIMKAN OLEH (PT POS. ), PALEMBANG``): the receiving
  partner's legs that start within :data:`WINDOW` after the hand-over are scored on time,
  place (region of the hand-over against the candidate's first region) and destination;
  the best candidate above :data:`THRESHOLD` is linked with its score as confidence. A
  candidate is claimed by one hand-over only, best scores first.

Linked legs form a shipment whose id is its earliest leg (ties by id), so the result
depends only on the set of summaries, never on the order they arrived in.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from lintas.schemas.statuses import Status

__all__ = [
    "THRESHOLD",
    "WINDOW",
    "Handover",
    "LegLink",
    "LegSummary",
    "link_legs",
    "summarize",
]

WINDOW = timedelta(hours=72)
EARLY = timedelta(hours=6)  # a receiving scan may carry a clock a little behind
THRESHOLD = 0.6


@dataclass(frozen=True)
class Handover:
    """A leg's statement that the parcel went on with another partner."""

    partner: str
    tracking_number: str | None
    at: datetime
    region: str | None
    place: str | None


@dataclass(frozen=True)
class LegSummary:
    """What linking needs to know of one leg."""

    leg: str
    partner: str
    tracking_number: str
    first_at: datetime
    first_region: str | None
    destination_region: str | None
    handovers_to: tuple[Handover, ...] = ()
    first_status: str = "unknown"
    handovers_from: tuple[tuple[str, str], ...] = ()  # (partner, tracking number)

    def as_dict(self) -> dict[str, Any]:
        return {
            "leg": self.leg, "partner": self.partner, "tracking_number": self.tracking_number,
            "first_at": self.first_at.isoformat(), "first_region": self.first_region,
            "destination_region": self.destination_region,
            "handovers_to": [
                {"partner": h.partner, "tracking_number": h.tracking_number,
                 "at": h.at.isoformat(), "region": h.region, "place": h.place}
                for h in self.handovers_to
            ],
            "handovers_from": [list(pair) for pair in self.handovers_from],
            "first_status": self.first_status,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> LegSummary:
        return cls(
            leg=data["leg"], partner=data["partner"], tracking_number=data["tracking_number"],
            first_at=datetime.fromisoformat(data["first_at"]), first_region=data["first_region"],
            destination_region=data["destination_region"],
            handovers_to=tuple(
                Handover(h["partner"], h["tracking_number"], datetime.fromisoformat(h["at"]),
                         h["region"], h["place"])
                for h in data["handovers_to"]
            ),
            handovers_from=tuple((p, t) for p, t in data["handovers_from"]),
            first_status=data.get("first_status", "unknown"),
        )


@dataclass(frozen=True)
class LegLink:
    """Which shipment a leg belongs to, and how it was decided."""

    shipment_id: str
    method: str  # origin, explicit, heuristic
    confidence: float


_SENDER_START = {Status.INFO_RECEIVED.value, Status.PICKED_UP.value}
_DESTINATION = {Status.OUT_FOR_DELIVERY, Status.DELIVERY_FAILED, Status.READY_FOR_PICKUP,
                Status.DELIVERED}


def summarize(leg: str, events: Iterable[Mapping[str, Any]]) -> LegSummary:
    """The summary of one leg from its events."""
    ordered = sorted(events, key=lambda e: (e["occurred_at"], e["event_id"]))
    if not ordered:
        raise ValueError(f"leg {leg} has no events")
    first = ordered[0]
    regions = [e.get("region_code") for e in ordered if e.get("region_code")]
    destination = [e.get("region_code") for e in ordered
                   if e.get("region_code") and _status(e) in _DESTINATION]
    to: dict[tuple[str, str | None], Handover] = {}
    came_from: set[tuple[str, str]] = set()
    for event in ordered:
        for ref in event.get("references") or ():
            if ref["kind"] == "handover_to" and ref.get("partner"):
                key = (ref["partner"], ref.get("value"))
                to.setdefault(key, Handover(ref["partner"], ref.get("value"), event["occurred_at"],
                                            event.get("region_code"), event.get("location_name")))
            elif ref["kind"] == "handover_from" and ref.get("partner") and ref.get("value"):
                came_from.add((ref["partner"], ref["value"]))
    return LegSummary(
        leg=leg,
        partner=first["partner"],
        tracking_number=first["tracking_number"],
        first_at=first["occurred_at"],
        first_region=regions[0] if regions else None,
        destination_region=destination[-1] if destination else None,
        handovers_to=tuple(
            sorted(to.values(), key=lambda h: (h.at, h.partner, h.tracking_number or ""))
        ),
        handovers_from=tuple(sorted(came_from)),
        first_status=_status(first).value,
    )


def _status(event: Mapping[str, Any]) -> Status:
    try:
        return Status(event["status"])
    except ValueError:
        return Status.UNKNOWN


def _score(handover: Handover, giver: LegSummary, candidate: LegSummary) -> float:
    if candidate.first_status in _SENDER_START:
        return 0.0  # a leg that begins with a sender posting it is a new parcel, not a hand-over
    gap = candidate.first_at - handover.at
    if gap < -EARLY or gap > WINDOW:
        return 0.0
    hours = max(0.0, gap.total_seconds() / 3600)
    time_score = 1.0 if hours <= 24 else max(0.0, 1 - (hours - 24) / 48)
    place = 1.0 if handover.region and handover.region == candidate.first_region else 0.0
    destination = 1.0 if (giver.destination_region and
                          giver.destination_region == candidate.destination_region) else 0.0
    if not place and not destination:
        return 0.0
    return round(0.45 * place + 0.25 * destination + 0.30 * time_score, 3)


class _Components:
    def __init__(self, legs: Iterable[str]) -> None:
        self.parent = {leg: leg for leg in legs}

    def find(self, leg: str) -> str:
        while self.parent[leg] != leg:
            self.parent[leg] = self.parent[self.parent[leg]]
            leg = self.parent[leg]
        return leg

    def union(self, a: str, b: str) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[max(ra, rb)] = min(ra, rb)


def link_legs(summaries: Iterable[LegSummary]) -> dict[str, LegLink]:
    """Every leg's shipment, method and confidence."""
    legs = {s.leg: s for s in summaries}
    components = _Components(legs)
    how: dict[str, tuple[str, float]] = {}
    claimed: set[str] = set()

    def join(receiver: str, giver: str, method: str, confidence: float) -> None:
        components.union(receiver, giver)
        previous = how.get(receiver)
        if previous is None or (previous[0], -previous[1]) > (method, -confidence):
            how[receiver] = (method, confidence)

    for summary in sorted(legs.values(), key=lambda s: s.leg):
        for handover in summary.handovers_to:
            if handover.tracking_number:
                other = f"{handover.partner}:{handover.tracking_number}"
                if other in legs:
                    join(other, summary.leg, "explicit", 1.0)
                    claimed.add(other)
        for partner, number in summary.handovers_from:
            other = f"{partner}:{number}"
            if other in legs:
                join(summary.leg, other, "explicit", 1.0)
                claimed.add(summary.leg)

    offers: list[tuple[float, str, str, float]] = []
    for giver in legs.values():
        for handover in giver.handovers_to:
            if handover.tracking_number:
                continue
            for candidate in legs.values():
                if candidate.partner != handover.partner or candidate.leg == giver.leg:
                    continue
                score = _score(handover, giver, candidate)
                if score >= THRESHOLD:
                    offers.append((-score, candidate.leg, giver.leg, score))
    taken_handovers: set[str] = set()
    for _neg, candidate_leg, giver_leg, score in sorted(offers):
        if candidate_leg in claimed or giver_leg in taken_handovers:
            continue
        claimed.add(candidate_leg)
        taken_handovers.add(giver_leg)
        join(candidate_leg, giver_leg, "heuristic", score)

    members: dict[str, list[LegSummary]] = {}
    for leg in legs:
        members.setdefault(components.find(leg), []).append(legs[leg])
    out: dict[str, LegLink] = {}
    for group in members.values():
        origin = min(group, key=lambda s: (s.first_at, s.leg))
        for summary in group:
            if summary.leg == origin.leg:
                out[summary.leg] = LegLink(origin.leg, "origin", 1.0)
            else:
                method, confidence = how.get(summary.leg, ("explicit", 1.0))
                out[summary.leg] = LegLink(origin.leg, method, confidence)
    return out
