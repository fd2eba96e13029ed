"""Masking of personal data inside partner text, before it leaves the raw topics.

Names keep their initials (``BUDI SANTOSO`` -> ``B*** S******``); phone numbers keep their
first four and last two digits (``081234567890`` -> ``0812******90``). Names are found where
partners put them: after words like ``OLEH``, ``RECEIVED BY``, ``KURIR`` or inside JNE's
``DELIVERED TO [NAME | ...]``; parsers mask the receiver fields they know directly.
"""

from __future__ import annotations

import re

__all__ = ["mask_known_name", "mask_name", "mask_phone", "mask_text", "masked_name_in"]

_PHONE = re.compile(r"(?<![\w*])(?:\+62|62|0)[\s.-]?8\d(?:[\s.-]?\d){6,11}(?!\d)")

# A name is one to four words of letters after a marker; it stops at punctuation, digits
# or a word that opens the next part of the sentence.
_NAME_MARKERS = (
    r"DITERIMA\s+OLEH",
    r"DITERIMA",
    r"OLEH",
    r"RECEIVED\s+BY\s*:?",
    r"PENERIMA\s*:",
    r"KURIR\s*:?",
    r"COURIER\s*:?",
    r"SPRINTER\s*:?",
    r"DRIVER\s*:?",
    r"DELIVERED\s+TO\s*\[",
    r"YBS\s*:",
    r"\[M\]\s*RECEIVED\s+BY\s*:?",
)
_STOP_WORDS = {
    "DI", "KE", "DARI", "PADA", "DAN", "YANG", "SUDAH", "TELAH", "AT", "TO", "ON", "BY",
    "YBS", "SENDIRI", "SIALAMAT", "ALAMAT", "PENERIMA", "KELUARGA", "SATPAM", "TETANGGA",
    "RECEPTIONIST", "SECURITY", "CUSTOMER", "ADDRESSEE", "HUB", "GATEWAY", "COUNTER",
    "PAKET", "KIRIMAN", "AKAN", "SEGERA", "DIKIRIM", "DIANTAR", "SEDANG", "PENGIRIM",
    "SENDER", "KANTOR", "LOKET", "POS", "KURIR", "COURIER", "SPRINTER", "DRIVER", "PETUGAS",
    "OFFICER", "AGEN", "AGENT", "JNE", "J&T", "JNT", "SICEPAT", "SIGESIT", "ANTERAJA", "NINJA",
    "LION", "TIKI", "SAP", "IDEXPRESS", "THE", "A", "AN", "HAS", "HAVE", "HAD", "IS", "ARE",
    "WAS", "WERE", "BEEN", "BE", "WILL", "ASSIGNED", "WITH", "FOR", "IN", "OF", "AND",
    "MENUJU", "DALAM", "PERJALANAN", "SAMPAI", "TIBA", "MENGAMBIL", "MENGANTAR", "ADA", "TIDAK",
    "BELUM", "INI", "ITU", "UNTUK", "DENGAN", "PICKUP", "PT", "CV",
}
_NAME = re.compile(
    r"(?P<marker>\b(?:" + "|".join(_NAME_MARKERS) + r"))(?P<gap>\s*)"
    r"(?P<name>[A-Za-z][A-Za-z'.]*(?:[ \t]+[A-Za-z][A-Za-z'.]*){0,3})",
    re.IGNORECASE,
)


def mask_phone(number: str) -> str:
    """``0812-3456-7890`` -> ``0812******90``: first four and last two digits kept."""
    digits = re.sub(r"\D", "", number)
    if len(digits) <= 6:
        return "*" * len(digits)
    return digits[:4] + "*" * (len(digits) - 6) + digits[-2:]


def mask_name(name: str) -> str:
    """``Budi Santoso`` -> ``B*** S******``: each word keeps its first letter."""
    return " ".join(
        word[0] + "*" * (len(word) - 1) if len(word) > 1 else word for word in name.split()
    )


#: Longest name a feed may state that is searched for in text: a real name is short, and
#: each search costs the name's length times the text's.
MAX_KNOWN_NAME = 100


def mask_known_name(text: str, name: str | None) -> str:
    """``text`` with every occurrence (any case, whole words) of ``name`` — a receiver or
    signer the feed states in a field of its own — masked as :func:`mask_name` does."""
    if not name or len(name) > MAX_KNOWN_NAME or not name.split():
        return text
    pattern = r"(?<!\w)" + re.escape(" ".join(name.split())) + r"(?!\w)"
    masked = mask_name(name)
    return re.sub(pattern, lambda _: masked, text, flags=re.IGNORECASE)


def masked_name_in(text: str, pattern: re.Pattern[str]) -> str | None:
    """The name the first group of ``pattern`` finds in ``text`` (a receiver a sentence
    names), masked as :func:`mask_name` does; None when it finds none."""
    found = pattern.search(text)
    return mask_name(found.group(1)) if found and found.group(1).strip() else None


def _mask_name_match(match: re.Match[str]) -> str:
    name = match.group("name")
    end = 0
    for word in re.finditer(r"\S+", name):
        if word.group(0).upper().strip(".'") in _STOP_WORDS:
            break
        end = word.end()
    if end == 0:
        # The next word opens something else ("oleh kurir Andi"): mask what follows it.
        return match.group("marker") + match.group("gap") + _NAME.sub(_mask_name_match, name)
    return match.group("marker") + match.group("gap") + mask_name(name[:end]) + name[end:]


def mask_text(text: str) -> str:
    """``text`` with phone numbers and names after known markers masked."""
    if not text:
        return text
    text = _PHONE.sub(lambda m: mask_phone(m.group(0)), text)
    return _NAME.sub(_mask_name_match, text)
