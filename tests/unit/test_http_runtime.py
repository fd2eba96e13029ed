"""Connector HTTP runtime: error mapping, retries with backoff, rate limiting; and the Pos
client against the Pos sandbox served on 127.0.0.1."""

from __future__ import annotations

import httpx
import pytest
from pydantic import SecretStr

from lintas.connectors.pos.client import API
from lintas.connectors.pos.sandbox import create_app
from lintas.connectors.pos.scenarios import build_catalog
from lintas.connectors.runtime.client import PartnerClient
from lintas.connectors.runtime.feed import ChangeFeedSource
from lintas.connectors.runtime.http import RateLimiter, check_response, with_retries
from lintas.connectors.sandboxes import serve_in_thread
from lintas.core.errors import AuthenticationError, FatalError, RetriableError, SkippableError
from lintas.core.settings import PartnerCredentials


def _response(code: int, headers: dict[str, str] | None = None) -> httpx.Response:
    return httpx.Response(code, headers=headers, request=httpx.Request("POST", "http://x/v1/tracking"))


@pytest.mark.parametrize(
    ("code", "error"),
    [(401, AuthenticationError), (403, AuthenticationError), (429, RetriableError),
     (500, RetriableError), (503, RetriableError), (400, SkippableError), (404, SkippableError),
     (418, FatalError)],
)
def test_status_codes_map_to_what_the_caller_must_do(code, error):
    with pytest.raises(error) as info:
        check_response(_response(code), "pos")
    assert str(info.value).startswith("pos: POST /v1/tracking")
    assert check_response(_response(200), "pos").status_code == 200


def test_retry_after_is_honoured():
    with pytest.raises(RetriableError) as info:
        check_response(_response(429, {"Retry-After": "7"}), "pos")
    assert info.value.retry_after == 7.0


def test_retries_back_off_then_succeed_or_give_up():
    sleeps: list[float] = []
    calls = iter([RetriableError("503"), RetriableError("503", retry_after=2.0), "ok"])

    def call():
        item = next(calls)
        if isinstance(item, Exception):
            raise item
        return item

    assert with_retries(call, sleep=sleeps.append, base_delay=0.1) == "ok"
    assert len(sleeps) == 2 and 0 <= sleeps[0] <= 0.1 and sleeps[1] >= 2.0

    def always_timeout():
        raise httpx.ReadTimeout("slow")

    sleeps.clear()
    with pytest.raises(RetriableError, match="timed out"):
        with_retries(always_timeout, attempts=3, sleep=sleeps.append)
    assert len(sleeps) == 2

    def fatal():
        raise AuthenticationError("no")

    with pytest.raises(AuthenticationError):
        with_retries(fatal, sleep=sleeps.append)


def test_rate_limiter_spaces_calls():
    now = [0.0]
    waits: list[float] = []

    def sleep(seconds: float) -> None:
        waits.append(seconds)
        now[0] += seconds

    limiter = RateLimiter(2.0, burst=1, clock=lambda: now[0], sleep=sleep)
    for _ in range(5):
        limiter.acquire()
    assert waits == [0.5, 0.5, 0.5, 0.5]


@pytest.fixture
def sandbox():
    entries = build_catalog(3)
    credentials = PartnerCredentials(client_id="me", client_secret=SecretStr("s3cret"))
    server = serve_in_thread(create_app(entries=entries, credentials=credentials))
    yield server, entries
    server.stop()


def _client(url: str, secret: str = "s3cret") -> PartnerClient:
    return PartnerClient(API, PartnerCredentials(
        base_url=url, client_id="me", client_secret=SecretStr(secret), rate_per_second=200))


def test_pos_client_follows_the_change_feed_and_retries_flaky_answers(sandbox):
    server, entries = sandbox
    client = _client(server.url)
    source = ChangeFeedSource(client, page_size=5)
    cursor = None
    fetched = []
    while True:
        page = source.fetch(cursor)
        fetched += page.items
        cursor = page.cursor
        if not page.has_more:
            break
    client.close()
    assert [f.request_key for f in fetched] == [e.tracking_number for e in entries]
    by_barcode = {e.tracking_number: e for e in entries}
    for item in fetched:
        assert item.error is None
        assert item.payload == by_barcode[item.request_key].body  # byte for byte, flaky included
    assert cursor == {"since": str(len(entries))}


def test_pos_client_with_a_wrong_secret_fails_fatally_without_leaking_it(sandbox):
    server, _ = sandbox
    client = _client(server.url, secret="wrong-secret-value")
    with pytest.raises(AuthenticationError) as info:
        client.changes(None)
    client.close()
    assert "wrong-secret-value" not in str(info.value)
    assert "refused our credentials" in str(info.value)
