"""Realistic AnterAja tracking bodies, one per scenario, with what they should yield.

The sandbox serves these; the fixtures under ``tests/fixtures/anteraja`` were recorded
from them. Each :class:`Entry` says independently of the parser what a correct pipeline
makes of its body. Quirks: history newest first (and oldest first from an older API
version), UTC timestamps with milliseconds also for hubs in WITA and WIT, ``message`` as
a per-language object or as plain text, ``tracking_code`` as text, ``waybill_no`` and
postcodes as numbers, the same scan twice, timestamps that contradict the order, courier
and receiver names and phone numbers in messages, failed attempts and returns told only by
the message, and malformed bodies and rows.
"""

from __future__ import annotations

import json
import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from lintas.connectors.sandboxes.quirks import repeat_scan, swap, without
from lintas.connectors.sandboxes.scenario import CatalogBuilder, Draw, Entry, any_scenario

__all__ = ["CITIES", "SCENARIOS", "City", "build_catalog"]

PARTNER = "anteraja"


@dataclass(frozen=True)
class City:
    """A city AnterAja serves: its hub, its satellites and receivers' postcodes."""

    name: str
    hub: str
    satellites: tuple[str, ...]
    postcodes: tuple[str, ...]


CITIES: dict[str, City] = {
    c.name: c
    for c in (
        City("JAKARTA", "HUB JAKARTA CAKUNG", ("SS JAKARTA KEBAYORAN", "SS JAKARTA TEBET"),
             ("12190", "12430", "12810")),
        City("BANDUNG", "HUB BANDUNG GEDEBAGE", ("SS BANDUNG CIBEUNYING", "SS BANDUNG ANTAPANI"),
             ("40115", "40132", "40261")),
        City("SURABAYA", "HUB SURABAYA RUNGKUT", ("SS SURABAYA WONOKROMO",), ("60231", "60118")),
        City("SEMARANG", "HUB SEMARANG KALIGAWE", ("SS SEMARANG TEMBALANG",), ("50241",)),
        City("YOGYAKARTA", "HUB YOGYAKARTA SLEMAN", ("SS YOGYAKARTA UMBULHARJO",),
             ("55161", "55221")),
        City("MEDAN", "HUB MEDAN AMPLAS", ("SS MEDAN SUNGGAL",), ("20112", "20152")),
        City("MAKASSAR", "HUB MAKASSAR BIRINGKANAYA", ("SS MAKASSAR PANAKKUKANG",),
             ("90111", "90222")),
        City("DENPASAR", "HUB DENPASAR", ("SS DENPASAR RENON",), ("80225", "80113")),
        City("BALIKPAPAN", "HUB BALIKPAPAN", ("SS BALIKPAPAN KLANDASAN",), ("76114",)),
        City("JAYAPURA", "HUB JAYAPURA", ("SS JAYAPURA ABEPURA",), ("99112",)),
    )
}
_WEST = ("JAKARTA", "BANDUNG", "SURABAYA", "SEMARANG", "YOGYAKARTA", "MEDAN")
_EAST = ("MAKASSAR", "DENPASAR", "BALIKPAPAN", "JAYAPURA")

_SENDERS = ["TOKO BERKAH JAYA", "CV SINAR MAS ABADI", "Rina Kartika", "UD SUMBER REJEKI"]
_RECEIVERS = ["Budi Santoso", "Siti Aminah", "Agus Prasetyo", "Dewi Lestari", "Rudi Hartono"]
_COURIERS = ["Andi Saputra", "Eko Purnomo", "Fajar Nugroho", "Made Arsana"]

_Step = tuple[int, str, str, str]  # tracking_code, hub_name, message id, message en


def _timestamp(instant: datetime, millis: int) -> str:
    return f"{instant:%Y-%m-%dT%H:%M:%S}.{millis:03d}+0000"


def _steps(origin: City, destination: City, ending: str, courier: str,
           rng: random.Random) -> list[_Step]:
    """What happens to one parcel, in order: (code, hub, Indonesian, English)."""
    first = rng.choice(origin.satellites)
    last = rng.choice(destination.satellites)
    steps: list[_Step] = [
        (100, "", "Permintaan pickup telah dibuat", "Pickup has been requested"),
        (150, first, "Kurir telah ditugaskan untuk pickup",
         "Pickup has been assigned to a courier"),
    ]
    if ending == "cancelled":
        steps.append((430, first, "Order dibatalkan oleh pengirim", "Order cancelled by shipper"))
        return steps
    steps += [
        (200, first, "Paket telah dipickup", "Shipment has been picked up"),
        (210, first, f"Paket telah sampai di {first}", f"Shipment arrived at {first}"),
        (220, origin.hub, f"Paket telah sampai di {origin.hub}",
         f"Shipment arrived at {origin.hub}"),
        (300, origin.hub, "Paket sedang diproses di hub", "Shipment is being processed at hub"),
        (330, origin.hub, "Paket dipindahkan ke area staging", "Shipment moved to staging"),
    ]
    if destination.hub != origin.hub:
        steps.append((220, destination.hub, f"Paket telah sampai di {destination.hub}",
                      f"Shipment arrived at {destination.hub}"))
    steps.append((230, last, f"Paket telah sampai di {last}", f"Shipment arrived at {last}"))
    if ending == "in_transit":
        return steps
    out = (240, last, f"Kurir {courier} sedang mengantar paket ke alamat penerima",
           f"Shipment is out for delivery with courier {courier}")
    steps.append(out)
    if ending == "failed_then_delivered":
        steps.append((230, last,
                      "Paket gagal diantar, penerima tidak di tempat. Akan diantar ulang",
                      "Delivery failed, receiver not at home. Will be re-delivered"))
        steps.append(out)
    if ending == "returned":
        steps += [
            (230, last, "Paket gagal diantar, alamat tidak ditemukan",
             "Delivery failed, address not found"),
            (220, destination.hub, "Paket dalam proses retur ke pengirim",
             "Shipment is returning to shipper"),
            (220, origin.hub, "Paket dalam proses retur ke pengirim",
             "Shipment is returning to shipper"),
            (240, first, "Paket retur sedang diantar ke pengirim",
             "Shipment is returning to shipper"),
            (250, first, "Paket retur telah diterima pengirim", "Returned to shipper"),
        ]
        return steps
    steps.append((250, last, "Paket telah diterima oleh penerima", "Shipment has been delivered"))
    return steps


def _journey(start: datetime, origin: City, destination: City, rng: random.Random,
             ending: str = "delivered") -> list[dict[str, Any]]:
    """Chronological history items of one parcel."""
    courier = rng.choice(_COURIERS).upper()
    rows = []
    instant = start
    for code, hub, message_id, message_en in _steps(origin, destination, ending, courier, rng):
        instant += timedelta(hours=rng.randint(1, 9), minutes=rng.randint(0, 59),
                             seconds=rng.randint(0, 59))
        rows.append({
            "tracking_code": code,
            "hub_name": hub,
            "message": {"id": message_id, "en": message_en},
            "timestamp": _timestamp(instant, rng.randint(0, 999)),
        })
    return rows


def _order(waybill: str, origin: City, destination: City, receiver: str,
           rng: random.Random) -> dict[str, Any]:
    return {
        "booking_id": f"ANT-{rng.randint(10**9, 10**10 - 1)}",
        "waybill_no": waybill,
        "service_code": rng.choice(["REG", "ND", "SD"]),
        "weight": rng.randint(200, 9000),
        "sender": {"name": rng.choice(_SENDERS), "phone": f"0812{rng.randint(10**7, 10**8 - 1)}",
                   "postcode": rng.choice(origin.postcodes)},
        "receiver": {"name": receiver, "phone": f"0813{rng.randint(10**7, 10**8 - 1)}",
                     "address": f"JL. MERDEKA NO. {rng.randint(1, 250)}",
                     "postcode": rng.choice(destination.postcodes)},
    }


def _body(waybill: Any, history: list[dict[str, Any]] | None, order: dict[str, Any] | None,
          status: Any = 200) -> bytes:
    content = {"waybill_no": waybill, "history": history, "order": order}
    return json.dumps({"status": status, "info": "OK", "content": content}).encode()


_FINAL = {"delivered": "delivered", "failed_then_delivered": "delivered", "returned": "returned",
          "in_transit": "in_transit", "cancelled": "cancelled"}


def _waybill(rng: random.Random) -> str:
    return f"1000{rng.randint(0, 10**10 - 1):010d}"


@dataclass
class _Draw(Draw):
    """Every AnterAja scenario starts from a parcel's whole journey: from a city in the west
    to one in the west (the east for ``cross_zone``), its order and its history."""

    origin: City = field(init=False)
    destination: City = field(init=False)
    receiver: str = field(init=False)
    order: dict[str, Any] = field(init=False)
    rows: list[dict[str, Any]] = field(init=False)  # oldest first

    def __post_init__(self) -> None:
        origin, destination = self.route(_WEST, _EAST, apart=False)
        self.origin, self.destination = CITIES[origin], CITIES[destination]
        self.receiver = self.rng.choice(_RECEIVERS)
        self.order = _order(self.number, self.origin, self.destination, self.receiver, self.rng)
        ending = self.ending(_FINAL)
        self.rows = _journey(self.start, self.origin, self.destination, self.rng, ending)

    def body(self, history: list[dict[str, Any]] | None = None) -> bytes:
        """The answer with ``history``, by default the journey newest first."""
        return _body(self.number, self.rows[::-1] if history is None else history, self.order)

    def delivery(self, history: list[dict[str, Any]] | None = None, *, bad_rows: int = 0,
                 extra: dict[str, Any] | None = None) -> Entry:
        """The journey delivered, one event a scan, answered with ``history``."""
        return self.shipment(self.body(history), len(self.rows), "delivered", bad_rows=bad_rows,
                             extra=extra)


def _to_the_end(d: _Draw) -> Entry:
    final = _FINAL.get(d.scenario, "delivered")
    return d.shipment(d.body(), len(d.rows), final, extra={"destination": d.destination.name})


def _duplicates(d: _Draw) -> Entry:
    distinct = len(d.rows)
    repeat_scan(d.rows, 4, "message", lambda message: {
        lang: "  " + text.upper().replace(" ", "  ") for lang, text in message.items()
    })
    return d.shipment(d.body(), distinct, "delivered")


def _out_of_order(d: _Draw) -> Entry:
    # The hub stamped its arrival scan before the satellite's departure scan.
    swap(d.rows, 3, 4, "timestamp")
    return d.delivery()


def _personal_data(d: _Draw) -> Entry:
    phone = d.phone("0812")
    courier = d.rng.choice(_COURIERS)
    d.rows[-2]["message"] = {
        "id": f"Kurir {courier} ({phone}) sedang mengantar paket ke alamat Anda",
        "en": f"Shipment is out for delivery with courier {courier} ({phone})",
    }
    d.rows[-1]["message"] = {"id": f"Paket diterima oleh {d.receiver} (Yang bersangkutan)",
                             "en": f"Delivered, received by {d.receiver} (Self)"}
    return d.delivery(extra={"receiver": d.receiver, "courier": courier, "phone": phone})


def _numbers_as_strings(d: _Draw) -> Entry:
    for row in d.rows:
        row["tracking_code"] = str(row["tracking_code"])
    d.order["receiver"]["postcode"] = int(d.order["receiver"]["postcode"])
    body = _body(int(d.number), d.rows[::-1], d.order, status="200")
    return d.shipment(body, len(d.rows), "delivered")


def _message_as_text(d: _Draw) -> Entry:
    for row in d.rows:
        row["message"] = row["message"]["id"]
    return d.delivery()


def _foreign_body(d: _Draw) -> Entry:
    data = {"waybill": d.number, "manifest": d.rows}
    return d.dead_letter(json.dumps({"code": 200, "message": "OK", "data": data}).encode())


def _bad_rows(d: _Draw) -> Entry:
    history = d.rows[::-1]
    history[1:1] = [dict(d.rows[2], timestamp="0000-00-00T00:00:00.000+0000")]
    history[4:4] = [without(d.rows[4], "tracking_code")]
    return d.delivery(history, bad_rows=2)


#: Every scenario, in catalog order; a catalog holds each once per round.
_CATALOG = CatalogBuilder(partner=PARTNER, draw=_Draw, number=any_scenario(_waybill), scenarios={
    **dict.fromkeys((
        "delivered", "in_transit", "failed_then_delivered", "returned", "cancelled",
    ), _to_the_end),
    "not_found": lambda d: d.not_found(_body(d.number, None, None)),
    "duplicates": _duplicates,
    "out_of_order": _out_of_order,
    "oldest_first": lambda d: d.delivery(d.rows),
    "cross_zone": _to_the_end,
    "personal_data": _personal_data,
    "numbers_as_strings": _numbers_as_strings,
    "message_as_text": _message_as_text,
    "malformed_json": lambda d: d.malformed(d.body()),
    "foreign_body": _foreign_body,
    "bad_rows": _bad_rows,
    "flaky": _to_the_end,
})
SCENARIOS = _CATALOG.names
build_catalog = _CATALOG.build
