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

import json
import random
import uuid
from datetime import datetime, timedelta, timezone
from typing import Any

from lintas.connectors.sandboxes.scenario import Entry

__all__ = ["SCENARIOS", "build_catalog"]

PARTNER = "ninja"
_NINJA_CLOCK = timezone(timedelta(hours=8))

#: Every scenario; a catalog holds each once per round.
SCENARIOS = (
    "delivered",
    "in_transit",
    "failed_attempt",
    "collected",
    "returned",
    "cancelled",
    "lost",
    "duplicates",
    "out_of_order",
    "personal_data",
    "numbers_as_strings",
    "malformed",
    "foreign_body",
)

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


def _entry_of(tracking_id: str, scenario: str, bodies: list[Any], final: str, distinct: int,
              *, bad: tuple[int, ...] = (), wire: list[bytes] | None = None,
              extra: dict[str, Any] | None = None) -> Entry:
    wire = wire or [json.dumps(b, separators=(",", ":")).encode() for b in bodies]
    return Entry(
        PARTNER, tracking_id, scenario, json.dumps(bodies, indent=2).encode(), "shipment",
        distinct, final, bad_rows=len(bad),
        extra={"webhooks": wire, "refused": list(bad), **(extra or {})},
    )


def _entry(scenario: str, tracking_id: str, start: datetime, rng: random.Random) -> Entry:
    order = f"SO-{start:%y%m%d}-{rng.randint(0, 99_999):05d}"
    if scenario in _FINAL:
        bodies = _webhooks(tracking_id, order, start, rng, scenario)
        return _entry_of(tracking_id, scenario, bodies, _FINAL[scenario], len(bodies))
    bodies = _webhooks(tracking_id, order, start, rng, "delivered")
    count = len(bodies)
    if scenario == "duplicates":
        # Ninja re-sends when our answer is slow: the same bytes again, now and much later.
        sent = [*bodies[:3], bodies[2], *bodies[3:], bodies[-2]]
        return _entry_of(tracking_id, scenario, sent, "delivered", count)
    if scenario == "out_of_order":
        shuffled = bodies[:]
        while shuffled == bodies:
            rng.shuffle(shuffled)
        return _entry_of(tracking_id, scenario, shuffled, "delivered", count)
    if scenario == "personal_data":
        pod = bodies[-1]["pod"]
        spaced = f"{pod['contact'][:4]}-{pod['contact'][4:8]}-{pod['contact'][8:]}"
        bodies[-1]["comments"] = f"Diterima {pod['name']}, telp {spaced}"
        courier, courier_phone = rng.choice(_COURIERS), _phone(rng)
        bodies[-2]["comments"] = f"Kurir: {courier} ({courier_phone})"
        return _entry_of(tracking_id, scenario, bodies, "delivered", count,
                         extra={"receiver": pod["name"], "contact": pod["contact"],
                                "courier": courier, "courier_phone": courier_phone})
    if scenario == "numbers_as_strings":
        number = rng.randint(100_000, 999_999)
        for body in bodies:
            body["shipper_ref_no"] = number
            body["tracking_id"] = f" {tracking_id.lower()} "
        bodies[-1]["pod"]["contact"] = int(bodies[-1]["pod"]["contact"])
        bodies[0]["pod"] = None
        bodies[1]["comments"] = None
        return _entry_of(tracking_id, scenario, bodies, "delivered", count)
    if scenario == "malformed":
        broken = rng.randrange(1, count - 1)
        bodies[broken]["timestamp"] = "Invalid date"
        return _entry_of(tracking_id, scenario, bodies, "delivered", count - 1, bad=(broken,))
    if scenario == "foreign_body":
        ping = {"event": "webhook.test", "message": "Ninja Xpress webhook test",
                "shipper_id": rng.randint(10_000, 99_999)}
        sent = [ping, *bodies]
        return _entry_of(tracking_id, scenario, sent, "delivered", count, bad=(0,))
    raise ValueError(f"unknown scenario {scenario!r}")


def _tracking_id(rng: random.Random) -> str:
    return f"NLIDAP{rng.randint(0, 999_999_999):09d}"


def build_catalog(
    seed: int, *, start: datetime | None = None, rounds: int = 1,
    scenarios: tuple[str, ...] = SCENARIOS,
) -> list[Entry]:
    """``rounds`` of every scenario with fresh tracking ids drawn from ``seed``."""
    rng = random.Random(seed)
    start = start or datetime.now(timezone.utc).replace(microsecond=0) - timedelta(days=4)
    entries: list[Entry] = []
    seen: set[str] = set()
    for _ in range(rounds):
        for scenario in scenarios:
            tracking_id = _tracking_id(rng)
            while tracking_id in seen:
                tracking_id = _tracking_id(rng)
            seen.add(tracking_id)
            entries.append(_entry(scenario, tracking_id, start, rng))
    return entries
