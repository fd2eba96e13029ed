"""Realistic Lion Parcel tracking bodies, one per scenario, with what they should yield.

The sandbox serves these; the fixtures under ``tests/fixtures/lion`` were recorded from
them. Each :class:`Entry` says independently of the parser what a correct pipeline makes
of its body. Quirks: history newest first (oldest first from an older API version), naive
local times in the zone of each row's city code (WIB, WITA, WIT, and a code the shared
crosswalk lacks), the hand-over to Pos for the last mile without Pos's barcode, the same
scan twice in other case and spacing, timestamps that contradict the order, receiver and
courier names and phone numbers in ``desc``, an 11-digit STT sent as a number, failed
attempts, returns, cancellations, lost parcels, and malformed bodies and rows.
"""

from __future__ import annotations

import json
import random
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any

from lintas.connectors.sandboxes.scenario import Entry

__all__ = ["CITIES", "SCENARIOS", "City", "build_catalog"]

PARTNER = "lion"


@dataclass(frozen=True)
class City:
    """A city Lion serves, by its three-letter code."""

    code: str
    name: str  # as Lion writes it in ``desc``
    utc_hours: int  # the sandbox's own record of the city's zone


CITIES: dict[str, City] = {
    c.code: c
    for c in (
        City("CGK", "JAKARTA", 7),
        City("JOG", "JOGJAKARTA", 7),
        City("PLM", "PALEMBANG", 7),
        City("SUB", "SURABAYA", 7),
        City("BDO", "BANDUNG", 7),
        City("SRG", "SEMARANG", 7),
        City("KNO", "MEDAN", 7),
        City("BWX", "BANYUWANGI", 7),
        City("UPG", "MAKASSAR", 8),
        City("DPS", "DENPASAR", 8),
        City("BPN", "BALIKPAPAN", 8),
        City("LBJ", "LABUAN BAJO", 8),
        City("DJJ", "JAYAPURA", 9),
        City("AMQ", "AMBON", 9),
    )
}
_WEST = ("JOG", "PLM", "SUB", "BDO", "SRG", "KNO", "BWX")
_EAST = ("UPG", "DPS", "BPN", "LBJ", "DJJ", "AMQ")
_RECEIVERS = ["BUDI SANTOSO", "SITI AMINAH", "AGUS PRASETYO", "DEWI LESTARI", "RUDI HARTONO"]
_SENDERS = ["TOKO BERKAH JAYA", "CV SINAR MAS ABADI", "RINA KARTIKA", "UD SUMBER REJEKI"]
_COURIERS = ["ANDI SAPUTRA", "EKO PURNOMO", "FAJAR NUGROHO", "MADE ARSANA"]

#: Every scenario; a catalog holds each once per round.
SCENARIOS = (
    "delivered",
    "in_transit",
    "failed_then_delivered",
    "returned",
    "cancelled",
    "lost",
    "handover_to_pos",
    "not_found",
    "duplicates",
    "out_of_order",
    "oldest_first",
    "cross_zone",
    "personal_data",
    "numbers_as_strings",
    "malformed_json",
    "foreign_body",
    "bad_rows",
    "flaky",
)
_FINAL = {"delivered": "delivered", "failed_then_delivered": "delivered", "returned": "returned",
          "in_transit": "in_transit", "cancelled": "cancelled", "lost": "lost",
          "handover_to_pos": "handed_over"}


def _steps(origin: City, destination: City, ending: str, receiver: str) -> list[tuple[str, City]]:
    """What happens to one parcel, in order: (desc without the city, where)."""
    steps = [("PAKET TELAH DIBUAT (BOOKED)", origin)]
    if ending == "cancelled":
        return [*steps, ("PAKET DIBATALKAN (CANCELLED)", origin)]
    transit = CITIES["CGK"]
    steps += [
        ("PAKET TELAH DIJEMPUT KURIR (PICKUP)", origin),
        ("PAKET TELAH SAMPAI DI (KONSOLIDATOR ASAL)", origin),
        ("PAKET TELAH DIBERANGKATKAN (CARGO PLANE)", origin),
        ("PAKET TELAH SAMPAI DI (TRANSIT)", transit),
    ]
    if ending == "lost":
        return [*steps, ("PAKET HILANG (MISSING)", transit)]
    steps.append(("PAKET TELAH SAMPAI DI (KOTA TUJUAN)", destination))
    if ending == "in_transit":
        return steps
    if ending == "handover_to_pos":
        return [*steps, ("PAKET AKAN DIKIRIMKAN OLEH (PT POS. )", destination)]
    out = ("PAKET SEDANG DIANTAR KE ALAMAT PENERIMA (DELIVERY)", destination)
    steps.append(out)
    if ending == "failed_then_delivered":
        steps += [("PAKET GAGAL DIANTAR (DEX) - PENERIMA TIDAK DI TEMPAT", destination), out]
    if ending == "returned":
        return [*steps,
                ("PAKET GAGAL DIANTAR (DEX) - ALAMAT TIDAK DITEMUKAN", destination),
                ("PAKET DIKEMBALIKAN KE PENGIRIM (RTS)", destination),
                ("PAKET RETUR TELAH SAMPAI DI (KOTA ASAL)", origin),
                ("PAKET RETUR TELAH DITERIMA PENGIRIM (RTS POD)", origin)]
    return [*steps, (f"PAKET TELAH DITERIMA OLEH {receiver} (POD)", destination)]


def _local(instant: datetime, city: City) -> str:
    return (instant + timedelta(hours=city.utc_hours)).strftime("%Y-%m-%d %H:%M:%S")


def _journey(start: datetime, origin: City, destination: City, receiver: str,
             rng: random.Random, ending: str) -> list[dict[str, Any]]:
    """Chronological history rows of one parcel."""
    rows = []
    instant = start
    for desc, city in _steps(origin, destination, ending, receiver):
        instant += timedelta(hours=rng.randint(1, 9), minutes=rng.randint(0, 59),
                             seconds=rng.randint(0, 59))
        rows.append({"date": _local(instant, city), "desc": f"{desc}, {city.name}",
                     "location": city.code})
    return rows


def _body(stt: dict[str, Any] | None, history: list[dict[str, Any]] | None) -> bytes:
    body: dict[str, Any] = {"stt": stt, "history": history}
    if stt is None:
        body["message"] = "STT tidak ditemukan"
    return json.dumps(body).encode()


def _stt(number: Any, origin: City, destination: City, receiver: str, last: str,
         rng: random.Random) -> dict[str, Any]:
    return {
        "stt_no": number,
        "origin": origin.code,
        "destination": destination.code,
        "product_type": rng.choice(["REGPACK", "ONEPACK", "JAGOPACK", "BIGPACK"]),
        "gross_weight": round(rng.uniform(0.2, 20.0), 1),
        "pieces": rng.randint(1, 3),
        "shipper_name": rng.choice(_SENDERS),
        "recipient_name": receiver,
        "recipient_phone": f"0813{rng.randint(10**7, 10**8 - 1)}",
        "last_status": last,
    }


def _entry(scenario: str, number: str, start: datetime, rng: random.Random) -> Entry:
    origin = CITIES[rng.choice(_WEST)]
    destination = CITIES[rng.choice(_EAST if scenario == "cross_zone" else _WEST)]
    while destination.code == origin.code:
        destination = CITIES[rng.choice(_WEST)]
    receiver = rng.choice(_RECEIVERS)
    ending = scenario if scenario in _FINAL else "delivered"
    rows = _journey(start, origin, destination, receiver, rng, ending)
    stt = _stt(number, origin, destination, receiver, rows[-1]["desc"], rng)
    if scenario in _FINAL or scenario in ("flaky", "cross_zone"):
        return Entry(PARTNER, number, scenario, _body(stt, rows[::-1]), "shipment", len(rows),
                     _FINAL[ending], fail_first=1 if scenario == "flaky" else 0,
                     extra={"destination": destination.code})
    if scenario == "not_found":
        return Entry(PARTNER, number, scenario, _body(None, None), "not_found")
    if scenario == "duplicates":
        twin = dict(rows[2])  # the same scan again, same time, other case and spacing
        twin["desc"] = twin["desc"].lower().replace(" ", "  ")
        rows.insert(3, twin)
        return Entry(PARTNER, number, scenario, _body(stt, rows[::-1]), "shipment",
                     len(rows) - 1, "delivered")
    if scenario == "out_of_order":
        # The transit hub's scan carries a time before the origin's departure scan.
        rows[3]["date"], rows[4]["date"] = rows[4]["date"], rows[3]["date"]
        return Entry(PARTNER, number, scenario, _body(stt, rows[::-1]), "shipment", len(rows),
                     "delivered")
    if scenario == "oldest_first":
        return Entry(PARTNER, number, scenario, _body(stt, rows), "shipment", len(rows),
                     "delivered")
    if scenario == "personal_data":
        courier = rng.choice(_COURIERS)
        phone = f"08{rng.randint(11, 59)}{rng.randint(10**7, 10**8 - 1)}"
        rows[-2]["desc"] = (f"PAKET SEDANG DIANTAR KE ALAMAT PENERIMA (DELIVERY) KURIR: {courier} "
                            f"{phone}, {destination.name}")
        return Entry(PARTNER, number, scenario, _body(stt, rows[::-1]), "shipment", len(rows),
                     "delivered", extra={"receiver": receiver, "courier": courier, "phone": phone})
    if scenario == "numbers_as_strings":
        eleven = str(rng.randint(10**10, 10**11 - 1))  # the older 11-digit STT, sent as a number
        stt = _stt(int(eleven), origin, destination, receiver, rows[-1]["desc"], rng)
        stt["gross_weight"], stt["pieces"] = str(stt["gross_weight"]), str(stt["pieces"])
        return Entry(PARTNER, eleven, scenario, _body(stt, rows[::-1]), "shipment", len(rows),
                     "delivered")
    if scenario == "malformed_json":
        body = _body(stt, rows[::-1])
        return Entry(PARTNER, number, scenario, body[: len(body) // 2], "dead_letter", bad_rows=1)
    if scenario == "foreign_body":
        foreign = {"success": True, "data": {"stt_number": number, "tracking": rows}}
        return Entry(PARTNER, number, scenario, json.dumps(foreign).encode(), "dead_letter",
                     bad_rows=1)
    if scenario == "bad_rows":
        history = rows[::-1]
        history[1:1] = [dict(history[1], date="31-02-2025 25:61")]
        history[4:4] = [{"date": history[4]["date"], "location": history[4]["location"]}]
        return Entry(PARTNER, number, scenario, _body(stt, history), "shipment", len(rows),
                     "delivered", bad_rows=2)
    raise ValueError(f"unknown scenario {scenario!r}")


def _number(rng: random.Random) -> str:
    return f"{rng.randint(11, 99)}LP{rng.randint(0, 10**13 - 1):013d}"


def build_catalog(
    seed: int, *, start: datetime | None = None, rounds: int = 1,
    scenarios: tuple[str, ...] = SCENARIOS,
) -> list[Entry]:
    """``rounds`` of every scenario with fresh STT numbers drawn from ``seed``."""
    rng = random.Random(seed)
    start = start or datetime.now(timezone.utc).replace(microsecond=0) - timedelta(days=4)
    entries: list[Entry] = []
    seen: set[str] = set()
    for _ in range(rounds):
        for scenario in scenarios:
            number = _number(rng)
            while number in seen:
                number = _number(rng)
            seen.add(number)
            entry = _entry(scenario, number, start, rng)
            seen.add(entry.tracking_number)
            entries.append(entry)
    return entries
