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
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Any

from lintas.connectors.sandboxes.quirks import repeat_scan, without
from lintas.connectors.sandboxes.scenario import CatalogBuilder, Draw, Entry
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

#: What each scenario's file is: (member, encoding, how the journey ends).
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


#: How each member writes times, and the scenarios whose files place them otherwise.
_TIMES = {"kilat": "offset", "rajawali": "naive", "cendana": "naive"}
_TIMES_IN = {"avro_delivered": "region", "lost": "region", "avro_own_schema": "instant"}


def _number_for(rng: random.Random, scenario: str, _start: datetime) -> str:
    return _number(MEMBERS[_PLAN[scenario][0]], rng)


@dataclass
class _Draw(Draw):
    """Every standard scenario starts from its member's rows of one shipment, between two
    places in the west (to the east for ``cross_zone``)."""

    member: Member = field(init=False)
    encoding: str = field(init=False)
    end: str = field(init=False)  # how the journey ends, as a standard code
    rows: list[dict[str, Any]] = field(init=False)  # oldest first

    def __post_init__(self) -> None:
        member_key, self.encoding, self.end = _PLAN[self.scenario]
        self.member = MEMBERS[member_key]
        times = _TIMES_IN.get(self.scenario, _TIMES[member_key])
        origin, destination = self.rng.sample(_WEST, 2)
        if self.scenario == "cross_zone":
            destination = self.rng.choice(_EAST)
        self.rows = _journey(self.member, self.number, self.end, self.start, self.rng, times,
                             (origin, destination))

    def encode(self, rows: list[dict[str, Any]], **options: Any) -> bytes:
        return _encode(self.encoding, rows, self.rng, **options)

    def file(self, body: bytes, *, distinct: int | None = None, bad_rows: int = 0) -> Entry:
        """The shipment in ``body``: one event a row of the journey unless ``distinct``."""
        final = _FINAL.get(self.end, self.end.lower())
        count = len(self.rows) if distinct is None else distinct
        return self.shipment(body, count, final, bad_rows=bad_rows, extra=self._about())

    def foreign(self, body: bytes) -> Entry:
        """A file that is not in the format at all."""
        return self.dead_letter(body, extra=self._about())

    def _about(self) -> dict[str, Any]:
        return {"encoding": self.encoding, "member": self.member.id}


def _semicolons(d: _Draw) -> dict[str, Any]:
    """Excel in an Indonesian locale: ``;`` between cells, and one in a place's name."""
    d.rows[-1]["location_name"] = f"{d.rows[-1]['location_name']}; Loket 2"
    return {"delimiter": ";", "crlf": True}


def _csv_semicolon(d: _Draw) -> Entry:
    options = _semicolons(d)
    return d.file(d.encode(d.rows, **options))


def _duplicates(d: _Draw) -> Entry:
    options = _semicolons(d)
    sent = list(d.rows)
    repeat_scan(sent, 2, "status_text", lambda text: f"  {text.upper()}  ")
    return d.file(d.encode(sent, **options))


def _csv_bad_rows(d: _Draw) -> Entry:
    options = _semicolons(d)
    wrong_postal = dict(d.rows[3], postal_code="4O111")
    body = d.encode([*d.rows[:3], wrong_postal, *d.rows[3:]], **options)
    cells = body.split(b"\r\n")[2].split(b";")
    body += b";".join([*cells, b"extra", b"cells"]) + b"\r\n"  # cells past the header
    return d.file(body, bad_rows=2)


def _unknown_codes(d: _Draw) -> Entry:
    options = _semicolons(d)
    last = d.rows[-1]
    later = datetime.fromisoformat(last["occurred_at"]) + timedelta(hours=2)
    resorted = dict(last, status_code="K12", status_text="Sortir ulang",
                    occurred_at=later.strftime("%Y-%m-%d %H:%M:%S"))
    return d.file(d.encode([*d.rows, resorted], **options), distinct=len(d.rows) + 1)


def _avro_own_schema(d: _Draw) -> Entry:
    for row in d.rows:
        row["weight_kg"] = 1.25
    return d.file(d.encode(d.rows, schema=_OWN_SCHEMA))


def _blank_lines(d: _Draw) -> Entry:
    lines = d.encode(d.rows, bom=True, crlf=True).split(b"\r\n")
    body = b"\r\n".join([lines[0], b"", *lines[1:3], b"   ", b"", *lines[3:]]) + b"\r\n"
    return d.file(body)


def _cross_zone(d: _Draw) -> Entry:
    for row in d.rows[len(d.rows) // 2:]:  # these name their place by region code only
        place = next(p for p in _PLACES if p.name == row["location_name"])
        row["postal_code"], row["region_code"] = None, place.region_code.replace(".", "")
    return d.file(d.encode(d.rows))


def _personal_data(d: _Draw) -> Entry:
    courier, phone = d.rng.choice(_COURIERS), f"0813{d.rng.randint(10_000_000, 99_999_999)}"
    d.rows[-2]["status_text"] = f"Paket dibawa kurir: {courier} ({phone})"
    d.rows[-1]["status_text"] = f"Diterima oleh {d.rows[-1]['receiver_name'].upper()}"
    entry = d.file(d.encode(d.rows))
    entry.extra.update(courier=courier, phone=phone, receiver=d.rows[-1]["receiver_name"])
    return entry


def _numbers_as_strings(d: _Draw) -> Entry:
    for row in d.rows:
        row["tracking_number"] = int(d.number)
        row["postal_code"] = int(row["postal_code"])
    d.rows[0]["order_id"] = d.rng.randint(100_000, 999_999)
    return d.file(d.encode(d.rows))


def _bad_rows(d: _Draw) -> Entry:
    rows = d.rows
    broken = dict(rows[1], occurred_at="31/06/2025 10:00")
    undated = without(rows[2], "occurred_at")
    body = d.encode([*rows[:2], broken, rows[2], undated, *rows[3:]])
    body += to_jsonl([rows[-1]])[:40] + b"\n"  # a line cut short
    return d.file(body, bad_rows=3)


def _foreign_csv(d: _Draw) -> Entry:
    lines = (f"{d.number},{r['status_text']},{r['occurred_at']}\r\n" for r in d.rows)
    return d.foreign(b"awb,status,tanggal\r\n" + "".join(lines).encode())


_BAD_GATEWAY = (b"<!DOCTYPE html>\n<html><head><title>502 Bad Gateway</title></head>"
                b"<body><h1>502 Bad Gateway</h1></body></html>\n")

#: Every scenario, in catalog order; a catalog holds each once per round.
_CATALOG = CatalogBuilder(partner=PARTNER, draw=_Draw, number=_number_for, scenarios={
    "jsonl_delivered": lambda d: d.file(d.encode(d.rows)),
    "jsonl_in_transit": lambda d: d.file(d.encode(d.rows)),
    "csv_delivered": lambda d: d.file(d.encode(d.rows, bom=True, crlf=True)),
    "csv_semicolon": _csv_semicolon,
    "avro_delivered": lambda d: d.file(d.encode(d.rows)),
    "avro_own_schema": _avro_own_schema,
    "failed_attempt": lambda d: d.file(d.encode(d.rows)),
    "returned": lambda d: d.file(d.encode(d.rows, bom=True, crlf=True)),
    "cancelled": lambda d: d.file(d.encode(d.rows)),
    "lost": lambda d: d.file(d.encode(d.rows)),
    "handover": lambda d: d.file(d.encode(d.rows)),
    "duplicates": _duplicates,
    "out_of_order": lambda d: d.file(d.encode(d.rows[::-1])),
    "cross_zone": _cross_zone,
    "personal_data": _personal_data,
    "numbers_as_strings": _numbers_as_strings,
    "blank_lines": _blank_lines,
    "bad_rows": _bad_rows,
    "csv_bad_rows": _csv_bad_rows,
    "unknown_codes": _unknown_codes,
    "foreign_file": lambda d: d.foreign(_BAD_GATEWAY),
    "foreign_csv": _foreign_csv,
})
SCENARIOS = _CATALOG.names
build_catalog = _CATALOG.build
