"""Deciding the UTC offset of a partner's local time text.

Indonesia has three zones: WIB (UTC+7), WITA (UTC+8) and WIT (UTC+9). A timestamp with
an offset keeps it (``explicit``). A naive one is local time where the event happened,
decided from the location (``location``): a postal code, a Kemendagri region code, or
a partner's airport-style city code through :data:`CITY_CODES`. WIB when nothing
locates the event (``default``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from enum import Enum
from functools import lru_cache
from typing import Any

from lintas.connectors.common import parse_time, repair_text, text

__all__ = [
    "CITY_CODES",
    "PLAUSIBLE",
    "WIB",
    "WIT",
    "WITA",
    "CityCode",
    "LocalTime",
    "ZoneSource",
    "format_offset",
    "localize",
    "read_local_time",
    "zone_for_city_code",
    "zone_for_postal_code",
    "zone_for_region_code",
]

WIB = timezone(timedelta(hours=7), "WIB")
WITA = timezone(timedelta(hours=8), "WITA")
WIT = timezone(timedelta(hours=9), "WIT")


class ZoneSource(str, Enum):
    """How the offset of a timestamp was decided."""

    EXPLICIT = "explicit"
    LOCATION = "location"
    DEFAULT = "default"

    def __str__(self) -> str:
        return self.value


def zone_for_postal_code(postal_code: str | None) -> timezone | None:
    """Zone of a 5-digit Indonesian postal code by its first two digits; None if not one."""
    if not postal_code or len(postal_code) != 5 or not postal_code.isdigit():
        return None
    prefix = int(postal_code[:2])
    if prefix < 10:
        return None
    if prefix >= 97:
        return WIT
    if 70 <= prefix <= 72 or 75 <= prefix <= 77 or 80 <= prefix <= 87 or 90 <= prefix <= 96:
        return WITA
    return WIB


# Kemendagri province codes (first two digits of any region code) by zone.
_WITA_PROVINCES = {"51", "52", "53", "63", "64", "65", "71", "72", "73", "74", "75", "76"}
_WIT_PROVINCES = {"81", "82", "91", "92", "93", "94", "95", "96"}
_WIB_PROVINCES = {
    "11", "12", "13", "14", "15", "16", "17", "18", "19", "21",
    "31", "32", "33", "34", "35", "36", "61", "62",
}


def zone_for_region_code(region_code: str | None) -> timezone | None:
    """Zone of a Kemendagri region code (``32``, ``32.73``, ``3273``...); None if unknown."""
    if not region_code:
        return None
    province = region_code.replace(".", "")[:2]
    if province in _WIT_PROVINCES:
        return WIT
    if province in _WITA_PROVINCES:
        return WITA
    if province in _WIB_PROVINCES:
        return WIB
    return None


@dataclass(frozen=True, slots=True)
class CityCode:
    """A partner's three-letter city code and the regency/city it stands for."""

    code: str
    name: str
    region_code: str


#: Airport-style city codes used by JNE, SiCepat and Lion, crosswalked to Kemendagri
#: regency/city codes (the city the code's hub serves).
CITY_CODES: dict[str, CityCode] = {
    c.code: c
    for c in (
        CityCode("CGK", "Jakarta", "31"),
        CityCode("JKT", "Jakarta", "31"),
        CityCode("TGR", "Kota Tangerang", "36.71"),
        CityCode("BOO", "Kota Bogor", "32.71"),
        CityCode("BKI", "Kota Bekasi", "32.75"),
        CityCode("DPK", "Kota Depok", "32.76"),
        CityCode("BDO", "Kota Bandung", "32.73"),
        CityCode("CBN", "Kota Cirebon", "32.74"),
        CityCode("TSY", "Kabupaten Tasikmalaya", "32.06"),
        CityCode("SRG", "Kota Semarang", "33.74"),
        CityCode("SOC", "Kota Surakarta", "33.72"),
        CityCode("JOG", "Kota Yogyakarta", "34.71"),
        CityCode("YIA", "Kabupaten Kulon Progo", "34.01"),
        CityCode("SUB", "Kota Surabaya", "35.78"),
        CityCode("MLG", "Kota Malang", "35.73"),
        CityCode("BTJ", "Kota Banda Aceh", "11.71"),
        CityCode("KNO", "Kota Medan", "12.71"),
        CityCode("MES", "Kota Medan", "12.71"),
        CityCode("PDG", "Kota Padang", "13.71"),
        CityCode("PKU", "Kota Pekanbaru", "14.71"),
        CityCode("DJB", "Kota Jambi", "15.71"),
        CityCode("PLM", "Kota Palembang", "16.71"),
        CityCode("BKS", "Kota Bengkulu", "17.71"),
        CityCode("TKG", "Kota Bandar Lampung", "18.71"),
        CityCode("PGK", "Kota Pangkal Pinang", "19.71"),
        CityCode("BTH", "Kota Batam", "21.71"),
        CityCode("TNJ", "Kota Tanjung Pinang", "21.72"),
        CityCode("PNK", "Kota Pontianak", "61.71"),
        CityCode("PKY", "Kota Palangkaraya", "62.71"),
        CityCode("BDJ", "Kota Banjarmasin", "63.71"),
        CityCode("BPN", "Kota Balikpapan", "64.71"),
        CityCode("SRI", "Kota Samarinda", "64.72"),
        CityCode("AAP", "Kota Samarinda", "64.72"),
        CityCode("TRK", "Kota Tarakan", "65.71"),
        CityCode("DPS", "Kota Denpasar", "51.71"),
        CityCode("AMI", "Kota Mataram", "52.71"),
        CityCode("LOP", "Kabupaten Lombok Tengah", "52.02"),
        CityCode("KOE", "Kota Kupang", "53.71"),
        CityCode("MDC", "Kota Manado", "71.71"),
        CityCode("PLW", "Kota Palu", "72.71"),
        CityCode("UPG", "Kota Makassar", "73.71"),
        CityCode("KDI", "Kota Kendari", "74.71"),
        CityCode("GTO", "Kota Gorontalo", "75.71"),
        CityCode("MJU", "Kabupaten Mamuju", "76.02"),
        CityCode("AMQ", "Kota Ambon", "81.71"),
        CityCode("TTE", "Kota Ternate", "82.71"),
        CityCode("DJJ", "Kota Jayapura", "91.71"),
        CityCode("MKW", "Kabupaten Manokwari", "92.02"),
        CityCode("MKQ", "Kabupaten Merauke", "93.01"),
        CityCode("TIM", "Kabupaten Mimika", "94.04"),
        CityCode("WMX", "Kabupaten Jayawijaya", "95.01"),
        CityCode("SOQ", "Kota Sorong", "96.71"),
    )
}


def zone_for_city_code(code: str | None) -> timezone | None:
    """Zone of a partner city code: its first three letters through :data:`CITY_CODES`."""
    if not code:
        return None
    city = CITY_CODES.get(code.strip().upper()[:3])
    return zone_for_region_code(city.region_code) if city else None


@lru_cache(maxsize=256)  # a handful of zones and offsets recur
def format_offset(tz: timezone | timedelta | None) -> str:
    """``+07:00`` style text of an offset."""
    delta = tz.utcoffset(None) if isinstance(tz, timezone) else tz
    if delta is None:
        return "+00:00"
    minutes = int(delta.total_seconds() // 60)
    sign = "+" if minutes >= 0 else "-"
    minutes = abs(minutes)
    return f"{sign}{minutes // 60:02d}:{minutes % 60:02d}"


#: Instants a tracking event can have happened at; anything else is a broken row.
PLAUSIBLE = (datetime(1970, 1, 1, tzinfo=timezone.utc), datetime(2100, 1, 1, tzinfo=timezone.utc))


def _plausible(aware: datetime, local_text: str) -> datetime:
    """``aware`` in UTC; ValueError when it lies outside :data:`PLAUSIBLE`."""
    try:
        instant = aware.astimezone(timezone.utc)
    except OverflowError:
        instant = None
    if instant is None or not PLAUSIBLE[0] <= instant < PLAUSIBLE[1]:
        raise ValueError(f"time {local_text!r} is outside {PLAUSIBLE[0].year}-"
                         f"{PLAUSIBLE[1].year - 1}")
    return instant


@dataclass(frozen=True, slots=True)
class LocalTime:
    """An instant decided from a partner's time text."""

    instant: datetime
    local_text: str
    utc_offset: str
    zone_source: ZoneSource


def localize(
    moment: datetime,
    local_text: str,
    *,
    postal_code: str | None = None,
    region_code: str | None = None,
    city_code: str | None = None,
) -> LocalTime:
    """Turn a parsed partner time into a UTC instant, deciding the zone of a naive one.

    An aware ``moment`` keeps its offset. A naive one takes the zone of the first of
    postal code, region code and city code that locates it, else WIB. A time outside
    :data:`PLAUSIBLE` (year 1, year 9999: a broken or hostile row) raises ValueError.
    """
    local_text = repair_text(local_text)
    if moment.tzinfo is not None and moment.utcoffset() is not None:
        return LocalTime(
            _plausible(moment, local_text),
            local_text,
            format_offset(moment.utcoffset()),
            ZoneSource.EXPLICIT,
        )
    zone = (
        zone_for_postal_code(postal_code)
        or zone_for_region_code(region_code)
        or zone_for_city_code(city_code)
    )
    source = ZoneSource.LOCATION if zone else ZoneSource.DEFAULT
    zone = zone or WIB
    return LocalTime(
        _plausible(moment.replace(tzinfo=zone), local_text),
        local_text,
        format_offset(zone),
        source,
    )


def read_local_time(
    value: Any,
    formats: tuple[str, ...],
    *,
    postal_code: str | None = None,
    region_code: str | None = None,
    city_code: str | None = None,
) -> LocalTime:
    """A row's time field: its text read with the first of ``formats`` that fits
    (:func:`~lintas.connectors.common.parse_time`), then placed in its zone by the location
    given (:func:`localize`); ValueError naming the text when it cannot be read."""
    local_text = text(value) or ""
    moment = parse_time(local_text, formats)
    try:
        return localize(moment, local_text, postal_code=postal_code, region_code=region_code,
                        city_code=city_code)
    except OverflowError as exc:
        raise ValueError(f"time {local_text!r} is out of range") from exc
