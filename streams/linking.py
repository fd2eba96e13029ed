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
  place (region of the hand-over against the candidate's first region) and destination,
  and a candidate whose own scans name the giver as the sender (Pos's posting of a parcel
  ``LION PARCEL`` sent) halves the remaining doubt; one naming another courier is no
  candidate. The best candidate above :data:`THRESHOLD` is linked with its score as
  confidence. A candidate is claimed by one hand-over only, best scores first.

Who decides is sharded: each leg about itself (:mod:`lintas.streams.legs`), each region
about its unnamed hand-overs (:mod:`lintas.streams.handovers`). A shipment's id is its
first giver's leg (the root of the chain of hand-overs).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from lintas.schemas.statuses import Status, status_of

__all__ = [
    "THRESHOLD",
    "WINDOW",
    "Handover",
    "LegSummary",
    "giver_confirms",
    "parse_agreements",
    "receiver_confirms",
    "score",
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
    #: partners the leg's own events name as the one who brought the parcel, without a
    #: number (a courier posting a parcel at a Pos counter as its sender)
    senders: tuple[str, ...] = ()

    @property
    def party(self) -> str:
        return self.owner or self.partner

    @property
    def could_receive(self) -> bool:
        """Whether an unnamed hand-over could have brought the parcel to this leg: it does
        not begin with a sender posting it, or its events name a courier as the sender."""
        return self.first_status not in _SENDER_START or bool(self.senders)

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
            "senders": list(self.senders),
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
            senders=tuple(data.get("senders", ())),
        )


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
    senders: set[str] = set()
    for event in ordered:
        for ref in event.get("references") or ():
            if ref["kind"] == "handover_to" and ref.get("partner"):
                key = (ref["partner"], ref.get("value"))
                to.setdefault(key, Handover(ref["partner"], ref.get("value"), event["occurred_at"],
                                            event.get("region_code"), event.get("location_name")))
            elif ref["kind"] == "handover_from" and ref.get("partner"):
                if ref.get("value"):
                    came_from.add((ref["partner"], ref["value"]))
                else:
                    senders.add(ref["partner"])
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
        senders=tuple(sorted(senders)),
    )


def _status(event: Mapping[str, Any]) -> Status:
    return status_of(event["status"])


def score(handover: Handover, giver: LegSummary, candidate: LegSummary) -> float:
    """How well ``candidate`` fits ``giver``'s unnamed hand-over (0 when it cannot)."""
    if not candidate.could_receive:
        return 0.0  # a leg that begins with a sender posting it is a new parcel, not a hand-over
    if candidate.senders and giver.partner not in candidate.senders:
        return 0.0  # its sender was another courier
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
    points = 0.45 * place + 0.25 * destination + 0.30 * time_score
    if giver.partner in candidate.senders:
        points += (1 - points) / 2  # the receiver's own scans name the giver as the sender
    return round(points, 3)


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


def receiver_confirms(handover: Handover, giver: LegSummary, receiver: LegSummary,
                       agreements: Agreements) -> bool:
    """Whether the receiving leg's own events bear out ``giver``'s claim to have handed
    the parcel to it."""
    if giver.party == receiver.party or (giver.party, receiver.party) in agreements:
        return True
    if (giver.partner, giver.tracking_number) in receiver.handovers_from:
        return True
    return _consistent(handover, receiver)


def giver_confirms(receiver: LegSummary, giver: LegSummary, agreements: Agreements) -> bool:
    """Whether the giving leg's own events bear out ``receiver``'s claim to have the parcel
    from it: a hand-over to the receiver's partner, naming this number or none."""
    if giver.party == receiver.party or (giver.party, receiver.party) in agreements:
        return True
    return any(h.partner == receiver.partner
               and h.tracking_number in (None, receiver.tracking_number)
               and _consistent(h, receiver) for h in giver.handovers_to)
