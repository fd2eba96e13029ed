"""Where a SiCepat scan happened: the place named in the brackets of its text.

SiCepat's description (the field named ``city``) names the place of hub scans in square
brackets (``Paket telah di terima di [Makassar Hub]``). Names are matched against the
cities of :data:`lintas.connectors.timezones.CITY_CODES` and the few other spellings below;
brackets holding a courier (``[SIGESIT - ...]``) or a marketplace name no city.
"""

from __future__ import annotations

import re
from functools import cache

from lintas.connectors.timezones import CITY_CODES

__all__ = ["city_code_for_place"]

_ALIASES = {
    "JOGJA": "JOG",
    "JOGJAKARTA": "JOG",
    "SOLO": "SOC",
    "UJUNG PANDANG": "UPG",
    "PALANGKA RAYA": "PKY",
}
_LONGEST_NAME = 3  # words
_WORDS = re.compile(r"[A-Z]+")


@cache
def _names() -> dict[str, str]:
    """Upper-case city name -> city code (the first code listed for a city wins)."""
    index: dict[str, str] = {}
    for city in CITY_CODES.values():
        bare = city.name.upper()
        for prefix in ("KOTA ", "KABUPATEN "):
            bare = bare.removeprefix(prefix)
        index.setdefault(bare, city.code)
    for name, code in _ALIASES.items():
        index.setdefault(name, code)
    return index


def city_code_for_place(place: str | None) -> str | None:
    """The city code of the city a bracketed place names; None when it names none."""
    if not place:
        return None
    words = _WORDS.findall(place.upper())
    names = _names()
    for size in range(_LONGEST_NAME, 0, -1):
        for start in range(len(words) - size + 1):
            code = names.get(" ".join(words[start : start + size]))
            if code:
                return code
    return None
