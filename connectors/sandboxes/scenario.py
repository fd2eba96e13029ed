"""What a partner sandbox serves, and what a correct pipeline makes of it.

Each partner's ``scenarios.build_catalog(seed, ...)`` returns :class:`Entry` items: one
tracking number, the exact body the partner's API answers for it, and — decided by the
scenario, independently of the parser — the outcome: a shipment with so many distinct
events and a final status, a "not found", or dead letters.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

__all__ = ["Entry", "Outcome"]

Outcome = Literal["shipment", "not_found", "dead_letter"]


@dataclass
class Entry:
    """One tracking number a sandbox knows."""

    partner: str
    tracking_number: str
    scenario: str
    body: bytes
    outcome: Outcome
    distinct_events: int = 0
    final_status: str | None = None
    bad_rows: int = 0  # dead letters expected: 1 for a foreign payload, n for n bad rows
    fail_first: int = 0  # the sandbox answers this many requests with HTTP 503 first
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def key(self) -> str:
        """The record key on the raw topic: ``partner:tracking_number``."""
        return f"{self.partner}:{self.tracking_number}"

    @property
    def shipment_id(self) -> str:
        return self.key

    def expectation(self) -> dict[str, Any]:
        return {
            "partner": self.partner,
            "tracking_number": self.tracking_number,
            "scenario": self.scenario,
            "outcome": self.outcome,
            "distinct_events": self.distinct_events,
            "final_status": self.final_status,
            "bad_rows": self.bad_rows,
        }
