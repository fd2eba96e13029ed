"""A national mix of partner payloads, drawn from the sandboxes' own scenario catalogs.

Every partner's payloads are its sandbox's catalog entries (:mod:`lintas.connectors.
sandboxes.scenario`): the same bodies the sandbox APIs answer, the webhooks the push
sandboxes send, the files the standard format's members drop. A pool of each partner's
entries is built once; each parcel of the mix is a copy of one entry under a tracking
number of its own (the template's number with its last digits replaced by a serial, so
the number keeps its partner's shape). On top of the catalogs' own quirks (duplicates,
out-of-order and contradicting times, bad rows, "not found", foreign bodies) the mix
adds what a live network does to them:

* pull partners are polled again and answer the same (a re-poll: a duplicate payload);
* push partners' webhooks arrive spread over time, some swapped with the next one (out of
  order), one held back until well after the others (a late scan), some delivered twice;
* unnamed hand-overs: Lion hands a parcel to Pos for the last mile (Lion's
  ``handover_to_pos`` scenario), and Pos's own feed shows the parcel posted at a counter
  of that city shortly after, with "LION PARCEL" as the sender; the region matcher links
  the two legs;
* network updates: pages of Pos's office network and partners' outlet files.

The mix is a function of its seed and start: the same seed gives the same payloads in the
same order (the unit tests hold it to that). :class:`NationalMix` yields one payload per
*slot*; a rate profile (:mod:`lintas.demo.loadgen.profile`) decides when each slot is sent.
"""

from __future__ import annotations

import heapq
import random
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Any

from lintas.connectors.pos.network_scenarios import build_network
from lintas.connectors.registry import PARTNERS
from lintas.connectors.sandboxes.kit import sandbox_kit
from lintas.connectors.sandboxes.network_files import build_network_file
from lintas.connectors.sandboxes.scenario import Entry
from lintas.demo.loadgen.handovers import HandoverMaker, renumber

__all__ = ["SHARES", "Leg", "MixSettings", "NationalMix", "Parcel", "Payload"]

#: Share of the parcels each partner carries (assumed from public market figures: J&T,
#: JNE and SiCepat lead the express market, Pos Indonesia the postal one, the ~350 smaller
#: ASPERINDO members together send through the standard format).
SHARES: Mapping[str, float] = {
    "jnt": 0.22, "jne": 0.18, "sicepat": 0.14, "pos": 0.12, "anteraja": 0.08,
    "ninja": 0.06, "idexpress": 0.06, "lion": 0.04, "tiki": 0.03, "sap": 0.03,
    "standard": 0.04,
}
#: Scenarios left out of the pool: a Lion hand-over comes only with its Pos side (the
#: hand-over pairs), and the standard format's hand-over names a Pos number that no Pos
#: payload of the mix would carry (every copy would claim the same one).
_LEFT_OUT = {("lion", "handover_to_pos"), ("standard", "handover")}
_CONTENT_TYPES = {"jsonl": "application/x-ndjson", "csv": "text/csv", "avro": "application/avro"}


@dataclass(frozen=True)
class MixSettings:
    """What the mix holds besides the partners' catalogs; the defaults are the national
    mix ``lintas loadgen`` sends."""

    shares: Mapping[str, float] = field(default_factory=lambda: dict(SHARES))
    #: share of parcels that are Lion -> Pos hand-overs (two legs, linked by region)
    handovers: float = 0.02
    #: share of parcels whose payload makes no shipment ("not found", a foreign body)
    unusable: float = 0.03
    #: share of pull partners' parcels polled a second time
    repolls: float = 0.25
    #: shares of push partners' parcels with one webhook sent twice, two swapped, one late
    retries: float = 0.05
    swaps: float = 0.10
    late: float = 0.10
    #: a parcel's payloads are spread over this many slots after its first
    spread: int = 40
    #: one network page every so many slots (0: none)
    network_every: int = 500
    #: catalog rounds per partner in the pool of templates
    pool_rounds: int = 3
    #: (partner, scenario) pairs of the catalogs left out of the mix
    left_out: frozenset[tuple[str, str]] = frozenset()


@dataclass(frozen=True)
class Leg:
    """One partner's tracking number within a parcel, and what the view must show of it."""

    partner: str
    tracking_number: str
    distinct_events: int
    #: how the leg joins the parcel's shipment: ``origin`` or ``heuristic``
    link_method: str = "origin"

    @property
    def key(self) -> str:
        return f"{self.partner}:{self.tracking_number}"


@dataclass
class Parcel:
    """One parcel of the mix: its legs (the first is the shipment's root), the status the
    view must end in, and how many of its payloads are still to be sent."""

    number: int
    scenario: str
    legs: tuple[Leg, ...]
    final_status: str | None
    payloads: int = 0

    @property
    def shipment_id(self) -> str:
        return self.legs[0].key

    @property
    def handover(self) -> bool:
        return len(self.legs) > 1

    @property
    def events(self) -> int:
        return sum(leg.distinct_events for leg in self.legs)


@dataclass(frozen=True)
class Payload:
    """One raw record to produce."""

    slot: int
    partner: str
    key: str
    kind: str
    body: bytes
    request_key: str | None
    content_type: str = "application/json"
    #: the parcel it belongs to (None for network pages and parcels that make no shipment)
    parcel: int | None = None


@dataclass(frozen=True)
class _Template:
    entry: Entry
    #: the bodies to send, in order: one answer, or the webhooks the ingest would accept
    bodies: tuple[bytes, ...]


def _bodies(entry: Entry) -> tuple[bytes, ...]:
    webhooks = entry.extra.get("webhooks")
    if webhooks is None:
        return (entry.body,)
    refused = set(entry.extra.get("refused", ()))  # the ingest answers 400: never produced
    return tuple(body for i, body in enumerate(webhooks) if i not in refused)


def _clean(entry: Entry, bodies: tuple[bytes, ...]) -> bool:
    """Whether a copy of ``entry`` under another number carries that number only."""
    if len(re.search(r"\d*$", entry.tracking_number).group()) < 9:  # type: ignore[union-attr]
        return False
    if entry.outcome != "shipment":
        return True
    number = renumber(entry.tracking_number, 123_456_789)
    parse = PARTNERS[entry.partner].parse
    found: set[str] = set()
    try:
        for body in bodies:
            found |= {e.tracking_number for e in
                      parse(body.replace(entry.tracking_number.encode(), number.encode())).events}
    except Exception:  # a template the copy would break: left out
        return False
    return found == {number}


def _pool(partner: str, seed: int, start: datetime, settings: MixSettings) -> list[_Template]:
    kit = sandbox_kit(PARTNERS[partner])
    if kit is None:
        return []
    out = []
    left_out = _LEFT_OUT | settings.left_out
    for entry in kit.build_catalog(seed, start=start, rounds=settings.pool_rounds):
        bodies = _bodies(entry)
        if (partner, entry.scenario) not in left_out and bodies and _clean(entry, bodies):
            out.append(_Template(entry, bodies))
    return out


def _network_pages(seed: int) -> list[tuple[str, str, bytes, str]]:
    """(partner, key, body, content type) of every network update the mix cycles through."""
    pages = [("pos", "pos:network", page.body, "application/json")
             for page in build_network(seed)]
    for partner in sorted(PARTNERS.values(), key=lambda p: p.id):
        if partner.network_drop is not None:
            body, _outlets = build_network_file(partner, seed)
            pages.append((partner.id, f"{partner.id}:{partner.id}-outlets.csv", body, "text/csv"))
    return pages


class NationalMix:
    """The payloads of the national mix, one per slot, and the parcels they make.

    ``payloads()`` yields forever (or until :meth:`drain` is asked for); ``parcels`` holds
    every parcel begun, by number. A parcel's later payloads wait in a queue of slots: one
    slot sends what is due, else begins a new parcel.
    """

    def __init__(self, seed: int, *, start: datetime | None = None,
                 settings: MixSettings | None = None) -> None:
        self.settings = settings or MixSettings()
        self.seed = seed
        self.rng = random.Random(seed)
        self.start = start or (datetime.now(timezone.utc) - timedelta(days=3)).replace(
            second=0, microsecond=0)
        #: parcels' serials are unique within a run and, for runs with another seed or
        #: start, across runs (those lead the serial)
        minute = int(self.start.timestamp() // 60)
        self._serial_base = ((seed + minute * 7) % 1000) * 1_000_000
        self.parcels: dict[int, Parcel] = {}
        self._partners = sorted(self.settings.shares)
        self._weights = [self.settings.shares[p] for p in self._partners]
        self._pools: dict[str, tuple[list[_Template], list[_Template]]] = {}
        for i, partner in enumerate(self._partners):
            pool = _pool(partner, seed * 31 + i, self.start, self.settings)
            self._pools[partner] = ([t for t in pool if t.entry.outcome == "shipment"],
                                    [t for t in pool if t.entry.outcome != "shipment"])
        self._handovers = HandoverMaker(seed, self.start)
        self._network = _network_pages(seed)
        self._queue: list[tuple[int, int, Payload]] = []  # (slot, order, payload)
        self._order = 0
        self._slot = 0
        self._next_network = max(1, self.settings.network_every) - 1
        self._draining = False

    # -- what is sent -------------------------------------------------------------------

    def payloads(self) -> Iterator[Payload]:
        """One payload a slot; after :meth:`drain`, only what is still queued, then stop."""
        while True:
            every = self.settings.network_every
            if every and not self._draining and self._slot >= self._next_network:
                # Due pages go first: a queue that is always ready must not starve them.
                payload = self._network_page()
                self._next_network += every
            elif self._queue and self._queue[0][0] <= self._slot:
                payload = heapq.heappop(self._queue)[2]
            elif self._draining:
                if not self._queue:
                    return
                payload = heapq.heappop(self._queue)[2]
            else:
                self._begin_parcel()
                continue
            yield Payload(self._slot, payload.partner, payload.key, payload.kind, payload.body,
                          payload.request_key, payload.content_type, payload.parcel)
            self._slot += 1

    def drain(self) -> None:
        """Begin no more parcels: :meth:`payloads` sends what the parcels begun still have
        to send, then stops."""
        self._draining = True

    @property
    def pending(self) -> int:
        """Payloads of parcels begun that are still to be sent."""
        return len(self._queue)

    # -- how parcels are drawn ----------------------------------------------------------

    def _queue_payload(self, slot: int, payload: Payload) -> None:
        heapq.heappush(self._queue, (slot, self._order, payload))
        self._order += 1
        if payload.parcel is not None:
            self.parcels[payload.parcel].payloads += 1

    def _next_number(self) -> int:
        return len(self.parcels)

    def _begin_parcel(self) -> None:
        if self.rng.random() < self.settings.handovers:
            self._begin_handover()
            return
        partner = self.rng.choices(self._partners, self._weights)[0]
        usable = self.rng.random() >= self.settings.unusable
        pool = self._pools[partner][0 if usable else 1]
        if not pool:
            return
        template = self.rng.choice(pool)
        entry = template.entry
        number = self._next_number()
        fresh = renumber(entry.tracking_number, self._serial_base + number)
        old, new = entry.tracking_number.encode(), fresh.encode()
        bodies = [body.replace(old, new) for body in template.bodies]
        shipment = entry.outcome == "shipment"
        leg = Leg(partner, fresh, entry.distinct_events)
        self.parcels[number] = Parcel(number, entry.scenario, (leg,),
                                      entry.final_status if shipment else None)
        if PARTNERS[partner].mode == "push":
            self._push(entry, fresh, bodies, number)
        else:
            self._pull(entry, fresh, bodies[0], number)

    def _record(self, entry: Entry, number: str, body: bytes, parcel: int) -> Payload:
        partner = entry.partner
        if PARTNERS[partner].mode == "file":
            encoding = str(entry.extra.get("encoding", "jsonl"))
            return Payload(-1, partner, f"{partner}:{number}", "file", body,
                           f"{number}.{encoding}", _CONTENT_TYPES.get(encoding, "text/plain"),
                           parcel)
        kind = "webhook" if PARTNERS[partner].mode == "push" else "tracking"
        return Payload(-1, partner, f"{partner}:{number}", kind, body, number, parcel=parcel)

    def _pull(self, entry: Entry, number: str, body: bytes, parcel: int) -> None:
        self._queue_payload(self._slot, self._record(entry, number, body, parcel))
        if self.rng.random() < self.settings.repolls:
            later = self._slot + self.rng.randint(1, 4 * self.settings.spread)
            self._queue_payload(later, self._record(entry, number, body, parcel))

    def _push(self, entry: Entry, number: str, bodies: list[bytes], parcel: int) -> None:
        rng, spread = self.rng, self.settings.spread
        order = list(range(len(bodies)))
        if len(order) > 2 and rng.random() < self.settings.swaps:
            i = rng.randrange(len(order) - 1)
            order[i], order[i + 1] = order[i + 1], order[i]
        slots, slot = [], self._slot
        for _ in order:
            slots.append(slot)
            slot += rng.randint(1, spread)
        if len(order) > 2 and rng.random() < self.settings.late:
            late = rng.randrange(1, len(order) - 1)  # a scan in the middle, after all others
            slots[late] = slot + rng.randint(spread, 4 * spread)
        for at, i in zip(slots, order, strict=True):
            self._queue_payload(at, self._record(entry, number, bodies[i], parcel))
        if rng.random() < self.settings.retries:
            again = rng.randrange(len(bodies))
            self._queue_payload(slots[order.index(again)] + rng.randint(1, spread),
                                self._record(entry, number, bodies[again], parcel))

    def _begin_handover(self) -> None:
        number = self._next_number()
        pair = self._handovers.make(self._serial_base + number, self.rng)
        if pair is None:
            return
        legs = (Leg("lion", pair.lion_number, pair.lion_events),
                Leg("pos", pair.pos_number, pair.pos_events, "heuristic"))
        self.parcels[number] = Parcel(number, "lion_to_pos", legs, pair.final_status)
        self._queue_payload(self._slot, Payload(-1, "lion", legs[0].key, "tracking",
                                                pair.lion_body, pair.lion_number, parcel=number))
        later = self._slot + self.rng.randint(1, self.settings.spread)
        self._queue_payload(later, Payload(-1, "pos", legs[1].key, "tracking", pair.pos_body,
                                           pair.pos_number, parcel=number))

    def _network_page(self) -> Payload:
        index = (self._slot // max(1, self.settings.network_every)) % len(self._network)
        partner, key, body, content_type = self._network[index]
        request_key = key.split(":", 1)[1] if content_type == "text/csv" else None
        return Payload(-1, partner, key, "network", body, request_key, content_type)

    def describe(self) -> dict[str, Any]:
        """How many parcels, legs, hand-overs and expected events the mix has begun."""
        parcels = [p for p in self.parcels.values() if p.final_status is not None]
        by_partner: dict[str, int] = {}
        for p in parcels:
            for leg in p.legs:
                by_partner[leg.partner] = by_partner.get(leg.partner, 0) + 1
        return {"parcels": len(parcels), "handovers": sum(p.handover for p in parcels),
                "events": sum(p.events for p in parcels), "legs_by_partner": by_partner,
                "without_shipment": len(self.parcels) - len(parcels)}

