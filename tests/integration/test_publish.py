"""`lintas publish` (the publisher SDK) as a member: checked files reach the member's own
topic as that member's principal, one record per shipment; files with refused rows are
kept back unless asked; a row naming another courier is refused before it is sent."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

from lintas.core.topics import member_topic
from lintas.kafka.admin import read_all
from lintas.schemas.codec import codec
from tests.conftest import FIXTURES

pytestmark = pytest.mark.integration


def lintas(env, *args):
    return subprocess.run([sys.executable, "-m", "lintas", *args], env=env,
                          capture_output=True, timeout=120, check=False)


def _as(member: str, name: str, tmp_path: Path) -> Path:
    """A copy of a standard-format fixture whose rows name ``member`` as their courier."""
    text = (FIXTURES / "standard" / name).read_text(encoding="utf-8-sig")
    path = tmp_path / name
    path.write_text(re.sub(r"asperindo-\d{4}", member, text), encoding="utf-8")
    return path


def _new_member(kafka, tmp_path: Path) -> tuple[str, dict[str, str]]:
    """A new member and the environment of a process publishing as it."""
    member = f"asperindo-{uuid.uuid4().hex[:8]}"
    home = {"LINTAS_HOME": str(tmp_path / "home")}
    added = lintas({**kafka.environment(), **home}, "members", "add", member, "--json")
    assert added.returncode == 0, added.stderr.decode()
    credentials = json.loads(added.stdout)["kafka"]
    return member, {**kafka.environment(), **home,
                    "LINTAS_KAFKA_USERNAME": credentials["username"],
                    "LINTAS_KAFKA_PASSWORD": credentials["password"]}


def test_publish_checks_then_sends_one_record_per_shipment(kafka, tmp_path: Path):
    member, as_member = _new_member(kafka, tmp_path)

    good = _as(member, "csv_delivered.csv", tmp_path)
    out = lintas(as_member, "publish", "--json", "--member", member, str(good))
    assert out.returncode == 0, out.stderr.decode()
    result = json.loads(out.stdout)
    assert result["published"] and result["records"] == len(result["tracking_numbers"]) >= 1
    keys = {f"standard:{n}".encode() for n in result["tracking_numbers"]}
    records = [m for m in read_all(kafka, member_topic(member)) if m.key in keys]
    assert {m.key for m in records} == keys
    raw = codec("RawRecord").decode(records[-1].value)
    assert raw["kind"] == "file" and raw["attributes"]["member"] == member

    bad = _as(member, "csv_bad_rows.csv", tmp_path)
    refused = lintas(as_member, "publish", "--json", "--member", member, str(bad))
    assert refused.returncode == 1
    assert not json.loads(refused.stdout)["published"]
    allowed = lintas(as_member, "publish", "--json", "--member", member, "--allow-bad-rows",
                     str(bad))
    assert allowed.returncode == 0 and json.loads(allowed.stdout)["problems"]

    foreign = FIXTURES / "standard" / "foreign_csv.csv"
    assert lintas(as_member, "publish", "--json", "--member", member,
                  str(foreign)).returncode == 1

    # Rows speaking for another courier never leave the machine.
    other = FIXTURES / "standard" / "csv_delivered.csv"  # courier asperindo-0042
    impostor = lintas(as_member, "publish", "--json", "--member", member, str(other))
    assert impostor.returncode == 1
    assert "is not" in json.loads(impostor.stdout)["problems"][0]


def test_publishing_a_large_file_shows_progress_on_stderr_and_keeps_json_clean(
    kafka, tmp_path: Path
):
    member, as_member = _new_member(kafka, tmp_path)
    header, *rows = _as(member, "csv_delivered.csv", tmp_path).read_text().splitlines()
    number = rows[0].split(",")[0]
    shipments = 400  # the fixture's rows again and again, each time under a new number
    lines = [header] + [row.replace(number, f"KN{i:010d}") for i in range(shipments)
                        for row in rows if row.startswith(number)]
    big = tmp_path / "big.csv"
    big.write_text("\n".join(lines) + "\n", encoding="utf-8")

    out = lintas(as_member, "publish", "--json", "--member", member, str(big))
    assert out.returncode == 0, out.stderr.decode()
    assert json.loads(out.stdout)["records"] == shipments  # stdout: the JSON alone
    err = out.stderr.decode()
    assert "\x1b[" not in err  # not a terminal: plain lines, no bars
    size, checked = big.stat().st_size, len(lines) - 1
    assert f"publish: reading big.csv: {size:,}/{size:,} bytes (100%)" in err
    assert f"publish: checking: {checked:,}/{checked:,} rows (100%)" in err
    assert f"publish: sending: {shipments:,}/{shipments:,} shipments (100%)" in err
    assert len(err.splitlines()) < shipments  # a line now and then, not one per record
