"""Where a JNE scan happened: the place named in the brackets of its ``desc``.

JNE ends a history text with the place in square brackets, either a three-letter city
code and an operation (``[AMQ, OPR INBOUND]``) or a name (``[MAKASSAR]``,
``[GATEWAY JAKARTA]``, ``[MAKASSAR , AGEN PANAKKUKANG]``). Names are matched against the
cities of :data:`lintas.connectors.timezones.CITY_CODES` and the few other spellings below.
"""

from __future__ import annotations

import re
from functools import cache

from lintas.connectors.timezones import CITY_CODES

__all__ = ["city_code_for_place"]

# Spellings JNE uses for cities whose CITY_CODES name reads otherwise.
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


def city_code_for_place(place: str | None) -> tuple[str | None, bool]:
    """(city code, whether JNE wrote the code itself) of a bracketed place; (None, False)
    when the place names no known city."""
    if not place:
        return None, False
    upper = place.upper()
    first = upper.split(",", 1)[0].split()
    if len(first) == 1 and first[0] in CITY_CODES:
        return first[0], True
    words = _WORDS.findall(upper)
    names = _names()
    for size in range(_LONGEST_NAME, 0, -1):
        for start in range(len(words) - size + 1):
            code = names.get(" ".join(words[start : start + size]))
            if code:
                return code, False
    return None, False
