"""`lintas replay` as a script runs it (stderr not a terminal): the summary on stdout is JSON
alone, and the progress on stderr is a few plain lines whose counts agree with it."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

from lintas.connectors.registry import PARTNERS
from lintas.connectors.runtime.producer import RawProducer, raw_record
from lintas.core.topics import catalog
from lintas.kafka.admin import ensure_topics
from lintas.streams.view.store import open_store
from tests.conftest import FIXTURES

pytestmark = pytest.mark.integration

SENT = 60


def _count(text: str) -> int:
    return int(text.replace(",", ""))


def test_replay_shows_plain_progress_on_stderr_and_json_on_stdout(kafka, process_env,
                                                                  tmp_path: Path):
    ensure_topics(kafka, catalog(sorted(PARTNERS), 3))
    body = (FIXTURES / "pos" / "delivered.json").read_text()
    original = json.loads(body)["response"]["data"][0]["barcode"]
    producer = RawProducer(kafka)
    barcodes = [f"P{uuid.uuid4().int % 10**13:013d}" for _ in range(SENT)]
    for barcode in barcodes:
        producer.send(raw_record(partner="pos", kind="tracking", connector="test", source="test",
                                 payload=body.replace(original, barcode).encode(),
                                 request_key=barcode), f"pos:{barcode}")
    producer.flush()
    producer.close()

    database = f"sqlite:///{tmp_path / 'replayed.db'}"
    out = subprocess.run([sys.executable, "-m", "lintas", "replay", "--partner", "pos",
                          "--database", database, "--json"],
                         env=process_env("ops", LINTAS_HOME=str(tmp_path / "home")),
                         capture_output=True, timeout=300, check=False)
    assert out.returncode == 0, out.stderr.decode()[-2000:]
    summary = json.loads(out.stdout)  # stdout holds the summary and nothing else
    assert summary["raw_records"] >= SENT

    err = out.stderr.decode()
    assert "\x1b[" not in err  # not a terminal: plain lines, no bars
    read = re.search(r"^replay: reading raw topics: ([\d,]+)/([\d,]+) records \(100%\), "
                     r"(?:[\d,]+ records/s, )?done in \d+\w*; events ([\d,]+), shipments ([\d,]+), "
                     r"dead letters ([\d,]+)", err, re.MULTILINE)
    assert read, err
    done, total, events, shipments, letters = (_count(g) for g in read.groups())
    assert done == total == summary["raw_records"]
    assert (events, letters) == (summary["events"], summary["dead_letters"])
    assert shipments == summary["shipments"]
    written = re.search(r"^replay: writing the view: ([\d,]+)/([\d,]+) shipments \(100%\)",
                        err, re.MULTILINE)
    assert written and _count(written.group(1)) == summary["shipments"]
    assert len(err.splitlines()) < SENT  # a line now and then, not one per record

    store = open_store(database)
    try:
        assert all(store.shipment(f"pos:{b}") is not None for b in barcodes)
    finally:
        store.close()
