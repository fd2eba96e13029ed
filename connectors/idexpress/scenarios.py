"""Realistic ID Express webhook sequences, one shipment per scenario, with what they yield.

ID Express pushes one webhook per scan, so a shipment is a list of bodies. Each
:class:`Entry` holds them twice: ``body`` is a JSON array of the webhook objects in the
order ID Express sends them (re-sends and late deliveries included) — the recorded
fixture — and ``extra["webhooks"]`` the exact bytes of each POST. ``extra["refused"]``
lists the positions of bodies the ingest must refuse (no event in them).

The outcome is decided here, not by the parser: ``distinct_events`` counts the distinct
scans sent, ``final_status`` is where the shipment ends, ``bad_rows`` counts the bodies
that cannot become an event. Quirks: epoch milliseconds (sometimes as a string),
``operationType`` in varying case, re-sent webhooks, shuffled deliveries, names and phone
numbers in ``signer`` and ``problemDescription``, a missing time and a body that is not a
webhook at all.
"""

from __future__ import annotations

import json
import random
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any

from lintas.connectors.sandboxes.scenario import Entry

__all__ = ["SCENARIOS", "build_catalog"]

PARTNER = "idexpress"

#: Every scenario; a catalog holds each once per round.
SCENARIOS = (
    "delivered",
    "in_transit",
    "failed_attempt",
    "returned",
    "cancelled",
    "lost",
    "duplicates",
    "out_of_order",
    "case_varies",
    "personal_data",
    "numbers_as_strings",
    "malformed",
    "foreign_body",
)


@dataclass(frozen=True)
class _Area:
    dc: str
    gateway: str


_AREAS = (
    _Area("DC KEBON JERUK", "GATEWAY JAKARTA"),
    _Area("DC BEKASI BARAT", "GATEWAY JAKARTA"),
    _Area("DC CIBIRU", "GATEWAY BANDUNG"),
    _Area("DC RUNGKUT", "GATEWAY SURABAYA"),
    _Area("DC PANAKKUKANG", "GATEWAY MAKASSAR"),
    _Area("DC MEDAN KOTA", "GATEWAY MEDAN"),
)
_SIGNERS = ["Budi Santoso", "Siti Aminah", "Agus Prasetyo", "Dewi Lestari", "Rudi Hartono"]
_RELATIONS = ["Diri sendiri", "Keluarga", "Satpam", "Tetangga", "Rekan kerja"]
_COURIERS = ["Andi Saputra", "Eko Purnomo", "Made Arsana", "Fajar Nugroho"]
_FINAL = {
    "delivered": "delivered",
    "in_transit": "in_transit",
    "failed_attempt": "delivered",
    "returned": "returned",
    "cancelled": "cancelled",
    "lost": "lost",
}

# (operationType, currentBranch, nextBranch, signer, relation, problemDescription)
_Scan = tuple[str, str, str, str, str, str]


def _scans(ending: str, rng: random.Random) -> list[_Scan]:
    """Every scan of one parcel, in the order they happened."""
    origin, destination = rng.sample(_AREAS, 2)
    if ending == "cancelled":
        return [("Pickup Failure", origin.dc, "", "", "", "Paket belum siap"),
                ("Pickup Failure", origin.dc, "", "", "", "Pengirim tidak di tempat"),
                ("Automatic Cancel", origin.dc, "", "", "", "")]
    scans: list[_Scan] = [
        ("Pick up scan", origin.dc, "", "", "", ""),
        ("Sending scan", origin.dc, origin.gateway, "", "", ""),
        ("Arrival scan", origin.gateway, "", "", "", ""),
    ]
    if ending == "lost":
        return [*scans, ("Problem On Shipment scan", origin.gateway, "", "", "",
                         "Paket hilang dalam perjalanan")]
    if destination.gateway != origin.gateway:
        scans += [("Sending scan", origin.gateway, destination.gateway, "", "", ""),
                  ("Arrival scan", destination.gateway, "", "", "", "")]
    if ending == "in_transit":
        return scans
    scans += [("Sending scan", destination.gateway, destination.dc, "", "", ""),
              ("Arrival scan", destination.dc, "", "", "", ""),
              ("Delivery scan", destination.dc, "", "", "", "")]
    signer, relation = rng.choice(_SIGNERS), rng.choice(_RELATIONS)
    if ending == "delivered":
        return [*scans, ("POD scan", destination.dc, "", signer, relation, "")]
    scans += [("Problem On Shipment scan", destination.dc, "", "", "", "Penerima tidak di tempat"),
              ("Delivery scan", destination.dc, "", "", "", "")]
    if ending == "failed_attempt":
        return [*scans, ("POD scan", destination.dc, "", signer, relation, "")]
    # returned
    return [*scans,
            ("Problem On Shipment scan", destination.dc, "", "", "", "Penerima menolak paket"),
            ("Create Return Bill", destination.dc, "", "", "", ""),
            ("Return Sending scan", destination.dc, origin.dc, "", "", ""),
            ("Return Arrival scan", origin.dc, "", "", "", ""),
            ("Return POD scan", origin.dc, "", "Admin Toko", "Pengirim", "")]


def _webhooks(waybill: str, start: datetime, rng: random.Random,
              ending: str) -> list[dict[str, Any]]:
    """Chronological webhook bodies of one shipment."""
    out: list[dict[str, Any]] = []
    instant = start
    for operation, current, nxt, signer, relation, problem in _scans(ending, rng):
        instant += timedelta(hours=rng.randint(1, 9), minutes=rng.randint(0, 59),
                             seconds=rng.randint(0, 59))
        out.append({
            "waybillNo": waybill,
            "operationType": operation,
            "lastOperationTime": int(instant.timestamp()) * 1000 + rng.randint(0, 999),
            "currentBranch": current,
            "nextBranch": nxt,
            "signer": signer,
            "relation": relation,
            "problemDescription": problem,
        })
    return out


def _entry_of(waybill: str, scenario: str, bodies: list[Any], final: str, distinct: int,
              *, bad: tuple[int, ...] = (), extra: dict[str, Any] | None = None) -> Entry:
    wire = [json.dumps(b, separators=(",", ":")).encode() for b in bodies]
    return Entry(
        PARTNER, waybill, scenario, json.dumps(bodies, indent=2).encode(), "shipment",
        distinct, final, bad_rows=len(bad),
        extra={"webhooks": wire, "refused": list(bad), **(extra or {})},
    )


def _entry(scenario: str, waybill: str, start: datetime, rng: random.Random) -> Entry:
    if scenario in _FINAL:
        bodies = _webhooks(waybill, start, rng, scenario)
        return _entry_of(waybill, scenario, bodies, _FINAL[scenario], len(bodies))
    ending = "failed_attempt" if scenario == "personal_data" else "delivered"
    bodies = _webhooks(waybill, start, rng, ending)
    count = len(bodies)
    if scenario == "duplicates":
        # The same scan again: once byte for byte, once with the case changed.
        again = dict(bodies[-2], operationType="Delivery Scan")
        sent = [*bodies[:3], bodies[2], *bodies[3:-1], again, bodies[-1]]
        return _entry_of(waybill, scenario, sent, "delivered", count)
    if scenario == "out_of_order":
        shuffled = bodies[:]
        while shuffled == bodies:
            rng.shuffle(shuffled)
        return _entry_of(waybill, scenario, shuffled, "delivered", count)
    if scenario == "case_varies":
        for body in bodies:
            body["operationType"] = rng.choice(
                [str.upper, str.lower, str.title, str.capitalize])(body["operationType"])
        return _entry_of(waybill, scenario, bodies, "delivered", count)
    if scenario == "personal_data":
        courier = rng.choice(_COURIERS)
        phone = f"0812-{rng.randint(1000, 9999)}-{rng.randint(1000, 9999)}"
        problem = next(b for b in bodies if b["problemDescription"])
        problem["problemDescription"] += f", hubungi {phone} (kurir: {courier})"
        pod = bodies[-1]
        pod["problemDescription"] = f"Diterima {pod['signer']}"
        return _entry_of(waybill, scenario, bodies, "delivered", count,
                         extra={"receiver": pod["signer"], "courier": courier, "phone": phone})
    if scenario == "numbers_as_strings":
        for body in bodies:
            body["lastOperationTime"] = str(body["lastOperationTime"])
            body["waybillNo"] = f"{waybill.lower()} "
            body["nextBranch"] = body["nextBranch"] or None
        return _entry_of(waybill, scenario, bodies, "delivered", count)
    if scenario == "malformed":
        broken = rng.randrange(1, count - 1)
        bodies[broken]["lastOperationTime"] = None
        return _entry_of(waybill, scenario, bodies, "delivered", count - 1, bad=(broken,))
    if scenario == "foreign_body":
        ping = {"test": True, "message": "webhook connectivity check",
                "timestamp": bodies[0]["lastOperationTime"]}
        return _entry_of(waybill, scenario, [ping, *bodies], "delivered", count, bad=(0,))
    raise ValueError(f"unknown scenario {scenario!r}")


def _waybill(rng: random.Random) -> str:
    return f"IDS{rng.randint(0, 10**12 - 1):012d}"


def build_catalog(
    seed: int, *, start: datetime | None = None, rounds: int = 1,
    scenarios: tuple[str, ...] = SCENARIOS,
) -> list[Entry]:
    """``rounds`` of every scenario with fresh waybill numbers drawn from ``seed``."""
    rng = random.Random(seed)
    start = start or datetime.now(timezone.utc).replace(microsecond=0) - timedelta(days=4)
    entries: list[Entry] = []
    seen: set[str] = set()
    for _ in range(rounds):
        for scenario in scenarios:
            waybill = _waybill(rng)
            while waybill in seen:
                waybill = _waybill(rng)
            seen.add(waybill)
            entries.append(_entry(scenario, waybill, start, rng))
    return entries
