"""Bearer tokens: the store keeps hashes only, in a file its owner alone reads; the read API
and the ops server answer 401 without a valid token, 403 for another scope, and keep
/healthz open and silent; ``lintas tokens`` creates, lists and revokes them."""

from __future__ import annotations

import json
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from starlette.applications import Starlette
from starlette.testclient import TestClient

from lintas.cli import cli
from lintas.core.errors import ConfigurationError
from lintas.core.tokens import Access, TokenStore
from lintas.streams.api import create_app as create_api
from lintas.streams.ops.collector import OpsPoller
from lintas.streams.ops.server import create_app as create_ops
from lintas.streams.view.store import open_store
from tests.unit.test_ops_metrics import synthetic_snapshot
from tests.unit.test_ops_server import ScriptedCollector


@pytest.fixture
def tokens(tmp_path: Path) -> TokenStore:
    return TokenStore(tmp_path / "home" / "tokens.json")


def test_the_store_keeps_only_hashes_in_a_private_file(tokens):
    entry, token = tokens.create("view:read", "partner portal")
    assert token.startswith(f"lintas_{entry.id}_") and len(token) == len("lintas__") + 12 + 43
    assert stat.S_IMODE(tokens.path.stat().st_mode) == 0o600
    kept = tokens.path.read_text()
    assert token not in kept and token.split("_")[-1] not in kept
    assert json.loads(kept)[entry.id]["scope"] == "view:read"
    assert [e.public() for e in tokens.all()] == [
        {"id": entry.id, "name": "partner portal", "scope": "view:read",
         "created_at": entry.created_at, "revoked_at": None}]
    assert "sha256" not in repr(entry)


def test_a_token_is_checked_for_its_scope_and_revocation(tokens):
    entry, token = tokens.create("ops:read")
    assert tokens.check(token, "ops:read") is Access.GRANTED
    assert tokens.check(token, "view:read") is Access.WRONG_SCOPE
    assert tokens.check(token[:-1] + ("A" if token[-1] != "A" else "B"), "ops:read") \
        is Access.UNKNOWN
    assert tokens.check("not a token", "ops:read") is Access.UNKNOWN
    # another process (the CLI) revokes it: a running server sees it at the next check
    TokenStore(tokens.path).revoke(entry.id)
    assert tokens.check(token, "ops:read") is Access.REVOKED
    assert tokens.revoke(entry.id).revoked_at == TokenStore(tokens.path).all()[0].revoked_at


def test_unknown_scopes_and_ids_are_refused(tokens):
    with pytest.raises(ConfigurationError, match="no scope"):
        tokens.create("view:write")
    with pytest.raises(ConfigurationError, match="no token"):
        tokens.revoke("0123456789ab")


def _api(tokens: TokenStore, tmp_path: Path) -> Iterator[Starlette]:
    store = open_store(f"sqlite:///{tmp_path / 'view.db'}")
    yield create_api(store, tokens=tokens)
    store.close()


def _ops(tokens: TokenStore, tmp_path: Path) -> Iterator[Starlette]:
    poller = OpsPoller(ScriptedCollector(synthetic_snapshot()))
    poller.collect_once()
    yield create_ops(poller, tokens=tokens, run_poller=False)


#: (server, its scope, the other scope, its protected routes)
SERVERS = {
    "api": (_api, "view:read", "ops:read",
            ["/v1/shipments", "/v1/coverage/Bandung", "/openapi.json", "/nowhere"]),
    "ops": (_ops, "ops:read", "view:read", ["/metrics", "/api/snapshot", "/api/series"]),
}


@pytest.fixture(params=list(SERVERS))
def server(request, tokens, tmp_path) -> Iterator[tuple[TestClient, str, str, list[str]]]:
    build, scope, other, paths = SERVERS[request.param]
    apps = build(tokens, tmp_path)
    with TestClient(next(apps)) as client:
        yield client, scope, other, paths
    next(apps, None)


def _refused(response, status: int, error: str | None) -> str:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/json"
    challenge = response.headers["www-authenticate"]
    assert challenge.startswith('Bearer realm="lintas"')
    assert (f'error="{error}"' in challenge) if error else ("error=" not in challenge)
    reason = response.json()["error"]
    assert reason
    return reason


def test_without_a_token_401(server):
    client, scope, _, paths = server
    for path in paths:
        reason = _refused(client.get(path), 401, None)
        assert scope in reason
    for header in ("Basic dXNlcjpwdw==", "Bearer", "Bearer    "):
        _refused(client.get(paths[0], headers={"Authorization": header}), 401, None)


def test_with_an_invalid_or_revoked_token_401(server, tokens):
    client, scope, _, paths = server
    entry, token = tokens.create(scope)
    forged = token[:-4] + "AAAA" if not token.endswith("AAAA") else token[:-4] + "BBBB"
    for bad in ("nonsense", forged):
        assert "not valid" in _refused(
            client.get(paths[0], headers={"Authorization": f"Bearer {bad}"}), 401, "invalid_token")
    assert client.get(paths[0], headers={"Authorization": f"Bearer {token}"}).status_code \
        in (200, 404)
    tokens.revoke(entry.id)
    for path in paths:
        reason = _refused(client.get(path, headers={"Authorization": f"Bearer {token}"}),
                          401, "invalid_token")
        assert "revoked" in reason and token not in reason


def test_with_a_token_of_another_scope_403(server, tokens):
    client, scope, other, paths = server
    _, token = tokens.create(other)
    for path in paths:
        reason = _refused(client.get(path, headers={"Authorization": f"Bearer {token}"}),
                          403, "insufficient_scope")
        assert scope in reason


def test_with_the_right_token_200(server, tokens):
    client, scope, _, paths = server
    _, token = tokens.create(scope)
    for path in paths:
        answer = client.get(path, headers={"authorization": f"bearer {token}"})
        assert answer.status_code == (404 if path == "/nowhere" else 200), answer.text


def test_healthz_is_open_and_says_only_its_status(server):
    client, *_ = server
    answer = client.get("/healthz")
    assert answer.status_code == 200 and answer.json() == {"status": "ok"}


def test_the_dashboard_page_is_open_and_holds_no_data(tokens, tmp_path):
    with TestClient(next(_ops(tokens, tmp_path))) as client:
        page = client.get("/")
        assert page.status_code == 200 and "lintas ops" in page.text
        assert client.get("/static/dashboard.js").status_code == 200
        assert "#token=" in client.get("/static/dashboard.js").text
        assert "kafka_consumergroup" not in page.text


def test_the_openapi_document_declares_the_bearer_scheme():
    from lintas.streams.api import openapi_document

    document = openapi_document()
    assert document["components"]["securitySchemes"]["bearer"]["scheme"] == "bearer"
    assert document["security"] == [{"bearer": []}]
    health = document["paths"]["/healthz"]["get"]
    assert health["security"] == [] and "401" not in health["responses"]
    shipments = document["paths"]["/v1/shipments"]["get"]["responses"]
    assert {"401", "403"} <= set(shipments)


# -- the command --------------------------------------------------------------------------


@pytest.fixture
def run(tmp_path, monkeypatch):
    monkeypatch.setenv("LINTAS_HOME", str(tmp_path / "home"))

    def invoke(*args: str) -> str:
        result = CliRunner().invoke(cli, ["tokens", *args])
        assert result.exit_code == 0, result.output
        return result.output

    return invoke


def test_tokens_create_list_revoke(run, tmp_path):
    created = json.loads(run("create", "--scope", "view:read", "--name", "portal", "--json"))
    token = created["token"]
    store = TokenStore(tmp_path / "home" / "tokens.json")
    assert store.check(token, "view:read") is Access.GRANTED
    assert stat.S_IMODE(store.path.stat().st_mode) == 0o600

    people = run("create", "--scope", "ops:read")
    ops_token = next(line for line in people.splitlines() if line.startswith("lintas_"))
    assert store.check(ops_token, "ops:read") is Access.GRANTED

    listed = json.loads(run("list", "--json"))
    assert [(t["name"], t["scope"]) for t in listed] == [("portal", "view:read"),
                                                         (None, "ops:read")]
    table = run("list")
    for shown in (json.dumps(listed), table):
        assert token not in shown and ops_token not in shown and "sha256" not in shown

    revoked = json.loads(run("revoke", created["id"], "--json"))
    assert revoked["revoked_at"] and store.check(token, "view:read") is Access.REVOKED
    assert created["id"] in run("revoke", created["id"])


def test_tokens_create_into_a_file_replacing_the_last_one(run, tmp_path):
    target = tmp_path / "secrets" / "prometheus.token"
    first = json.loads(run("create", "--scope", "ops:read", "--name", "prometheus",
                           "--output", str(target), "--json"))
    assert "token" not in first and first["file"] == str(target)
    old = target.read_text()
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    second = json.loads(run("create", "--scope", "ops:read", "--name", "prometheus",
                            "--output", str(target), "--replace", "--json"))
    assert second["replaced"] == [first["id"]]
    store = TokenStore(tmp_path / "home" / "tokens.json")
    assert store.check(old, "ops:read") is Access.REVOKED
    assert store.check(target.read_text(), "ops:read") is Access.GRANTED
