"""Recorded and hand-written payloads of every partner: the recordings are the catalog
their manifest names, each gives its golden events, a foreign payload is a one-line
payload error, a row that cannot be read one problem saying why, and "not found" a
success without events."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from lintas.connectors.partner import Partner
from lintas.core.errors import PayloadError
from lintas.schemas.statuses import Status
from tests.golden import assert_golden
from tests.support.partners import (
    ALL,
    assert_one_line,
    cases,
    each,
    recorded,
    recorded_entry,
    wire,
)
from tests.support.record import (
    FIXTURES,
    Manifest,
    file_name,
    golden_path,
    golden_rows,
    recorded_entries,
    recording,
    recordings_on_disk,
)

RECORDINGS = [(p, path) for p in ALL for path in recordings_on_disk(p.id)]
WITH_GOLDEN = [(p, path) for p, path in RECORDINGS if golden_path(path).exists()]
WITHOUT_GOLDEN = [(p, path) for p, path in RECORDINGS if not golden_path(path).exists()]
NOT_FOUND = [(p, recorded(p, path.stem)) for p, path in WITH_GOLDEN
             if recorded_entry(p, path.stem).outcome == "not_found"]
NOT_FOUND += [(p, wire(body)) for p in ALL for body in cases(p.id).get("not_found", [])]
FOREIGN = [(p, wire(body)) for p in ALL for body in cases(p.id).get("foreign", [])]
ERRORS = [(p, case) for p in ALL for case in cases(p.id).get("errors", [])]
PROBLEMS = [(p, case) for p in ALL for case in cases(p.id).get("problems", [])]
DOCUMENTED = [p for p in ALL if cases(p.id).get("statuses")]
def _named(pairs: list[tuple[Partner, Path]]) -> list[str]:
    return [f"{p.id}-{path.stem}" for p, path in pairs]


def _numbered(pairs: list[tuple[Partner, Any]]) -> list[str]:
    seen: dict[str, int] = {}
    names = []
    for partner, _ in pairs:
        seen[partner.id] = seen.get(partner.id, 0) + 1
        names.append(f"{partner.id}-{seen[partner.id]}")
    return names


@each(ALL)
def test_the_recordings_are_the_catalog_the_manifest_names_byte_for_byte(partner):
    expected = recording(partner, Manifest.read(partner.id))
    stored = {path.name: path.read_bytes() for path in recordings_on_disk(partner.id)}
    assert sorted(stored) == sorted(expected)
    for name, data in expected.items():
        assert stored[name] == data, name


@each(ALL)
def test_every_recording_but_a_dead_letter_has_a_golden_file(partner):
    entries = recorded_entries(partner, Manifest.read(partner.id))
    golden = {e.scenario for e in entries
              if golden_path(FIXTURES / partner.id / file_name(e)).exists()}
    assert golden == {e.scenario for e in entries if e.outcome != "dead_letter"}


@pytest.mark.parametrize(("partner", "path"), WITH_GOLDEN, ids=_named(WITH_GOLDEN))
def test_a_recording_gives_its_golden_events(partner, path):
    assert_golden(golden_path(path), golden_rows(partner, path.read_bytes()))


@pytest.mark.parametrize(("partner", "path"), WITHOUT_GOLDEN, ids=_named(WITHOUT_GOLDEN))
def test_a_recorded_foreign_payload_is_a_one_line_payload_error(partner, path):
    with pytest.raises(PayloadError) as info:
        partner.parse(path.read_bytes())
    assert_one_line(partner, str(info.value))


@pytest.mark.parametrize(("partner", "payload"), FOREIGN, ids=_numbered(FOREIGN))
def test_a_foreign_payload_is_a_one_line_payload_error(partner, payload):
    with pytest.raises(PayloadError) as info:
        partner.parse(payload)
    assert_one_line(partner, str(info.value))


@each(ALL)
def test_a_foreign_objects_keys_are_named_on_one_line(partner):
    with pytest.raises(PayloadError) as info:
        partner.parse(b'{"line\\nbreak": 1, "carriage\\rreturn": 2}')
    assert_one_line(partner, str(info.value))


@pytest.mark.parametrize(("partner", "case"), ERRORS, ids=_numbered(ERRORS))
def test_an_error_the_partner_answers_is_a_one_line_payload_error_saying_it(partner, case):
    with pytest.raises(PayloadError) as info:
        partner.parse(wire(case["body"]))
    assert_one_line(partner, str(info.value))
    assert re.search(case["message"], str(info.value)), str(info.value)


@pytest.mark.parametrize(("partner", "case"), PROBLEMS, ids=_numbered(PROBLEMS))
def test_a_row_that_cannot_be_read_is_one_problem_saying_why(partner, case):
    result = partner.parse(wire(case["body"]))
    assert result.events == []
    (problem,) = result.problems
    assert (problem.error_class, problem.row) == ("InvalidEvent", case["row"])
    assert problem.message.startswith(f"{partner.id}: row {case['row']}")
    assert case["why"] in problem.message
    assert_one_line(partner, problem.message)


@pytest.mark.parametrize(("partner", "payload"), NOT_FOUND, ids=_numbered(NOT_FOUND))
def test_not_found_is_a_success_without_events(partner, payload):
    result = partner.parse(payload)
    assert (result.not_found, result.events, result.problems) == (True, [], [])


@each(ALL)
def test_an_unlisted_status_code_maps_to_unknown_and_keeps_its_raw_code(partner):
    case = cases(partner.id).get("unlisted")
    assert case, f"tests/fixtures/{partner.id}/cases.json needs an 'unlisted' case"
    result = partner.parse(wire(case["body"]))
    assert result.problems == []
    (event,) = result.events
    assert (event.status, event.raw_status) == (Status.UNKNOWN, case["raw_status"])


@each(DOCUMENTED)
def test_every_documented_status_maps_whatever_its_case_and_spacing(partner):
    for code, text, status in cases(partner.id)["statuses"]:
        for spelling in (code, f" {code.upper()} ", code.lower(), code.title()):
            assert partner.statuses.lookup(spelling, text) is Status(status), spelling
