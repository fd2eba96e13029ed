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
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any

from lintas.connectors.sandboxes.scenario import Entry

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

#: Every scenario; a catalog holds each once per round.
SCENARIOS = (
    "delivered",
    "in_transit",
    "failed_then_delivered",
    "returned",
    "cancelled",
    "not_found",
    "duplicates",
    "out_of_order",
    "newest_first",
    "cross_zone",
    "personal_data",
    "numbers_as_strings",
    "malformed_json",
    "foreign_body",
    "bad_rows",
    "flaky",
)
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


def _entry(scenario: str, number: str, start: datetime, rng: random.Random) -> Entry:
    origin = BRANCHES[rng.choice(_WEST)]
    destination = BRANCHES[rng.choice(_EAST if scenario == "cross_zone" else _WEST)]
    while destination == origin:
        destination = BRANCHES[rng.choice(_WEST)]
    ending = scenario if scenario in _FINAL else "delivered"
    rows = _journey(start, origin, destination, rng, ending)
    if scenario in _FINAL or scenario in ("flaky", "cross_zone"):
        return Entry(PARTNER, number, scenario, _body(number, rows), "shipment", len(rows),
                     _FINAL[ending], fail_first=1 if scenario == "flaky" else 0,
                     extra={"destination": destination.city})
    if scenario == "not_found":
        return Entry(PARTNER, number, scenario, _body(number, None), "not_found")
    if scenario == "duplicates":
        twin = dict(rows[2])  # the same scan again, same time, other case and spacing
        twin["status"] = "  " + twin["status"].lower().replace(" ", "  ")
        rows.insert(3, twin)
        return Entry(PARTNER, number, scenario, _body(number, rows), "shipment", len(rows) - 1,
                     "delivered")
    if scenario == "out_of_order":
        # The hub's arrival scan carries a time before the origin's departure scan.
        rows[1]["entry_date"], rows[2]["entry_date"] = rows[2]["entry_date"], rows[1]["entry_date"]
        return Entry(PARTNER, number, scenario, _body(number, rows), "shipment", len(rows),
                     "delivered")
    if scenario == "newest_first":
        return Entry(PARTNER, number, scenario, _body(number, rows[::-1]), "shipment", len(rows),
                     "delivered")
    if scenario == "personal_data":
        courier, relation = rng.choice(_COURIERS), rng.choice(_RELATIONS)
        courier_phone, phone = (
            f"08{rng.randint(11, 59)}-{rng.randint(1000, 9999)}-{rng.randint(1000, 9999)}"
            for _ in range(2)
        )
        rows[-2]["noted"] = f"KURIR: {courier} ({courier_phone})"
        receiver = rows[-1]["status"].split(": ")[1]
        rows[-1]["status"] = f"SUCCESS / [M] RECEIVED BY: {receiver} ({relation})"
        rows[-1]["noted"] = f"PENERIMA: {receiver} {phone}"
        return Entry(PARTNER, number, scenario, _body(number, rows), "shipment", len(rows),
                     "delivered", extra={"receiver": receiver, "courier": courier,
                                         "phones": [courier_phone, phone]})
    if scenario == "numbers_as_strings":
        return Entry(PARTNER, number, scenario, _body(int(number), rows, status="200"), "shipment",
                     len(rows), "delivered")
    if scenario == "malformed_json":
        body = _body(number, rows)
        return Entry(PARTNER, number, scenario, body[: len(body) // 2], "dead_letter", bad_rows=1)
    if scenario == "foreign_body":
        foreign = {"rajaongkir": {"status": {"code": 200, "description": "OK"},
                                  "result": {"waybill": number, "manifest": rows}}}
        return Entry(PARTNER, number, scenario, json.dumps(foreign).encode(), "dead_letter",
                     bad_rows=1)
    if scenario == "bad_rows":
        history = list(rows)
        history[1:1] = [dict(rows[1], entry_date="0000-00-00 00:00:00")]
        history[4:4] = [{k: v for k, v in history[4].items() if k != "status"}]
        return Entry(PARTNER, number, scenario, _body(number, history), "shipment", len(rows),
                     "delivered", bad_rows=2)
    raise ValueError(f"unknown scenario {scenario!r}")


def _number(rng: random.Random, scenario: str) -> str:
    if scenario != "numbers_as_strings" and rng.random() < 0.25:
        return f"TKP{rng.randint(0, 10**10 - 1):010d}"
    return str(rng.randint(10**11, 10**12 - 1))  # no leading zero: survives being a JSON number


def build_catalog(
    seed: int, *, start: datetime | None = None, rounds: int = 1,
    scenarios: tuple[str, ...] = SCENARIOS,
) -> list[Entry]:
    """``rounds`` of every scenario with fresh connote numbers drawn from ``seed``."""
    rng = random.Random(seed)
    start = start or datetime.now(timezone.utc).replace(microsecond=0) - timedelta(days=4)
    entries: list[Entry] = []
    seen: set[str] = set()
    for _ in range(rounds):
        for scenario in scenarios:
            number = _number(rng, scenario)
            while number in seen:
                number = _number(rng, scenario)
            seen.add(number)
            entries.append(_entry(scenario, number, start, rng))
    return entries
