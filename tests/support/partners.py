"""The partners as the tests see them: which to run a test over, their recordings and
their hand-written cases.

``tests/fixtures/<id>/cases.json`` holds what a partner sends that its scenario catalog
does not draw, each payload written as a JSON value (a string is sent as its UTF-8 bytes,
any other value as its JSON text, :func:`wire`)::

    {
      "not_found": [payload, ...],           # answers meaning "no such parcel"
      "foreign": [payload, ...],             # payloads that are not the partner's at all
      "errors": [{"body": payload, "message": "^regex"}, ...],   # errors it answers
      "problems": [{"body": payload, "row": 0, "why": "text"}, ...],  # one unreadable row
      "unlisted": {"body": payload, "raw_status": "CODE"},       # one scan, code unlisted
      "statuses": [["raw code", "text or null", "canonical status"], ...]  # documented
    }
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from datetime import datetime, timedelta, timezone
from functools import cache
from typing import Any

import pytest

from lintas.connectors.model import ParseResult, record_to_json
from lintas.connectors.partner import Partner
from lintas.connectors.registry import PARTNERS
from lintas.connectors.sandboxes.kit import SandboxKit, sandbox_kit
from lintas.connectors.sandboxes.scenario import Entry
from tests.support.record import (
    CASES,
    FIXTURES,
    Manifest,
    file_name,
    parse_each,
    recorded_entries,
    sent_payloads,
)

__all__ = [
    "ALL",
    "PULL",
    "PUSH",
    "assert_local_times",
    "assert_one_line",
    "cases",
    "catalog",
    "each",
    "kit",
    "recorded",
    "recorded_doc",
    "recorded_entry",
    "recorded_result",
    "recorded_rows",
    "sent",
    "wire",
]

ALL: list[Partner] = list(PARTNERS.values())
PULL: list[Partner] = [p for p in ALL if p.mode == "pull"]
PUSH: list[Partner] = [p for p in ALL if p.mode == "push"]


def each(partners: list[Partner], *, scope: str | None = None,
         failing: Mapping[str, str] | None = None) -> Callable[[Callable[..., Any]], Any]:
    """Parametrize a test's ``partner`` over ``partners``, named by id (``scope``: that of
    the fixtures the tests of one partner share). ``failing`` names the partners known to
    fail the test, with why: they must fail it (a strict xfail) until production is fixed."""
    known = failing or {}
    params = [pytest.param(p, id=p.id, marks=[pytest.mark.xfail(strict=True, reason=known[p.id])]
                           if p.id in known else []) for p in partners]
    return pytest.mark.parametrize("partner", params, scope=scope)


def kit(partner: Partner) -> SandboxKit:
    """The partner's sandbox kit; every partner has one."""
    found = sandbox_kit(partner)
    assert found is not None, f"{partner.id} declares no scenarios"
    return found


def catalog(partner: Partner, seed: int, start: datetime, rounds: int = 1) -> list[Entry]:
    """The partner's scenario catalog of ``seed``."""
    return kit(partner).build_catalog(seed, start=start, rounds=rounds)


@cache
def cases(partner_id: str) -> dict[str, Any]:
    """The partner's hand-written cases (empty when it has none)."""
    path = FIXTURES / partner_id / CASES
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}


def sent(partner: Partner, entry: Entry) -> list[bytes]:
    """What the partner sends for one entry: its answer, or each webhook it pushes."""
    deliver = kit(partner).deliver
    if deliver is None:
        return [entry.body]
    webhooks: list[bytes] = deliver.webhooks(entry)  # type: ignore[attr-defined]
    return webhooks


def assert_one_line(partner: Partner, message: str) -> None:
    """``message`` is one line naming the partner first, as every error a parser raises
    and every problem it reports must be."""
    assert message.startswith(f"{partner.id}: "), message
    assert "\n" not in message and "\r" not in message, message


def assert_local_times(rows: list[dict[str, Any]], layout: str) -> None:
    """Each event row's local time as the partner wrote it (read with ``layout``) is its
    instant moved by its UTC offset: the zone a parser chose is the one it reports."""
    for row in rows:
        local = datetime.strptime(row["local_time"], layout).replace(tzinfo=timezone.utc)
        sign, hours, minutes = row["utc_offset"][0], row["utc_offset"][1:3], row["utc_offset"][4:]
        offset = timedelta(hours=int(hours), minutes=int(minutes)) * (-1 if sign == "-" else 1)
        assert local - datetime.fromisoformat(row["occurred_at"]) == offset, row["local_time"]


def wire(value: Any) -> bytes:
    """A hand-written payload as sent: a string as its bytes, anything else as JSON."""
    return value.encode() if isinstance(value, str) else json.dumps(value).encode()


@cache
def _manifest_entries(partner_id: str) -> dict[str, Entry]:
    partner = PARTNERS[partner_id]
    return {e.scenario: e for e in recorded_entries(partner, Manifest.read(partner_id))}


def recorded_entry(partner: Partner, scenario: str) -> Entry:
    """The catalog entry a recording was made from."""
    return _manifest_entries(partner.id)[scenario]


def recorded(partner: Partner, scenario: str) -> bytes:
    """The bytes of one recording."""
    return (FIXTURES / partner.id / file_name(recorded_entry(partner, scenario))).read_bytes()


def recorded_doc(partner: Partner, scenario: str) -> Any:
    """One JSON recording, decoded."""
    return json.loads(recorded(partner, scenario))


def recorded_result(partner: Partner, scenario: str) -> ParseResult:
    """What the partner's parse makes of one recording (of each webhook of a push
    partner's, merged)."""
    return parse_each(partner, sent_payloads(partner, recorded(partner, scenario)))[0]


def recorded_rows(partner: Partner, scenario: str) -> list[dict[str, Any]]:
    """The events of one recording as JSON rows (the golden file's)."""
    return [record_to_json(e.to_record()) for e in recorded_result(partner, scenario).events]
