"""Contracts other tooling relies on: `lintas normalize` and `lintas reconcile`."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import datetime

import pytest

from tests.conftest import FIXTURES

POS = FIXTURES / "pos"


def lintas(*args: str, stdin: bytes | None = None) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run([sys.executable, "-m", "lintas", *args], input=stdin,
                          capture_output=True, check=False, timeout=120)


@pytest.mark.parametrize(
    "case", ["delivered", "staging_single", "cross_zone", "duplicates", "newest_first"]
)
def test_normalize_prints_canonical_events_as_json_lines(case):
    out = lintas("normalize", "--partner", "pos", str(POS / f"{case}.json"))
    assert out.returncode == 0, out.stderr
    lines = out.stdout.decode().splitlines()
    assert lines
    for line in lines:
        event = json.loads(line)
        for field in ("tracking_number", "partner", "status", "raw_status", "occurred_at"):
            assert event[field] not in (None, ""), field
        assert event["partner"] == "pos"
        instant = datetime.fromisoformat(event["occurred_at"])
        assert instant.utcoffset().total_seconds() == 0
        assert event["occurred_at"].endswith("+00:00")


def test_normalize_reads_stdin():
    out = lintas("normalize", "--partner", "pos", "-", stdin=(POS / "delivered.json").read_bytes())
    assert out.returncode == 0 and len(out.stdout.splitlines()) == 7


@pytest.mark.parametrize("case", ["not_found", "not_found_staging"])
def test_not_found_prints_nothing_and_succeeds(case):
    out = lintas("normalize", "--partner", "pos", str(POS / f"{case}.json"))
    assert (out.returncode, out.stdout, out.stderr) == (0, b"", b"")


@pytest.mark.parametrize("payload", [b"{\"response\": {\"dat",
                                     b'{"error": "Cnote No. Not Found.", "status": false}',
                                     b"", b"[1, 2]", b"\xff\xfe"])
def test_foreign_payload_exits_nonzero_with_one_line(payload, tmp_path):
    path = tmp_path / "payload.json"
    path.write_bytes(payload)
    out = lintas("normalize", "--partner", "pos", str(path))
    assert out.returncode != 0
    assert out.stdout == b""
    err = out.stderr.decode().strip().splitlines()
    assert len(err) == 1 and err[0].startswith("lintas: error: pos: ")


def test_unknown_partner_is_a_clear_error():
    out = lintas("normalize", "--partner", "nobody", str(POS / "delivered.json"))
    assert out.returncode != 0
    assert "unknown partner 'nobody'" in out.stderr.decode()


def test_bad_rows_are_warned_about_and_good_rows_printed():
    out = lintas("normalize", "--partner", "pos", str(POS / "bad_rows.json"))
    assert out.returncode == 0
    assert len(out.stderr.decode().splitlines()) == 2
    assert len(out.stdout.splitlines()) == 7


def test_reconcile_reads_what_normalize_prints(tmp_path):
    files = []
    for case in ("failed_then_delivered", "returned", "in_transit", "duplicates"):
        out = lintas("normalize", "--partner", "pos", str(POS / f"{case}.json"))
        path = tmp_path / f"{case}.jsonl"
        path.write_bytes(out.stdout)
        files.append(str(path))
    out = lintas("reconcile", *files)
    assert out.returncode == 0, out.stderr
    views = [json.loads(line) for line in out.stdout.decode().splitlines()]
    assert len(views) == 4
    by_status = sorted(v["status"] for v in views)
    assert by_status == ["delivered", "delivered", "in_transit", "returned"]
    for view in views:
        assert set(view) >= {"shipment_id", "status", "delivered_at", "legs", "anomalies"}
        assert isinstance(view["anomalies"], list)
        assert all({"partner", "tracking_number"} <= set(leg) for leg in view["legs"])
        if view["status"] == "delivered":
            assert datetime.fromisoformat(view["delivered_at"]).utcoffset().total_seconds() == 0
        else:
            assert view["delivered_at"] is None


def test_reconcile_is_order_independent_across_files(tmp_path):
    out = lintas("normalize", "--partner", "pos", str(POS / "failed_then_delivered.json"))
    lines = out.stdout.decode().splitlines()
    (tmp_path / "a.jsonl").write_text("\n".join(lines[::-1]) + "\n")
    (tmp_path / "b.jsonl").write_text("\n".join(lines[:3]) + "\n")
    forward = lintas("reconcile", "-", stdin=out.stdout)
    mixed = lintas("reconcile", str(tmp_path / "a.jsonl"), str(tmp_path / "b.jsonl"))
    assert forward.stdout == mixed.stdout and forward.returncode == 0


def test_reconcile_rejects_a_line_that_is_not_an_event(tmp_path):
    path = tmp_path / "bad.jsonl"
    path.write_text('{"event_id": "x"}\n')
    out = lintas("reconcile", str(path))
    assert out.returncode == 1
    assert out.stderr.decode().startswith(f"lintas: error: {path}:1: not a canonical event")
