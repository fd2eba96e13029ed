"""Realistic Ninja Xpress webhook sequences, one shipment per scenario, with what they yield.

Ninja pushes one webhook per status change, so a shipment is a list of bodies. Each
:class:`Entry` holds them twice: ``body`` is a JSON array of the webhook objects in the
order Ninja sends them (re-sends and late deliveries included) — the recorded fixture —
and ``extra["webhooks"]`` the exact bytes of each POST. ``extra["refused"]`` lists the
positions of bodies the ingest must refuse (no event in them).

The outcome is decided here, not by the parser: ``distinct_events`` counts the distinct
status changes sent, ``final_status`` is where the shipment ends, ``bad_rows`` counts the
bodies that cannot become an event. Quirks: ``+0800`` timestamps, re-sent webhooks, late
and shuffled deliveries, names and phone numbers in ``pod`` and ``comments``, numbers
where text is expected, an unreadable timestamp and a body that is not a webhook at all.
"""

from __future__ import annotations

import random
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any

from lintas.connectors.sandboxes.quirks import shuffled
from lintas.connectors.sandboxes.scenario import CatalogBuilder, Entry, WebhookDraw, any_scenario

__all__ = ["SCENARIOS", "build_catalog"]

PARTNER = "ninja"
_NINJA_CLOCK = timezone(timedelta(hours=8))

_RECEIVERS = ["Budi Santoso", "Siti Aminah", "Agus Prasetyo", "Dewi Lestari", "Rudi Hartono"]
_SUBSTITUTES = ["Sari Wulandari", "Joko Susilo", "Wayan Sudarsana", "Nur Hidayah"]
_COURIERS = ["Andi Saputra", "Eko Purnomo", "Made Arsana", "Fajar Nugroho"]
_FAILURES = ["Penerima tidak di tempat", "Alamat tidak ditemukan", "Toko sudah tutup"]

_FORWARD = [
    "Pending Pickup",
    "Picked Up, In Transit to Origin Hub",
    "Arrived at Origin Hub",
    "In Transit to Next Sorting Hub",
    "Arrived at Transit Hub",
]
_FINAL = {
    "delivered": "delivered",
    "in_transit": "in_transit",
    "failed_attempt": "delivered",
    "collected": "delivered",
    "returned": "returned",
    "cancelled": "cancelled",
    "lost": "lost",
}


def _phone(rng: random.Random) -> str:
    return f"08{rng.choice('1257')}{rng.randint(1, 9)}{rng.randint(10_000_000, 99_999_999)}"


def _steps(ending: str, rng: random.Random) -> list[tuple[str, str, dict[str, Any] | None]]:
    """(status, comments, pod) of each status change, in the order they happened."""
    name, contact = rng.choice(_RECEIVERS), _phone(rng)
    recipient = {"type": "RECIPIENT", "name": name, "contact": contact,
                 "uri": "https://cdn.example.invalid/pod/signature.png",
                 "left_in_safe_place": False}
    if ending == "cancelled":
        return [("Pending Pickup", "", None),
                ("Pickup Exception, Max Attempts Reached", "Toko tutup saat penjemputan", None),
                ("Cancelled", "Dibatalkan oleh pengirim", None)]
    steps: list[tuple[str, str, dict[str, Any] | None]] = [(s, "", None) for s in _FORWARD]
    if ending == "in_transit":
        return steps[:4]
    if ending == "lost":
        return [*steps, ("Delivery Exception, Parcel Lost", "Paket tidak ditemukan di hub", None)]
    if ending == "collected":
        pickup = dict(recipient, type="RECIPIENT")
        return [*steps, ("Delivered, Collected by Customer", "Diambil di Ninja Point", pickup)]
    steps.append(("On Vehicle for Delivery", "", None))
    if ending == "delivered":
        return [*steps, ("Delivered, Received by Customer", "", recipient)]
    reason = rng.choice(_FAILURES)
    steps.append(("Delivery Exception, Pending Reschedule", reason, None))
    steps.append(("On Vehicle for Delivery", "", None))
    if ending == "failed_attempt":
        doorstep = {"type": "LEFT_AT_DOORSTEP", "name": None, "contact": None,
                    "left_in_safe_place": True}
        return [*steps, ("Delivered, Left at Doorstep", "Paket ditaruh di teras", doorstep)]
    # returned
    staff = {"type": "RECIPIENT", "name": rng.choice(_SUBSTITUTES), "contact": _phone(rng)}
    return [*steps,
            ("Delivery Exception, Max Attempts Reached", reason, None),
            ("Delivery Exception, Return to Sender Initiated", "", None),
            ("In Transit to Next Sorting Hub", "Retur ke pengirim", None),
            ("Returned to Sender", "", staff)]


def _webhooks(tracking_id: str, order: str, start: datetime, rng: random.Random,
              ending: str) -> list[dict[str, Any]]:
    """Chronological webhook bodies of one shipment."""
    out: list[dict[str, Any]] = []
    instant = start
    previous = None
    for status, comments, pod in _steps(ending, rng):
        instant += timedelta(hours=rng.randint(1, 9), minutes=rng.randint(0, 59),
                             seconds=rng.randint(0, 59))
        body: dict[str, Any] = {
            "id": str(uuid.UUID(int=rng.getrandbits(128), version=4)),
            "tracking_id": tracking_id,
            "status": status,
            "previous_status": previous,
            "timestamp": instant.astimezone(_NINJA_CLOCK).strftime("%Y-%m-%dT%H:%M:%S%z"),
            "shipper_ref_no": order,
            "comments": comments,
        }
        if pod is not None:
            body["pod"] = pod
        out.append(body)
        previous = status
    return out


def _tracking_id(rng: random.Random) -> str:
    return f"NLIDAP{rng.randint(0, 999_999_999):09d}"


@dataclass
class _Draw(WebhookDraw):
    """Every Ninja scenario starts from an order and the webhooks of its shipment."""

    def __post_init__(self) -> None:
        order = f"SO-{self.start:%y%m%d}-{self.rng.randint(0, 99_999):05d}"
        self.bodies = _webhooks(self.number, order, self.start, self.rng, self.ending(_FINAL))


def _to_the_end(d: _Draw) -> Entry:
    return d.webhook_shipment(d.bodies, _FINAL[d.scenario], len(d.bodies))


def _duplicates(d: _Draw) -> Entry:
    # Ninja re-sends when our answer is slow: the same bytes again, now and much later.
    b = d.bodies
    return d.delivered([*b[:3], b[2], *b[3:], b[-2]])


def _personal_data(d: _Draw) -> Entry:
    pod = d.bodies[-1]["pod"]
    spaced = f"{pod['contact'][:4]}-{pod['contact'][4:8]}-{pod['contact'][8:]}"
    d.bodies[-1]["comments"] = f"Diterima {pod['name']}, telp {spaced}"
    courier, courier_phone = d.rng.choice(_COURIERS), _phone(d.rng)
    d.bodies[-2]["comments"] = f"Kurir: {courier} ({courier_phone})"
    return d.delivered(d.bodies, extra={"receiver": pod["name"], "contact": pod["contact"],
                                        "courier": courier, "courier_phone": courier_phone})


def _numbers_as_strings(d: _Draw) -> Entry:
    number = d.rng.randint(100_000, 999_999)
    for body in d.bodies:
        body["shipper_ref_no"] = number
        body["tracking_id"] = f" {d.number.lower()} "
    d.bodies[-1]["pod"]["contact"] = int(d.bodies[-1]["pod"]["contact"])
    d.bodies[0]["pod"] = None
    d.bodies[1]["comments"] = None
    return d.delivered(d.bodies)


def _foreign_body(d: _Draw) -> Entry:
    ping = {"event": "webhook.test", "message": "Ninja Xpress webhook test",
            "shipper_id": d.rng.randint(10_000, 99_999)}
    return d.delivered([ping, *d.bodies], refused=(0,))


#: Every scenario, in catalog order; a catalog holds each once per round.
_CATALOG = CatalogBuilder(
    partner=PARTNER, draw=_Draw, number=any_scenario(_tracking_id), scenarios={
        **dict.fromkeys((
            "delivered", "in_transit", "failed_attempt", "collected", "returned", "cancelled",
            "lost",
        ), _to_the_end),
        "duplicates": _duplicates,
        "out_of_order": lambda d: d.delivered(shuffled(d.bodies, d.rng)),
        "personal_data": _personal_data,
        "numbers_as_strings": _numbers_as_strings,
        "malformed": lambda d: d.one_spoilt("timestamp", "Invalid date"),
        "foreign_body": _foreign_body,
    },
)
SCENARIOS = _CATALOG.names
build_catalog = _CATALOG.build
