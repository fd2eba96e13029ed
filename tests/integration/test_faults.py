"""Faults under a steady load, short versions of ``make faults`` (docs/reliability.md):
processes SIGKILLed, the broker SIGKILLed and restarted, the broker frozen, the view's
database stopped, and a webhook flood on the ingest with the broker restarted. Each runs
on a broker and a PostgreSQL server of its own; a broken promise fails the test with
everything the scenario counted."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.faults.scenarios import SHORT, run

pytestmark = [pytest.mark.integration, pytest.mark.slow]


@pytest.mark.parametrize("name", list(SHORT))
def test_the_pipeline_keeps_its_promises_through(name: str, tmp_path: Path) -> None:
    report = run(name, workdir=tmp_path, **SHORT[name])
    assert not report.violations, json.dumps(report.as_dict(), indent=2, default=str)
