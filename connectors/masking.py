"""Masking of personal data inside partner text, before it leaves the raw topics.

Names keep their initials (``BUDI SANTOSO`` -> ``B*** S******``); phone numbers keep their
first four and last two digits (``081234567890`` -> ``0812******90``). Phone numbers are
found by their shape: mobile and landline, with ``+62``, ``62`` or ``0``, with spaces, dots,
dashes or the area code in parentheses (``(021) 555-1234``). Names are found where partners
put them: after words like ``OLEH``, ``DITERIMA OLEH``, ``KEPADA``, ``PENERIMA``, ``A/N``,
``RECEIVED BY``, ``DELIVERED TO``, ``KURIR``, after a hand-over (``DISERAHKAN KE``, ``TITIP
KE``) and after an honorific (``Bpk``, ``Ibu``, ``Sdr``, ``Mbak``, ``Mas``); a relation or a
role between the marker and the name is kept (``Titip ke tetangga (Ibu S*** A*****)``).
A name stops at punctuation, digits or a word that opens the next part of the sentence;
couriers, companies and shops (``PT POS``, ``LION PARCEL``, ``TOKO BERKAH JAYA``) are never
taken for a name. Parsers mask the receiver fields they know directly.

Every function here runs in time linear in the length of its text.
"""

from __future__ import annotations

import re

from lintas.connectors.masking_words import COMPANY_PREFIXES, LEAD_WORDS, STOP_WORDS

__all__ = [
    "mask_known_name",
    "mask_name",
    "mask_payload",
    "mask_phone",
    "mask_text",
    "masked_name_in",
]

# A phone number: the country or trunk prefix with the area or mobile code, optionally in
# parentheses, then five to ten more digits, with at most two separators between two
# digits. Never part of a word, a longer number, an id (``…-0527158`` of a UUID) or a mask.
_PHONE = re.compile(
    r"(?=[(+60])"  # what every shape starts with: rules most places out at one glance
    r"(?<![\w+*])(?<!\w-)"
    r"(?:\(\s?(?:\+\s?62\s?|0)[2-9]\d{1,3}\s?\)"  # (0812) (021) (+62 21)
    r"|\+\s?62[\s.-]?\(?[2-9]\d{1,3}\)?"  # +62 812, +62 (21)
    r"|(?:62|0)[\s.-]?8\d{1,3}"  # 62 812, 0 812
    r"|0[2-9]\d{1,3})"  # 0812, 021, 0274
    r"(?:[\s.-]{0,2}\d){5,10}"
    r"(?!\w)"
)

#: Markers after which a receiver's name may come inside parentheses too.
_RECEIVER_MARKERS = (
    r"DITERIMA\s+OLEH",
    r"KEPADA",
    r"ATAS\s+NAMA",
    r"A\s?/\s?N",
    r"A\.?N\.",
    r"A\.N",
    r"(?:DI)?(?:SERAHKAN|TITIPKAN|TITIP|BERIKAN)\s+(?:KE|PADA)",
)
#: Markers after which a name follows directly (or after a colon).
_PLAIN_MARKERS = (
    r"DITERIMA",
    r"OLEH",
    r"PENERIMA",
    r"(?:RECEIVED|SIGNED|COLLECTED)\s+BY",
    r"DELIVERED\s+TO\s*\[?",
    r"YBS\s*:",
    r"KURIR",
    r"COURIER",
    r"SPRINTER",
    r"DRIVER",
)
_HONORIFICS = (r"BPK", r"BAPAK", r"PAK", r"IBU", r"BU", r"SDRI?", r"SDRA", r"SAUDARI?",
               r"MBAK", r"MAS", r"NY", r"NYONYA", r"NONA", r"TUAN", r"MRS?", r"MISS")


def _alternatives(patterns: tuple[str, ...]) -> str:
    return "|".join(patterns)


# A marker starts a word and ends where its word ends: "PAK" never matches the start of
# "PAKET". (The look-ahead only spares trying every marker at the end of each word.)
_MARKER = re.compile(
    r"\b(?=\w)(?:(?P<receiver>" + _alternatives(_RECEIVER_MARKERS) + r")"
    r"|(?P<plain>" + _alternatives(_PLAIN_MARKERS) + r")"
    r"|(?P<title>(?:" + _alternatives(_HONORIFICS) + r")\.?))"
    r"(?!(?<=\w)\w)",
    re.IGNORECASE,
)
_COMPANY = re.compile(r"\b(?:" + "|".join(COMPANY_PREFIXES) + r")\b\.?", re.IGNORECASE)
# The same two patterns without IGNORECASE, for ASCII text in upper case: the words are
# upper case, and an ASCII text keeps its length (so every position) in upper case, so
# they find what the patterns above find, several times faster.
_MARKER_UPPER = re.compile(_MARKER.pattern)
_COMPANY_UPPER = re.compile(_COMPANY.pattern)
_WORD = re.compile(r"[^\W\d_](?:[^\W\d_]|['.])*")
_GAP = re.compile(r"[ \t]*(?::[ \t]*)?")
_OPENING_GAP = re.compile(r"[ \t]*(?:[:(\[-][ \t]*)?")
_BETWEEN = re.compile(r"[ \t]+")
_MAX_NAME_WORDS = 4
_MAX_LEADS = 3


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


def _key(word: str) -> str:
    return word.upper().strip(".'")


def _skip(gap: re.Pattern[str], text: str, index: int) -> int:
    found = gap.match(text, index)
    return found.end() if found else index


def _name_after(text: str, start: int, opening: bool) -> tuple[int, int] | None:
    """(start, end) of the name that begins at ``start`` (after a marker), skipping the
    relations, roles and honorifics before it; None when no name comes."""
    index = _skip(_OPENING_GAP if opening else _GAP, text, start)
    words: list[re.Match[str]] = []
    leads = 0
    while len(words) < _MAX_NAME_WORDS:
        word = _WORD.match(text, index)
        if word is None:
            break
        key = _key(word.group())
        if not words and key in LEAD_WORDS and leads < _MAX_LEADS:
            leads += 1
            index = _skip(_OPENING_GAP, text, word.end())
            continue
        if key in STOP_WORDS or key in LEAD_WORDS:
            break
        words.append(word)
        gap = _BETWEEN.match(text, word.end())
        if gap is None:
            break
        index = gap.end()
    return (words[0].start(), words[-1].end()) if words else None


def _company_spans(text: str, upper: str | None) -> list[tuple[int, int]]:
    """Where company and shop names stand (``CV SINAR MAS ABADI``): up to four words after a
    prefix, before any word that opens the next part of the sentence. ``upper`` is
    ``text`` in upper case when it is ASCII, else None."""
    spans = []
    prefixes = _COMPANY_UPPER.finditer(upper) if upper is not None else _COMPANY.finditer(text)
    for prefix in prefixes:
        end = prefix.end()
        index = end
        for _ in range(_MAX_NAME_WORDS):
            gap = _BETWEEN.match(text, index)
            word = _WORD.match(text, gap.end()) if gap else None
            if word is None or _key(word.group()) in STOP_WORDS:
                break
            end = index = word.end()
        spans.append((prefix.start(), end))
    return spans


def _mask_names(text: str) -> str:
    upper = text.upper() if text.isascii() else None
    markers = list(_MARKER_UPPER.finditer(upper) if upper is not None
                   else _MARKER.finditer(text))
    if not markers:
        return text
    companies = _company_spans(text, upper)
    company = 0
    out: list[str] = []
    done = 0
    for marker in markers:
        while company < len(companies) and companies[company][1] <= marker.start():
            company += 1
        if marker.start() < done or (company < len(companies)
                                     and companies[company][0] <= marker.start()):
            continue
        found = _name_after(text, marker.end(), opening=marker.group("plain") is None)
        if found is None:
            continue
        start, end = found
        out += [text[done:start], mask_name(text[start:end])]
        done = end
    out.append(text[done:])
    return "".join(out)


def mask_text(text: str) -> str:
    """``text`` with phone numbers and the names after known markers masked."""
    if not text:
        return text
    text = _PHONE.sub(lambda m: mask_phone(m.group(0)), text)
    return _mask_names(text)


# "key": "value" in JSON, or in what is left of it when it cannot be read.
_JSON_STRING = re.compile(
    r'"(?P<key>[^"\\\n]{1,64})"(?P<colon>[ \t]*:[ \t]*)"(?P<value>(?:[^"\\\n]|\\.)*)"')
_KEY_WORD = re.compile(r"[a-z]+|[A-Z][a-z]*|[A-Z]+(?![a-z])")
#: Words of a field's name that make its value a person's name, address or contact ...
_PERSONAL_KEYS = frozenset(
    "name nama receiver recipient penerima consignee signer shipper sender pengirim courier "
    "kurir driver sprinter contact kontak phone telp telepon mobile hp wa whatsapp email "
    "address addr alamat".split())
#: ... unless another word says it is about something else (``receiver_city``, ``eventName``).
_OTHER_KEYS = frozenset(
    "city kota branch cabang location lokasi place office hub node outlet agent agen point "
    "station service layanan status rowstate event product item goods origin destination "
    "region province district country company time date code zip postcode postal id no "
    "number img path url".split())


def _personal(key: str) -> bool:
    words = {w.lower() for w in _KEY_WORD.findall(key)}
    return bool(words & _PERSONAL_KEYS) and not words & _OTHER_KEYS


def _mask_field(match: re.Match[str]) -> str:
    value = match.group("value")
    if value.strip() and _personal(match.group("key")):
        value = mask_name(value)
    return f'"{match.group("key")}"{match.group("colon")}"{value}"'


def mask_payload(text: str) -> str:
    """A partner's payload as text (JSON, even unreadable, or anything else) with every
    string value of a field named for a person or a phone (``receiver_name``,
    ``pod.contact``) masked as :func:`mask_name` does, then names and phone numbers as
    :func:`mask_text`."""
    if not text:
        return text
    return mask_text(_JSON_STRING.sub(_mask_field, text))
