"""Realistic SAP Express tracking bodies, one per scenario, with what they should yield.

The sandbox serves these; the fixtures under ``tests/fixtures/sap`` were recorded from
them. Each :class:`Entry` says independently of the parser what a correct pipeline makes
of its body. Quirks: a bare JSON array oldest first (newest first from an
aggregator-style version), naive local times at branches in WIB, WITA and WIT named only
inside the description, receiver and courier names and phone numbers in descriptions, the
same scan twice in other case and spacing, timestamps that contradict the order, the AWB
sent as a number, failed attempts, returns, voided shipments, and malformed bodies and
rows.
"""

from __future__ import annotations

import json
import random
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any

from lintas.connectors.sandboxes.scenario import Entry

__all__ = ["BRANCHES", "SCENARIOS", "Branch", "build_catalog"]

PARTNER = "sap"


@dataclass(frozen=True)
class Branch:
    """A SAP Express branch, by its three-letter code."""

    code: str
    city: str
    utc_hours: int  # the sandbox's own record of the branch's zone

    @property
    def label(self) -> str:
        """How descriptions name the branch: ``[UPG] MAKASSAR``."""
        return f"[{self.code}] {self.city}"


BRANCHES: dict[str, Branch] = {
    b.code: b
    for b in (
        Branch("CGK", "JAKARTA", 7), Branch("BDO", "BANDUNG", 7), Branch("SUB", "SURABAYA", 7),
        Branch("SRG", "SEMARANG", 7), Branch("JOG", "YOGYAKARTA", 7), Branch("KNO", "MEDAN", 7),
        Branch("PLM", "PALEMBANG", 7), Branch("UPG", "MAKASSAR", 8), Branch("DPS", "DENPASAR", 8),
        Branch("BPN", "BALIKPAPAN", 8), Branch("MDC", "MANADO", 8), Branch("DJJ", "JAYAPURA", 9),
        Branch("AMQ", "AMBON", 9), Branch("SOQ", "SORONG", 9),
    )
}
_WEST = ("CGK", "BDO", "SUB", "SRG", "JOG", "KNO", "PLM")
_EAST = ("UPG", "DPS", "BPN", "MDC", "DJJ", "AMQ", "SOQ")
_RECEIVERS = ["BUDI SANTOSO", "SITI AMINAH", "AGUS PRASETYO", "DEWI LESTARI", "RUDI HARTONO"]
_COURIERS = ["ANDI SAPUTRA", "EKO PURNOMO", "FAJAR NUGROHO", "MADE ARSANA"]
_RELATIONS = ["YBS", "ISTRI", "SUAMI", "SATPAM", "ANAK"]

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
    "newest_first",
    "cross_zone",
    "personal_data",
    "numbers_as_strings",
    "malformed_json",
    "foreign_body",
    "bad_rows",
    "flaky",
)
_FINAL = {"delivered": "delivered", "failed_then_delivered": "delivered", "returned": "returned",
          "in_transit": "in_transit", "cancelled": "cancelled"}


def _steps(origin: Branch, destination: Branch, ending: str, receiver: str,
           relation: str) -> list[tuple[str, str, Branch]]:
    """What happens to one parcel, in order: (rowstate_name, description, branch)."""
    steps = [("ENTRI (PENDING PICKUP)",
              f"Data kiriman telah dientri oleh pengirim {origin.label}", origin)]
    if ending == "cancelled":
        return [*steps, ("VOID", f"Kiriman dibatalkan oleh pengirim {origin.label}", origin)]
    steps += [
        ("PICKED UP", f"Paket telah dipickup dari pengirim {origin.label}", origin),
        ("MANIFEST OUTGOING",
         f"Paket diberangkatkan dari {origin.label} menuju {destination.label}", origin),
        ("INCOMING", f"Paket tiba di {destination.label}", destination),
    ]
    if ending == "in_transit":
        return steps
    out = ("DELIVERY", f"Paket sedang diantar ke alamat penerima {destination.label}",
           destination)
    steps.append(out)
    if ending == "failed_then_delivered":
        steps += [("POD - UNDELIVERED",
                   f"Gagal antar: penerima tidak di tempat {destination.label}", destination),
                  out]
    if ending == "returned":
        return [*steps,
                ("POD - UNDELIVERED", f"Gagal antar: alamat tidak ditemukan {destination.label}",
                 destination),
                ("OUTGOING RETURN", f"Paket diretur ke pengirim dari {destination.label} "
                                    f"menuju {origin.label}", destination),
                ("INCOMING", f"Paket retur tiba di {origin.label}", origin),
                ("SHIPMENT RETURN TO CLIENT", f"Paket retur telah diterima pengirim {origin.label}",
                 origin)]
    return [*steps, ("POD - DELIVERED", f"Diterima oleh {receiver} ({relation}) "
                                        f"{destination.label}", destination)]


def _local(instant: datetime, branch: Branch) -> str:
    return (instant + timedelta(hours=branch.utc_hours)).strftime("%Y-%m-%d %H:%M:%S")


def _journey(awb: str, start: datetime, origin: Branch, destination: Branch,
             rng: random.Random, ending: str) -> list[dict[str, Any]]:
    """Chronological rows of one parcel."""
    receiver, relation = rng.choice(_RECEIVERS), rng.choice(_RELATIONS)
    rows = []
    instant = start
    for state, description, branch in _steps(origin, destination, ending, receiver, relation):
        instant += timedelta(hours=rng.randint(1, 9), minutes=rng.randint(0, 59),
                             seconds=rng.randint(0, 59))
        rows.append({"awb_no": awb, "rowstate_name": state, "description": description,
                     "create_date": _local(instant, branch)})
    return rows


def _body(rows: list[dict[str, Any]]) -> bytes:
    return json.dumps(rows).encode()


def _entry(scenario: str, awb: str, start: datetime, rng: random.Random) -> Entry:
    origin = BRANCHES[rng.choice(_WEST)]
    destination = BRANCHES[rng.choice(_EAST if scenario == "cross_zone" else _WEST)]
    while destination == origin:
        destination = BRANCHES[rng.choice(_WEST)]
    ending = scenario if scenario in _FINAL else "delivered"
    rows = _journey(awb, start, origin, destination, rng, ending)
    if scenario in _FINAL or scenario in ("flaky", "cross_zone"):
        return Entry(PARTNER, awb, scenario, _body(rows), "shipment", len(rows), _FINAL[ending],
                     fail_first=1 if scenario == "flaky" else 0,
                     extra={"destination": destination.code})
    if scenario == "not_found":
        return Entry(PARTNER, awb, scenario, _body([]), "not_found")
    if scenario == "duplicates":
        twin = dict(rows[3])  # the same scan again, same time, other case and spacing
        twin["description"] = twin["description"].lower().replace(" ", "  ")
        rows.insert(4, twin)
        return Entry(PARTNER, awb, scenario, _body(rows), "shipment", len(rows) - 1, "delivered")
    if scenario == "out_of_order":
        # The origin stamped its manifest after the pickup scan's time.
        rows[1]["create_date"], rows[2]["create_date"] = (rows[2]["create_date"],
                                                          rows[1]["create_date"])
        return Entry(PARTNER, awb, scenario, _body(rows), "shipment", len(rows), "delivered")
    if scenario == "newest_first":
        return Entry(PARTNER, awb, scenario, _body(rows[::-1]), "shipment", len(rows), "delivered")
    if scenario == "personal_data":
        courier = rng.choice(_COURIERS)
        phones = [f"08{rng.randint(11, 59)}-{rng.randint(1000, 9999)}-{rng.randint(1000, 9999)}"
                  for _ in range(2)]
        rows[-2]["description"] = (f"Paket sedang diantar kurir {courier} ({phones[0]}) "
                                   f"{destination.label}")
        receiver = rows[-1]["description"].split("oleh ")[1].split(" (")[0]
        rows[-1]["description"] = (f"Diterima oleh {receiver} (YBS) {phones[1]} "
                                   f"{destination.label}")
        return Entry(PARTNER, awb, scenario, _body(rows), "shipment", len(rows), "delivered",
                     extra={"receiver": receiver, "courier": courier, "phones": phones})
    if scenario == "numbers_as_strings":
        for row in rows:
            row["awb_no"] = int(awb)
        return Entry(PARTNER, awb, scenario, _body(rows), "shipment", len(rows), "delivered")
    if scenario == "malformed_json":
        body = _body(rows)
        return Entry(PARTNER, awb, scenario, body[: len(body) // 2], "dead_letter", bad_rows=1)
    if scenario == "foreign_body":
        body = json.dumps({"status": "success", "data": {"awb": awb, "history": rows}}).encode()
        return Entry(PARTNER, awb, scenario, body, "dead_letter", bad_rows=1)
    if scenario == "bad_rows":
        history = list(rows)
        history[1:1] = [dict(rows[1], create_date="0000-00-00 00:00:00")]
        history[4:4] = [{k: v for k, v in history[4].items() if k != "rowstate_name"}]
        return Entry(PARTNER, awb, scenario, _body(history), "shipment", len(rows), "delivered",
                     bad_rows=2)
    raise ValueError(f"unknown scenario {scenario!r}")


def _awb(rng: random.Random) -> str:
    return str(rng.randint(10**12, 10**13 - 1))  # no leading zero: survives being a JSON number


def build_catalog(
    seed: int, *, start: datetime | None = None, rounds: int = 1,
    scenarios: tuple[str, ...] = SCENARIOS,
) -> list[Entry]:
    """``rounds`` of every scenario with fresh AWB numbers drawn from ``seed``."""
    rng = random.Random(seed)
    start = start or datetime.now(timezone.utc).replace(microsecond=0) - timedelta(days=4)
    entries: list[Entry] = []
    seen: set[str] = set()
    for _ in range(rounds):
        for scenario in scenarios:
            awb = _awb(rng)
            while awb in seen:
                awb = _awb(rng)
            seen.add(awb)
            entries.append(_entry(scenario, awb, start, rng))
    return entries
