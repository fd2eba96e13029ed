"""The state machine of one leg, free of Kafka: its events, the leg it came from, its
shipment.

Every leg (``partner:tracking_number``) is kept where its events arrive — the worker
holding its partition — and decides about itself by messages keyed by leg, so no stage
sees every leg. A leg's *parent* is the leg that handed the parcel to it; its *root* (the
parent's root, or itself) names its shipment. Messages between legs:

- :class:`Claim` — a giver's summary, to the leg it names as receiver; the receiver takes
  the giver as parent when its own events bear the hand-over out
  (:func:`~lintas.streams.linking.receiver_confirms`);
- :class:`ClaimFrom` — a receiver's summary, to the giver it names; the giver answers with
  :class:`Parent` when its own events bear the hand-over out;
- :class:`Parent` — "take me as parent" (or withdraw it), from a confirming giver or from
  the region matcher's heuristic (:mod:`lintas.streams.handovers`);
- :class:`Adopt` — to a parent: add (or remove) this child;
- :class:`Root` — to a child: the parent's root and depth;
- :class:`Close` — from the assembler: the leg's shipment is closed
  (:mod:`lintas.streams.closing`); the leg keeps only which shipment it was in, and a late
  event of it goes to that shipment as a ``reopen``.

Outputs are (destination, key, message): ``legs`` (another leg), ``handovers`` (the region
matcher, keyed by region) and ``shipments`` (:class:`LegAssignment` to the assembler,
keyed by shipment id). A message read again after a restart (an offset already applied)
sends the leg's whole state out again, in case that was lost with the crash; everything
downstream takes it idempotently.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from lintas.streams.linking import (
    Agreements,
    LegSummary,
    giver_confirms,
    receiver_confirms,
    summarize,
)
from lintas.streams.messages import LegAssignment
from lintas.streams.reconcile import preferred


def region_key(partner: str, region: str) -> str:
    """The region matcher's key (:mod:`lintas.streams.handovers`): hand-overs to
    ``partner`` in ``region`` and ``partner``'s legs beginning there meet under it
    (``pos@16.71``); other partners' legs never do."""
    return f"{partner}@{region}"

__all__ = [
    "MAX_DEPTH",
    "Adopt",
    "Claim",
    "ClaimFrom",
    "Close",
    "LegRecord",
    "LegStep",
    "Output",
    "Parent",
    "Root",
    "region_key",
]

#: Hand-over chains longer than this are cut (a loop of claims cannot spin forever).
MAX_DEPTH = 16

Output = tuple[str, str, Any]


@dataclass(frozen=True)
class Claim:
    giver: LegSummary


@dataclass(frozen=True)
class ClaimFrom:
    receiver: LegSummary


@dataclass(frozen=True)
class Parent:
    giver: str
    method: str  # explicit, heuristic
    confidence: float
    withdraw: bool = False


@dataclass(frozen=True)
class Adopt:
    child: str
    adopt: bool = True


@dataclass(frozen=True)
class Root:
    parent: str  # who says it: a child follows only its parent
    root: str
    depth: int


@dataclass(frozen=True)
class Close:
    shipment_id: str
    at: int  # the assembler's watermark, epoch milliseconds


LegMessage = Claim | ClaimFrom | Parent | Adopt | Root | Close


@dataclass
class LegRecord:
    """What is kept of one leg."""

    leg: str
    events: dict[str, dict[str, Any]] = field(default_factory=dict)
    #: last offset applied, per source topic: a message at or below it is a redelivery
    offsets: dict[str, int] = field(default_factory=dict)
    #: explicit claims naming this leg as receiver, by giver: the giver's summary
    claims: dict[str, LegSummary] = field(default_factory=dict)
    #: receivers claiming this leg as their giver, answered whenever this leg changes
    asked: dict[str, LegSummary] = field(default_factory=dict)
    #: givers that confirmed this leg's own claim to have come from them
    confirmed: list[str] = field(default_factory=list)
    #: the region matcher's picks for this leg: giver -> score
    picks: dict[str, float] = field(default_factory=dict)
    parent: str | None = None
    method: str = "origin"
    confidence: float = 1.0
    root: str = ""
    depth: int = 0
    children: list[str] = field(default_factory=list)
    #: the shipment this leg's events went to last (the assembler's key)
    sent_to: str | None = None
    #: set once the leg's shipment is closed: that shipment, and when (epoch ms)
    closed: str | None = None
    closed_at: int = 0

    @property
    def shipment_id(self) -> str:
        return self.root or self.leg


class LegStep:
    """One message applied to one leg: the new record and what to send."""

    def __init__(self, record: LegRecord, agreements: Agreements = frozenset()) -> None:
        self.record = record
        self.agreements = agreements
        self.out: list[Output] = []
        self._summary: LegSummary | None = None

    # -- entry points -----------------------------------------------------------------

    def event(self, event: Mapping[str, Any], topic: str, offset: int) -> list[Output]:
        """A canonical event of this leg, read at ``offset`` of ``topic``."""
        record = self.record
        if record.closed is not None:  # a late event: it reopens the shipment
            self.out.append(("shipments", record.closed, LegAssignment(
                record.closed, record.leg, "reopen", record.method, record.confidence,
                [dict(event)])))
            return self.out
        if self._redelivered(topic, offset):
            return self._everything()
        seen = record.events.get(event["event_id"])
        if seen is not None and preferred(seen, event) is seen:
            return []  # a duplicate changes nothing
        before = self.summary() if record.events else None
        record.events[event["event_id"]] = dict(event)
        self._summary = None
        after = self.summary()
        if before is None or _linking_changed(before, after):
            self._announce(after, before)
            for receiver in record.asked.values():
                self._answer_claim(receiver)
            self._decide()
        if record.sent_to == record.shipment_id:
            self._send_events([dict(event)])
        else:
            self._assign()
        return self.out

    def message(self, message: LegMessage, topic: str, offset: int) -> list[Output]:
        """A message from another leg (or the matcher), read at ``offset`` of ``topic``."""
        record = self.record
        if record.closed is not None:
            return self._closed_message(message)
        if self._redelivered(topic, offset):
            return self._everything()
        if isinstance(message, Close):
            self._close(message)
        elif isinstance(message, Claim):
            record.claims[message.giver.leg] = message.giver
            self._decide()
        elif isinstance(message, ClaimFrom):
            record.asked[message.receiver.leg] = message.receiver
            self._answer_claim(message.receiver)
        elif isinstance(message, Parent):
            self._offered(message)
            self._decide()
        elif isinstance(message, Adopt):
            self._adopt(message)
        elif isinstance(message, Root) and message.parent == record.parent:
            self._set_root(message.root, message.depth)
        return self.out

    def _close(self, message: Close) -> None:
        """The shipment is closed: keep only which it is (a Close for a shipment this leg
        has left since changes nothing)."""
        record = self.record
        if message.shipment_id != record.shipment_id:
            return
        record.events, record.claims, record.asked = {}, {}, {}
        record.confirmed, record.picks, record.children = [], {}, []
        record.parent, record.sent_to = None, None
        record.closed, record.closed_at = message.shipment_id, message.at

    def _closed_message(self, message: LegMessage) -> list[Output]:
        """A closed leg links nothing new; a leg that takes it as parent joins its
        shipment (which a message to it reopens)."""
        record = self.record
        if isinstance(message, Adopt) and message.adopt and record.closed is not None:
            self.out.append(("legs", message.child, Root(record.leg, record.closed,
                                                         record.depth + 1)))
        elif isinstance(message, Close) and message.shipment_id == record.closed:
            record.closed_at = max(record.closed_at, message.at)  # closed again
        return self.out

    # -- decisions --------------------------------------------------------------------

    def summary(self) -> LegSummary:
        if self._summary is None:
            self._summary = summarize(self.record.leg, self.record.events.values())
        return self._summary

    def _announce(self, summary: LegSummary, before: LegSummary | None = None) -> None:
        """Tell the legs this leg names, and the matcher, what this leg now is: every
        region it is in, and every region it was in (which then forget it)."""
        for handover in summary.handovers_to:
            if handover.tracking_number:
                self.out.append(("legs", f"{handover.partner}:{handover.tracking_number}",
                                 Claim(summary)))
        for partner, number in summary.handovers_from:
            self.out.append(("legs", f"{partner}:{number}", ClaimFrom(summary)))
        regions = _regions(summary) | (_regions(before) if before is not None else set())
        for region in sorted(regions):
            self.out.append(("handovers", region, summary))

    def _offered(self, message: Parent) -> None:
        """Keep a giver's confirmation or the matcher's pick (or forget it): the two are
        kept apart, so a withdrawn pick leaves a confirmation from the same giver."""
        record = self.record
        if message.method == "explicit":
            if message.giver in record.confirmed:
                record.confirmed.remove(message.giver)
            if not message.withdraw:
                record.confirmed.append(message.giver)
        elif message.withdraw:
            record.picks.pop(message.giver, None)
        else:
            record.picks[message.giver] = message.confidence

    def _answer_claim(self, receiver: LegSummary) -> None:
        """A receiver says it got the parcel from this leg: confirm, or withdraw."""
        if not self.record.events:
            return  # no events yet: this leg answers when they come
        confirmed = giver_confirms(receiver, self.summary(), self.agreements)
        self.out.append(("legs", receiver.leg,
                         Parent(self.record.leg, "explicit", 1.0, withdraw=not confirmed)))

    def _decide(self) -> None:
        """Choose the parent: an explicit hand-over this leg's events bear out, else one
        a giver confirmed, else the matcher's pick; and follow it."""
        record = self.record
        candidates: list[tuple[int, float, str, str]] = []
        if record.events:
            mine = self.summary()
            for giver, summary in record.claims.items():
                handover = next((h for h in summary.handovers_to
                                 if f"{h.partner}:{h.tracking_number}" == record.leg), None)
                if handover and receiver_confirms(handover, summary, mine, self.agreements):
                    candidates.append((0, -1.0, giver, "explicit"))
        candidates += [(0, -1.0, giver, "explicit") for giver in record.confirmed]
        candidates += [(1, -score, giver, "heuristic") for giver, score in record.picks.items()]
        best = min(candidates) if candidates else None
        parent = best[2] if best else None
        method, confidence = (best[3], -best[1]) if best else ("origin", 1.0)
        if parent == record.parent:
            if (method, confidence) != (record.method, record.confidence):
                record.method, record.confidence = method, confidence
                self._assign()
            return
        if record.parent is not None:
            self.out.append(("legs", record.parent, Adopt(record.leg, adopt=False)))
        record.parent, record.method, record.confidence = parent, method, confidence
        if parent is None:
            self._set_root(record.leg, 0)
        else:
            self.out.append(("legs", parent, Adopt(record.leg)))  # it answers with Root

    def _adopt(self, message: Adopt) -> None:
        children = self.record.children
        if message.adopt:
            if message.child not in children:
                children.append(message.child)
            self.out.append(("legs", message.child, Root(self.record.leg,
                                                         self.record.shipment_id,
                                                         self.record.depth + 1)))
        elif message.child in children:
            children.remove(message.child)

    def _set_root(self, root: str, depth: int) -> None:
        record = self.record
        if depth > MAX_DEPTH:
            root, depth = record.leg, 0  # a loop of claims: cut it here
        if (root, depth) == (record.root or record.leg, record.depth):
            return
        record.root, record.depth = root, depth
        for child in record.children:
            self.out.append(("legs", child, Root(record.leg, root, depth + 1)))
        self._assign()

    # -- sending ----------------------------------------------------------------------

    def _assign(self) -> None:
        """Send the whole leg to its shipment (and drop it from the one it left)."""
        record = self.record
        if not record.events:
            return
        if record.sent_to is not None and record.sent_to != record.shipment_id:
            self.out.append(("shipments", record.sent_to,
                             LegAssignment(record.sent_to, record.leg, "drop")))
        record.sent_to = record.shipment_id
        self.out.append(("shipments", record.shipment_id, LegAssignment(
            record.shipment_id, record.leg, "leg", record.method, record.confidence,
            list(record.events.values()))))

    def _send_events(self, events: list[dict[str, Any]]) -> None:
        record = self.record
        self.out.append(("shipments", record.shipment_id, LegAssignment(
            record.shipment_id, record.leg, "events", record.method, record.confidence,
            events)))

    def _redelivered(self, topic: str, offset: int) -> bool:
        if offset < 0:
            return False  # not from a topic (in-process runs)
        last = self.record.offsets.get(topic, -1)
        if offset <= last:
            return True
        self.record.offsets[topic] = offset
        return False

    def _everything(self) -> list[Output]:
        """After a restart: send the leg's state again, in case it was lost."""
        record = self.record
        if record.events:
            self._announce(self.summary())
            record.sent_to = None
            self._assign()
        if record.parent is not None:
            self.out.append(("legs", record.parent, Adopt(record.leg)))
        for child in record.children:
            self.out.append(("legs", child, Root(record.leg, record.shipment_id,
                                                 record.depth + 1)))
        for receiver in record.asked.values():
            self._answer_claim(receiver)
        return self.out


def _regions(summary: LegSummary) -> set[str]:
    """The matcher's keys that know this leg: where (and to whom) it handed the parcel on
    without naming the receiver's number, and where it begins if it could have received
    one (:func:`~lintas.streams.handovers.region_key`)."""
    regions = {region_key(h.partner, h.region) for h in summary.handovers_to
               if not h.tracking_number and h.region}
    if summary.could_receive and summary.first_region:
        regions.add(region_key(summary.partner, summary.first_region))
    return regions


def _linking_changed(before: LegSummary, after: LegSummary) -> bool:
    """Whether a new event changed what other legs or the matcher know of this leg."""
    return (before.handovers_to, before.handovers_from, before.first_at, before.first_region,
            before.destination_region, before.could_receive) != (
        after.handovers_to, after.handovers_from, after.first_at, after.first_region,
        after.destination_region, after.could_receive)
