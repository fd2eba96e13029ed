"""Tracking-number hygiene: normalize, then check against a partner's known shapes.

Checks only *flag*; they never decide which partner a number belongs to, and a flagged
number is processed like any other. Each partner declares its shapes
(:class:`TrackingNumbers` in its folder's ``__init__.py``).
"""

from __future__ import annotations

import re
from collections.abc import Callable

__all__ = ["TrackingNumbers", "normalize_tracking_number", "s10_check_digit", "s10_valid"]

_NON_PRINTABLE = re.compile(r"[^\x21-\x7e]")
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


def s10_valid(number: str) -> bool:
    """False for a UPU S10 number (``RR123456785ID``) whose check digit is wrong; True for
    any other number."""
    s10 = _S10.match(number)
    return not s10 or s10_check_digit(s10.group(1)) == int(s10.group(2))


class TrackingNumbers:
    """A partner's known tracking-number shapes (whole-number regular expressions) and an
    optional check-digit rule."""

    def __init__(self, *patterns: str, check: Callable[[str], bool] | None = None) -> None:
        self.patterns = tuple(re.compile(rf"^(?:{p})$") for p in patterns)
        self.check = check

    def flags(self, number: str) -> tuple[str, ...]:
        """Flags for a normalized tracking number: empty when it looks right.

        ``empty``, ``pattern_mismatch`` (none of the known shapes) or
        ``check_digit_mismatch`` (the check rule refuses it).
        """
        if not number:
            return ("empty",)
        flags: tuple[str, ...] = ()
        if self.patterns and not any(p.match(number) for p in self.patterns):
            flags += ("pattern_mismatch",)
        if self.check is not None and not self.check(number):
            flags += ("check_digit_mismatch",)
        return flags

    def __repr__(self) -> str:
        return f"TrackingNumbers({', '.join(repr(p.pattern[4:-2]) for p in self.patterns)})"
