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
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from lintas.connectors.sandboxes.quirks import repeat_scan, swap, with_bad_rows
from lintas.connectors.sandboxes.scenario import CatalogBuilder, Draw, Entry, any_scenario

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


def _number(rng: random.Random) -> str:
    return f"{rng.randint(11, 99)}LP{rng.randint(0, 10**13 - 1):013d}"


@dataclass
class _Draw(Draw):
    """Every Lion scenario starts from a parcel's whole journey between two cities (to the
    east for ``cross_zone``), its history and its STT."""

    origin: City = field(init=False)
    destination: City = field(init=False)
    receiver: str = field(init=False)
    rows: list[dict[str, Any]] = field(init=False)  # oldest first
    stt: dict[str, Any] = field(init=False)

    def __post_init__(self) -> None:
        origin, destination = self.route(_WEST, _EAST)
        self.origin, self.destination = CITIES[origin], CITIES[destination]
        self.receiver = self.rng.choice(_RECEIVERS)
        ending = self.ending(_FINAL)
        self.rows = _journey(self.start, self.origin, self.destination, self.receiver,
                             self.rng, ending)
        self.stt = self.new_stt(self.number)

    def new_stt(self, number: Any) -> dict[str, Any]:
        return _stt(number, self.origin, self.destination, self.receiver, self.rows[-1]["desc"],
                    self.rng)

    def delivery(self, history: list[dict[str, Any]] | None = None, *, bad_rows: int = 0,
                 extra: dict[str, Any] | None = None) -> Entry:
        """The journey delivered, one event a scan, answered with ``history`` (by default
        newest first)."""
        body = _body(self.stt, self.rows[::-1] if history is None else history)
        return self.shipment(body, len(self.rows), "delivered", bad_rows=bad_rows, extra=extra)


def _to_the_end(d: _Draw) -> Entry:
    final = _FINAL.get(d.scenario, "delivered")
    return d.shipment(_body(d.stt, d.rows[::-1]), len(d.rows), final,
                      extra={"destination": d.destination.code})


def _duplicates(d: _Draw) -> Entry:
    distinct = len(d.rows)
    repeat_scan(d.rows, 2, "desc", lambda desc: desc.lower().replace(" ", "  "))
    return d.shipment(_body(d.stt, d.rows[::-1]), distinct, "delivered")


def _out_of_order(d: _Draw) -> Entry:
    # The transit hub's scan carries a time before the origin's departure scan.
    swap(d.rows, 3, 4, "date")
    return d.delivery()


def _personal_data(d: _Draw) -> Entry:
    courier = d.rng.choice(_COURIERS)
    phone = f"08{d.rng.randint(11, 59)}{d.rng.randint(10**7, 10**8 - 1)}"
    d.rows[-2]["desc"] = (f"PAKET SEDANG DIANTAR KE ALAMAT PENERIMA (DELIVERY) KURIR: {courier} "
                          f"{phone}, {d.destination.name}")
    return d.delivery(extra={"receiver": d.receiver, "courier": courier, "phone": phone})


def _numbers_as_strings(d: _Draw) -> Entry:
    eleven = str(d.rng.randint(10**10, 10**11 - 1))  # the older 11-digit STT, sent as a number
    stt = d.new_stt(int(eleven))
    stt["gross_weight"], stt["pieces"] = str(stt["gross_weight"]), str(stt["pieces"])
    return d.shipment(_body(stt, d.rows[::-1]), len(d.rows), "delivered", tracking_number=eleven)


def _foreign_body(d: _Draw) -> Entry:
    foreign = {"success": True, "data": {"stt_number": d.number, "tracking": d.rows}}
    return d.dead_letter(json.dumps(foreign).encode())


def _bad_rows(d: _Draw) -> Entry:
    history = with_bad_rows(d.rows[::-1], misdated=(1, "date", "31-02-2025 25:61"),
                            incomplete=(3, "desc"))
    return d.delivery(history, bad_rows=2)


#: Every scenario, in catalog order; a catalog holds each once per round.
_CATALOG = CatalogBuilder(partner=PARTNER, draw=_Draw, number=any_scenario(_number), scenarios={
    **dict.fromkeys((
        "delivered", "in_transit", "failed_then_delivered", "returned", "cancelled", "lost",
        "handover_to_pos",
    ), _to_the_end),
    "not_found": lambda d: d.not_found(_body(None, None)),
    "duplicates": _duplicates,
    "out_of_order": _out_of_order,
    "oldest_first": lambda d: d.delivery(d.rows),
    "cross_zone": _to_the_end,
    "personal_data": _personal_data,
    "numbers_as_strings": _numbers_as_strings,
    "malformed_json": lambda d: d.malformed(_body(d.stt, d.rows[::-1])),
    "foreign_body": _foreign_body,
    "bad_rows": _bad_rows,
    "flaky": _to_the_end,
})
SCENARIOS = _CATALOG.names
build_catalog = _CATALOG.build
