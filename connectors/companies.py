"""Companies named in partners' text. A company's or shop's name is not personal data, so
it is never masked; and a courier's name is evidence of a hand-over (Lion Parcel posting a
parcel at a Pos counter names itself as the sender; Lion's own scans name ``PT POS`` as the
carrier taking a parcel on).

:func:`carrier_named` reads a courier's name as the partner id it stands for;
:func:`names_company` tells a company's or shop's name from a person's.
"""

from __future__ import annotations

import re

from lintas.connectors.masking_words import COMPANY_PREFIXES

__all__ = ["carrier_named", "names_company"]

#: Names (after folding: upper case, letters, digits, ``&`` and single spaces, legal forms
#: and trailing service words dropped) -> partner id.
_NAMES = {
    "POS": "pos", "POS INDONESIA": "pos", "KANTOR POS": "pos",
    "JNE": "jne", "TIKI JALUR NUGRAHA EKAKURIR": "jne", "JALUR NUGRAHA EKAKURIR": "jne",
    "J&T": "jnt", "JNT": "jnt", "J & T": "jnt", "J&T INDONESIA": "jnt",
    "SICEPAT": "sicepat", "SI CEPAT": "sicepat",
    "ANTERAJA": "anteraja", "ANTER AJA": "anteraja",
    "LION": "lion", "LION PARCEL": "lion",
    "TIKI": "tiki", "CITRA VAN TITIPAN KILAT": "tiki",
    "SAP": "sap",
    "NINJA": "ninja", "NINJA VAN": "ninja",
    "IDEXPRESS": "idexpress", "ID EXPRESS": "idexpress",
}
_LEGAL_FORMS = {"PT", "CV", "TBK", "PERSERO"}
_SERVICE_WORDS = {"EXPRESS", "EXPRES", "EKSPRES", "XPRESS", "LOGISTICS", "LOGISTIK",
                  "SERVICE", "SERVICES", "INDONESIA"}
_NOT_NAME = re.compile(r"[^A-Z0-9& ]")


def carrier_named(text: str | None) -> str | None:
    """The partner id ``text`` names as a whole (``LION PARCEL``, ``PT. Pos Indonesia
    (Persero)``, ``J&T Express``), or None when it names none."""
    if not text or len(text) > 80:
        return None
    words = _NOT_NAME.sub(" ", text.upper()).split()
    words = [w for w in words if w not in _LEGAL_FORMS]
    if not words:
        return None
    found = _NAMES.get(" ".join(words))
    while found is None and len(words) > 1 and words[-1] in _SERVICE_WORDS:
        words.pop()
        found = _NAMES.get(" ".join(words))
    return found


_COMPANY_START = re.compile(r"(?:" + "|".join(COMPANY_PREFIXES) + r")\b", re.IGNORECASE)


def names_company(text: str | None) -> bool:
    """Whether ``text`` is a courier's name or begins as a company's or shop's does
    (``PT``, ``CV``, ``TOKO``, ``WARUNG`` …)."""
    if not text:
        return False
    return bool(_COMPANY_START.match(text.strip())) or carrier_named(text) is not None
