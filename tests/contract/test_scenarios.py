"""Every partner's scenario catalogs against what their entries promise, decided by each
scenario independently of the parser: the events, bad rows and final status a correct
pipeline makes of them, every event fit for the ShipmentEvent schema."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from datetime import datetime, timezone

import pytest

from lintas.connectors.model import ParseResult, record_to_json
from lintas.connectors.partner import Partner
from lintas.connectors.sandboxes.scenario import Entry
from lintas.core.errors import PayloadError
from lintas.schemas.codec import codec
from lintas.schemas.statuses import Status
from lintas.streams.reconcile import reconcile
from tests.support.partners import ALL, PUSH, assert_one_line, catalog, each, sent
from tests.support.record import parse_each

#: (seed, start) of the catalogs checked, three rounds each
CATALOGS = [
    (1, datetime(2025, 6, 1, tzinfo=timezone.utc)),
    (7, datetime(2025, 6, 1, 8, 30, tzinfo=timezone.utc)),
    (11, datetime(2025, 6, 1, 8, 30, 15, tzinfo=timezone.utc)),
    (23, datetime(2025, 6, 1, 8, 30, 15, tzinfo=timezone.utc)),
    (2024, datetime(2025, 6, 1, tzinfo=timezone.utc)),
]
#: extra fields in which a scenario names the personal data it hides in its payloads
NAMES = ("receiver", "courier")
PHONES = ("phone", "phones", "contact", "courier_phone")
_EVENT = codec("ShipmentEvent")


def _parsed(partner: Partner, entry: Entry) -> tuple[ParseResult, list[int]]:
    """Everything the partner sends for ``entry``, parsed as the pipeline does, and the
    positions that gave dead letters."""
    return parse_each(partner, sent(partner, entry), request_key=entry.tracking_number)


def _check_promise(partner: Partner, entry: Entry) -> None:
    if entry.outcome == "dead_letter":
        with pytest.raises(PayloadError) as info:
            partner.parse(entry.body, request_key=entry.tracking_number)
        assert_one_line(partner, str(info.value))
        return
    result, dead = _parsed(partner, entry)
    if entry.outcome == "not_found":
        assert (result.not_found, result.events, result.problems) == (True, [], [])
        return
    events = result.events
    assert len(dead) == entry.bad_rows
    if "refused" in entry.extra:  # which webhooks cannot become an event
        assert dead == entry.extra["refused"]
    for problem in result.problems:
        assert problem.error_class == "InvalidEvent" and problem.row is not None
        assert problem.message.startswith(f"{partner.id}: row {problem.row}")
        assert_one_line(partner, problem.message)
    assert {e.tracking_number for e in events} == {entry.tracking_number}
    assert {e.tracking_number_flags for e in events} == {()}
    assert len({e.event_id for e in events}) == entry.distinct_events
    records = [e.to_record() for e in events]
    for record in records:
        _EVENT.encode(record)
    view = reconcile(entry.key, records)
    assert (view["status"], view["event_count"]) == (entry.final_status, entry.distinct_events)
    known = [e for e in events if e.status is not Status.UNKNOWN]
    assert len(known) == len(events) or entry.scenario == "unknown_codes"
    latest = max(known, key=lambda e: (e.occurred_at, e.event_id))
    assert latest.status.value == entry.final_status


@each(ALL)
@pytest.mark.parametrize(("seed", "start"), CATALOGS, ids=[str(s) for s, _ in CATALOGS])
def test_every_scenario_yields_what_its_entry_promises(partner, seed, start):
    for entry in catalog(partner, seed, start, rounds=3):
        try:
            _check_promise(partner, entry)
        except AssertionError as exc:
            raise AssertionError(f"{entry.scenario} ({entry.tracking_number}): {exc}") from exc


@each(ALL)
def test_a_scan_sent_twice_keeps_one_event_id(partner):
    for seed, start in CATALOGS:
        (entry,) = [e for e in catalog(partner, seed, start) if e.scenario == "duplicates"]
        events = _parsed(partner, entry)[0].events
        ids = [e.event_id for e in events]
        assert len(ids) > len(set(ids)) == entry.distinct_events


#: scenarios named after the order of their scans, and what their instants must show
_ORDERS: dict[str, Callable[[list[datetime]], bool]] = {
    "newest_first": lambda instants: instants == sorted(instants, reverse=True) != sorted(instants),
    "oldest_first": lambda instants: instants == sorted(instants) != sorted(instants, reverse=True),
    "out_of_order": lambda instants: instants != sorted(instants),
}


@each([p for p in ALL if p.mode != "push"])
def test_events_keep_the_order_the_partner_sent_them_in(partner):
    for seed, start in CATALOGS:
        for entry in catalog(partner, seed, start):
            result, dead = _parsed(partner, entry)
            if entry.outcome != "shipment" or dead:
                continue
            events = result.events
            assert [e.sequence for e in events] == list(range(len(events))), entry.scenario
            instants = [e.occurred_at for e in events]
            if entry.scenario in _ORDERS:
                assert _ORDERS[entry.scenario](instants), entry.scenario


@each(PUSH)
def test_the_events_of_a_webhook_do_not_depend_on_the_webhooks_before_it(partner):
    for seed, start in CATALOGS:
        for entry in catalog(partner, seed, start):
            webhooks = sent(partner, entry)
            in_order = _parsed(partner, entry)[0].events
            reversed_ = parse_each(partner, webhooks[::-1])[0].events
            assert [e.to_record() for e in reversed_] == [e.to_record() for e in in_order[::-1]]


def _personal(entry: Entry) -> tuple[list[str], list[str]]:
    """(names, phone numbers) the entry says its payloads hold."""
    def values(keys: tuple[str, ...]) -> list[str]:
        found = [entry.extra[k] for k in keys if k in entry.extra]
        return [str(v) for value in found for v in (value if isinstance(value, list) else [value])]

    return values(NAMES), values(PHONES)


def _masked(name: str) -> str:
    return " ".join(word[0] + "*" * (len(word) - 1) for word in name.split())


@each(ALL)
def test_personal_data_named_by_the_scenarios_never_reaches_an_event(partner):
    entries = [e for seed, start in CATALOGS for e in catalog(partner, seed, start)
               if any(_personal(e))]
    assert entries, f"{partner.id}: no scenario names the personal data it sends"
    for entry in entries:
        events = _parsed(partner, entry)[0].events
        dumped = json.dumps([record_to_json(e.to_record()) for e in events], ensure_ascii=False)
        names, phones = _personal(entry)
        for word in (w for name in names for w in re.findall(r"\w{2,}", name)):
            assert word.casefold() not in dumped.casefold(), (entry.scenario, word)
        squeezed = re.sub(r"[\s-]", "", dumped)
        for phone in phones:
            digits = re.sub(r"\D", "", phone)
            assert digits[4:-2] not in squeezed, (entry.scenario, phone)
        if "receiver" in entry.extra:
            assert _masked(entry.extra["receiver"]) in {e.receiver for e in events}
