"""City names in partner texts -> the city codes of
:data:`~lintas.connectors.timezones.CITY_CODES`.

JNE and SiCepat name the place of a scan in words (``[MAKASSAR]``, ``[Makassar Hub]``,
``[GATEWAY JAKARTA]``). A name is a city of ``CITY_CODES`` without its ``Kota`` or
``Kabupaten``, or one of the other common spellings below.
"""

from __future__ import annotations

import re
from functools import cache

from lintas.connectors.timezones import CITY_CODES

__all__ = ["city_code_in_text"]

# Spellings partners use for cities whose CITY_CODES name reads otherwise.
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


def city_code_in_text(text: str | None) -> str | None:
    """The city code of the city ``text`` names (the longest name first, then the first
    one); None when it names none."""
    if not text:
        return None
    words = _WORDS.findall(text.upper())
    names = _names()
    for size in range(_LONGEST_NAME, 0, -1):
        for start in range(len(words) - size + 1):
            code = names.get(" ".join(words[start : start + size]))
            if code:
                return code
    return None
