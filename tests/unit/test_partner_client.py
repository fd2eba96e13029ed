"""The shared partner client (lintas.connectors.runtime.client) against httpx.MockTransport:
every auth strategy, every number placement, the settings named when credentials are
missing, the OAuth2 token fetched again on 401, and no secret in errors or reprs."""

from __future__ import annotations

import base64
import json
from collections.abc import Callable
from urllib.parse import parse_qs

import httpx
import pytest
from pydantic import SecretStr

from lintas.connectors.registry import PARTNERS
from lintas.connectors.runtime.auth import (
    FormCredentials,
    Headers,
    HttpBasic,
    OAuth2ClientCredentials,
)
from lintas.connectors.runtime.client import (
    Api,
    Call,
    FormField,
    JsonField,
    PartnerClient,
    PathSegment,
    Query,
)
from lintas.core.errors import AuthenticationError, ConfigurationError, FatalError, SkippableError
from lintas.core.settings import PartnerCredentials

SECRET = "s3cret-value"
CREDENTIALS = PartnerCredentials(base_url="http://partner.test/api", client_id="me-id",
                                 client_secret=SecretStr(SECRET), username="me",
                                 api_key=SecretStr(SECRET), rate_per_second=1000)
FEED = {"changes": [], "next": "1", "has_more": False}

Handler = Callable[[httpx.Request], httpx.Response]


def _recording(handler: Handler | None = None) -> tuple[httpx.MockTransport, list[httpx.Request]]:
    seen: list[httpx.Request] = []

    def record(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return handler(request) if handler else httpx.Response(200, json=FEED)

    return httpx.MockTransport(record), seen


def _api(auth=None, **track) -> Api:
    return Api(partner="acme", auth=auth or HttpBasic(),
               track=Call(track.pop("method", "GET"), "/track", **track),
               changes=Call("GET", "/changes"))


def _basic(username: str, password: str) -> str:
    return "Basic " + base64.b64encode(f"{username}:{password}".encode()).decode()


# -- where the number goes ---------------------------------------------------------------


@pytest.mark.parametrize("placement, method, expect", [
    (PathSegment(), "POST", lambda r: r.url.raw_path == b"/api/track/AB%2F12%203"),
    (Query("waybill"), "GET", lambda r: r.url.params["waybill"] == "AB/12 3"),
    (JsonField("awb"), "POST", lambda r: json.loads(r.content) == {"awb": "AB/12 3"}),
    (FormField("cnno"), "POST", lambda r: parse_qs(r.content.decode()) == {"cnno": ["AB/12 3"]}),
])
def test_the_number_goes_where_the_spec_says(placement, method, expect):
    transport, seen = _recording()
    client = PartnerClient(_api(number_in=placement, method=method), CREDENTIALS,
                           transport=transport)
    client.track("AB/12 3")
    client.close()
    assert seen[0].method == method
    assert expect(seen[0])


def test_track_returns_the_body_exactly_as_sent_and_changes_pages_by_since_and_limit():
    body = b'{"b": 1,  "a": [ ]}'
    transport, seen = _recording(lambda r: httpx.Response(
        200, content=body if r.url.path.endswith("/track") else json.dumps(FEED).encode()))
    client = PartnerClient(_api(number_in=Query("q")), CREDENTIALS, transport=transport)
    assert client.track("1").content == body
    assert client.changes(None) == FEED
    assert client.changes("42", limit=7) == FEED
    client.close()
    assert dict(seen[1].url.params) == {"limit": "100"}
    assert dict(seen[2].url.params) == {"limit": "7", "since": "42"}
    assert client.tracking_path == "/track"


# -- auth strategies -----------------------------------------------------------------------


def test_http_basic_sends_the_username_and_api_key():
    transport, seen = _recording()
    client = PartnerClient(_api(HttpBasic(), number_in=Query("q")), CREDENTIALS,
                           transport=transport)
    client.track("1")
    client.changes(None)
    client.close()
    assert [r.headers["Authorization"] for r in seen] == [_basic("me", SECRET)] * 2


def test_headers_send_credential_fields_as_headers_with_the_api_headers():
    transport, seen = _recording()
    api = Api(partner="acme", auth=Headers({"key-id": "client_id", "key": "api_key"}),
              headers={"Accept": "application/json"},
              track=Call("GET", "/track", number_in=Query("q")), changes=Call("GET", "/changes"))
    client = PartnerClient(api, CREDENTIALS, transport=transport)
    client.track("1")
    client.close()
    assert seen[0].headers["key-id"] == "me-id"
    assert seen[0].headers["key"] == SECRET
    assert seen[0].headers["Accept"] == "application/json"
    assert "Authorization" not in seen[0].headers


def test_auth_can_differ_per_call_form_credentials_on_one_basic_on_the_other():
    transport, seen = _recording()
    api = Api(partner="acme", auth=HttpBasic(),
              track=Call("POST", "/track", number_in=PathSegment(),
                         auth=FormCredentials({"username": "username", "api_key": "api_key"})),
              changes=Call("GET", "/changes"))
    client = PartnerClient(api, CREDENTIALS, transport=transport)
    client.track("1")
    client.changes(None)
    client.close()
    tracked, changes = seen
    assert parse_qs(tracked.content.decode()) == {"username": ["me"], "api_key": [SECRET]}
    assert "Authorization" not in tracked.headers
    assert changes.headers["Authorization"] == _basic("me", SECRET)
    assert changes.content == b""


def test_body_fields_from_credentials_and_options_join_the_number():
    transport, seen = _recording()
    api = _api(number_in=JsonField("awb"), method="POST",
               from_credentials={"account": "username"}, options=("lang",))
    english = PartnerClient(api, CREDENTIALS, transport=transport, options={"lang": "en"})
    default = PartnerClient(api, CREDENTIALS, transport=transport, options={"lang": None})
    english.track("1")
    default.track("1")
    assert json.loads(seen[0].content) == {"awb": "1", "account": "me", "lang": "en"}
    assert json.loads(seen[1].content) == {"awb": "1", "account": "me"}
    with pytest.raises(ValueError, match="unknown options: colour"):
        PartnerClient(api, CREDENTIALS, transport=transport, options={"colour": "red"})


def _oauth_partner(tokens: list[str], accepted: set[str], expires_in: int = 3600) -> Handler:
    def handle(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/api/oauth2/token":
            assert parse_qs(request.content.decode()) == {"grant_type": ["client_credentials"]}
            assert request.headers["Authorization"] == _basic("me-id", SECRET)
            return httpx.Response(200, json={"access_token": tokens.pop(0),
                                             "expires_in": expires_in})
        if request.headers.get("Authorization") in {f"Bearer {t}" for t in accepted}:
            return httpx.Response(200, json=FEED)
        return httpx.Response(401, json={"error": "invalid_token"})

    return handle


def _oauth_client(handler: Handler) -> tuple[PartnerClient, list[httpx.Request]]:
    transport, seen = _recording(handler)
    api = _api(OAuth2ClientCredentials(token_path="/oauth2/token"), number_in=JsonField("id"),
               method="POST")
    return PartnerClient(api, CREDENTIALS, transport=transport), seen


def _token_fetches(seen: list[httpx.Request]) -> int:
    return sum(r.url.path.endswith("/oauth2/token") for r in seen)


def test_oauth2_fetches_a_token_once_and_sends_it_as_bearer():
    client, seen = _oauth_client(_oauth_partner(["t1", "t2"], {"t1"}))
    client.track("1")
    client.changes(None)
    client.close()
    assert _token_fetches(seen) == 1
    assert [r.headers["Authorization"] for r in seen[1:]] == ["Bearer t1"] * 2


def test_oauth2_fetches_a_new_token_when_the_partner_answers_401():
    client, seen = _oauth_client(_oauth_partner(["revoked", "fresh"], {"fresh"}))
    assert client.changes(None) == FEED
    client.close()
    assert _token_fetches(seen) == 2
    assert seen[-1].headers["Authorization"] == "Bearer fresh"


def test_oauth2_fetches_a_new_token_when_the_old_one_expires():
    client, seen = _oauth_client(_oauth_partner(["t1", "t2"], {"t1", "t2"}, expires_in=10))
    client.changes(None)
    client.changes(None)  # 10 s minus the 30 s margin: already expired
    client.close()
    assert _token_fetches(seen) == 2


def test_oauth2_gives_up_after_one_new_token():
    client, seen = _oauth_client(_oauth_partner(["t1", "t2", "t3"], set()))
    with pytest.raises(AuthenticationError, match="refused our credentials"):
        client.track("1")
    client.close()
    assert _token_fetches(seen) == 2


# -- errors --------------------------------------------------------------------------------


@pytest.mark.parametrize("partner_id, names", [
    ("pos", ["LINTAS_POS__CLIENT_ID", "LINTAS_POS__CLIENT_SECRET"]),
    ("jne", ["LINTAS_JNE__USERNAME", "LINTAS_JNE__API_KEY"]),
    ("jnt", ["LINTAS_JNT__USERNAME", "LINTAS_JNT__API_KEY"]),
    ("sicepat", ["LINTAS_SICEPAT__API_KEY"]),
    ("anteraja", ["LINTAS_ANTERAJA__CLIENT_ID", "LINTAS_ANTERAJA__API_KEY"]),
    ("lion", ["LINTAS_LION__USERNAME", "LINTAS_LION__API_KEY"]),
    ("tiki", ["LINTAS_TIKI__API_KEY"]),
    ("sap", ["LINTAS_SAP__API_KEY"]),
])
def test_missing_credentials_name_the_settings_to_set(partner_id, names):
    build = PARTNERS[partner_id].client
    with pytest.raises(FatalError, match=rf"^{partner_id}: no API address; "
                                         rf"set LINTAS_{partner_id.upper()}__BASE_URL$"):
        build(CREDENTIALS.model_copy(update={"base_url": None}))
    with pytest.raises(FatalError) as info:
        build(PartnerCredentials(base_url="http://x", client_secret=SecretStr(SECRET)))
    message = str(info.value)
    assert message.startswith(f"{partner_id}: no ")
    assert message.endswith("set " + " and ".join(names))
    assert SECRET not in message


def test_an_empty_secret_counts_as_missing():
    api = _api(Headers({"api-key": "api_key"}), number_in=Query("q"))
    with pytest.raises(FatalError, match=r"^acme: no API key; set LINTAS_ACME__API_KEY$"):
        PartnerClient(api, CREDENTIALS.model_copy(update={"api_key": SecretStr("")}))


@pytest.mark.parametrize("auth", [
    HttpBasic(),
    Headers({"api-key": "api_key"}),
    FormCredentials({"key": "api_key"}),
    OAuth2ClientCredentials(token_path="/oauth2/token"),
])
def test_a_secret_never_shows_in_an_error_or_a_repr(auth):
    def refuse(request: httpx.Request) -> httpx.Response:
        return httpx.Response(401, text=f"bad key {SECRET}")

    transport, _ = _recording(refuse)
    api = _api(auth, number_in=PathSegment(), method="POST")
    client = PartnerClient(api, CREDENTIALS, transport=transport)
    with pytest.raises(AuthenticationError) as info:
        client.track("1")
    client.close()
    for text in (str(info.value), repr(info.value), repr(client), repr(api)):
        assert SECRET not in text


def test_http_errors_map_to_lintas_errors():
    transport, _ = _recording(lambda r: httpx.Response(404))
    client = PartnerClient(_api(number_in=Query("q")), CREDENTIALS, transport=transport)
    with pytest.raises(SkippableError, match=r"^acme: GET /api/track: request rejected"):
        client.track("1")
    client.close()


# -- the spec ------------------------------------------------------------------------------


def test_only_a_spec_with_a_network_call_has_a_network():
    transport, seen = _recording()
    api = Api(partner="acme", auth=HttpBasic(), track=Call("GET", "/t", number_in=Query("q")),
              changes=Call("GET", "/changes"), network=Call("GET", "/offices"))
    with_network = PartnerClient(api, CREDENTIALS, transport=transport)
    without = PartnerClient(_api(number_in=Query("q")), CREDENTIALS, transport=transport)
    assert with_network.has_network and not without.has_network
    assert with_network.network("5").status_code == 200
    assert dict(seen[0].url.params) == {"limit": "20", "since": "5"}
    assert with_network.network_path == "/offices"
    with pytest.raises(ConfigurationError, match="acme: the partner has no network API"):
        without.network(None)
    assert [p for p, partner in PARTNERS.items()
            if partner.api and partner.client(CREDENTIALS).has_network] == ["pos"]


@pytest.mark.parametrize("build, error", [
    (lambda: _api(), "the tracking call needs number_in"),
    (lambda: _api(FormCredentials({"k": "api_key"}), number_in=JsonField("awb")),
     "mixes a JSON and a form body"),
    (lambda: _api(number_in=Query("q"), options=("lang",)), "body fields but no body"),
    (lambda: _api(Headers({"k": "password"}), number_in=Query("q")),
     "no such credential fields: password"),
    (lambda: Api(partner="acme", auth=HttpBasic(),
                 track=Call("GET", "/t", number_in=Query("q")),
                 changes=Call("GET", "/c", number_in=Query("q"))),
     "only the tracking call takes a number"),
])
def test_a_spec_that_cannot_work_is_refused_when_built(build, error):
    with pytest.raises(ValueError, match=error):
        build()
