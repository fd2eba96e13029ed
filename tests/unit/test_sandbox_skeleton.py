"""The sandbox skeleton on its own: every auth kind refuses a wrong account with 401, every
number placement is read (and its absence answered with the partner's 400 body), unknown
numbers get the partner's "not found", flaky entries answer 503 before their body, and the
webhook sender signs and reports each POST."""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from pydantic import SecretStr
from starlette.requests import Request
from starlette.testclient import TestClient

from lintas.connectors.sandboxes.api import (
    FormField,
    JsonField,
    NumberPlace,
    PathParam,
    PullSandbox,
    QueryParam,
    TrackingApi,
    tracking_app,
)
from lintas.connectors.sandboxes.auth import (
    Auth,
    FormFields,
    Headers,
    HttpBasic,
    OAuth2ClientCredentials,
)
from lintas.connectors.sandboxes.scenario import Entry
from lintas.connectors.sandboxes.webhooks import WebhookSender, one_post_per_element
from lintas.connectors.signing import SIGNATURE_HEADER, TIMESTAMP_HEADER, verify
from lintas.core.errors import RetriableError
from lintas.core.settings import PartnerCredentials

ACCOUNT = PartnerCredentials(client_id="client-1", client_secret=SecretStr("client-secret"),
                             username="me", api_key=SecretStr("k3y"))
KNOWN = "AWB0001"
FLAKY = "AWB0002"
NOT_FOUND = b'{"found": false}'
REFUSED = b'{"error": "refused"}'
UNAVAILABLE = b'{"error": "try later"}'
MISSING = b'{"error": "number?"}'


def _entry(number: str, fail_first: int = 0) -> Entry:
    return Entry("test", number, "delivered", f'{{"awb": "{number}"}}'.encode(), "shipment",
                 fail_first=fail_first)


ENTRIES = [_entry(KNOWN), _entry(FLAKY, fail_first=2)]


def _api(number: NumberPlace, auth: Auth, path: str = "/track", method: str = "GET",
         **more: Any) -> TrackingApi:
    return TrackingApi(method, path, number, feed="/track/changes", auth=auth,
                       not_found=NOT_FOUND, refused=REFUSED, unavailable=UNAVAILABLE, **more)


def _basic(user: str, password: str) -> dict[str, str]:
    pair = base64.b64encode(f"{user}:{password}".encode()).decode()
    return {"Authorization": f"Basic {pair}"}


@pytest.fixture
def open_client() -> Iterator[TestClient]:
    """A sandbox with its number in the query and a single header as its auth."""
    api = _api(QueryParam("awb", missing=MISSING), Headers({"api-key": "api_key"}))
    with TestClient(tracking_app(api, list(ENTRIES), ACCOUNT)) as client:
        yield client


# --- auth kinds ------------------------------------------------------------------------


def test_http_basic_admits_the_account_and_refuses_anything_else():
    api = _api(QueryParam("awb", missing=MISSING), HttpBasic(user="username", password="api_key"))
    client = TestClient(tracking_app(api, list(ENTRIES), ACCOUNT))
    ok = client.get("/track", params={"awb": KNOWN}, headers=_basic("me", "k3y"))
    assert (ok.status_code, ok.content) == (200, ENTRIES[0].body)
    for headers in (_basic("me", "wrong"), _basic("someone", "k3y"), {},
                    {"Authorization": "Basic !!!"}, {"Authorization": "Bearer k3y"}):
        refused = client.get("/track", params={"awb": KNOWN}, headers=headers)
        assert (refused.status_code, refused.content) == (401, REFUSED)


def test_headers_must_all_match_their_credential_fields():
    auth = Headers({"access-key-id": "client_id", "secret-access-key": "api_key"})
    client = TestClient(tracking_app(_api(QueryParam("awb", missing=MISSING), auth),
                                     list(ENTRIES), ACCOUNT))
    good = {"access-key-id": "client-1", "secret-access-key": "k3y"}
    assert client.get("/track", params={"awb": KNOWN}, headers=good).status_code == 200
    for headers in ({**good, "secret-access-key": "nope"}, {"access-key-id": "client-1"}, {}):
        refused = client.get("/track", params={"awb": KNOWN}, headers=headers)
        assert (refused.status_code, refused.content) == (401, REFUSED)


def test_credentials_in_the_form_and_basic_on_the_feed():
    api = _api(PathParam("awb"), FormFields({"username": "username", "api_key": "api_key"}),
               path="/cnote/{awb}", method="POST",
               feed_auth=HttpBasic(user="username", password="api_key"))
    client = TestClient(tracking_app(api, list(ENTRIES), ACCOUNT))
    ok = client.post(f"/cnote/{KNOWN}", data={"username": "me", "api_key": "k3y"})
    assert (ok.status_code, ok.content) == (200, ENTRIES[0].body)
    refused = client.post(f"/cnote/{KNOWN}", data={"username": "me", "api_key": "nope"})
    assert (refused.status_code, refused.content) == (401, REFUSED)
    assert client.post(f"/cnote/{KNOWN}", headers=_basic("me", "k3y")).status_code == 401
    assert client.get("/track/changes", headers=_basic("me", "k3y")).status_code == 200
    assert client.get("/track/changes", params={"username": "me", "api_key": "k3y"}
                      ).status_code == 401


def test_oauth2_issues_bearer_tokens_to_its_client_only():
    api = _api(JsonField("awb", missing=MISSING), OAuth2ClientCredentials("/oauth2/token"),
               method="POST")
    client = TestClient(tracking_app(api, list(ENTRIES), ACCOUNT))
    grant = {"grant_type": "client_credentials"}
    wrong = client.post("/oauth2/token", data=grant, headers=_basic("client-1", "nope"))
    assert (wrong.status_code, wrong.json()) == (401, {"error": "invalid_client"})
    password_grant = client.post("/oauth2/token", data={"grant_type": "password"},
                                 headers=_basic("client-1", "client-secret"))
    assert password_grant.status_code == 400
    assert password_grant.json() == {"error": "unsupported_grant_type"}
    issued = client.post("/oauth2/token", data=grant, headers=_basic("client-1", "client-secret"))
    assert issued.status_code == 200
    token = issued.json()
    assert token["token_type"] == "Bearer" and token["expires_in"] == 3600
    bearer = {"Authorization": f"Bearer {token['access_token']}"}
    assert client.post("/track", json={"awb": KNOWN}, headers=bearer).content == ENTRIES[0].body
    assert client.get("/track/changes", headers=bearer).status_code == 200
    for headers in ({"Authorization": "Bearer not-issued"}, _basic("client-1", "client-secret")):
        refused = client.post("/track", json={"awb": KNOWN}, headers=headers)
        assert (refused.status_code, refused.content) == (401, REFUSED)
        assert client.get("/track/changes", headers=headers).status_code == 401


def test_tokens_belong_to_the_app_that_issued_them():
    api = _api(JsonField("awb", missing=MISSING), OAuth2ClientCredentials("/oauth2/token"),
               method="POST")
    first = TestClient(tracking_app(api, list(ENTRIES), ACCOUNT))
    second = TestClient(tracking_app(api, list(ENTRIES), ACCOUNT))
    token = first.post("/oauth2/token", data={"grant_type": "client_credentials"},
                       headers=_basic("client-1", "client-secret")).json()["access_token"]
    bearer = {"Authorization": f"Bearer {token}"}
    assert second.post("/track", json={"awb": KNOWN}, headers=bearer).status_code == 401


def test_a_sandbox_without_credentials_admits_a_request_that_sends_none():
    api = _api(QueryParam("awb", missing=MISSING), Headers({"api-key": "api_key"}))
    client = TestClient(tracking_app(api, list(ENTRIES), None))
    assert client.get("/track", params={"awb": KNOWN}).status_code == 200
    assert client.get("/track", params={"awb": KNOWN}, headers={"api-key": "x"}).status_code == 401


# --- number placements -----------------------------------------------------------------

PLACEMENTS = {
    "path": (PathParam("awb"), "POST", "/track/{awb}",
             lambda c, n: c.post(f"/track/{n}", headers={"api-key": "k3y"})),
    "query": (QueryParam("awb", missing=MISSING), "GET", "/track",
              lambda c, n: c.get("/track", params={"awb": n}, headers={"api-key": "k3y"})),
    "json": (JsonField("awb", missing=MISSING), "POST", "/track",
             lambda c, n: c.post("/track", json={"awb": n}, headers={"api-key": "k3y"})),
    "form": (FormField("awb", missing=MISSING), "POST", "/track",
             lambda c, n: c.post("/track", data={"awb": n}, headers={"api-key": "k3y"})),
}


@pytest.mark.parametrize("placement", sorted(PLACEMENTS))
def test_every_placement_finds_the_number_even_padded(placement):
    number, method, path, ask = PLACEMENTS[placement]
    api = _api(number, Headers({"api-key": "api_key"}), path=path, method=method)
    client = TestClient(tracking_app(api, list(ENTRIES), ACCOUNT))
    for asked in (KNOWN, f" {KNOWN} "):
        response = ask(client, asked)
        assert (response.status_code, response.content) == (200, ENTRIES[0].body)
        assert response.headers["content-type"] == "application/json"
    unknown = ask(client, "AWB9999")
    assert (unknown.status_code, unknown.content) == (200, NOT_FOUND)


@pytest.mark.parametrize("request_without_number", [
    lambda c: c.get("/track", headers={"api-key": "k3y"}),
    lambda c: c.get("/track", params={"awb": "  "}, headers={"api-key": "k3y"}),
])
def test_a_query_without_the_number_gets_the_partners_400(open_client, request_without_number):
    response = request_without_number(open_client)
    assert (response.status_code, response.content) == (400, MISSING)


@pytest.mark.parametrize("body", [b"{not json", b"[1, 2]", b'{"other": "AWB0001"}', b'"AWB0001"'])
def test_a_json_body_without_the_field_gets_the_partners_400(body):
    api = _api(JsonField("awb", missing=MISSING), Headers({"api-key": "api_key"}),
               method="POST")
    client = TestClient(tracking_app(api, list(ENTRIES), ACCOUNT))
    response = client.post("/track", content=body, headers={"api-key": "k3y",
                                                             "content-type": "application/json"})
    assert (response.status_code, response.content) == (400, MISSING)


def test_a_form_without_the_field_gets_the_partners_400():
    api = _api(FormField("awb", missing=MISSING), Headers({"api-key": "api_key"}),
               method="POST")
    client = TestClient(tracking_app(api, list(ENTRIES), ACCOUNT))
    for form in ({}, {"awb": " "}, {"other": KNOWN}):
        response = client.post("/track", data=form, headers={"api-key": "k3y"})
        assert (response.status_code, response.content) == (400, MISSING)


def test_a_refused_request_is_refused_before_its_number_is_read(open_client):
    response = open_client.get("/track", headers={"api-key": "nope"})
    assert (response.status_code, response.content) == (401, REFUSED)


def test_only_the_described_method_is_served(open_client):
    assert open_client.post("/track", params={"awb": KNOWN},
                            headers={"api-key": "k3y"}).status_code == 405


# --- bodies, flaky entries, the feed ---------------------------------------------------


def test_not_found_may_name_the_number_asked_for():
    api = TrackingApi("GET", "/track", QueryParam("awb", missing=MISSING), feed="/changes",
                      auth=Headers({}), not_found=lambda number: f'["{number}"]'.encode(),
                      refused=REFUSED, unavailable=UNAVAILABLE)
    client = TestClient(tracking_app(api, list(ENTRIES), None))
    response = client.get("/track", params={"awb": " X-1 "})
    assert (response.status_code, response.content) == (200, b'["X-1"]')


def test_a_flaky_entry_answers_503_its_first_times_then_its_body(open_client):
    answers = [open_client.get("/track", params={"awb": FLAKY}, headers={"api-key": "k3y"})
               for _ in range(4)]
    assert [(a.status_code, a.content) for a in answers] == [
        (503, UNAVAILABLE), (503, UNAVAILABLE), (200, ENTRIES[1].body), (200, ENTRIES[1].body)]


def test_the_answer_may_depend_on_the_request():
    async def shout(entry: Entry, request: Request) -> bytes:
        return entry.body.upper() if request.query_params.get("loud") else entry.body

    api = _api(QueryParam("awb", missing=MISSING), Headers({}), answer=shout)
    client = TestClient(tracking_app(api, list(ENTRIES), None))
    assert client.get("/track", params={"awb": KNOWN, "loud": "1"}).content == b'{"AWB": "AWB0001"}'
    assert client.get("/track", params={"awb": KNOWN}).content == ENTRIES[0].body


def test_the_feed_and_expectations_come_with_every_sandbox(open_client):
    page = open_client.get("/track/changes", params={"limit": "1"}, headers={"api-key": "k3y"})
    assert page.json() == {"changes": [{"tracking_number": KNOWN, "seq": 1}], "next": "1",
                           "has_more": True, "pending": 1}
    assert open_client.get("/track/changes").status_code == 401
    expectations = open_client.get("/sandbox/expectations").json()["entries"]
    assert [e["tracking_number"] for e in expectations] == [KNOWN, FLAKY]


def test_a_pull_sandbox_draws_its_catalog_when_given_no_entries():
    drawn: list[tuple[int, int]] = []

    def build_catalog(seed: int, *, rounds: int = 1) -> list[Entry]:
        drawn.append((seed, rounds))
        return [_entry(f"DRAWN{seed}")]

    create_app = PullSandbox(_api(QueryParam("awb", missing=MISSING), Headers({})),
                             build_catalog)
    client = TestClient(create_app(seed=7, rounds=2))
    assert client.get("/track", params={"awb": "DRAWN7"}).status_code == 200
    given = TestClient(create_app(entries=[_entry("GIVEN")], credentials=None))
    assert given.get("/track", params={"awb": "GIVEN"}).status_code == 200
    assert drawn == [(7, 2)]


# --- the webhook sender ----------------------------------------------------------------


def _pushed(number: str, *bodies: dict[str, str]) -> Entry:
    return Entry("test", number, "delivered", json.dumps(list(bodies), indent=2).encode(),
                 "shipment")


def test_the_sender_posts_each_webhook_signed_in_order():
    seen: list[httpx.Request] = []

    def ingest(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(202 if len(seen) % 2 else 400)

    entries = [_pushed("A1", {"n": "1"}, {"n": "2"}), _pushed("A2", {"n": "3"})]
    deliver = WebhookSender("partnerx", one_post_per_element)
    with httpx.Client(transport=httpx.MockTransport(ingest)) as http:
        codes = deliver(entries, "http://ingest.test/", SecretStr("s3"), client=http, now=1700)
        assert not http.is_closed
    assert codes == [202, 400, 202]
    assert [r.content for r in seen] == [b'{"n":"1"}', b'{"n":"2"}', b'{"n":"3"}']
    for request in seen:
        assert str(request.url) == "http://ingest.test/v1/webhooks/partnerx"
        assert request.headers[TIMESTAMP_HEADER] == "1700"
        assert verify("s3", 1700, request.content, request.headers[SIGNATURE_HEADER])


def test_recorded_wire_bytes_are_sent_as_they_are():
    entry = _pushed("A1", {"n": "1"})
    entry.extra["webhooks"] = [b'{ "n" : "1" }', b"not json"]
    assert one_post_per_element(entry) == [b'{ "n" : "1" }', b"not json"]


def test_the_sender_asks_the_clock_for_each_post():
    stamps: list[str] = []

    def ingest(request: httpx.Request) -> httpx.Response:
        stamps.append(request.headers[TIMESTAMP_HEADER])
        return httpx.Response(202)

    ticks = iter([10.9, 20.2])
    deliver = WebhookSender("partnerx", one_post_per_element)
    with httpx.Client(transport=httpx.MockTransport(ingest)) as http:
        deliver([_pushed("A1", {"n": "1"}, {"n": "2"})], "http://ingest.test", "s3",
                client=http, now=lambda: next(ticks))
    assert stamps == ["10", "20"]


def test_an_unreachable_ingest_is_retriable_and_names_the_partner():
    def unreachable(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("connection refused", request=request)

    deliver = WebhookSender("partnerx", one_post_per_element)
    with httpx.Client(transport=httpx.MockTransport(unreachable)) as http, \
            pytest.raises(RetriableError, match="partnerx: cannot reach the ingest"):
        deliver([_pushed("A1", {"n": "1"})], "http://ingest.test", "s3", client=http)
