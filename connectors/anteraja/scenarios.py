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
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any

from lintas.connectors.sandboxes.scenario import Entry

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
    "oldest_first",
    "cross_zone",
    "personal_data",
    "numbers_as_strings",
    "message_as_text",
    "malformed_json",
    "foreign_body",
    "bad_rows",
    "flaky",
)

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


def _entry(scenario: str, waybill: str, start: datetime, rng: random.Random) -> Entry:
    origin = CITIES[rng.choice(_WEST)]
    destination = CITIES[rng.choice(_EAST if scenario == "cross_zone" else _WEST)]
    receiver = rng.choice(_RECEIVERS)
    order = _order(waybill, origin, destination, receiver, rng)
    ending = scenario if scenario in _FINAL else "delivered"
    rows = _journey(start, origin, destination, rng, ending)
    newest_first = rows[::-1]
    if scenario in _FINAL or scenario in ("flaky", "cross_zone"):
        return Entry(PARTNER, waybill, scenario, _body(waybill, newest_first, order), "shipment",
                     len(rows), _FINAL[ending], fail_first=1 if scenario == "flaky" else 0,
                     extra={"destination": destination.name})
    if scenario == "not_found":
        return Entry(PARTNER, waybill, scenario, _body(waybill, None, None), "not_found")
    if scenario == "duplicates":
        twin = json.loads(json.dumps(rows[4]))  # the same scan again, other case and spacing
        twin["message"] = {k: "  " + v.upper().replace(" ", "  ")
                           for k, v in twin["message"].items()}
        rows.insert(5, twin)
        return Entry(PARTNER, waybill, scenario, _body(waybill, rows[::-1], order), "shipment",
                     len(rows) - 1, "delivered")
    if scenario == "out_of_order":
        # The hub stamped its arrival scan before the satellite's departure scan.
        rows[3]["timestamp"], rows[4]["timestamp"] = rows[4]["timestamp"], rows[3]["timestamp"]
        return Entry(PARTNER, waybill, scenario, _body(waybill, rows[::-1], order), "shipment",
                     len(rows), "delivered")
    if scenario == "oldest_first":
        return Entry(PARTNER, waybill, scenario, _body(waybill, rows, order), "shipment",
                     len(rows), "delivered")
    if scenario == "personal_data":
        phone = f"0812-{rng.randint(1000, 9999)}-{rng.randint(1000, 9999)}"
        courier = rng.choice(_COURIERS)
        rows[-2]["message"] = {
            "id": f"Kurir {courier} ({phone}) sedang mengantar paket ke alamat Anda",
            "en": f"Shipment is out for delivery with courier {courier} ({phone})",
        }
        rows[-1]["message"] = {"id": f"Paket diterima oleh {receiver} (Yang bersangkutan)",
                               "en": f"Delivered, received by {receiver} (Self)"}
        return Entry(PARTNER, waybill, scenario, _body(waybill, rows[::-1], order), "shipment",
                     len(rows), "delivered",
                     extra={"receiver": receiver, "courier": courier, "phone": phone})
    if scenario == "numbers_as_strings":
        for row in rows:
            row["tracking_code"] = str(row["tracking_code"])
        order["receiver"]["postcode"] = int(order["receiver"]["postcode"])
        body = _body(int(waybill), rows[::-1], order, status="200")
        return Entry(PARTNER, waybill, scenario, body, "shipment", len(rows), "delivered")
    if scenario == "message_as_text":
        for row in rows:
            row["message"] = row["message"]["id"]
        return Entry(PARTNER, waybill, scenario, _body(waybill, rows[::-1], order), "shipment",
                     len(rows), "delivered")
    if scenario == "malformed_json":
        body = _body(waybill, rows[::-1], order)
        return Entry(PARTNER, waybill, scenario, body[: len(body) // 2], "dead_letter", bad_rows=1)
    if scenario == "foreign_body":
        body = json.dumps({"code": 200, "message": "OK", "data": {"waybill": waybill,
                                                                   "manifest": rows}}).encode()
        return Entry(PARTNER, waybill, scenario, body, "dead_letter", bad_rows=1)
    if scenario == "bad_rows":
        broken_time = dict(rows[2], timestamp="0000-00-00T00:00:00.000+0000")
        no_code = {k: v for k, v in rows[4].items() if k != "tracking_code"}
        history = rows[::-1]
        history[1:1] = [broken_time]
        history[4:4] = [no_code]
        return Entry(PARTNER, waybill, scenario, _body(waybill, history, order), "shipment",
                     len(rows), "delivered", bad_rows=2)
    raise ValueError(f"unknown scenario {scenario!r}")


def _waybill(rng: random.Random) -> str:
    return f"1000{rng.randint(0, 10**10 - 1):010d}"


def build_catalog(
    seed: int, *, start: datetime | None = None, rounds: int = 1,
    scenarios: tuple[str, ...] = SCENARIOS,
) -> list[Entry]:
    """``rounds`` of every scenario with fresh waybills drawn from ``seed``."""
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
