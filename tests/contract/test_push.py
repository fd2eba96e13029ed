"""Every push partner's sandbox sender against the ingest: each webhook of a catalog
arrives signed, in order and byte for byte, and the ingest takes each scan once, refusing
only the webhooks the catalog says cannot become an event."""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from datetime import datetime, timezone
from typing import Any

import httpx
import pytest
from pydantic import SecretStr

from lintas.connectors.ingest import create_ingest_app
from lintas.connectors.sandboxes import RunningServer, serve_in_thread
from lintas.core.errors import RetriableError
from lintas.core.settings import PartnerCredentials
from lintas.core.topics import raw_topic
from tests.support.partners import PUSH, assert_one_line, each, kit, sent

SECRET = "push-test-secret"
NOW = 1_750_000_000
START = datetime(2025, 6, 1, tzinfo=timezone.utc)


class Broker:
    """Stands in for the raw producer behind the ingest: keeps each record with its key and
    topic, and acknowledges it."""

    def __init__(self) -> None:
        self.records: list[tuple[str, Mapping[str, Any]]] = []
        self.topics: set[str] = set()

    async def acknowledged(self, record: Mapping[str, Any], key: str, timeout: float = 30.0, *,
                           topic: str | None = None) -> None:
        self.records.append((key, record))
        self.topics.add(topic or raw_topic(record["partner"]))


@pytest.fixture
def ingest() -> Iterator[tuple[Broker, RunningServer]]:
    """The ingest, knowing every push partner's webhook secret, its clock at NOW."""
    broker = Broker()
    app = create_ingest_app(lambda _: PartnerCredentials(webhook_secret=SecretStr(SECRET)),
                            broker, clock=lambda: NOW)  # type: ignore[arg-type]
    server = serve_in_thread(app)
    try:
        yield broker, server
    finally:
        server.stop()


@each(PUSH)
def test_every_webhook_arrives_signed_in_order_and_each_scan_is_taken_once(partner, ingest):
    broker, server = ingest
    entries = kit(partner).build_catalog(5, start=START)
    codes = kit(partner).deliver(entries, server.url, SECRET, now=NOW)
    expected, taken = [], []
    for entry in entries:
        for position, body in enumerate(sent(partner, entry)):
            if position in entry.extra["refused"]:
                expected.append(400)
            elif body in [b for _, b in taken]:
                expected.append(200)  # the very same signed request: a duplicate
            else:
                expected.append(202)
                taken.append((f"{partner.id}:{entry.tracking_number}", body))
    assert codes == expected
    assert [(key, record["payload"]) for key, record in broker.records] == taken
    assert {(r["partner"], r["kind"], r["connector"]) for _, r in broker.records} == {
        (partner.id, "webhook", "ingest")}
    assert broker.topics == {raw_topic(partner.id)}


@each(PUSH)
def test_a_wrong_secret_is_refused_everywhere(partner, ingest):
    broker, server = ingest
    entries = kit(partner).build_catalog(5, start=START)[:2]
    codes = kit(partner).deliver(entries, server.url + "/", "not-the-secret", now=NOW)
    assert codes == [401] * sum(len(sent(partner, e)) for e in entries)
    assert broker.records == []


@each(PUSH)
def test_a_given_client_is_used_and_left_open(partner, ingest):
    broker, server = ingest
    (entry,) = [e for e in kit(partner).build_catalog(9, start=START) if not e.bad_rows][:1]
    with httpx.Client(timeout=5.0) as client:
        codes = kit(partner).deliver([entry], server.url, SECRET, client=client,
                                     now=lambda: NOW + 123.9)
        assert not client.is_closed
    assert codes == [202] * len(sent(partner, entry))
    assert [record["payload"] for _, record in broker.records] == sent(partner, entry)


@each(PUSH)
def test_without_recorded_wire_bytes_each_element_of_the_body_is_a_webhook(partner):
    for entry in kit(partner).build_catalog(3, start=START):
        wire = sent(partner, entry)
        del entry.extra["webhooks"]
        assert [json.loads(b) for b in sent(partner, entry)] == [json.loads(b) for b in wire]


@each(PUSH)
def test_an_unreachable_ingest_is_retriable_and_names_the_partner(partner):
    entries = kit(partner).build_catalog(3, start=START)[:1]

    def unreachable(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("refused", request=request)

    with httpx.Client(transport=httpx.MockTransport(unreachable)) as client, \
            pytest.raises(RetriableError) as info:
        kit(partner).deliver(entries, "http://127.0.0.1:9", SECRET, client=client)
    assert_one_line(partner, str(info.value))
