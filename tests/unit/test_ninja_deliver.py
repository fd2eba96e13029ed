"""The Ninja Xpress sender: every webhook reaches a local receiver that checks its
signature the way the ingest does, byte for byte and in order."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import datetime, timezone

import httpx
import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from lintas.connectors.ninja import parse_tracking
from lintas.connectors.ninja.sandbox import deliver, webhooks
from lintas.connectors.ninja.scenarios import build_catalog
from lintas.connectors.sandboxes import RunningServer, serve_in_thread
from lintas.connectors.signing import SIGNATURE_HEADER, TIMESTAMP_HEADER, verify
from lintas.core.errors import PayloadError, RetriableError

SECRET = "ninja-test-secret"
START = datetime(2025, 6, 1, tzinfo=timezone.utc)


class Receiver:
    """A stand-in for the ingest: verifies, parses, remembers, answers like the ingest."""

    def __init__(self) -> None:
        self.received: list[tuple[str, int, bytes]] = []

    async def receive(self, request: Request) -> Response:
        body = await request.body()
        stamp = int(request.headers.get(TIMESTAMP_HEADER, "0"))
        if not verify(SECRET, stamp, body, request.headers.get(SIGNATURE_HEADER, "")):
            return JSONResponse({"error": "bad signature"}, status_code=401)
        self.received.append((request.path_params["partner"], stamp, body))
        try:
            result = parse_tracking(body)
        except PayloadError as exc:
            return JSONResponse({"error": str(exc)}, status_code=400)
        if not result.events:
            return JSONResponse({"error": "no event"}, status_code=400)
        return JSONResponse({"accepted": True}, status_code=202)

    def app(self) -> Starlette:
        return Starlette(routes=[Route("/v1/webhooks/{partner}", self.receive, methods=["POST"])])


@pytest.fixture
def receiver() -> Iterator[tuple[Receiver, RunningServer]]:
    state = Receiver()
    server = serve_in_thread(state.app())
    try:
        yield state, server
    finally:
        server.stop()


def test_every_webhook_arrives_signed_in_order(receiver):
    state, server = receiver
    entries = build_catalog(5, start=START)
    codes = deliver(entries, server.url, SECRET, now=1_750_000_000)
    sent = [body for entry in entries for body in webhooks(entry)]
    assert [body for _, _, body in state.received] == sent
    assert {partner for partner, _, _ in state.received} == {"ninja"}
    assert {stamp for _, stamp, _ in state.received} == {1_750_000_000}
    expected = [400 if position in entry.extra["refused"] else 202
                for entry in entries for position in range(len(webhooks(entry)))]
    assert codes == expected


def test_a_wrong_secret_is_refused_everywhere(receiver):
    state, server = receiver
    entries = build_catalog(5, start=START, scenarios=("delivered",))
    assert set(deliver(entries, server.url + "/", "not-the-secret")) == {401}
    assert state.received == []


def test_a_given_client_is_used_and_left_open(receiver):
    state, server = receiver
    entries = build_catalog(9, start=START, scenarios=("in_transit",))
    with httpx.Client(timeout=5.0) as client:
        codes = deliver(entries, server.url, SECRET, client=client, now=lambda: 1_750_000_123.9)
        assert not client.is_closed
    assert codes == [202] * len(webhooks(entries[0]))
    assert {stamp for _, stamp, _ in state.received} == {1_750_000_123}


def test_webhooks_fall_back_to_the_body_array():
    (entry,) = build_catalog(3, start=START, scenarios=("duplicates",))
    wire = webhooks(entry)
    del entry.extra["webhooks"]
    assert [json.loads(b) for b in webhooks(entry)] == [json.loads(b) for b in wire]


def test_an_unreachable_ingest_is_retriable():
    entries = build_catalog(3, start=START, scenarios=("cancelled",))
    transport = httpx.MockTransport(lambda request: (_ for _ in ()).throw(
        httpx.ConnectError("refused", request=request)))
    with httpx.Client(transport=transport) as client, pytest.raises(RetriableError) as info:
        deliver(entries, "http://127.0.0.1:9", SECRET, client=client)
    assert str(info.value).startswith("ninja: ")
