"""Realistic TIKI tracking bodies, one per scenario, with what they should yield.

The sandbox serves these; the fixtures under ``tests/fixtures/tiki`` were recorded from
them. Each :class:`Entry` says independently of the parser what a correct pipeline makes
of its body. Quirks: history oldest first (newest first from an aggregator-style
version), naive local times at branches in WIB, WITA and WIT, the step only in English
text, receiver names after ``RECEIVED BY:``, courier names and phone numbers in ``noted``,
the same scan twice in other case and spacing, timestamps that contradict the order,
12-digit and ``TKP`` connote numbers, the connote and status sent as numbers, failed
attempts, returns, cancellations, and malformed bodies and rows.
"""

from __future__ import annotations

import json
import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from lintas.connectors.sandboxes.quirks import repeat_scan, swap, with_bad_rows
from lintas.connectors.sandboxes.scenario import CatalogBuilder, Draw, Entry

__all__ = ["BRANCHES", "SCENARIOS", "Branch", "build_catalog"]

PARTNER = "tiki"


@dataclass(frozen=True)
class Branch:
    """A TIKI branch, by its city."""

    city: str
    utc_hours: int  # the sandbox's own record of the city's zone


BRANCHES: dict[str, Branch] = {
    b.city: b
    for b in (
        Branch("JAKARTA", 7), Branch("BANDUNG", 7), Branch("SURABAYA", 7),
        Branch("SEMARANG", 7), Branch("YOGYAKARTA", 7), Branch("MEDAN", 7),
        Branch("PALEMBANG", 7), Branch("MAKASSAR", 8), Branch("DENPASAR", 8),
        Branch("BALIKPAPAN", 8), Branch("MANADO", 8), Branch("JAYAPURA", 9),
        Branch("AMBON", 9), Branch("SORONG", 9),
    )
}
_WEST = ("BANDUNG", "SURABAYA", "SEMARANG", "YOGYAKARTA", "MEDAN", "PALEMBANG")
_EAST = ("MAKASSAR", "DENPASAR", "BALIKPAPAN", "MANADO", "JAYAPURA", "AMBON", "SORONG")
_RECEIVERS = ["BUDI SANTOSO", "SITI AMINAH", "AGUS PRASETYO", "DEWI LESTARI", "RUDI HARTONO"]
_SENDERS = ["RINA KARTIKA", "HENDRA WIJAYA", "YULIA PERMATASARI", "BAMBANG SUTRISNO"]
_COURIERS = ["ANDI SAPUTRA", "EKO PURNOMO", "FAJAR NUGROHO", "MADE ARSANA"]
_RELATIONS = ["ISTRI", "SUAMI", "ANAK", "SATPAM", "YBS"]

_FINAL = {"delivered": "delivered", "failed_then_delivered": "delivered", "returned": "returned",
          "in_transit": "in_transit", "cancelled": "cancelled"}


def _steps(origin: Branch, destination: Branch, ending: str, receiver: str,
           sender: str) -> list[tuple[str, Branch]]:
    """What happens to one parcel, in order: (status text, branch)."""
    hub = BRANCHES["JAKARTA"]
    steps = [(f"SHIPMENT DATA ENTRY AT {origin.city}", origin)]
    if ending == "cancelled":
        return [*steps, ("SHIPMENT CANCELLED BY SHIPPER", origin)]
    steps += [(f"DEPARTED TO {hub.city}", origin), (f"ARRIVE AT TIKI AT {hub.city}", hub),
              (f"DEPARTED TO {destination.city}", hub),
              (f"ARRIVE AT TIKI AT {destination.city}", destination)]
    if ending == "in_transit":
        return steps
    out = ("WITH DELIVERY COURIER", destination)
    steps.append(out)
    if ending == "failed_then_delivered":
        steps += [("UNSUCCESS / [U] CONSIGNEE NOT AT HOME", destination), out]
    if ending == "returned":
        return [*steps,
                ("UNSUCCESS / [A] ADDRESS NOT FOUND", destination),
                ("RETURN TO SHIPPER / ADDRESS NOT FOUND", destination),
                (f"ARRIVE AT TIKI AT {origin.city}", origin),
                (f"SUCCESS / [R] RETURNED TO SHIPPER, RECEIVED BY: {sender}", origin)]
    return [*steps, (f"SUCCESS / [M] RECEIVED BY: {receiver}", destination)]


def _local(instant: datetime, branch: Branch) -> str:
    return (instant + timedelta(hours=branch.utc_hours)).strftime("%Y-%m-%d %H:%M:%S")


def _journey(start: datetime, origin: Branch, destination: Branch, rng: random.Random,
             ending: str) -> list[dict[str, Any]]:
    """Chronological history rows of one parcel."""
    receiver, sender = rng.choice(_RECEIVERS), rng.choice(_SENDERS)
    rows = []
    instant = start
    for status, branch in _steps(origin, destination, ending, receiver, sender):
        instant += timedelta(hours=rng.randint(1, 9), minutes=rng.randint(0, 59),
                             seconds=rng.randint(0, 59))
        rows.append({"entry_date": _local(instant, branch), "status": status,
                     "entry_place": branch.city, "noted": ""})
    return rows


def _body(number: Any, history: list[dict[str, Any]] | None, status: Any = 200) -> bytes:
    if history is None:
        return json.dumps({"status": status, "message": "DATA NOT FOUND", "response": []}).encode()
    return json.dumps({"status": status, "message": "SUCCESS",
                       "response": [{"cnno": number, "history": history}]}).encode()


def _number(rng: random.Random, scenario: str, _start: datetime) -> str:
    if scenario != "numbers_as_strings" and rng.random() < 0.25:
        return f"TKP{rng.randint(0, 10**10 - 1):010d}"
    return str(rng.randint(10**11, 10**12 - 1))  # no leading zero: survives being a JSON number


@dataclass
class _Draw(Draw):
    """Every TIKI scenario starts from a parcel's whole journey between two branches (to
    the east for ``cross_zone``)."""

    destination: Branch = field(init=False)
    rows: list[dict[str, Any]] = field(init=False)  # oldest first

    def __post_init__(self) -> None:
        origin, self.destination = (BRANCHES[city] for city in self.route(_WEST, _EAST))
        self.rows = _journey(self.start, origin, self.destination, self.rng,
                             self.ending(_FINAL))

    def delivery(self, history: list[dict[str, Any]] | None = None, *, duplicates: int = 0,
                 bad_rows: int = 0, extra: dict[str, Any] | None = None) -> Entry:
        """The journey delivered, one event a scan, answered with ``history``."""
        body = _body(self.number, self.rows if history is None else history)
        return self.shipment(body, len(self.rows) - duplicates, "delivered", bad_rows=bad_rows,
                             extra=extra)


def _to_the_end(d: _Draw) -> Entry:
    final = _FINAL.get(d.scenario, "delivered")
    return d.shipment(_body(d.number, d.rows), len(d.rows), final,
                      extra={"destination": d.destination.city})


def _duplicates(d: _Draw) -> Entry:
    repeat_scan(d.rows, 2, "status", lambda status: "  " + status.lower().replace(" ", "  "))
    return d.delivery(duplicates=1)


def _out_of_order(d: _Draw) -> Entry:
    # The hub's arrival scan carries a time before the origin's departure scan.
    swap(d.rows, 1, 2, "entry_date")
    return d.delivery()


def _personal_data(d: _Draw) -> Entry:
    courier, relation = d.rng.choice(_COURIERS), d.rng.choice(_RELATIONS)
    courier_phone, phone = (d.phone(f"08{d.rng.randint(11, 59)}") for _ in range(2))
    d.rows[-2]["noted"] = f"KURIR: {courier} ({courier_phone})"
    receiver = d.rows[-1]["status"].split(": ")[1]
    d.rows[-1]["status"] = f"SUCCESS / [M] RECEIVED BY: {receiver} ({relation})"
    d.rows[-1]["noted"] = f"PENERIMA: {receiver} {phone}"
    return d.delivery(extra={"receiver": receiver, "courier": courier,
                             "phones": [courier_phone, phone]})


def _foreign_body(d: _Draw) -> Entry:
    foreign = {"rajaongkir": {"status": {"code": 200, "description": "OK"},
                              "result": {"waybill": d.number, "manifest": d.rows}}}
    return d.dead_letter(json.dumps(foreign).encode())


def _bad_rows(d: _Draw) -> Entry:
    history = with_bad_rows(d.rows, misdated=(1, "entry_date", "0000-00-00 00:00:00"),
                            incomplete=(3, "status"))
    return d.delivery(history, bad_rows=2)


#: Every scenario, in catalog order; a catalog holds each once per round.
_CATALOG = CatalogBuilder(partner=PARTNER, draw=_Draw, number=_number, scenarios={
    **dict.fromkeys((
        "delivered", "in_transit", "failed_then_delivered", "returned", "cancelled",
    ), _to_the_end),
    "not_found": lambda d: d.not_found(_body(d.number, None)),
    "duplicates": _duplicates,
    "out_of_order": _out_of_order,
    "newest_first": lambda d: d.delivery(d.rows[::-1]),
    "cross_zone": _to_the_end,
    "personal_data": _personal_data,
    "numbers_as_strings": lambda d: d.shipment(_body(int(d.number), d.rows, status="200"),
                                               len(d.rows), "delivered"),
    "malformed_json": lambda d: d.malformed(_body(d.number, d.rows)),
    "foreign_body": _foreign_body,
    "bad_rows": _bad_rows,
    "flaky": _to_the_end,
})
SCENARIOS = _CATALOG.names
build_catalog = _CATALOG.build
