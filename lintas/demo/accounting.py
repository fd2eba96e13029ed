"""What the demo expects in the view, and what it found there."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

from lintas.connectors.registry import PARTNERS
from lintas.connectors.sandboxes.kit import SandboxKit
from lintas.connectors.sandboxes.scenario import Entry
from lintas.core.redact import redact_url
from lintas.streams.view.store import ViewStore

__all__ = ["DemoSummary", "missing_from_view", "still_missing", "summarize"]


@dataclass
class DemoSummary:
    """What the demo saw in the view at the end."""

    records: int
    shipments: int
    events: int
    dead_letters: int
    not_found: int
    seconds: float
    bootstrap: str
    #: where the view is, its password (if any) as ``***``
    view_url: str
    complete: bool
    missing: list[str] = field(default_factory=list)
    partners: list[str] = field(default_factory=list)
    network_nodes: int = 0
    service_points: int = 0
    refused: int = 0

    def as_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


def _expected_letters(entry: Entry) -> int:
    """Dead letters a correct pipeline files for ``entry``: a push partner's bad webhooks
    are refused by the ingest (HTTP 400) instead, so they never reach the DLQ."""
    return 0 if PARTNERS[entry.partner].mode == "push" else entry.bad_rows


def missing_from_view(store: ViewStore, entries: list[Entry]) -> list[str]:
    """What the view does not yet hold of the sandboxes' catalogs (empty when complete)."""
    shipments = {e.shipment_id: e for e in entries if e.outcome == "shipment"}
    counts = store.timeline_counts(shipments)
    statuses = store.statuses(shipments)
    missing = []
    for sid, entry in shipments.items():
        if counts.get(sid, 0) != entry.distinct_events or statuses.get(sid) != entry.final_status:
            missing.append(
                f"{sid}: {counts.get(sid, 0)}/{entry.distinct_events} events, "
                f"status {statuses.get(sid)} (expected {entry.final_status})"
            )
    letters: dict[bytes, int] = {}
    for row in store.dead_letters(keys=[e.key.encode() for e in entries]):
        letters[row["key"]] = letters.get(row["key"], 0) + 1
    for entry in entries:
        got = letters.get(entry.key.encode(), 0)
        if got != _expected_letters(entry):
            missing.append(f"{entry.key}: {got}/{_expected_letters(entry)} dead letters")
    return missing


def still_missing(store: ViewStore, entries: list[Entry], kits: list[SandboxKit]) -> list[str]:
    """:func:`missing_from_view`, and the networks whose outlets are not all in yet."""
    out = missing_from_view(store, entries)
    for kit in kits:
        expected = kit.expected_outlets()
        nodes = store.count_nodes(kit.partner.id) if expected else 0
        if nodes < expected:
            out.append(f"{kit.partner.id} network: {nodes}/{expected} outlets")
    return out


def summarize(store: ViewStore, entries: list[Entry], started: float, bootstrap: str, url: str,
              missing: list[str]) -> DemoSummary:
    """The summary of a run that began at ``started`` (monotonic seconds) on the view at
    ``url`` (kept with its password hidden)."""
    shipment_ids = [e.shipment_id for e in entries if e.outcome == "shipment"]
    letters = store.dead_letters(keys=[e.key.encode() for e in entries])
    return DemoSummary(
        records=len(entries),
        shipments=store.count_shipments(shipment_ids),
        events=sum(store.timeline_counts(shipment_ids).values()),
        dead_letters=len(letters),
        not_found=sum(1 for e in entries if e.outcome == "not_found"),
        seconds=round(time.monotonic() - started, 1),
        bootstrap=bootstrap,
        view_url=redact_url(url),
        complete=not missing,
        missing=missing,
        partners=sorted({e.partner for e in entries}),
        network_nodes=store.count_nodes(),
        service_points=store.count_service_points(),
    )
