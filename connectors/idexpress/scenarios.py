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

import random
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from lintas.connectors.sandboxes.quirks import shuffled
from lintas.connectors.sandboxes.scenario import CatalogBuilder, Entry, WebhookDraw, any_scenario

__all__ = ["SCENARIOS", "build_catalog"]

PARTNER = "idexpress"


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


def _waybill(rng: random.Random) -> str:
    return f"IDS{rng.randint(0, 10**12 - 1):012d}"


@dataclass
class _Draw(WebhookDraw):
    """Every ID Express scenario starts from the webhooks of its shipment."""

    def __post_init__(self) -> None:
        ending = self.ending(_FINAL)
        if self.scenario == "personal_data":
            ending = "failed_attempt"  # a problem scan to write the phone number in
        self.bodies = _webhooks(self.number, self.start, self.rng, ending)


def _to_the_end(d: _Draw) -> Entry:
    return d.webhook_shipment(d.bodies, _FINAL[d.scenario], len(d.bodies))


def _duplicates(d: _Draw) -> Entry:
    # The same scan again: once byte for byte, once with the case changed.
    b = d.bodies
    again = dict(b[-2], operationType="Delivery Scan")
    return d.delivered([*b[:3], b[2], *b[3:-1], again, b[-1]])


def _case_varies(d: _Draw) -> Entry:
    for body in d.bodies:
        body["operationType"] = d.rng.choice(
            [str.upper, str.lower, str.title, str.capitalize])(body["operationType"])
    return d.delivered(d.bodies)


def _personal_data(d: _Draw) -> Entry:
    courier = d.rng.choice(_COURIERS)
    phone = d.phone("0812")
    problem = next(b for b in d.bodies if b["problemDescription"])
    problem["problemDescription"] += f", hubungi {phone} (kurir: {courier})"
    pod = d.bodies[-1]
    pod["problemDescription"] = f"Diterima {pod['signer']}"
    return d.delivered(d.bodies,
                       extra={"receiver": pod["signer"], "courier": courier, "phone": phone})


def _numbers_as_strings(d: _Draw) -> Entry:
    for body in d.bodies:
        body["lastOperationTime"] = str(body["lastOperationTime"])
        body["waybillNo"] = f"{d.number.lower()} "
        body["nextBranch"] = body["nextBranch"] or None
    return d.delivered(d.bodies)


def _foreign_body(d: _Draw) -> Entry:
    ping = {"test": True, "message": "webhook connectivity check",
            "timestamp": d.bodies[0]["lastOperationTime"]}
    return d.delivered([ping, *d.bodies], refused=(0,))


#: Every scenario, in catalog order; a catalog holds each once per round.
_CATALOG = CatalogBuilder(partner=PARTNER, draw=_Draw, number=any_scenario(_waybill), scenarios={
    **dict.fromkeys((
        "delivered", "in_transit", "failed_attempt", "returned", "cancelled", "lost",
    ), _to_the_end),
    "duplicates": _duplicates,
    "out_of_order": lambda d: d.delivered(shuffled(d.bodies, d.rng)),
    "case_varies": _case_varies,
    "personal_data": _personal_data,
    "numbers_as_strings": _numbers_as_strings,
    "malformed": lambda d: d.one_spoilt("lastOperationTime", None),
    "foreign_body": _foreign_body,
})
SCENARIOS = _CATALOG.names
build_catalog = _CATALOG.build
