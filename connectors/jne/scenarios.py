"""Realistic JNE tracking bodies, one per scenario, with what they should yield.

The sandbox serves these; the fixtures under ``tests/fixtures/jne`` were recorded from
them. Each :class:`Entry` says independently of the parser what a correct pipeline makes
of its body. Quirks from PARTNERS.md are all here: history oldest first with
``DD-MM-YYYY HH:mm`` local times, places in brackets as a city code and an operation or
as a name, receivers inside ``DELIVERED TO [NAME | time | CITY ]``, failure codes,
returns and cancellations told only by the text, a summary whose proof of delivery the
history does not show yet (with ``cnote_pod_date`` in one of its older formats),
duplicates, timestamps that contradict the order, cities in all three time zones,
phone numbers in text, numbers as JSON numbers, and malformed bodies and rows.
"""

from __future__ import annotations

import json
import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from lintas.connectors.sandboxes.quirks import repeat_scan, swap, with_bad_rows
from lintas.connectors.sandboxes.scenario import CatalogBuilder, Draw, Entry, any_scenario

__all__ = ["CITIES", "SCENARIOS", "City", "build_catalog"]

PARTNER = "jne"


@dataclass(frozen=True)
class City:
    code: str  # three-letter city code, as in tariff codes
    name: str  # as JNE writes it in brackets
    utc_hours: int  # the sandbox's own record of the city's zone
    agent: str


CITIES: dict[str, City] = {
    c.code: c
    for c in (
        City("CGK", "JAKARTA", 7, "AGEN KEBAYORAN BARU"),
        City("BDO", "BANDUNG", 7, "AGEN BRAGA"),
        City("SUB", "SURABAYA", 7, "AGEN RUNGKUT"),
        City("SRG", "SEMARANG", 7, "AGEN PEDURUNGAN"),
        City("JOG", "YOGYAKARTA", 7, "AGEN KOTAGEDE"),
        City("KNO", "MEDAN", 7, "AGEN MEDAN BARU"),
        City("PKY", "PALANGKARAYA", 7, "AGEN JEKAN RAYA"),
        City("UPG", "MAKASSAR", 8, "AGEN PANAKKUKANG"),
        City("DPS", "DENPASAR", 8, "AGEN RENON"),
        City("BPN", "BALIKPAPAN", 8, "AGEN KLANDASAN"),
        City("AMQ", "AMBON", 9, "AGEN SIRIMAU"),
        City("DJJ", "JAYAPURA", 9, "AGEN ABEPURA"),
    )
}
_EAST_TRANSIT = "UPG"  # parcels for Maluku and Papua go through Makassar
_DISTRICTS = ("10000", "10100", "20700", "20508", "10203")
_SENDERS = ["TOKO BERKAH JAYA", "CV SINAR MAS ABADI", "RINA KARTIKA", "UD SUMBER REJEKI"]
_RECEIVERS = ["BUDI SANTOSO", "SITI AMINAH", "AGUS PRASETYO", "DEWI LESTARI", "YOHANES LATUHARHARY"]
_GOODS = ["PAKAIAN", "BUKU", "DOKUMEN", "SPAREPART MOTOR", "KOSMETIK"]
_FAILURES = (
    ("U05", "CONSIGNEE NOT AT HOME"),
    ("U09", "CLOSED ONCE DELIVERY ATTEMPT"),
    ("UB1", "UNDELIVERED - ADDRESS INCOMPLETE"),
    ("D24", "DELIVERY RESCHEDULED BY CONSIGNEE"),
)
_MONTHS = ("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC")
_FINAL = {
    "delivered": "delivered",
    "failed_then_delivered": "delivered",
    "returned": "returned",
    "cancelled": "cancelled",
    "lost": "lost",
    "in_transit": "in_transit",
}

Step = tuple[str, str, City]  # code, desc ("{when}" is the row's own time), where


def _steps(
    o: City, d: City, ending: str, people: tuple[str, str], failure: tuple[str, str]
) -> list[Step]:
    """The scans of one parcel from ``o`` to ``d``, in the order they happen."""
    sender, receiver = people
    steps: list[Step] = [
        ("RC1", f"SHIPMENT RECEIVED BY JNE COUNTER OFFICER AT [{o.name}]", o),
        ("OP1", f"MANIFESTED [{o.code}, OPR ORIGIN]", o),
    ]
    if ending == "cancelled":
        return [*steps, ("PS4", f"SHIPMENT CANCELLED BY SHIPPER [{o.code}, OPR ORIGIN]", o)]
    steps += [
        ("OP2", f"RECEIVED AT SORTING CENTER [{o.name}]", o),
        ("OP3", f"PROCESSED AT SORTING CENTER [{o.code}, OPR SORTING]", o),
        ("TP4", f"DEPARTED FROM TRANSIT [GATEWAY {o.name}]", o),
    ]
    if ending == "lost":
        return [*steps, ("PS1", f"SHIPMENT LOST IN TRANSIT [GATEWAY {o.name}]", o)]
    if d.utc_hours == 9:
        hub = CITIES[_EAST_TRANSIT]
        steps.append(("TP4", f"DEPARTED FROM TRANSIT [GATEWAY {hub.name}]", hub))
    steps.append(("IP1", f"RECEIVED AT WAREHOUSE [{d.code}, OPR INBOUND]", d))
    if ending == "in_transit":
        return steps
    courier = ("IP3", f"WITH DELIVERY COURIER [{d.name}]", d)
    steps += [("IP2", f"RECEIVED AT INBOUND STATION [{d.name} , {d.agent}]", d), courier]
    if ending == "failed_then_delivered":
        steps += [(failure[0], f"{failure[1]} [{d.code}, OPR DELIVERY]", d), courier]
    if ending == "returned":
        return [
            *steps,
            ("U02", f"BAD ADDRESS - CONSIGNEE UNKNOWN [{d.code}, OPR DELIVERY]", d),
            ("PS1", f"RETURN TO SHIPPER - BAD ADDRESS [{d.code}, OPR INBOUND]", d),
            ("TP4", f"RETURN TO SHIPPER - DEPARTED FROM TRANSIT [GATEWAY {d.name}]", d),
            ("IP1", f"RETURN TO SHIPPER - RECEIVED AT WAREHOUSE [{o.code}, OPR INBOUND]", o),
            ("D01", f"RETURNED TO SHIPPER [{sender} | {{when}} | {o.name} ]", o),
        ]
    return [*steps, ("D01", f"DELIVERED TO [{receiver} | {{when}} | {d.name} ]", d)]


def _local(instant: datetime, city: City) -> datetime:
    return instant + timedelta(hours=city.utc_hours)


def _wib_iso(instant: datetime) -> str:
    """JNE's summary times: ISO 8601 in WIB with milliseconds."""
    return (instant + timedelta(hours=7)).strftime("%Y-%m-%dT%H:%M:%S.000+07:00")


def _rows(
    steps: list[Step], start: datetime, rng: random.Random
) -> tuple[list[dict[str, Any]], list[datetime]]:
    rows, instants = [], []
    instant = start
    for code, desc, city in steps:
        instant += timedelta(hours=rng.randint(1, 9), minutes=rng.randint(0, 59))
        when = _local(instant, city).strftime("%d-%m-%Y %H:%M")
        rows.append({"date": when, "desc": desc.replace("{when}", when), "code": code})
        instants.append(instant)
    return rows, instants


@dataclass
class _Parcel:
    number: str
    origin: City
    destination: City
    sender: str
    receiver: str
    rows: list[dict[str, Any]]
    instants: list[datetime]


def _parcel(
    number: str, start: datetime, origin: City, destination: City, rng: random.Random,
    ending: str = "delivered", receiver: str | None = None,
    failure: tuple[str, str] | None = None,
) -> _Parcel:
    sender, receiver = rng.choice(_SENDERS), receiver or rng.choice(_RECEIVERS)
    failure = failure or rng.choice(_FAILURES)
    steps = _steps(origin, destination, ending, (sender, receiver), failure)
    rows, instants = _rows(steps, start, rng)
    return _Parcel(number, origin, destination, sender, receiver, rows, instants)


def _body(
    p: _Parcel, rng: random.Random, pod: tuple[str, str | None] | None = None
) -> dict[str, Any]:
    """The whole answer for one parcel; ``pod`` is (pod_status, cnote_pod_date) when the
    summary states a proof of delivery."""
    booked = p.instants[0] - timedelta(minutes=rng.randint(5, 50))
    price, weight = rng.choice((9000, 18000, 25000, 55000)), rng.randint(1, 5)
    service = rng.choice(("REG", "YES", "OKE"))
    pod_status, pod_date = pod or ("ON PROCESS", None)
    return {
        "cnote": {
            "cnote_no": p.number,
            "reference_number": None,
            "cnote_origin": f"{p.origin.code}10000",
            "cnote_destination": f"{p.destination.code}{rng.choice(_DISTRICTS)}",
            "cnote_services_code": service,
            "servicetype": f"{service}19",
            "cnote_cust_no": "80519800",
            "cnote_date": _wib_iso(booked),
            "cnote_pod_receiver": p.receiver if pod_date else None,
            "cnote_receiver_name": p.receiver,
            "city_name": p.destination.name,
            "cnote_pod_date": pod_date,
            "pod_status": pod_status,
            "last_status": p.rows[-1]["desc"],
            "cust_type": "999",
            "cnote_amount": str(price),
            "cnote_weight": str(weight),
            "pod_code": "D01" if pod_date else None,
            "keterangan": "YANG BERSANGKUTAN" if pod_date else None,
            "cnote_goods_descr": rng.choice(_GOODS),
            "freight_charge": str(price),
            "shippingcost": str(price),
            "insuranceamount": "0",
            "estimate_delivery": "2 Days",
        },
        "detail": [{
            "cnote_no": p.number,
            "cnote_date": _local(booked, p.origin).strftime("%d-%m-%Y %H:%M"),
            "cnote_weight": str(weight),
            "cnote_origin": p.origin.name,
            "cnote_shipper_name": p.sender,
            "cnote_shipper_addr1": f"JL. MERDEKA NO. {rng.randint(1, 200)}",
            "cnote_shipper_city": p.origin.name,
            "cnote_receiver_name": p.receiver,
            "cnote_receiver_addr1": f"JL. PAHLAWAN NO. {rng.randint(1, 200)}",
            "cnote_receiver_city": p.destination.name,
        }],
        "history": p.rows,
    }


def _delivered_pod(p: _Parcel) -> tuple[str, str | None]:
    return "DELIVERED", _wib_iso(p.instants[-1])


def _legacy_pod_date(instant: datetime, city: City, rng: random.Random) -> str:
    """``cnote_pod_date`` in one of the formats JNE used over the years."""
    local = _local(instant, city)
    return rng.choice([
        _wib_iso(instant),
        local.strftime("%Y-%m-%d %H:%M:%S"),
        local.strftime("%d-%m-%Y %H:%M"),
        f"{local:%d} {_MONTHS[local.month - 1]} {local:%Y %H:%M}",
    ])


def _encode(body: dict[str, Any]) -> bytes:
    return json.dumps(body).encode()


def _number(rng: random.Random) -> str:
    digits = 15 if rng.random() < 0.2 else 16
    return rng.choice("1589") + "".join(rng.choice("0123456789") for _ in range(digits - 1))


@dataclass
class _Draw(Draw):
    """Every JNE scenario starts from two cities in WIB."""

    origin: City = field(init=False)
    destination: City = field(init=False)

    def __post_init__(self) -> None:
        west = [c for c in CITIES.values() if c.utc_hours == 7]
        self.origin, self.destination = self.rng.choice(west), self.rng.choice(west)

    def parcel(
        self, ending: str = "delivered", *, to: City | None = None, receiver: str | None = None,
        failure: tuple[str, str] | None = None,
    ) -> _Parcel:
        return _parcel(self.number, self.start, self.origin, to or self.destination, self.rng,
                       ending, receiver, failure)

    def delivered(self, p: _Parcel) -> dict[str, Any]:
        """The whole answer for ``p``, its summary stating the delivery."""
        return _body(p, self.rng, _delivered_pod(p))

    def delivery(self, p: _Parcel, *, duplicates: int = 0, bad_rows: int = 0,
                 extra: dict[str, Any] | None = None) -> Entry:
        """``p`` delivered: one event a row, less the ``duplicates`` and ``bad_rows``."""
        return self.shipment(_encode(self.delivered(p)), len(p.rows) - duplicates - bad_rows,
                             "delivered", bad_rows=bad_rows, extra=extra)


_SUMMARY_POD: dict[str, tuple[str, str | None]] = {
    "returned": ("RETURN TO SHIPPER", None),
    "cancelled": ("CANCELLED", None),
}


def _to_the_end(d: _Draw) -> Entry:
    ending = d.ending(_FINAL)
    p = d.parcel(ending)
    pod = _SUMMARY_POD.get(ending)
    if _FINAL[ending] == "delivered":
        pod = _delivered_pod(p)
    return d.shipment(_encode(_body(p, d.rng, pod)), len(p.rows), _FINAL[ending])


def _pod_in_summary(d: _Draw) -> Entry:
    p = d.parcel()
    pod_row, pod_instant = p.rows.pop(), p.instants.pop()
    body = _body(p, d.rng, ("DELIVERED", _legacy_pod_date(pod_instant, d.destination, d.rng)))
    body["cnote"]["last_status"] = pod_row["desc"]
    return d.shipment(_encode(body), len(p.rows) + 1, "delivered")


def _duplicates(d: _Draw) -> Entry:
    p = d.parcel()
    repeat_scan(p.rows, 2, "desc", lambda desc: desc.lower().replace(" [", "  ["))
    return d.delivery(p, duplicates=1)


def _out_of_order(d: _Draw) -> Entry:
    p = d.parcel()
    swap(p.rows, 2, 3, "date")
    return d.delivery(p)


def _cross_zone(d: _Draw) -> Entry:
    d.parcel()  # drawn and dropped: recorded catalogs depend on the generator's state
    # Maluku and Papua: WIB at the origin, WITA in transit, WIT at the destination.
    far = d.rng.choice([c for c in CITIES.values() if c.utc_hours == 9])
    return d.delivery(d.parcel(to=far), extra={"destination": far.code})


def _personal_data(d: _Draw) -> Entry:
    d.parcel()  # drawn and dropped: recorded catalogs depend on the generator's state
    receiver = d.rng.choice(_RECEIVERS).title()
    phone = d.phone("0812")
    failure = ("U05", f"CONSIGNEE NOT AT HOME, PHONE {phone} NOT ACTIVE")
    p = d.parcel("failed_then_delivered", receiver=receiver, failure=failure)
    return d.delivery(p, extra={"receiver": receiver, "phone": phone})


def _numbers_as_strings(d: _Draw) -> Entry:
    p = d.parcel()
    body = d.delivered(p)
    cnote = body["cnote"]
    cnote["cnote_no"] = int(d.number)
    cnote["cnote_weight"], cnote["cnote_amount"] = (int(cnote["cnote_weight"]),
                                                     int(cnote["cnote_amount"]))
    return d.shipment(_encode(body), len(p.rows), "delivered")


def _wrong_envelope(d: _Draw) -> Entry:
    body = {"code": 200, "message": "success", "data": d.delivered(d.parcel())}
    return d.dead_letter(_encode(body))


def _bad_rows(d: _Draw) -> Entry:
    p = d.parcel()
    p.rows = with_bad_rows(p.rows, misdated=(1, "date", "00-00-0000 00:00"),
                           incomplete=(2, "code"))
    return d.delivery(p, bad_rows=2)


#: Every scenario, in catalog order; a catalog holds each once per round.
_CATALOG = CatalogBuilder(
    partner=PARTNER, draw=_Draw, number=any_scenario(_number), whole_minutes=True, scenarios={
        **dict.fromkeys((
            "delivered", "in_transit", "failed_then_delivered", "returned", "cancelled", "lost",
        ), _to_the_end),
        "pod_in_summary": _pod_in_summary,
        "not_found": lambda d: d.not_found(
            _encode({"error": "Cnote No. Not Found.", "status": False})
        ),
        "duplicates": _duplicates,
        "out_of_order": _out_of_order,
        "cross_zone": _cross_zone,
        "personal_data": _personal_data,
        "numbers_as_strings": _numbers_as_strings,
        "malformed_json": lambda d: d.malformed(_encode(d.delivered(d.parcel()))),
        "wrong_envelope": _wrong_envelope,
        "bad_rows": _bad_rows,
        "flaky": _to_the_end,
    },
)
SCENARIOS = _CATALOG.names
build_catalog = _CATALOG.build
