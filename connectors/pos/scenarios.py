"""Realistic Pos Indonesia tracking bodies, one per scenario, with what they should yield.

The sandbox serves these; the fixtures under ``tests/fixtures/pos`` were recorded from
them. Each :class:`Entry` says independently of the parser what a correct pipeline makes
of its body: a shipment with so many distinct events and a final status, a "not found",
or dead letters. Quirks from PARTNERS.md are all here: both body shapes, ``r_tnt`` as an
object or a list, trailing spaces and typos in ``status``, ``-`` as a status, office codes
as numbers, duplicates, newest-first order, offices in all three time zones, personal data
in text, and malformed bodies and rows.
"""

from __future__ import annotations

import json
import random
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any

from lintas.connectors.sandboxes.scenario import Entry

__all__ = ["OFFICES", "SCENARIOS", "Office", "build_catalog"]


@dataclass(frozen=True)
class Office:
    code: str
    name: str
    city: str
    utc_hours: int  # the sandbox's own record of the office's zone


OFFICES: dict[str, Office] = {
    o.code: o
    for o in (
        Office("40000", "KCU BANDUNG 40000", "BANDUNG", 7),
        Office("40115", "KCP BANDUNG BRAGA 40115", "BANDUNG", 7),
        Office("40400", "SPP BANDUNG 40400", "BANDUNG", 7),
        Office("10000", "KCU JAKARTA PUSAT 10000", "JAKARTA PUSAT", 7),
        Office("13000", "SPP JAKARTA 13000", "JAKARTA TIMUR", 7),
        Office("60000", "KCU SURABAYA 60000", "SURABAYA", 7),
        Office("50000", "KCU SEMARANG 50000", "SEMARANG", 7),
        Office("55000", "KCU YOGYAKARTA 55000", "YOGYAKARTA", 7),
        Office("20000", "KCU MEDAN 20000", "MEDAN", 7),
        Office("16100", "KC BOGOR 16100", "BOGOR", 7),
        Office("90000", "KCU MAKASSAR 90000", "MAKASSAR", 8),
        Office("80000", "KCU DENPASAR 80000", "DENPASAR", 8),
        Office("70000", "KCU BANJARMASIN 70000", "BANJARMASIN", 8),
        Office("99000", "KCU JAYAPURA 99000", "JAYAPURA", 9),
        Office("97000", "KCU AMBON 97000", "AMBON", 9),
    )
}
_HUB = {7: "13000", 8: "90000", 9: "99000"}
PARTNER = "pos"

_SENDERS = ["TOKO BERKAH JAYA", "CV SINAR MAS ABADI", "RINA KARTIKA", "UD SUMBER REJEKI"]
_RECEIVERS = ["BUDI SANTOSO", "SITI AMINAH", "AGUS PRASETYO", "DEWI LESTARI", "JOKO WIDODO"]
_PRODUCTS = [
    "PAKET KILAT KHUSUS", "POS EXPRESS", "PAKETPOS JUMBO EKONOMI", "PAKETPOS DANGEROUS GOODS",
]
_CONTENTS = ["PAKAIAN", "BUKU", "DOKUMEN", "SPAREPART", "MAKANAN KERING"]

#: Every scenario; a catalog holds each once per round.
SCENARIOS = (
    "delivered",
    "in_transit",
    "failed_then_delivered",
    "returned",
    "staging_single",
    "staging_list",
    "not_found",
    "not_found_staging",
    "duplicates",
    "newest_first",
    "cross_zone",
    "personal_data",
    "numbers_as_strings",
    "malformed_json",
    "wrong_envelope",
    "bad_rows",
    "flaky",
    "lost",
)


def _local(instant: datetime, office: Office) -> str:
    return (instant + timedelta(hours=office.utc_hours)).strftime("%Y-%m-%d %H:%M:%S")


def _row(
    barcode: str, instant: datetime, name: str, status: str, office: Office, person: str,
    parcel: tuple[str, str, str],
) -> dict[str, Any]:
    product, weight, content = parcel
    description = "~~".join([office.city, office.name, person, product, weight, content])
    return {
        "barcode": barcode,
        "eventDate": _local(instant, office),
        "eventName": name,
        "officeCode": office.code,
        "officeName": office.name,
        "description": description,
        "status": status,
    }


def _journey(
    barcode: str, start: datetime, origin: Office, destination: Office, rng: random.Random,
    ending: str = "delivered",
) -> list[dict[str, Any]]:
    """Chronological rows of one parcel from origin to destination."""
    sender, receiver = rng.choice(_SENDERS), rng.choice(_RECEIVERS)
    parcel = (rng.choice(_PRODUCTS), str(rng.randint(200, 9000)), rng.choice(_CONTENTS))
    origin_hub = OFFICES[_HUB[origin.utc_hours]]
    dest_hub = OFFICES[_HUB[destination.utc_hours]]
    steps: list[tuple[str, str, Office, str]] = [
        ("POSTING LOKET", "Posting Loket", origin, sender),
        ("MANIFEST SERAH", "Manifest Serah ", origin, sender),
        ("MANIFEST TERIMA", "-", origin_hub, sender),
        ("DALAM PROSES", "Dalam Proses", origin_hub, sender),
    ]
    if dest_hub.code != origin_hub.code:
        steps.append(("MANIFEST TERIMA", "Manifest Terima", dest_hub, sender))
    steps.append(("MANIFEST TERIMA", "Manifest Terima", destination, sender))
    if ending in ("delivered", "failed_then_delivered", "returned"):
        steps.append(("PROSES ANTAR", "Antaran", destination, receiver))
    if ending == "failed_then_delivered":
        steps.append(("SELESAI ANTAR", "Gagal Antar - Penerima Tidak Ada", destination, receiver))
        steps.append(("PROSES ANTAR", "Antaran", destination, receiver))
    if ending in ("delivered", "failed_then_delivered"):
        steps.append(("SELESAI ANTAR", "Diterima Sialamat ", destination, receiver))
    if ending == "returned":
        steps.append(("SELESAI ANTAR", "Alamat Tidak Dikenal", destination, receiver))
        steps.append(("RETUR", "Proses Retur Ke Pengirim", destination, sender))
        steps.append(("MANIFEST TERIMA", "Manifest Terima", origin, sender))
        steps.append(("SELESAI ANTAR", "Diterima Pengirim", origin, sender))
    rows = []
    instant = start
    for name, status, office, person in steps:
        instant += timedelta(hours=rng.randint(1, 9), minutes=rng.randint(0, 59),
                             seconds=rng.randint(0, 59))
        rows.append(_row(barcode, instant, name, status, office, person, parcel))
    return rows


_FINAL = {
    "delivered": "delivered",
    "failed_then_delivered": "delivered",
    "returned": "returned",
    "in_transit": "in_transit",
}


def _production(rows: list[dict[str, Any]] | None) -> bytes:
    return json.dumps({"response": None if rows is None else {"data": rows}}).encode()


def _staging(rows: list[dict[str, Any]] | dict[str, Any] | None) -> bytes:
    def old(row: dict[str, Any]) -> dict[str, Any]:
        out = {k: v for k, v in row.items() if k not in ("officeName", "status")}
        out["office"] = row["officeName"]
        return out

    if rows is None:
        return json.dumps({"rs_tnt": None}).encode()
    if isinstance(rows, dict):
        return json.dumps({"rs_tnt": {"r_tnt": old(rows)}}).encode()
    return json.dumps({"rs_tnt": {"r_tnt": [old(r) for r in rows]}}).encode()


def _barcode(rng: random.Random, day: datetime) -> str:
    return f"P{day:%y%m%d}{rng.randint(0, 9_999_999):07d}"


def _entry(scenario: str, barcode: str, start: datetime, rng: random.Random) -> Entry:
    offices = list(OFFICES.values())
    west = [o for o in offices if o.utc_hours == 7]
    origin, destination = rng.choice(west), rng.choice(west)
    if scenario in ("delivered", "failed_then_delivered", "returned", "in_transit", "flaky"):
        ending = "delivered" if scenario == "flaky" else scenario
        if scenario == "in_transit":
            ending = "in_transit"
        rows = _journey(barcode, start, origin, destination, rng, ending)
        return Entry(PARTNER, barcode, scenario, _production(rows), "shipment", len(rows),
                     _FINAL[ending], fail_first=1 if scenario == "flaky" else 0)
    if scenario == "staging_single":
        row = _journey(barcode, start, origin, destination, rng, "in_transit")[0]
        return Entry(PARTNER, barcode, scenario, _staging(row), "shipment", 1, "picked_up")
    if scenario == "staging_list":
        rows = _journey(barcode, start, origin, destination, rng, "delivered")
        # Without a status text the staging API cannot say more than eventName does.
        return Entry(PARTNER, barcode, scenario, _staging(rows), "shipment", len(rows), "delivered")
    if scenario == "not_found":
        return Entry(PARTNER, barcode, scenario, _production(None), "not_found")
    if scenario == "not_found_staging":
        return Entry(PARTNER, barcode, scenario, _staging(None), "not_found")
    if scenario == "duplicates":
        rows = _journey(barcode, start, origin, destination, rng, "delivered")
        twin = dict(rows[1])  # the same scan again, same time, text in other case and spacing
        twin["status"] = twin["status"].upper() + "  "
        rows.insert(2, twin)
        return Entry(
            PARTNER, barcode, scenario, _production(rows), "shipment", len(rows) - 1, "delivered"
        )
    if scenario == "newest_first":
        rows = _journey(barcode, start, origin, destination, rng, "delivered")
        return Entry(
            PARTNER, barcode, scenario, _production(rows[::-1]), "shipment", len(rows), "delivered"
        )
    if scenario == "cross_zone":
        far = rng.choice([o for o in offices if o.utc_hours != 7])
        rows = _journey(barcode, start, origin, far, rng, "delivered")
        return Entry(
            PARTNER, barcode, scenario, _production(rows), "shipment", len(rows), "delivered",
            extra={"destination": far.code},
        )
    if scenario == "personal_data":
        rows = _journey(barcode, start, origin, destination, rng, "delivered")
        receiver = rows[-1]["description"].split("~~")[2].title()
        phone = f"0812-{rng.randint(1000, 9999)}-{rng.randint(1000, 9999)}"
        rows[-1]["status"] = f"Diterima oleh {receiver} ({phone})"
        return Entry(
            PARTNER, barcode, scenario, _production(rows), "shipment", len(rows), "delivered",
            extra={"receiver": receiver},
        )
    if scenario == "numbers_as_strings":
        rows = _journey(barcode, start, origin, destination, rng, "in_transit")
        for row in rows:
            row["officeCode"] = int(row["officeCode"])
        return Entry(
            PARTNER, barcode, scenario, _production(rows), "shipment", len(rows), "in_transit"
        )
    if scenario == "malformed_json":
        body = _production(_journey(barcode, start, origin, destination, rng, "delivered"))
        return Entry(PARTNER, barcode, scenario, body[: len(body) // 2], "dead_letter", bad_rows=1)
    if scenario == "wrong_envelope":
        rows = _journey(barcode, start, origin, destination, rng, "in_transit")
        body = json.dumps({"result": {"data": rows}, "code": "200"}).encode()
        return Entry(PARTNER, barcode, scenario, body, "dead_letter", bad_rows=1)
    if scenario == "bad_rows":
        rows = _journey(barcode, start, origin, destination, rng, "delivered")
        broken_date = dict(rows[1], eventDate="0000-00-00 00:00:00")
        no_name = {k: v for k, v in rows[2].items() if k != "eventName"}
        rows[1:1] = [broken_date]
        rows[3:3] = [no_name]
        return Entry(
            PARTNER, barcode, scenario, _production(rows), "shipment", len(rows) - 2, "delivered",
            bad_rows=2,
        )
    if scenario == "lost":
        rows = _journey(barcode, start, origin, destination, rng, "in_transit")
        lost = dict(rows[-1], eventName="DALAM PROSES", status="Kiriman Hilang - Dalam Investigasi")
        last = datetime.strptime(rows[-1]["eventDate"], "%Y-%m-%d %H:%M:%S")  # noqa: DTZ007
        lost["eventDate"] = (last + timedelta(days=2)).strftime("%Y-%m-%d %H:%M:%S")
        rows.append(lost)
        return Entry(PARTNER, barcode, scenario, _production(rows), "shipment", len(rows), "lost")
    raise ValueError(f"unknown scenario {scenario!r}")


def build_catalog(
    seed: int, *, start: datetime | None = None, rounds: int = 1,
    scenarios: tuple[str, ...] = SCENARIOS,
) -> list[Entry]:
    """``rounds`` of every scenario with fresh barcodes drawn from ``seed``."""
    rng = random.Random(seed)
    start = start or datetime.now(timezone.utc).replace(microsecond=0) - timedelta(days=4)
    entries: list[Entry] = []
    seen: set[str] = set()
    for _ in range(rounds):
        for scenario in scenarios:
            barcode = _barcode(rng, start)
            while barcode in seen:
                barcode = _barcode(rng, start)
            seen.add(barcode)
            entries.append(_entry(scenario, barcode, start, rng))
    return entries
