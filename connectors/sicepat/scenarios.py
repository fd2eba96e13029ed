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
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from lintas.connectors.sandboxes.quirks import repeat_scan, swap, with_bad_rows
from lintas.connectors.sandboxes.scenario import CatalogBuilder, Draw, Entry, any_scenario

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


def _number(rng: random.Random) -> str:
    return f"00{rng.randint(0, 10**10 - 1):010d}"


@dataclass
class _Draw(Draw):
    """Every SiCepat scenario starts from a route (to the east for ``cross_zone``), a
    receiver and the reason a delivery may fail."""

    origin: City = field(init=False)
    destination: City = field(init=False)
    receiver: str = field(init=False)
    failure: tuple[str, str] = field(init=False)

    def __post_init__(self) -> None:
        west = [c for c in CITIES.values() if c.utc_hours == 7]
        self.origin, self.destination = self.rng.choice(west), self.rng.choice(west)
        if self.scenario == "cross_zone":
            self.destination = self.rng.choice([c for c in CITIES.values() if c.utc_hours != 7])
        self.receiver = self.rng.choice(_RECEIVERS)
        self.failure = self.rng.choice(_FAILURES)

    def rows(self, ending: str = "delivered") -> list[dict[str, Any]]:
        steps = _steps(self.origin, self.destination, ending, self.rng, self.receiver,
                       self.failure)
        return _rows(steps, self.start, self.rng)

    def body(self, rows: list[dict[str, Any]]) -> dict[str, Any]:
        return _body(self.number, self.origin, self.destination, rows, self.receiver, self.rng)


def _to_the_end(d: _Draw) -> Entry:
    # The journey ends in the final status: failed_then_delivered, as recorded in its
    # fixture, has no failed attempt (personal_data has one).
    final = _FINAL.get(d.scenario, "delivered")
    rows = d.rows(final)
    return d.shipment(_encode(d.body(rows)), len(rows), final)


def _not_found(d: _Draw) -> Entry:
    d.rows()  # drawn and dropped: recorded catalogs depend on the generator's state
    body = {"sicepat": {"status": {"code": 400, "description": "Data tidak ditemukan"}}}
    return d.not_found(_encode(body))


def _duplicates(d: _Draw) -> Entry:
    rows = d.rows()
    distinct = len(rows)
    repeat_scan(rows, 2, "city", lambda text: text.upper().replace(" [", "  ["))
    return d.shipment(_encode(d.body(rows)), distinct, "delivered")


def _out_of_order(d: _Draw) -> Entry:
    rows = d.rows()
    swap(rows, 2, 3, "date_time")
    return d.shipment(_encode(d.body(rows)), len(rows), "delivered")


def _personal_data(d: _Draw) -> Entry:
    d.receiver = f"{d.receiver.title()} (Keluarga)"
    phone = d.phone("0813")
    d.failure = ("CU", f"Penerima tidak dapat dihubungi di {phone}")
    rows = d.rows("failed_then_delivered")
    return d.shipment(_encode(d.body(rows)), len(rows), "delivered",
                      extra={"receiver": d.receiver, "phone": phone})


def _numbers_as_strings(d: _Draw) -> Entry:
    rows = d.rows()
    body = d.body(rows)
    body["sicepat"]["status"]["code"] = "200"
    result = body["sicepat"]["result"]
    result["waybill_number"], result["weight"] = int(d.number), str(result["weight"])
    return d.shipment(_encode(body), len(rows), "delivered")


def _bad_rows(d: _Draw) -> Entry:
    rows = d.rows()
    sent = with_bad_rows(rows, misdated=(1, "date_time", "0000-00-00 00:00"),
                         incomplete=(2, "status"))
    return d.shipment(_encode(d.body(sent)), len(rows), "delivered", bad_rows=2)


#: Every scenario, in catalog order; a catalog holds each once per round.
_CATALOG = CatalogBuilder(
    partner=PARTNER, draw=_Draw, number=any_scenario(_number), whole_minutes=True, scenarios={
        **dict.fromkeys((
            "delivered", "in_transit", "failed_then_delivered", "returned", "cancelled", "lost",
        ), _to_the_end),
        "not_found": _not_found,
        "duplicates": _duplicates,
        "out_of_order": _out_of_order,
        "cross_zone": _to_the_end,
        "personal_data": _personal_data,
        "numbers_as_strings": _numbers_as_strings,
        "malformed_json": lambda d: d.malformed(_encode(d.body(d.rows()))),
        "wrong_envelope": lambda d: d.dead_letter(_encode(d.body(d.rows())["sicepat"])),
        "bad_rows": _bad_rows,
        "flaky": _to_the_end,
    },
)
SCENARIOS = _CATALOG.names
build_catalog = _CATALOG.build
