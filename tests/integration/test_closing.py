"""Bounded state on the real broker: a delivered shipment quiet past LINTAS_CLOSE_AFTER_DAYS
leaves the worker's tables (its state in the archive topic, markers in the changelogs), a
late event reopens it with every earlier event, and past LINTAS_ARCHIVE_DAYS the markers
are tombstoned too."""

from __future__ import annotations

import json
import os
import uuid
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from lintas.connectors.runtime.producer import RawProducer, raw_record
from lintas.demo import ChildProcess
from lintas.kafka.broker import LocalBroker
from lintas.kafka.principals import principal_name
from lintas.schemas.codec import codec
from lintas.streams.chain import Chain
from lintas.streams.normalize import normalize_record
from lintas.streams.pipeline import SHIPMENT_ARCHIVE
from lintas.streams.view.store import open_store
from tests.integration.conftest import wait_for
from tests.integration.helpers import own_broker, read_topic

pytestmark = pytest.mark.integration

START = datetime(2025, 3, 10, 9, 0, tzinfo=timezone(timedelta(hours=7)))  # WIB


@pytest.fixture(scope="module")
def closing_broker(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalBroker]:
    """A broker of this module's own: the worker's watermark is the newest event time it
    has read, and on the session's broker other tests' parcels (dated today) would hold
    it where this test's days (in 2025) could never move it."""
    with own_broker(tmp_path_factory.mktemp("kafka-closing"), partitions=3) as broker:
        yield broker


def _row(barcode: str, at: datetime, name: str, status: str) -> dict:
    return {"barcode": barcode, "eventDate": at.strftime("%Y-%m-%d %H:%M:%S"),
            "eventName": name, "officeCode": "40400", "officeName": "SPP BANDUNG 40400",
            "description": "BANDUNG~~SPP BANDUNG 40400~~TOKO BERKAH JAYA~~PAKET KILAT KHUSUS"
                           "~~6191~~MAKANAN KERING", "status": status}


def _parcel(barcode: str, days: float, delivered: bool = True) -> bytes:
    """A Bandung parcel posted ``days`` after START (and delivered the next day)."""
    at = START + timedelta(days=days)
    rows = [_row(barcode, at, "POSTING LOKET", "Posting Loket"),
            _row(barcode, at + timedelta(hours=5), "DALAM PROSES", "Dalam Proses")]
    if delivered:
        rows.append(_row(barcode, at + timedelta(hours=26), "SELESAI ANTAR", "Diterima"))
    return json.dumps({"response": {"data": rows}}).encode()


def _late(barcode: str, days: float) -> bytes:
    at = START + timedelta(days=days)
    return json.dumps({"response": {"data": [
        _row(barcode, at, "PROSES RETUR", "Proses Retur Ke Pengirim")]}}).encode()


def _send(producer: RawProducer, barcode: str, payload: bytes) -> bytes:
    record = raw_record(partner="pos", kind="tracking", connector="test", source="test",
                        payload=payload, request_key=barcode)
    producer.send(record, f"pos:{barcode}")
    producer.flush()
    return codec("RawRecord").encode(record)


def _keys(kafka, topic: str) -> dict[bytes, bytes | None]:
    """The newest value per key of ``topic`` (None for a tombstone)."""
    return {r.key: r.value for r in read_topic(kafka, topic)}


def _traffic(producer: RawProducer, run: str, days: float, count: int = 24) -> None:
    """Parcels on every partition, moving the worker's watermark to START + ``days``."""
    for i in range(count):
        barcode = f"P{run}{i:03d}{int(days):03d}"[:14]
        _send(producer, barcode, _parcel(barcode, days, delivered=False))


def test_a_quiet_shipment_closes_reopens_on_a_late_event_and_is_forgotten(
        closing_broker: LocalBroker, tmp_path: Path):
    run = uuid.uuid4().hex[:6].upper()
    app_id = "lintas"
    kafka = closing_broker.connection()

    def process_env(role: str) -> dict[str, str]:
        return {**os.environ, **closing_broker.connection(principal_name(role)).environment(),
                "LINTAS_HOME": str(tmp_path / "home"), "LINTAS_APP_ID": app_id,
                "LINTAS_DATABASE_URL": f"sqlite:///{tmp_path / 'view.db'}",
                "LINTAS_CLOSE_AFTER_DAYS": "3", "LINTAS_ARCHIVE_DAYS": "20"}

    worker = ChildProcess("worker", ["worker"], process_env("worker"), tmp_path)
    sink = ChildProcess("sink", ["sink"], process_env("sink"), tmp_path)
    store = open_store(f"sqlite:///{tmp_path / 'view.db'}")
    producer = RawProducer(kafka)
    barcode = f"P{run}00000001"[:14]
    sid = f"pos:{barcode}"
    legs_log, states_log = f"{app_id}-leg-records-changelog", f"{app_id}-shipment-states-changelog"
    try:
        sent = [_send(producer, barcode, _parcel(barcode, 0))]
        wait_for(lambda: (v := store.shipment(sid)) and v["status"] == "delivered", timeout=180,
                 what="the delivered shipment in the view")
        _traffic(producer, run, 5)  # five days on: delivered four days ago, quiet since
        wait_for(lambda: sid.encode() in _keys(kafka, SHIPMENT_ARCHIVE), timeout=120,
                 what="the closed shipment's state in the archive topic")
        marker = wait_for(lambda: _keys(kafka, legs_log).get(sid.encode()), timeout=60,
                          what="the leg's marker in its changelog")
        assert len(marker) < 300  # the leg keeps which shipment it was in, not its events
        assert len(_keys(kafka, states_log)[sid.encode()]) < 32
        before = store.shipment(sid)

        sent.append(_send(producer, barcode, _late(barcode, 6)))  # a late return scan
        reopened = wait_for(lambda: (v := store.shipment(sid)) and v["event_count"] == 4 and v,
                            timeout=120, what="the late event in the reopened shipment")
        expected = Chain().add_all(
            e for value in sent for e in normalize_record(value).events).shipments[0]
        assert [e["event_id"] for e in reopened["timeline"]] == \
            [e["event_id"] for e in expected["timeline"]]
        assert reopened["status"] == expected["status"]
        assert reopened["anomalies"] == expected["anomalies"]
        assert before["event_count"] == 3

        # The reopened shipment closes again; 20 archive days later its markers go.
        _traffic(producer, run, 12)
        _traffic(producer, run, 40)
        wait_for(lambda: _keys(kafka, legs_log).get(sid.encode(), b"") is None, timeout=120,
                 what="the leg's marker tombstoned in its changelog")
        wait_for(lambda: _keys(kafka, states_log).get(sid.encode(), b"") is None, timeout=60,
                 what="the shipment's marker tombstoned in its changelog")
        assert store.shipment(sid)["event_count"] == 4  # the view keeps it
        assert worker.alive(), worker.log_tail()
        assert "Traceback" not in worker.log_path.read_text(errors="replace")
    finally:
        producer.close()
        worker.stop()
        sink.stop()
        store.close()
