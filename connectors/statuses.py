"""Declarative status tables: a partner's raw codes and texts -> canonical statuses.

A table lists, per canonical status, the raw codes that mean it, and optionally text
keywords that override the code (Pos says ``SELESAI ANTAR`` both for a delivery and for a
failed one; only the status text tells them apart). Anything unlisted maps to
``unknown``, never raised; the event keeps its raw code, and the normalize agent counts
such events (``lintas_events_unmapped_status_total``) so that a table missing a code shows.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

from lintas.schemas.statuses import Status

__all__ = ["StatusTable", "normalize_code"]

def normalize_code(raw: object) -> str:
    """Upper-case, trimmed, inner whitespace folded: the form table keys are compared in."""
    return " ".join(str(raw).split()).upper()


class StatusTable:
    """Raw status -> canonical status for one partner."""

    def __init__(
        self,
        partner: str,
        codes: Mapping[Status, Iterable[str]],
        *,
        text_overrides: Mapping[Status, Iterable[str]] | None = None,
        prefixes: Mapping[Status, Iterable[str]] | None = None,
    ) -> None:
        self.partner = partner
        self.codes: dict[str, Status] = {}
        for status, raws in codes.items():
            for raw in raws:
                key = normalize_code(raw)
                if key in self.codes and self.codes[key] is not status:
                    raise ValueError(f"{partner}: raw code {raw!r} listed under two statuses")
                self.codes[key] = status
        self.prefixes: list[tuple[str, Status]] = sorted(
            ((normalize_code(p), s) for s, ps in (prefixes or {}).items() for p in ps),
            key=lambda item: -len(item[0]),
        )
        self.text_overrides: list[tuple[re.Pattern[str], Status]] = [
            (re.compile(r"\b" + re.escape(normalize_code(word)) + r"\b"), status)
            for status, words in (text_overrides or {}).items()
            for word in words
        ]
        # Matches where any of the overrides does: most texts say none, and one search
        # tells so (the overrides' order decides only among those that match).
        self._any_override = re.compile(
            "|".join(f"(?:{p.pattern})" for p, _ in self.text_overrides) or "(?!)")

    def lookup(self, raw_code: object, text: str | None = None) -> Status:
        """The canonical status of ``raw_code`` (refined by ``text``), ``unknown`` if unlisted."""
        if text and self.text_overrides:
            upper = normalize_code(text)
            if self._any_override.search(upper):
                for pattern, status in self.text_overrides:
                    if pattern.search(upper):
                        return status
        key = normalize_code(raw_code)
        mapped = self.codes.get(key)
        if mapped is None:
            for prefix, candidate in self.prefixes:
                if key.startswith(prefix):
                    return candidate
            return Status.UNKNOWN
        return mapped

    def rows(self) -> list[tuple[str, str, Status]]:
        """(kind, raw, status) rows for the crosswalk document, in a stable order."""
        out = [("code", raw, status) for raw, status in self.codes.items()]
        out += [("prefix", raw, status) for raw, status in self.prefixes]
        out += [("text", p.pattern[2:-2].replace("\\", ""), s) for p, s in self.text_overrides]
        return out
