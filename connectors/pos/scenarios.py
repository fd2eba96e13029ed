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
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from lintas.connectors.sandboxes.quirks import repeat_scan, with_bad_rows
from lintas.connectors.sandboxes.scenario import CatalogBuilder, Draw, Entry

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


def _barcode(rng: random.Random, _scenario: str, day: datetime) -> str:
    return f"P{day:%y%m%d}{rng.randint(0, 9_999_999):07d}"


@dataclass
class _Draw(Draw):
    """Every Pos scenario starts from two offices in WIB."""

    origin: Office = field(init=False)
    destination: Office = field(init=False)

    def __post_init__(self) -> None:
        west = [o for o in OFFICES.values() if o.utc_hours == 7]
        self.origin, self.destination = self.rng.choice(west), self.rng.choice(west)

    def journey(self, ending: str = "delivered", to: Office | None = None) -> list[dict[str, Any]]:
        return _journey(self.number, self.start, self.origin, to or self.destination, self.rng,
                        ending)


def _to_the_end(d: _Draw) -> Entry:
    ending = d.ending(_FINAL)
    rows = d.journey(ending)
    return d.shipment(_production(rows), len(rows), _FINAL[ending])


def _staging_single(d: _Draw) -> Entry:
    row = d.journey("in_transit")[0]
    return d.shipment(_staging(row), 1, "picked_up")


def _staging_list(d: _Draw) -> Entry:
    rows = d.journey()
    # Without a status text the staging API cannot say more than eventName does.
    return d.shipment(_staging(rows), len(rows), "delivered")


def _duplicates(d: _Draw) -> Entry:
    rows = d.journey()
    repeat_scan(rows, 1, "status", lambda status: status.upper() + "  ")
    return d.shipment(_production(rows), len(rows) - 1, "delivered")


def _newest_first(d: _Draw) -> Entry:
    rows = d.journey()
    return d.shipment(_production(rows[::-1]), len(rows), "delivered")


def _cross_zone(d: _Draw) -> Entry:
    far = d.rng.choice([o for o in OFFICES.values() if o.utc_hours != 7])
    rows = d.journey(to=far)
    return d.shipment(_production(rows), len(rows), "delivered", extra={"destination": far.code})


def _personal_data(d: _Draw) -> Entry:
    rows = d.journey()
    receiver = rows[-1]["description"].split("~~")[2].title()
    rows[-1]["status"] = f"Diterima oleh {receiver} ({d.phone('0812')})"
    return d.shipment(_production(rows), len(rows), "delivered", extra={"receiver": receiver})


def _numbers_as_strings(d: _Draw) -> Entry:
    rows = d.journey("in_transit")
    for row in rows:
        row["officeCode"] = int(row["officeCode"])
    return d.shipment(_production(rows), len(rows), "in_transit")


def _wrong_envelope(d: _Draw) -> Entry:
    rows = d.journey("in_transit")
    return d.dead_letter(json.dumps({"result": {"data": rows}, "code": "200"}).encode())


def _bad_rows(d: _Draw) -> Entry:
    rows = with_bad_rows(d.journey(), misdated=(1, "eventDate", "0000-00-00 00:00:00"),
                         incomplete=(2, "eventName"))
    return d.shipment(_production(rows), len(rows) - 2, "delivered", bad_rows=2)


def _lost(d: _Draw) -> Entry:
    rows = d.journey("in_transit")
    lost = dict(rows[-1], eventName="DALAM PROSES", status="Kiriman Hilang - Dalam Investigasi")
    last = datetime.strptime(rows[-1]["eventDate"], "%Y-%m-%d %H:%M:%S")  # noqa: DTZ007
    lost["eventDate"] = (last + timedelta(days=2)).strftime("%Y-%m-%d %H:%M:%S")
    rows.append(lost)
    return d.shipment(_production(rows), len(rows), "lost")


#: Every scenario, in catalog order; a catalog holds each once per round.
_CATALOG = CatalogBuilder(partner=PARTNER, draw=_Draw, number=_barcode, scenarios={
    **dict.fromkeys(("delivered", "in_transit", "failed_then_delivered", "returned"), _to_the_end),
    "staging_single": _staging_single,
    "staging_list": _staging_list,
    "not_found": lambda d: d.not_found(_production(None)),
    "not_found_staging": lambda d: d.not_found(_staging(None)),
    "duplicates": _duplicates,
    "newest_first": _newest_first,
    "cross_zone": _cross_zone,
    "personal_data": _personal_data,
    "numbers_as_strings": _numbers_as_strings,
    "malformed_json": lambda d: d.malformed(_production(d.journey())),
    "wrong_envelope": _wrong_envelope,
    "bad_rows": _bad_rows,
    "flaky": _to_the_end,
    "lost": _lost,
})
SCENARIOS = _CATALOG.names
build_catalog = _CATALOG.build
