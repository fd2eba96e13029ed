"""Realistic standard-format files from member couriers, one shipment per file, with what
they should yield.

Three made-up members write the format three ways: one uses the standard codes and
offsets, one its own codes (``K01``…) whose texts are common status words and Excel-style
CSV, one the standard codes with local times placed by postal or region code. Files come in
all three encodings, with the quirks members produce: a byte-order mark, ``\\r\\n`` line
ends, blank lines, semicolons, numbers where text is expected, duplicate and newest-first
rows, names and phone numbers in text, broken rows, and files that are not in the format.

Each :class:`Entry` holds one file as ``body`` (``extra["encoding"]`` says which) and, as
decided by the scenario and not by the parser, the distinct events, final status and bad
rows it holds.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any

from lintas.connectors.sandboxes.scenario import Entry, Outcome
from lintas.connectors.standard.write import to_avro, to_csv, to_jsonl

__all__ = ["MEMBERS", "SCENARIOS", "build_catalog"]

PARTNER = "standard"


@dataclass(frozen=True)
class Member:
    """A member courier and how it names statuses: the standard codes, or its own."""

    id: str
    name: str
    own_codes: dict[str, tuple[str, str]] | None = None  # standard code -> (own code, text)


@dataclass(frozen=True)
class Place:
    name: str
    code: str
    postal_code: str
    region_code: str
    utc_hours: int


MEMBERS = {
    "kilat": Member("asperindo-0042", "Kilat Nusantara"),
    "rajawali": Member("asperindo-0117", "Rajawali Ekspres", {
        "INFO_RECEIVED": ("K00", "Data diterima"), "PICKED_UP": ("K01", "Dijemput"),
        "IN_TRANSIT": ("K02", "Dalam perjalanan"), "HANDED_OVER": ("K03", "Diserahkan ke mitra"),
        "ON_HOLD": ("K04", "Ditahan"), "OUT_FOR_DELIVERY": ("K05", "Sedang diantar"),
        "DELIVERY_FAILED": ("K06", "Gagal antar"), "RETURN_TO_SENDER": ("K07", "Retur"),
        "RETURNED": ("K08", "Retur diterima"), "DELIVERED": ("K09", "Terkirim"),
        "CANCELLED": ("K99", "Dibatalkan"), "LOST": ("K66", "Hilang"),
    }),
    "cendana": Member("asperindo-0230", "Cendana Logistik"),
}
_TEXTS = {
    "INFO_RECEIVED": "Data pengiriman diterima", "PICKED_UP": "Paket dijemput kurir",
    "IN_TRANSIT": "Paket tiba di {place}", "HANDED_OVER": "Diserahkan ke {partner}",
    "OUT_FOR_DELIVERY": "Paket sedang diantar", "DELIVERY_FAILED": "Gagal antar: rumah kosong",
    "DELIVERED": "Paket diterima", "RETURN_TO_SENDER": "Paket diretur ke pengirim",
    "RETURNED": "Retur diterima pengirim", "CANCELLED": "Dibatalkan pengirim",
    "LOST": "Paket dinyatakan hilang", "ON_HOLD": "Paket ditahan",
}
_PLACES = (
    Place("Agen Bandung Braga", "BDG01", "40111", "32.73", 7),
    Place("Hub Jakarta Cakung", "JKT-HUB", "13910", "31.75", 7),
    Place("Agen Surabaya Gubeng", "SUB02", "60281", "35.78", 7),
    Place("Agen Semarang Tengah", "SRG01", "50134", "33.74", 7),
    Place("Hub Makassar", "UPG-HUB", "90231", "73.71", 8),
    Place("Agen Denpasar", "DPS01", "80234", "51.71", 8),
    Place("Agen Balikpapan", "BPN01", "76114", "64.71", 8),
    Place("Agen Jayapura", "DJJ01", "99112", "91.71", 9),
    Place("Agen Ambon", "AMQ01", "97128", "81.71", 9),
)
_WEST = [p for p in _PLACES if p.utc_hours == 7]
_EAST = [p for p in _PLACES if p.utc_hours != 7]
_RECEIVERS = ["Budi Santoso", "Siti Aminah", "Agus Prasetyo", "Dewi Lestari", "Rudi Hartono"]
_COURIERS = ["Andi Saputra", "Eko Purnomo", "Made Arsana", "Fajar Nugroho"]

#: Every scenario: (member, encoding, how the journey ends).
_PLAN: dict[str, tuple[str, str, str]] = {
    "jsonl_delivered": ("kilat", "jsonl", "DELIVERED"),
    "jsonl_in_transit": ("cendana", "jsonl", "IN_TRANSIT"),
    "csv_delivered": ("kilat", "csv", "DELIVERED"),
    "csv_semicolon": ("rajawali", "csv", "DELIVERED"),
    "avro_delivered": ("cendana", "avro", "DELIVERED"),
    "avro_own_schema": ("kilat", "avro", "DELIVERED"),
    "failed_attempt": ("rajawali", "jsonl", "FAILED_THEN_DELIVERED"),
    "returned": ("kilat", "csv", "RETURNED"),
    "cancelled": ("cendana", "jsonl", "CANCELLED"),
    "lost": ("cendana", "avro", "LOST"),
    "handover": ("kilat", "jsonl", "HANDED_OVER"),
    "duplicates": ("rajawali", "csv", "DELIVERED"),
    "out_of_order": ("kilat", "jsonl", "DELIVERED"),
    "cross_zone": ("cendana", "csv", "DELIVERED"),
    "personal_data": ("kilat", "jsonl", "DELIVERED"),
    "numbers_as_strings": ("rajawali", "jsonl", "DELIVERED"),
    "blank_lines": ("kilat", "jsonl", "DELIVERED"),
    "bad_rows": ("kilat", "jsonl", "DELIVERED"),
    "csv_bad_rows": ("rajawali", "csv", "DELIVERED"),
    "unknown_codes": ("rajawali", "csv", "IN_TRANSIT"),
    "foreign_file": ("kilat", "csv", "DELIVERED"),
    "foreign_csv": ("kilat", "csv", "DELIVERED"),
}
SCENARIOS = tuple(_PLAN)

_ENDINGS: dict[str, list[str]] = {
    "DELIVERED": ["INFO_RECEIVED", "PICKED_UP", "IN_TRANSIT", "IN_TRANSIT", "OUT_FOR_DELIVERY",
                  "DELIVERED"],
    "IN_TRANSIT": ["INFO_RECEIVED", "PICKED_UP", "IN_TRANSIT", "IN_TRANSIT"],
    "FAILED_THEN_DELIVERED": ["INFO_RECEIVED", "PICKED_UP", "IN_TRANSIT", "OUT_FOR_DELIVERY",
                              "DELIVERY_FAILED", "OUT_FOR_DELIVERY", "DELIVERED"],
    "RETURNED": ["INFO_RECEIVED", "PICKED_UP", "IN_TRANSIT", "OUT_FOR_DELIVERY",
                 "DELIVERY_FAILED", "RETURN_TO_SENDER", "IN_TRANSIT", "RETURNED"],
    "CANCELLED": ["INFO_RECEIVED", "ON_HOLD", "CANCELLED"],
    "LOST": ["INFO_RECEIVED", "PICKED_UP", "IN_TRANSIT", "LOST"],
    "HANDED_OVER": ["INFO_RECEIVED", "PICKED_UP", "IN_TRANSIT", "HANDED_OVER"],
}
_FINAL = {"FAILED_THEN_DELIVERED": "delivered"}
_AT_DESTINATION = {"OUT_FOR_DELIVERY", "DELIVERY_FAILED", "DELIVERED", "RETURN_TO_SENDER"}

# A member's own Avro schema: fewer fields, one more, and occurred_at as a timestamp.
_OWN_SCHEMA: dict[str, Any] = {
    "type": "record", "name": "KirimanEvent", "namespace": "id.co.kilatnusantara",
    "fields": [
        {"name": "tracking_number", "type": "string"},
        {"name": "courier", "type": "string"},
        {"name": "status_code", "type": "string"},
        {"name": "status_text", "type": "string"},
        {"name": "occurred_at", "type": {"type": "long", "logicalType": "timestamp-millis"}},
        {"name": "postal_code", "type": ["null", "string"], "default": None},
        {"name": "weight_kg", "type": ["null", "double"], "default": None},
    ],
}


def _local(instant: datetime, place: Place, style: str) -> str | datetime:
    """``offset``: local time with its offset; ``naive`` and ``region``: local time alone
    (placed by postal code or region code); ``instant``: the aware instant (Avro)."""
    zone = timezone(timedelta(hours=place.utc_hours))
    local = instant.astimezone(zone)
    if style == "offset":
        return local.isoformat()
    if style == "instant":
        return instant
    return local.strftime("%Y-%m-%d %H:%M:%S")


def _journey(member: Member, number: str, ending: str, start: datetime, rng: random.Random,
             style: str, route: tuple[Place, Place]) -> list[dict[str, Any]]:
    """The rows of one shipment, oldest first."""
    origin, destination = route
    codes = _ENDINGS[ending]
    receiver = rng.choice(_RECEIVERS)
    order = f"INV/{start:%Y%m%d}/{rng.randint(1000, 9999)}"
    rows: list[dict[str, Any]] = []
    instant = start
    moved = returning = False
    for position, code in enumerate(codes):
        instant += timedelta(hours=rng.randint(1, 9), minutes=rng.randint(0, 59),
                             seconds=rng.randint(0, 59))
        returning = returning or code == "RETURN_TO_SENDER"
        if code in _AT_DESTINATION or (code == "IN_TRANSIT" and moved and not returning):
            place = destination
        else:
            place = origin
        moved = moved or code == "IN_TRANSIT"
        own = member.own_codes[code] if member.own_codes else None
        row: dict[str, Any] = {
            "tracking_number": number,
            "courier": member.id,
            "status_code": own[0] if own else code,
            "status_text": own[1] if own else _TEXTS[code].format(place=place.name,
                                                                  partner="Pos Indonesia"),
            "occurred_at": _local(instant, place, style),
            "location_name": place.name,
            "location_code": place.code,
            "postal_code": None if style == "region" else place.postal_code,
            "region_code": place.region_code if style == "region" else None,
            "order_id": order if position == 0 else None,
        }
        if code == "DELIVERED":
            row["receiver_name"] = receiver
        if code == "HANDED_OVER":
            row["handover_to"] = "pos"
            row["handover_to_number"] = f"P{start:%y%m%d}{rng.randint(0, 9_999_999):07d}"
        rows.append(row)
    return rows


def _number(member: Member, rng: random.Random) -> str:
    if member.own_codes:
        return f"88{rng.randint(0, 10**10 - 1):010d}"
    prefix = "KN" if member.id.endswith("0042") else "CDL"
    return f"{prefix}{rng.randint(0, 10**10 - 1):010d}"


def _encode(encoding: str, rows: list[dict[str, Any]], rng: random.Random, **options: Any) -> bytes:
    if encoding == "jsonl":
        return to_jsonl(rows, **options)
    if encoding == "csv":
        return to_csv(rows, **options)
    return to_avro(rows, sync_marker=rng.randbytes(16), **options)


def _entry(scenario: str, start: datetime, rng: random.Random, seen: set[str]) -> Entry:
    member_key, encoding, ending = _PLAN[scenario]
    member = MEMBERS[member_key]
    number = _number(member, rng)
    while number in seen:
        number = _number(member, rng)
    seen.add(number)
    style = {"kilat": "offset", "rajawali": "naive", "cendana": "naive"}[member_key]
    if scenario in ("avro_delivered", "lost"):
        style = "region"
    if scenario == "avro_own_schema":
        style = "instant"
    origin, destination = rng.sample(_WEST, 2)
    route = (origin, rng.choice(_EAST) if scenario == "cross_zone" else destination)
    rows = _journey(member, number, ending, start, rng, style, route)
    final: str | None = _FINAL.get(ending, ending.lower())
    distinct, bad = len(rows), 0
    options: dict[str, Any] = {}
    outcome: Outcome = "shipment"
    sent: list[dict[str, Any]] = list(rows)
    if scenario in ("csv_delivered", "returned"):
        options = {"bom": True, "crlf": True}
    elif scenario in ("csv_semicolon", "duplicates", "csv_bad_rows", "unknown_codes"):
        options = {"delimiter": ";", "crlf": True}  # Excel in an Indonesian locale
        rows[-1]["location_name"] = f"{rows[-1]['location_name']}; Loket 2"
    elif scenario == "avro_own_schema":
        options = {"schema": _OWN_SCHEMA}
        for row in rows:
            row["weight_kg"] = 1.25
    elif scenario == "blank_lines":
        options = {"bom": True, "crlf": True}
    if scenario == "duplicates":
        twin = dict(rows[2], status_text=f"  {rows[2]['status_text'].upper()}  ")
        sent.insert(3, twin)
    elif scenario == "out_of_order":
        sent = rows[::-1]
    elif scenario == "cross_zone":
        for row in rows[len(rows) // 2:]:  # these name their place by region code only
            place = next(p for p in _PLACES if p.name == row["location_name"])
            row["postal_code"], row["region_code"] = None, place.region_code.replace(".", "")
    elif scenario == "personal_data":
        courier, phone = rng.choice(_COURIERS), f"0813{rng.randint(10_000_000, 99_999_999)}"
        rows[-2]["status_text"] = f"Paket dibawa kurir: {courier} ({phone})"
        rows[-1]["status_text"] = f"Diterima oleh {rows[-1]['receiver_name'].upper()}"
    elif scenario == "numbers_as_strings":
        for row in rows:
            row["tracking_number"] = int(number)
            row["postal_code"] = int(row["postal_code"])
        rows[0]["order_id"] = rng.randint(100_000, 999_999)
    elif scenario == "bad_rows":
        broken = dict(rows[1], occurred_at="31/06/2025 10:00")
        undated = {k: v for k, v in rows[2].items() if k != "occurred_at"}
        sent = [*rows[:2], broken, rows[2], undated, *rows[3:]]
        bad = 3  # the two above and a line cut short, added below
    elif scenario == "csv_bad_rows":
        wrong_postal = dict(rows[3], postal_code="4O111")
        sent = [*rows[:3], wrong_postal, *rows[3:]]
        bad = 2  # the one above and a row with cells past the header, added below
    elif scenario == "unknown_codes":
        later = datetime.fromisoformat(rows[-1]["occurred_at"])
        sent.append(dict(rows[-1], status_code="K12", status_text="Sortir ulang",
                         occurred_at=(later + timedelta(hours=2)).strftime("%Y-%m-%d %H:%M:%S")))
        distinct += 1
    body = _encode(encoding, sent, rng, **options)
    if scenario == "blank_lines":
        lines = body.split(b"\r\n")
        body = b"\r\n".join([lines[0], b"", *lines[1:3], b"   ", b"", *lines[3:]]) + b"\r\n"
    elif scenario == "bad_rows":
        body += to_jsonl([rows[-1]])[:40] + b"\n"
    elif scenario == "csv_bad_rows":
        cells = body.split(b"\r\n")[2].split(b";")
        body += b";".join([*cells, b"extra", b"cells"]) + b"\r\n"
    elif scenario == "foreign_file":
        body = (b"<!DOCTYPE html>\n<html><head><title>502 Bad Gateway</title></head>"
                b"<body><h1>502 Bad Gateway</h1></body></html>\n")
        outcome, distinct, final, bad = "dead_letter", 0, None, 1
    elif scenario == "foreign_csv":
        body = b"awb,status,tanggal\r\n" + b"".join(
            f"{number},{r['status_text']},{r['occurred_at']}\r\n".encode() for r in rows)
        outcome, distinct, final, bad = "dead_letter", 0, None, 1
    return Entry(PARTNER, number, scenario, body, outcome, distinct, final, bad_rows=bad,
                 extra={"encoding": encoding, "member": member.id})


def build_catalog(
    seed: int, *, start: datetime | None = None, rounds: int = 1,
    scenarios: tuple[str, ...] = SCENARIOS,
) -> list[Entry]:
    """``rounds`` of every scenario with fresh tracking numbers drawn from ``seed``."""
    rng = random.Random(seed)
    start = start or datetime.now(timezone.utc).replace(microsecond=0) - timedelta(days=4)
    seen: set[str] = set()
    return [_entry(s, start, rng, seen) for _ in range(rounds) for s in scenarios]
