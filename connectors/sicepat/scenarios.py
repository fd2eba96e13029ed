"""Realistic SiCepat tracking bodies, one per scenario, with what they should yield.

The sandbox serves these; the fixtures under ``tests/fixtures/sicepat`` were recorded
from them. Each :class:`Entry` says independently of the parser what a correct pipeline
makes of its body. Quirks from PARTNERS.md are all here: the description in a field named
``city``, ``DELIVERED`` rows with ``receiver_name`` instead, courier names in
``[SIGESIT - ...]``, pick-up or drop-off, naive ``YYYY-MM-DD HH:mm`` times in all three
zones (places named only in text, or only by the route's ends), failed attempts, returns
(``PAKET DI KEMBALIKAN``), cancellations, ``HILANG``/``LOST``, duplicates, timestamps that
contradict the order, phone numbers in text, a status code as text and a waybill number
as a JSON number, and malformed bodies and rows.
"""

from __future__ import annotations

import json
import random
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any

from lintas.connectors.sandboxes.scenario import Entry

__all__ = ["CITIES", "SCENARIOS", "City", "build_catalog"]

PARTNER = "sicepat"


@dataclass(frozen=True)
class City:
    code: str  # three-letter city code, as in kodeasal/kodetujuan
    name: str  # as SiCepat writes it in text
    utc_hours: int  # the sandbox's own record of the city's zone
    point: str  # a drop-off point


CITIES: dict[str, City] = {
    c.code: c
    for c in (
        City("CGK", "Jakarta", 7, "SiCepat Point Kebon Jeruk"),
        City("BDO", "Bandung", 7, "SiCepat Point Buah Batu"),
        City("SUB", "Surabaya", 7, "SiCepat Point Wonokromo"),
        City("SRG", "Semarang", 7, "SiCepat Point Banyumanik"),
        City("KNO", "Medan", 7, "SiCepat Point Medan Johor"),
        City("UPG", "Makassar", 8, "SiCepat Point Rappocini"),
        City("DPS", "Denpasar", 8, "SiCepat Point Sanur"),
        City("BPN", "Balikpapan", 8, "SiCepat Point Sepinggan"),
        City("AMQ", "Ambon", 9, "SiCepat Point Nusaniwe"),
        City("DJJ", "Jayapura", 9, "SiCepat Point Entrop"),
    )
}
_EAST_TRANSIT = "UPG"
_DISTRICTS = ("10000", "10100", "10205", "20300")
_MARKETPLACES = ["Shopee", "Tokopedia", "Lazada", "TikTok Shop"]
_SENDERS = ["TOKO BERKAH JAYA", "CV SINAR MAS ABADI", "RINA KARTIKA", "UD SUMBER REJEKI"]
_RECEIVERS = ["BUDI SANTOSO", "SITI AMINAH", "AGUS PRASETYO", "DEWI LESTARI", "FRANS WANMA"]
_COURIERS = ["Andi Wijaya", "Rudi Hartono", "Fajar Nugroho", "Eko Saputra"]
_FAILURES = (
    ("CU", "Penerima tidak di tempat, paket akan diantar ulang"),
    ("NTH", "Rumah penerima kosong"),
    ("CODA", "Toko penerima tutup"),
)

#: Every scenario; a catalog holds each once per round.
SCENARIOS = (
    "delivered", "in_transit", "failed_then_delivered", "returned", "cancelled", "lost",
    "not_found", "duplicates", "out_of_order", "cross_zone", "personal_data",
    "numbers_as_strings", "malformed_json", "wrong_envelope", "bad_rows", "flaky",
)
_FINAL = {
    "delivered": "delivered", "failed_then_delivered": "delivered", "returned": "returned",
    "cancelled": "cancelled", "lost": "lost", "in_transit": "in_transit",
}

Step = tuple[str, str, City, str | None]  # status, city text, where, receiver_name


def _steps(
    o: City, d: City, ending: str, rng: random.Random, receiver: str,
    failure: tuple[str, str],
) -> list[Step]:
    """The scans of one parcel from ``o`` to ``d``, in the order they happen."""
    courier = rng.choice(_COURIERS)
    market = rng.choice(_MARKETPLACES)
    steps: list[Step] = [("PICKREQ", f"Terima permintaan pick up dari [{market}]", o, None)]
    if ending == "cancelled":
        return [*steps, ("CANCEL", f"Permintaan pick up dibatalkan oleh [{market}]", o, None)]
    if rng.random() < 0.3:
        steps = [("DROP", f"Paket di drop oleh pengirim di [{o.point}]", o, None)]
    else:
        steps.append(("PICK", f"Paket telah di pick up oleh [SIGESIT - {courier}]", o, None))
    steps += [
        ("IN", f"Paket telah di terima di [{o.name} Sortation]", o, None),
        ("OUT", f"Paket keluar dari [{o.name} Sortation]", o, None),
    ]
    if ending == "lost":
        word = rng.choice(["HILANG", "LOST"])
        return [*steps, (word, f"Paket hilang dalam perjalanan dari [{o.name} Sortation]", o, None)]
    if d.utc_hours == 9:
        hub = CITIES[_EAST_TRANSIT]
        steps += [
            ("IN", f"Paket telah di terima di [{hub.name} Transit]", hub, None),
            ("OUT", f"Paket keluar dari [{hub.name} Transit]", hub, None),
        ]
    steps.append(("IN", f"Paket telah di terima di [{d.name} Hub]", d, None))
    if ending == "in_transit":
        return steps
    carry = ("ANT", f"Paket dibawa [SIGESIT - {rng.choice(_COURIERS)}]", d, None)
    steps.append(carry)
    if ending == "failed_then_delivered":
        steps += [(failure[0], failure[1], d, None), carry]
    if ending == "returned":
        return [
            *steps,
            ("BA", "Alamat penerima tidak ditemukan", d, None),
            ("RTN", f"Paket akan dikembalikan ke pengirim [{d.name} Hub]", d, None),
            ("OUT", f"Paket retur keluar dari [{d.name} Hub]", d, None),
            ("IN", f"Paket retur telah di terima di [{o.name} Sortation]", o, None),
            ("PAKET DI KEMBALIKAN", "Paket di kembalikan ke pengirim", o, None),
        ]
    return [*steps, ("DELIVERED", "", d, receiver)]


def _local(instant: datetime, city: City) -> str:
    return (instant + timedelta(hours=city.utc_hours)).strftime("%Y-%m-%d %H:%M")


def _rows(steps: list[Step], start: datetime, rng: random.Random) -> list[dict[str, Any]]:
    rows, instant = [], start
    for status, desc, city, receiver in steps:
        instant += timedelta(hours=rng.randint(1, 9), minutes=rng.randint(0, 59))
        row: dict[str, Any] = {"date_time": _local(instant, city), "status": status}
        if receiver:
            row["receiver_name"] = receiver
        else:
            row["city"] = desc
        rows.append(row)
    return rows


def _body(
    number: str, o: City, d: City, rows: list[dict[str, Any]], receiver: str,
    rng: random.Random,
) -> dict[str, Any]:
    price = rng.choice((8000, 11000, 19000, 42000))
    delivered = rows[-1]["status"] == "DELIVERED"
    return {"sicepat": {
        "status": {"code": 200, "description": "OK"},
        "result": {
            "waybill_number": number,
            "kodeasal": f"{o.code}10000",
            "kodetujuan": f"{d.code}{rng.choice(_DISTRICTS)}",
            "service": rng.choice(["REG", "BEST", "GOKIL", "SIUNT"]),
            "weight": rng.choice([1, 1.5, 2, 3]),
            "partner": rng.choice(_MARKETPLACES).upper(),
            "sender": rng.choice(_SENDERS),
            "sender_address": f"JL. GATOT SUBROTO NO. {rng.randint(1, 250)}",
            "receiver_address": f"JL. AHMAD YANI NO. {rng.randint(1, 250)}",
            "receiver_name": receiver,
            "realprice": price,
            "totalprice": price,
            "POD_receiver": rows[-1].get("receiver_name") if delivered else None,
            "POD_receiver_time": rows[-1]["date_time"] if delivered else None,
            "send_date": rows[0]["date_time"],
            "track_history": rows,
            "last_status": dict(rows[-1]),
            "perwakilan": o.code,
            "pop_sigesit_img_path": None,
            "pod_sign_img_path": None,
        },
    }}


def _encode(body: dict[str, Any]) -> bytes:
    return json.dumps(body).encode()


def _entry(scenario: str, number: str, start: datetime, rng: random.Random) -> Entry:
    west = [c for c in CITIES.values() if c.utc_hours == 7]
    o, d = rng.choice(west), rng.choice(west)
    if scenario == "cross_zone":
        d = rng.choice([c for c in CITIES.values() if c.utc_hours != 7])
    receiver = rng.choice(_RECEIVERS)
    failure = rng.choice(_FAILURES)
    extra: dict[str, Any] = {}
    if scenario == "personal_data":
        receiver = f"{receiver.title()} (Keluarga)"
        phone = f"0813-{rng.randint(1000, 9999)}-{rng.randint(1000, 9999)}"
        failure = ("CU", f"Penerima tidak dapat dihubungi di {phone}")
        extra = {"receiver": receiver, "phone": phone}
    ending = _FINAL.get(scenario, "failed_then_delivered" if scenario == "personal_data"
                        else "delivered")
    rows = _rows(_steps(o, d, ending, rng, receiver, failure), start, rng)
    distinct, bad_rows = len(rows), 0
    if scenario == "not_found":
        body: dict[str, Any] = {
            "sicepat": {"status": {"code": 400, "description": "Data tidak ditemukan"}}
        }
        return Entry(PARTNER, number, scenario, _encode(body), "not_found")
    if scenario == "duplicates":
        twin = dict(rows[2])  # the same scan again: same time, text in other case and spacing
        twin["city"] = twin["city"].upper().replace(" [", "  [")
        rows.insert(3, twin)
    if scenario == "out_of_order":
        rows[2]["date_time"], rows[3]["date_time"] = rows[3]["date_time"], rows[2]["date_time"]
    if scenario == "bad_rows":
        broken_date = dict(rows[1], date_time="0000-00-00 00:00")
        no_status = {k: v for k, v in rows[2].items() if k != "status"}
        rows[1:1] = [broken_date]
        rows[3:3] = [no_status]
        bad_rows = 2
    body = _body(number, o, d, rows, receiver, rng)
    if scenario == "numbers_as_strings":
        body["sicepat"]["status"]["code"] = "200"
        body["sicepat"]["result"]["waybill_number"] = int(number)
        body["sicepat"]["result"]["weight"] = str(body["sicepat"]["result"]["weight"])
    if scenario == "malformed_json":
        raw = _encode(body)
        return Entry(PARTNER, number, scenario, raw[: len(raw) // 2], "dead_letter", bad_rows=1)
    if scenario == "wrong_envelope":
        return Entry(PARTNER, number, scenario, _encode(body["sicepat"]), "dead_letter",
                     bad_rows=1)
    return Entry(PARTNER, number, scenario, _encode(body), "shipment", distinct,
                 _FINAL.get(ending, "delivered"), bad_rows=bad_rows,
                 fail_first=1 if scenario == "flaky" else 0, extra=extra)


def _number(rng: random.Random) -> str:
    return f"00{rng.randint(0, 10**10 - 1):010d}"


def build_catalog(
    seed: int, *, start: datetime | None = None, rounds: int = 1,
    scenarios: tuple[str, ...] = SCENARIOS,
) -> list[Entry]:
    """``rounds`` of every scenario with fresh waybill numbers drawn from ``seed``."""
    rng = random.Random(seed)
    start = start or datetime.now(timezone.utc) - timedelta(days=4)
    start = start.replace(second=0, microsecond=0)
    entries: list[Entry] = []
    seen: set[str] = set()
    for _ in range(rounds):
        for scenario in scenarios:
            number = _number(rng)
            while number in seen:
                number = _number(rng)
            seen.add(number)
            entries.append(_entry(scenario, number, start, rng))
    return entries
