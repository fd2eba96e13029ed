"""Linking legs into shipments: pure functions over leg summaries.

A parcel can travel on several partners (a courier hands it to Pos for the last mile).
Each partner's tracking number is a *leg*; legs are linked

- **explicitly** when an event names the other leg (``Reference("handover_to", "pos",
  "RB123…ID")`` or ``handover_from``) *and the other side corroborates it*: the named leg's
  own events show the hand-over consistent in time and place (a leg receiving the parcel
  that starts within the window, where the hand-over happened; or a giving leg that says
  it handed the parcel to this partner, naming this number or none), or the two parties
  registered a hand-over agreement. Confidence 1.0. A claim the other side does not
  corroborate changes nothing of the other party's shipment: one competitor cannot move
  another's parcel by naming it (the claiming shipment carries an ``unverified_handover``
  anomaly, :func:`lintas.streams.reconcile.reconcile`);
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
    "parse_agreements",
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
    #: who stands behind the leg: the partner, or for the standard format the member
    owner: str = ""

    @property
    def party(self) -> str:
        return self.owner or self.partner

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
            "owner": self.owner,
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
            owner=data.get("owner", ""),
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
        owner=next((r["value"] for e in ordered for r in e.get("references") or ()
                    if r["kind"] == "member" and r.get("value")), ""),
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


Agreements = frozenset[tuple[str, str]]


def parse_agreements(text: str) -> Agreements:
    """``"lion>pos, asperindo-0042>pos"`` (giver>receiver, by partner or member id)."""
    pairs = set()
    for item in filter(None, (part.strip() for part in text.split(","))):
        giver, sep, receiver = item.partition(">")
        if not sep or not giver.strip() or not receiver.strip():
            raise ValueError(f"hand-over agreement {item!r} is not giver>receiver")
        pairs.add((giver.strip(), receiver.strip()))
    return frozenset(pairs)


def _consistent(handover: Handover, receiver: LegSummary) -> bool:
    """Whether ``receiver`` starting then and there fits a hand-over made at ``handover``."""
    gap = receiver.first_at - handover.at
    if gap < -EARLY or gap > WINDOW:
        return False
    return not (handover.region and receiver.first_region
                and handover.region != receiver.first_region)


def _receiver_confirms(handover: Handover, giver: LegSummary, receiver: LegSummary,
                       agreements: Agreements) -> bool:
    """Whether the receiving leg's own events bear out ``giver``'s claim to have handed
    the parcel to it."""
    if giver.party == receiver.party or (giver.party, receiver.party) in agreements:
        return True
    if (giver.partner, giver.tracking_number) in receiver.handovers_from:
        return True
    return _consistent(handover, receiver)


def _giver_confirms(receiver: LegSummary, giver: LegSummary, agreements: Agreements) -> bool:
    """Whether the giving leg's own events bear out ``receiver``'s claim to have the parcel
    from it: a hand-over to the receiver's partner, naming this number or none."""
    if giver.party == receiver.party or (giver.party, receiver.party) in agreements:
        return True
    return any(h.partner == receiver.partner
               and h.tracking_number in (None, receiver.tracking_number)
               and _consistent(h, receiver) for h in giver.handovers_to)


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


class _Joins:
    """The links decided so far: components of legs, and how each receiving leg joined."""

    def __init__(self, legs: Mapping[str, LegSummary]) -> None:
        self.legs = legs
        self.components = _Components(legs)
        self.how: dict[str, tuple[str, float]] = {}
        self.claimed: set[str] = set()

    def join(self, receiver: str, giver: str, method: str, confidence: float) -> None:
        self.components.union(receiver, giver)
        self.claimed.add(receiver)
        previous = self.how.get(receiver)
        if previous is None or (previous[0], -previous[1]) > (method, -confidence):
            self.how[receiver] = (method, confidence)

    def explicit(self, agreements: Agreements) -> None:
        """Join legs that name each other, where the other side corroborates it."""
        legs = self.legs
        for summary in sorted(legs.values(), key=lambda s: s.leg):
            for handover in summary.handovers_to:
                other = f"{handover.partner}:{handover.tracking_number}"
                if handover.tracking_number and other in legs and _receiver_confirms(
                        handover, summary, legs[other], agreements):
                    self.join(other, summary.leg, "explicit", 1.0)
            for partner, number in summary.handovers_from:
                other = f"{partner}:{number}"
                if other in legs and _giver_confirms(summary, legs[other], agreements):
                    self.join(summary.leg, other, "explicit", 1.0)

    def heuristic(self) -> None:
        """Join unnamed hand-overs to their best candidates, best scores first, each
        candidate and each hand-over once."""
        offers: list[tuple[float, str, str, float]] = []
        for giver in self.legs.values():
            for handover in giver.handovers_to:
                if handover.tracking_number:
                    continue
                for candidate in self.legs.values():
                    if candidate.partner != handover.partner or candidate.leg == giver.leg:
                        continue
                    score = _score(handover, giver, candidate)
                    if score >= THRESHOLD:
                        offers.append((-score, candidate.leg, giver.leg, score))
        taken: set[str] = set()
        for _neg, candidate_leg, giver_leg, score in sorted(offers):
            if candidate_leg not in self.claimed and giver_leg not in taken:
                taken.add(giver_leg)
                self.join(candidate_leg, giver_leg, "heuristic", score)

    def links(self) -> dict[str, LegLink]:
        members: dict[str, list[LegSummary]] = {}
        for leg in self.legs:
            members.setdefault(self.components.find(leg), []).append(self.legs[leg])
        out: dict[str, LegLink] = {}
        for group in members.values():
            origin = min(group, key=lambda s: (s.first_at, s.leg))
            for summary in group:
                if summary.leg == origin.leg:
                    out[summary.leg] = LegLink(origin.leg, "origin", 1.0)
                else:
                    method, confidence = self.how.get(summary.leg, ("explicit", 1.0))
                    out[summary.leg] = LegLink(origin.leg, method, confidence)
        return out


def link_legs(summaries: Iterable[LegSummary], *,
              agreements: Agreements = frozenset()) -> dict[str, LegLink]:
    """Every leg's shipment, method and confidence. ``agreements`` are (giver, receiver)
    pairs of parties (partner ids, or member ids) who registered their hand-overs: their
    explicit references need no corroboration."""
    joins = _Joins({s.leg: s for s in summaries})
    joins.explicit(agreements)
    joins.heuristic()
    return joins.links()
