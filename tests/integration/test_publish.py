"""`lintas publish` (the publisher SDK): checked files reach lintas.raw.standard, one record
per shipment; files with refused rows are kept back unless asked."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from lintas.connectors.registry import PARTNERS
from lintas.core.topics import catalog, raw_topic
from lintas.kafka.admin import ensure_topics, read_all
from lintas.schemas.codec import codec
from tests.conftest import FIXTURES

pytestmark = pytest.mark.integration


def publish(env, *args):
    return subprocess.run([sys.executable, "-m", "lintas", "publish", "--json", *args], env=env,
                          capture_output=True, timeout=120, check=False)


def test_publish_checks_then_sends_one_record_per_shipment(kafka_bootstrap, tmp_path: Path):
    ensure_topics(kafka_bootstrap, catalog(sorted(PARTNERS), 3))
    env = dict(os.environ, LINTAS_KAFKA_BOOTSTRAP=kafka_bootstrap, LINTAS_HOME=str(tmp_path))
    good = FIXTURES / "standard" / "csv_delivered.csv"
    out = publish(env, "--member", "asperindo-0042", str(good))
    assert out.returncode == 0, out.stderr.decode()
    result = json.loads(out.stdout)
    assert result["published"] and result["records"] == len(result["tracking_numbers"]) >= 1
    keys = {f"standard:{n}".encode() for n in result["tracking_numbers"]}
    records = [m for m in read_all(kafka_bootstrap, raw_topic("standard")) if m.key in keys]
    assert {m.key for m in records} == keys
    raw = codec("RawRecord").decode(records[-1].value)
    assert raw["kind"] == "file" and raw["attributes"]["member"] == "asperindo-0042"

    bad = FIXTURES / "standard" / "csv_bad_rows.csv"
    refused = publish(env, str(bad))
    assert refused.returncode == 1
    assert not json.loads(refused.stdout)["published"]
    allowed = publish(env, "--allow-bad-rows", str(bad))
    assert allowed.returncode == 0 and json.loads(allowed.stdout)["problems"]

    foreign = FIXTURES / "standard" / "foreign_csv.csv"
    assert publish(env, str(foreign)).returncode == 1
