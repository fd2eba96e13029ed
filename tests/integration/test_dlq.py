"""`lintas dlq`: dead letters listed by partner and reason, shown, and replayed — once."""

from __future__ import annotations

import json
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

from lintas.connectors.registry import PARTNERS
from lintas.connectors.runtime.producer import RawProducer, raw_record
from lintas.core.topics import catalog
from lintas.demo import ChildProcess
from lintas.kafka.admin import ensure_topics
from lintas.streams.view.store import open_store
from tests.conftest import FIXTURES
from tests.integration.conftest import wait_for

pytestmark = pytest.mark.integration


def lintas(env, *args):
    out = subprocess.run([sys.executable, "-m", "lintas", *args], env=env, capture_output=True,
                         timeout=120, check=False)
    assert out.returncode == 0, out.stderr.decode()
    return out.stdout.decode()


def test_dead_letters_are_listed_shown_and_replayed_once(kafka, tmp_path: Path, process_env):
    ensure_topics(kafka, catalog(sorted(PARTNERS), 3))
    barcode = f"P{uuid.uuid4().int % 10**13:013d}"
    body = (FIXTURES / "pos" / "bad_rows.json").read_text()
    original = json.loads(body)["response"]["data"][0]["barcode"]
    payload = body.replace(original, barcode).encode()
    more = dict(LINTAS_HOME=str(tmp_path / "home"),
               LINTAS_DATABASE_URL=f"sqlite:///{tmp_path / 'view.db'}")
    producer = RawProducer(kafka)
    producer.send(raw_record(partner="pos", kind="tracking", connector="test", source="test",
                             payload=payload, request_key=barcode), f"pos:{barcode}")
    producer.flush()
    producer.close()
    ops = process_env("ops", **more)
    worker = ChildProcess("worker", ["worker"], process_env("worker", **more), tmp_path)
    sink = ChildProcess("sink", ["sink"], process_env("sink", **more), tmp_path)
    store = open_store(f"sqlite:///{tmp_path / 'view.db'}")
    key = f"pos:{barcode}".encode()
    try:
        # The view is complete once it holds every good row's event (the fixture's expected
        # output); views of a partial event set come before it.
        good_rows = len((FIXTURES / "pos" / "bad_rows.expected.jsonl").read_text().splitlines())

        def complete() -> bool:
            view = store.shipment(f"pos:{barcode}")
            return (len(store.dead_letters(keys=[key])) == 2 and view is not None
                    and view["event_count"] == good_rows)

        wait_for(complete, timeout=120, what="the whole shipment and its two dead letters")
        before = store.shipment(f"pos:{barcode}")
        before.pop("updated_at")

        listing = lintas(ops, "dlq", "list", "--partner", "pos", "--json")
        listed = [json.loads(line) for line in listing.splitlines()]
        mine = [letter for letter in listed if letter["key"] == key.decode()]
        assert {letter["error_class"] for letter in mine} == {"InvalidEvent"}
        assert {letter["row"] for letter in mine} == {1, 3}
        shown = json.loads(lintas(ops, "dlq", "show", mine[0]["dead_letter_id"], "--json"))
        assert barcode in shown["payload"] and shown["raw_record"]["partner"] == "pos"

        ids = [item for letter in mine for item in ("--id", letter["dead_letter_id"])]
        first = json.loads(lintas(ops, "dlq", "replay", *ids, "--json"))
        assert sorted(first["replayed"]) == sorted(letter["dead_letter_id"] for letter in mine)
        second = json.loads(lintas(ops, "dlq", "replay", *ids, "--json"))
        assert second["replayed"] == [] and sorted(second["already"]) == sorted(first["replayed"])

        # The replayed record is processed again: same events, so the same view.
        wait_for(lambda: len(store.dead_letters(keys=[key])) == 4, timeout=120,
                 what="the replayed record's rows to fail again")
        after = store.shipment(f"pos:{barcode}")
        after.pop("updated_at")
        assert after == before
    finally:
        worker.stop()
        sink.stop()
        store.close()
