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
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from lintas.connectors.sandboxes.quirks import repeat_scan, swap, with_bad_rows
from lintas.connectors.sandboxes.scenario import CatalogBuilder, Draw, Entry, any_scenario

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


def _awb(rng: random.Random) -> str:
    return str(rng.randint(10**12, 10**13 - 1))  # no leading zero: survives being a JSON number


@dataclass
class _Draw(Draw):
    """Every SAP scenario starts from a parcel's rows between two branches (to the east for
    ``cross_zone``)."""

    destination: Branch = field(init=False)
    rows: list[dict[str, Any]] = field(init=False)  # oldest first

    def __post_init__(self) -> None:
        origin, self.destination = (BRANCHES[code] for code in self.route(_WEST, _EAST))
        self.rows = _journey(self.number, self.start, origin, self.destination, self.rng,
                             self.ending(_FINAL))

    def delivered(self, sent: list[dict[str, Any]], *, bad_rows: int = 0,
                  extra: dict[str, Any] | None = None) -> Entry:
        """The parcel delivered, one event a row of the journey, answered with ``sent``."""
        return self.shipment(_body(sent), len(self.rows), "delivered", bad_rows=bad_rows,
                             extra=extra)


def _to_the_end(d: _Draw) -> Entry:
    final = _FINAL.get(d.scenario, "delivered")
    return d.shipment(_body(d.rows), len(d.rows), final, extra={"destination": d.destination.code})


def _duplicates(d: _Draw) -> Entry:
    sent = list(d.rows)
    repeat_scan(sent, 3, "description", lambda text: text.lower().replace(" ", "  "))
    return d.delivered(sent)


def _out_of_order(d: _Draw) -> Entry:
    # The origin stamped its manifest after the pickup scan's time.
    swap(d.rows, 1, 2, "create_date")
    return d.delivered(d.rows)


def _personal_data(d: _Draw) -> Entry:
    courier = d.rng.choice(_COURIERS)
    phones = [d.phone(f"08{d.rng.randint(11, 59)}") for _ in range(2)]
    label = d.destination.label
    d.rows[-2]["description"] = f"Paket sedang diantar kurir {courier} ({phones[0]}) {label}"
    receiver = d.rows[-1]["description"].split("oleh ")[1].split(" (")[0]
    d.rows[-1]["description"] = f"Diterima oleh {receiver} (YBS) {phones[1]} {label}"
    return d.delivered(d.rows, extra={"receiver": receiver, "courier": courier, "phones": phones})


def _numbers_as_strings(d: _Draw) -> Entry:
    for row in d.rows:
        row["awb_no"] = int(d.number)
    return d.delivered(d.rows)


def _foreign_body(d: _Draw) -> Entry:
    body = {"status": "success", "data": {"awb": d.number, "history": d.rows}}
    return d.dead_letter(json.dumps(body).encode())


def _bad_rows(d: _Draw) -> Entry:
    sent = with_bad_rows(d.rows, misdated=(1, "create_date", "0000-00-00 00:00:00"),
                         incomplete=(3, "rowstate_name"))
    return d.delivered(sent, bad_rows=2)


#: Every scenario, in catalog order; a catalog holds each once per round.
_CATALOG = CatalogBuilder(partner=PARTNER, draw=_Draw, number=any_scenario(_awb), scenarios={
    **dict.fromkeys((
        "delivered", "in_transit", "failed_then_delivered", "returned", "cancelled",
    ), _to_the_end),
    "not_found": lambda d: d.not_found(_body([])),
    "duplicates": _duplicates,
    "out_of_order": _out_of_order,
    "newest_first": lambda d: d.delivered(d.rows[::-1]),
    "cross_zone": _to_the_end,
    "personal_data": _personal_data,
    "numbers_as_strings": _numbers_as_strings,
    "malformed_json": lambda d: d.malformed(_body(d.rows)),
    "foreign_body": _foreign_body,
    "bad_rows": _bad_rows,
    "flaky": _to_the_end,
})
SCENARIOS = _CATALOG.names
build_catalog = _CATALOG.build
