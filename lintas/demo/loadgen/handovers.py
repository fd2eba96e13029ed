"""Lion -> Pos hand-overs for the load mix: both legs from their sandboxes' generators.

Lion's side is its catalog's ``handover_to_pos`` scenario (``PAKET AKAN DIKIRIMKAN OLEH
(PT POS. ), <city>``, no Pos barcode). Pos's side is a Pos catalog journey moved to the
Pos office of that city, received there from Lion's manifest :data:`GAP` after the
hand-over, with ``LION PARCEL`` as the sender. The region matcher
pairs hand-overs and postings of one region best first, by the shortest time between
them; each pair here is kept at least :data:`APART` from every other hand-over of its
region, so the pair the mix intends is the best one.
"""

from __future__ import annotations

import json
import random
import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from lintas.connectors.lion.scenarios import build_catalog as lion_catalog
from lintas.connectors.pos.scenarios import OFFICES
from lintas.connectors.pos.scenarios import build_catalog as pos_catalog
from lintas.connectors.registry import PARTNERS

__all__ = ["APART", "GAP", "HandoverMaker", "HandoverPair", "renumber"]

#: Time from the hand-over to Pos's posting at its counter.
GAP = timedelta(minutes=20)
#: Least time between two hand-overs of one region in the mix.
APART = 3 * GAP
_POS_TIME = "%Y-%m-%d %H:%M:%S"
_SENDER = "LION PARCEL"
_SENDER_START = ("info_received", "picked_up")  # a posting: a new parcel, not a hand-over


def renumber(number: str, serial: int) -> str:
    """``number`` with its last digits (at most ten) replaced by ``serial``: another number
    of the same shape."""
    tail = re.search(r"\d*$", number).group()  # type: ignore[union-attr]
    width = min(len(tail), 10)
    return number[: len(number) - width] + f"{serial % 10**width:0{width}d}"


@dataclass(frozen=True)
class HandoverPair:
    """Both legs of one hand-over, as their partners' feeds answer."""

    lion_number: str
    lion_body: bytes
    lion_events: int
    pos_number: str
    pos_body: bytes
    pos_events: int
    final_status: str


def _events(partner: str, body: bytes) -> list[dict[str, Any]]:
    return sorted((e.to_record() for e in PARTNERS[partner].parse(body).events),
                  key=lambda e: e["occurred_at"])


def _office_regions() -> dict[str, str]:
    """Region code -> the code of a Pos office there (as Pos's parser places it)."""
    out: dict[str, str] = {}
    for office in OFFICES.values():
        row = {"barcode": "P0000000000000", "eventDate": "2025-01-01 10:00:00",
               "eventName": "POSTING LOKET", "officeCode": office.code,
               "officeName": office.name, "description": office.city, "status": "Posting"}
        events = _events("pos", json.dumps({"response": {"data": [row]}}).encode())
        if events and events[0].get("region_code") and office.utc_hours == 7:
            out.setdefault(events[0]["region_code"], office.code)
    return out


class HandoverMaker:
    """Draws hand-over pairs, each from sandbox catalogs of its own (see the module doc)."""

    def __init__(self, seed: int, start: datetime) -> None:
        self.seed = seed
        self.start = start
        self.offices = _office_regions()
        self._made = 0
        self._times: dict[str, list[datetime]] = {}

    def make(self, serial: int, rng: random.Random, tries: int = 20) -> HandoverPair | None:
        """A pair whose legs carry numbers made from ``serial``; None when no draw fits."""
        for _ in range(tries):
            self._made += 1
            # Each draw starts an hour earlier than the last (over five days, then again):
            # hand-overs spread out in time.
            start = self.start - timedelta(hours=self._made % 120)
            lion = lion_catalog(rng.randrange(1 << 30), start=start,
                                scenarios=["handover_to_pos"])[0]
            number = renumber(lion.tracking_number, serial)
            body = lion.body.replace(lion.tracking_number.encode(), number.encode())
            handover = _events("lion", body)[-1]
            region: str = handover.get("region_code") or ""
            at: datetime = handover["occurred_at"]
            office = self.offices.get(region)
            if office is None or any(abs(at - t) < APART for t in self._times.get(region, [])):
                continue
            pos = self._pos_side(serial, rng, office, region, at)
            if pos is None:
                continue
            self._times.setdefault(region, []).append(at)
            pos_number, pos_body, pos_events = pos
            return HandoverPair(number, body, lion.distinct_events, pos_number, pos_body,
                                pos_events, "delivered")
        return None

    def _pos_side(self, serial: int, rng: random.Random, office_code: str, region: str,
                  handed_at: datetime) -> tuple[str, bytes, int] | None:
        """(barcode, body, distinct events) of Pos's journey from ``office_code``, posted
        :data:`GAP` after ``handed_at`` by Lion; None if Pos's parser would not show it."""
        entry = pos_catalog(rng.randrange(1 << 30), start=self.start, scenarios=["delivered"])[0]
        barcode = renumber(entry.tracking_number, serial)
        # Pos's feed shows the parcel from the hub's receipt of Lion's manifest on.
        rows = json.loads(entry.body)["response"]["data"][1:]
        office = OFFICES[office_code]
        first = datetime.strptime(rows[0]["eventDate"], _POS_TIME)  # noqa: DTZ007 (local)
        posted = (handed_at + GAP + timedelta(hours=office.utc_hours)).replace(tzinfo=None)
        for row in rows:
            at = datetime.strptime(row["eventDate"], _POS_TIME)  # noqa: DTZ007 (local)
            parts = row["description"].split("~~")
            parts[0], parts[1] = office.city, office.name
            if row["eventName"] != "SELESAI ANTAR":
                parts[2] = _SENDER
            row.update(barcode=barcode, eventDate=(posted + (at - first)).strftime(_POS_TIME),
                       officeCode=office.code, officeName=office.name,
                       description="~~".join(parts))
        body = json.dumps({"response": {"data": rows}}).encode()
        events = _events("pos", body)
        if not events or events[0]["status"] in _SENDER_START or events[0]["region_code"] != region:
            return None
        return barcode, body, len({e["event_id"] for e in events})
