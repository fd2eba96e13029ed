"""Tracking-number hygiene: normalize, then check against each partner's known patterns.

Checks only *flag*; they never decide which partner a number belongs to, and a flagged
number is processed like any other.
"""

from __future__ import annotations

import re

__all__ = ["PATTERNS", "check_tracking_number", "normalize_tracking_number", "s10_check_digit"]

_NON_PRINTABLE = re.compile(r"[^\x21-\x7e]")

#: Known tracking-number shapes per partner (PARTNERS.md).
PATTERNS: dict[str, tuple[re.Pattern[str], ...]] = {
    "pos": (
        re.compile(r"^[A-Z]{2}\d{9}ID$"),  # international, UPU S10
        re.compile(r"^SHPE\d{11}$"),  # marketplace
        re.compile(r"^P\d{12,13}$"),  # domestic barcode (lintas's observation)
    ),
    "jne": (re.compile(r"^\d{15,16}$"),),
    "jnt": (re.compile(r"^J[PX]\d{10}$"),),
    "sicepat": (re.compile(r"^00\d{10}$"),),
    "anteraja": (re.compile(r"^1000\d{10}$"),),
    "idexpress": (re.compile(r"^IDS\d{12}$"),),
    "lion": (re.compile(r"^\d{2}LP\d{13}$"), re.compile(r"^\d{11}$")),
    "tiki": (re.compile(r"^\d{12}$"), re.compile(r"^TKP\d{10}$")),
}

_S10 = re.compile(r"^[A-Z]{2}(\d{8})(\d)[A-Z]{2}$")
_S10_WEIGHTS = (8, 6, 4, 2, 3, 5, 9, 7)


def normalize_tracking_number(value: object) -> str:
    """Upper-cased, with spaces and non-printable characters removed."""
    return _NON_PRINTABLE.sub("", str(value)).upper()


def s10_check_digit(serial: str) -> int:
    """The UPU S10 check digit of an 8-digit serial number."""
    total = sum(int(d) * w for d, w in zip(serial, _S10_WEIGHTS, strict=True))
    check = 11 - total % 11
    return {10: 0, 11: 5}.get(check, check)


def check_tracking_number(partner: str, number: str) -> list[str]:
    """Flags for a normalized tracking number: empty when it looks right.

    ``empty``, ``pattern_mismatch`` (none of the partner's known shapes) or
    ``check_digit_mismatch`` (an S10 number whose check digit is wrong).
    """
    if not number:
        return ["empty"]
    flags = []
    patterns = PATTERNS.get(partner)
    if patterns and not any(p.match(number) for p in patterns):
        flags.append("pattern_mismatch")
    s10 = _S10.match(number)
    if s10 and partner == "pos" and s10_check_digit(s10.group(1)) != int(s10.group(2)):
        flags.append("check_digit_mismatch")
    return flags
