"""Every pull partner's client against the partner's sandbox: it follows the change feed,
retries the flaky answers and gets every body byte for byte; a wrong key is refused and a
missing setting named, never showing a secret."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest
from pydantic import SecretStr

from lintas.connectors.partner import Partner
from lintas.connectors.runtime.auth import Draft
from lintas.connectors.runtime.client import PartnerClient
from lintas.connectors.runtime.feed import ChangeFeedSource
from lintas.connectors.runtime.poll import Fetched
from lintas.connectors.sandboxes import RunningServer, serve_in_thread
from lintas.connectors.sandboxes.kit import SANDBOX_CREDENTIALS
from lintas.connectors.sandboxes.scenario import Entry
from lintas.core.errors import AuthenticationError, FatalError
from lintas.core.settings import PartnerCredentials
from tests.support.partners import PULL, each, kit

WRONG = "wrong-secret-value"


@pytest.fixture(scope="module")
def sandbox(partner: Partner) -> Iterator[tuple[RunningServer, list[Entry]]]:
    """The partner's sandbox serving a catalog, accepting the sandbox credentials; shared
    by the tests of one partner (only the feed's test asks for bodies, so each flaky
    answer is seen by it)."""
    entries = kit(partner).build_catalog(3)
    server = serve_in_thread(kit(partner).app(entries))
    try:
        yield server, entries
    finally:
        server.stop()


def _credentials(url: str, **changes: object) -> PartnerCredentials:
    return SANDBOX_CREDENTIALS.model_copy(update={"base_url": url, **changes})


def _follow(client: PartnerClient) -> tuple[list[Fetched], dict[str, object] | None]:
    """Every item of the change feed, page by page, and the cursor after the last page."""
    source = ChangeFeedSource(client, page_size=5)
    cursor, fetched = None, []
    while True:
        page = source.fetch(cursor)
        fetched += page.items
        cursor = page.cursor
        if not page.has_more:
            return fetched, cursor


def _unknown_number(partner: Partner, known: list[Entry]) -> str:
    """A number shaped like the partner's that the sandbox does not know."""
    numbers = {e.tracking_number for e in known}
    return next(e.tracking_number for e in kit(partner).build_catalog(4)
                if e.tracking_number not in numbers)


@each(PULL, scope="module")
def test_the_client_follows_the_change_feed_and_gets_every_body_byte_for_byte(partner, sandbox):
    server, entries = sandbox
    assert any(e.fail_first for e in entries), "the catalog has no flaky answer to retry"
    client = partner.client(_credentials(server.url))
    fetched, cursor = _follow(client)
    unknown = client.track(_unknown_number(partner, entries))
    client.close()
    assert [f.request_key for f in fetched] == [e.tracking_number for e in entries]
    by_number = {e.tracking_number: e for e in entries}
    for item in fetched:
        assert (item.error, item.source) == (None, partner.api.track.path)
        assert item.payload == by_number[item.request_key].body, item.request_key
    assert cursor == {"since": str(len(entries))}
    assert unknown.status_code == 200
    result = partner.parse(unknown.content)
    assert (result.not_found, result.events) == (True, [])


@each(PULL, scope="module")
def test_a_wrong_key_is_refused_on_every_call_without_showing_it(partner, sandbox):
    server, entries = sandbox
    client = partner.client(_credentials(server.url, api_key=SecretStr(WRONG),
                                         client_secret=SecretStr(WRONG)))
    with pytest.raises(AuthenticationError) as feed:
        client.changes(None)
    with pytest.raises(AuthenticationError) as tracked:
        client.track(entries[0].tracking_number)
    client.close()
    for error in (feed.value, tracked.value):
        assert WRONG not in str(error) and WRONG not in repr(error)
        assert "refused our credentials" in str(error)


@each(PULL, scope="module")
def test_the_sandbox_refuses_a_tracking_request_without_credentials(partner, sandbox):
    server, entries = sandbox
    call = partner.api.track
    request = Draft(call.method, call.path)
    call.number_in.place(entries[0].tracking_number, request)
    with httpx.Client(base_url=server.url, headers=partner.api.headers) as http:
        assert request.send(http).status_code == 401


@each(PULL, scope="module")
def test_a_missing_setting_is_named_without_showing_a_secret(partner):
    secret = "s3cret-value"
    complete = SANDBOX_CREDENTIALS.model_copy(update={
        "base_url": "http://partner.test", "api_key": SecretStr(secret),
        "client_secret": SecretStr(secret)})
    partner.client(complete).close()
    for field in partner.credentials:
        with pytest.raises(FatalError) as info:
            partner.client(complete.model_copy(update={field: None}))
        message = str(info.value)
        assert f"LINTAS_{partner.id.upper()}__{field.upper()}" in message, field
        assert message.startswith(f"{partner.id}: ") and secret not in message
