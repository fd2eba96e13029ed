"""The recording helper (``python -m tests.support.record <id>``): one command writes a
partner's manifest, recordings and golden files, as they are stored for every partner."""

from __future__ import annotations

import json

import pytest

from lintas.connectors.registry import PARTNERS
from tests.support import record
from tests.support.record import CASES, FIXTURES, MANIFEST


@pytest.fixture
def elsewhere(tmp_path, monkeypatch):
    """The helper writing into an empty fixtures folder."""
    monkeypatch.setattr(record, "FIXTURES", tmp_path)
    monkeypatch.delenv("LINTAS_UPDATE_GOLDEN", raising=False)
    return tmp_path


def _files(folder):
    return {p.name: p.read_bytes() for p in folder.iterdir() if p.name != CASES}


@pytest.mark.parametrize("partner_id", sorted(PARTNERS))
def test_recording_a_partner_from_its_manifest_writes_its_fixtures_byte_for_byte(
        partner_id, elsewhere, capsys):
    manifest = json.loads((FIXTURES / partner_id / MANIFEST).read_text())
    options = ["--seed", str(manifest["seed"]), "--start", manifest["start"]]
    if manifest["json_indent"] is not None:
        options += ["--json-indent", str(manifest["json_indent"])]
    if manifest.get("as_sent"):
        options += ["--as-sent", ",".join(manifest["as_sent"])]
    assert record.main([partner_id, *options]) == 0
    assert _files(elsewhere / partner_id) == _files(FIXTURES / partner_id)
    assert record.main([partner_id, "--check"]) == 0
    assert "differs" not in capsys.readouterr().out


def test_check_names_a_recording_that_differs_and_writes_nothing(elsewhere, capsys):
    record.main(["sap"])
    changed = elsewhere / "sap" / "delivered.json"
    changed.write_bytes(b"[]")
    assert record.main(["sap", "--check"]) == 1
    assert "differs: sap/delivered.json" in capsys.readouterr().out
    assert changed.read_bytes() == b"[]"


def test_golden_files_are_kept_unless_asked_to_rewrite_them(elsewhere, monkeypatch):
    record.main(["ninja"])
    golden = elsewhere / "ninja" / "delivered.expected.jsonl"
    written = golden.read_bytes()
    golden.write_bytes(b"")
    record.main(["ninja"])
    assert golden.read_bytes() == b""
    monkeypatch.setenv("LINTAS_UPDATE_GOLDEN", "1")
    record.main(["ninja"])
    assert golden.read_bytes() == written
