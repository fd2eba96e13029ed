"""The Pos connector on a real broker: raw records acknowledged before the cursor moves,
and a restart resumes from the cursor."""

from __future__ import annotations

import uuid

import pytest
from pydantic import SecretStr

from lintas.connectors.pos.client import API
from lintas.connectors.pos.sandbox import create_app
from lintas.connectors.pos.scenarios import build_catalog
from lintas.connectors.registry import PARTNERS
from lintas.connectors.runtime.client import PartnerClient
from lintas.connectors.runtime.feed import ChangeFeedSource
from lintas.connectors.runtime.poll import PollingConnector
from lintas.connectors.runtime.producer import RawProducer
from lintas.connectors.sandboxes import serve_in_thread
from lintas.core.settings import PartnerCredentials
from lintas.core.topics import catalog, raw_topic
from lintas.kafka.admin import ensure_topics
from lintas.kafka.connection import KafkaConnection
from lintas.kafka.cursors import CursorStore
from lintas.schemas.codec import codec
from tests.integration.helpers import read_topic

pytestmark = pytest.mark.integration


@pytest.fixture
def pos_sandbox():
    entries = build_catalog(uuid.uuid4().int % 1_000_000, rounds=2)
    credentials = PartnerCredentials(client_id="c", client_secret=SecretStr("s"))
    server = serve_in_thread(create_app(entries=entries, credentials=credentials))
    yield server, entries
    server.stop()


def _connector(bootstrap: KafkaConnection, url: str, partition: dict, page_size: int = 7):
    producer = RawProducer(bootstrap)
    cursors = CursorStore(bootstrap, producer)
    cursors.load()
    client = PartnerClient(API, PartnerCredentials(
        base_url=url, client_id="c", client_secret=SecretStr("s"), rate_per_second=500))
    source = ChangeFeedSource(client, page_size=page_size, source_partition=partition)
    return PollingConnector(source, producer, cursors), client, producer


def test_connector_produces_raw_records_and_resumes_from_its_cursor(kafka, pos_sandbox):
    server, entries = pos_sandbox
    ensure_topics(kafka, catalog(sorted(PARTNERS), 3))
    partition = {"feed": "tracking-changes", "test": f"resume-{uuid.uuid4().hex}"}
    before = {r.key for r in read_topic(kafka, raw_topic("pos"))}

    connector, client, producer = _connector(kafka, server.url, partition)
    connector.run(once=True)
    client.close()
    producer.close()
    assert connector.stats.records == len(entries)
    assert connector.stats.pages == -(-len(entries) // 7)

    records = [r for r in read_topic(kafka, raw_topic("pos")) if r.key not in before]
    assert sorted(r.key.decode() for r in records) == sorted(e.key for e in entries)
    by_barcode = {e.tracking_number: e for e in entries}
    for message in records:
        raw = codec("RawRecord").decode(message.value)
        assert raw["partner"] == "pos" and raw["kind"] == "tracking"
        assert raw["payload"] == by_barcode[raw["request_key"]].body

    # A second connector (a restart) reads the cursor and produces nothing more.
    again, client, producer = _connector(kafka, server.url, partition)
    assert again.cursor == {"since": str(len(entries))}
    again.run(once=True)
    client.close()
    producer.close()
    assert again.stats.records == 0
    after = [r for r in read_topic(kafka, raw_topic("pos")) if r.key not in before]
    assert len(after) == len(entries)


def test_cursor_is_not_moved_when_the_broker_did_not_acknowledge(kafka, pos_sandbox):
    server, _entries = pos_sandbox
    ensure_topics(kafka, catalog(sorted(PARTNERS), 3))
    partition = {"feed": "tracking-changes", "test": f"unacknowledged-{uuid.uuid4().hex}"}
    connector, client, producer = _connector(kafka, server.url, partition)

    from lintas.core.errors import BrokerError

    def refuse(timeout: float = 60.0) -> int:
        raise BrokerError("simulated: no acknowledgement")

    producer.flush = refuse  # the broker never acknowledges this page
    with pytest.raises(BrokerError):
        connector.poll_once()
    client.close()
    producer.close()
    fresh = CursorStore(kafka, RawProducer(kafka))
    fresh.load()
    assert fresh.get("pos-tracking", partition) is None
