"""Where a JNE scan happened: the place named in the brackets of its ``desc``.

JNE ends a history text with the place in square brackets, either a three-letter city
code and an operation (``[AMQ, OPR INBOUND]``) or a name (``[MAKASSAR]``,
``[GATEWAY JAKARTA]``, ``[MAKASSAR , AGEN PANAKKUKANG]``), matched as
:func:`lintas.connectors.cities.city_code_in_text` does.
"""

from __future__ import annotations

from lintas.connectors.cities import city_code_in_text
from lintas.connectors.timezones import CITY_CODES

__all__ = ["city_code_for_place"]


def city_code_for_place(place: str | None) -> tuple[str | None, bool]:
    """(city code, whether JNE wrote the code itself) of a bracketed place; (None, False)
    when the place names no known city."""
    if not place:
        return None, False
    first = place.upper().split(",", 1)[0].split()
    if len(first) == 1 and first[0] in CITY_CODES:
        return first[0], True
    return city_code_in_text(place), False
