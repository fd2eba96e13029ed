"""The read API over a real view (SQLite and PostgreSQL): answers, errors, and an OpenAPI
document that is valid and that every answer conforms to."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from click.testing import CliRunner
from jsonschema import Draft202012Validator
from sqlalchemy import create_engine
from starlette.routing import Route
from starlette.testclient import TestClient

from lintas.connectors.sandboxes import free_port
from lintas.core.tokens import TokenStore, token_store_path
from lintas.streams.api import create_app, openapi_document
from tests.unit.test_view_queries import NOW, build_views, populate

_ISO_UTC = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$")
_TIME_FIELDS = {"delivered_at", "first_event_at", "last_event_at", "updated_at", "occurred_at"}


@pytest.fixture
def tokens(tmp_path: Path) -> TokenStore:
    return TokenStore(tmp_path / "tokens.json")


def bearer(tokens: TokenStore, scope: str = "view:read") -> dict[str, str]:
    """The header of a fresh token of ``scope``."""
    return {"Authorization": f"Bearer {tokens.create(scope, 'test')[1]}"}


@pytest.fixture
def client(view_url: str, tokens: TokenStore) -> Iterator[TestClient]:
    store = populate(view_url)
    app = create_app(store, tokens=tokens, clock=lambda: NOW)
    with TestClient(app, headers=bearer(tokens)) as test_client:
        yield test_client
    store.close()


def conforms(body: Any, schema: str) -> Any:
    """``body`` after checking it against the document's schema named ``schema``."""
    document = openapi_document()
    validator = Draft202012Validator(
        {"components": document["components"], "$ref": f"#/components/schemas/{schema}"},
        format_checker=Draft202012Validator.FORMAT_CHECKER,
    )
    errors = sorted(validator.iter_errors(body), key=lambda e: list(e.path))
    assert not errors, [f"{list(e.path)}: {e.message}" for e in errors[:5]]
    return body


def _times(value: Any) -> list[str]:
    if isinstance(value, dict):
        return [v for k, v in value.items() if k in _TIME_FIELDS and v is not None] + [
            t for v in value.values() for t in _times(v)]
    if isinstance(value, list):
        return [t for v in value for t in _times(v)]
    return []


def ok(client: TestClient, url: str, schema: str) -> Any:
    response = client.get(url)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/json"
    return conforms(response.json(), schema)


def error(client: TestClient, url: str, status: int) -> dict[str, Any]:
    response = client.get(url)
    assert response.status_code == status, response.text
    body = conforms(response.json(), "Error")
    assert body["error"]
    return body


# -- shipments ---------------------------------------------------------------------------


def test_shipment_by_any_leg(client):
    body = ok(client, "/v1/shipments/P2000000000002", "Shipment")
    assert body == ok(client, "/v1/shipments/11lp0000000000001", "Shipment")
    assert body["shipment_id"] == "lion:11LP0000000000001"
    assert [leg["partner"] for leg in body["legs"]] == ["lion", "pos"]
    assert body["timeline"][-1]["occurred_at"] == "2025-05-10T12:00:00Z"
    assert [a["kind"] for a in body["anomalies"]] == ["stale"]
    times = _times(body)
    assert len(times) == 7 and all(_ISO_UTC.match(t) for t in times)


def test_stale_days_per_request(client):
    body = ok(client, "/v1/shipments/P2000000000002?stale_days=10.5", "Shipment")
    assert body["anomalies"] == []


def test_shipment_misses_and_ambiguities(client):
    assert "NOPE" in error(client, "/v1/shipments/nope", 404)["error"]
    ambiguous = error(client, "/v1/shipments/X123", 409)
    assert {c["shipment_id"] for c in ambiguous["candidates"]} == {"pos:X123", "tiki:X123"}
    assert ok(client, "/v1/shipments/X123?partner=tiki", "Shipment")["shipment_id"] == "tiki:X123"
    assert error(client, "/v1/shipments/X123?stale_days=0", 400)["parameter"] == "stale_days"


def test_shipments_filtered_and_paged(client):
    url = "/v1/shipments?status=in_transit,out_for_delivery&limit=2"
    seen: list[str] = []
    while url:
        page = ok(client, url, "ShipmentPage")
        assert all("timeline" not in item for item in page["items"])
        seen += [item["shipment_id"] for item in page["items"]]
        cursor = page["next_cursor"]
        url = f"/v1/shipments?status=in_transit,out_for_delivery&limit=2&cursor={cursor}" \
            if cursor else ""
    assert seen == ["jne:1234567890123456", "jnt:JP0000000004", "lion:11LP0000000000001",
                    "pos:X123"]
    repeated = ok(client, "/v1/shipments?status=delivered&status=returned", "ShipmentPage")
    assert [i["shipment_id"] for i in repeated["items"]] == ["pos:P1000000000001",
                                                             "sicepat:000000000005"]
    everything = ok(client, "/v1/shipments", "ShipmentPage")
    assert len(everything["items"]) == len(build_views()) and everything["next_cursor"] is None


def test_shipments_by_partner_region_and_staleness(client):
    page = ok(client, "/v1/shipments?region=Bandung&partner=jnt", "ShipmentPage")
    assert page["region"]["code"] == "32.73"
    assert [i["shipment_id"] for i in page["items"]] == ["jnt:JP0000000004"]
    stale = ok(client, "/v1/shipments?stale=true", "ShipmentPage")
    assert [i["shipment_id"] for i in stale["items"]] == ["lion:11LP0000000000001",
                                                          "pos:P3000000000006"]
    assert all(any(a["kind"] == "stale" for a in i["anomalies"]) for i in stale["items"])
    later = ok(client, "/v1/shipments?stale=true&stale_days=9", "ShipmentPage")
    assert [i["shipment_id"] for i in later["items"]] == ["lion:11LP0000000000001"]


@pytest.mark.parametrize(("query", "parameter"), [
    ("status=shipped", "status"),
    ("limit=ten", "limit"),
    ("limit=0", "limit"),
    ("limit=100000", "limit"),
    ("cursor=zzz", "cursor"),
    ("stale=maybe", "stale"),
    ("stale_days=-1", "stale_days"),
    ("stale_days=inf", "stale_days"),
    ("partner=Pos%20Indonesia", "partner"),
    ("region=32.7", "region"),
    ("colour=red", "colour"),
])
def test_bad_shipment_parameters_answer_400_with_the_reason(client, query, parameter):
    body = error(client, f"/v1/shipments?{query}", 400)
    assert body["parameter"] == parameter


def test_regions_that_do_not_exist_or_are_ambiguous(client):
    assert "Atlantis" in error(client, "/v1/shipments?region=Atlantis", 404)["error"]
    assert len(error(client, "/v1/shipments?region=Jakarta", 409)["candidates"]) == 6


# -- service points ----------------------------------------------------------------------


def test_service_points_near(client):
    page = ok(client, "/v1/service-points?near=-6.9175,107.6191&radius_m=3000",
              "ServicePointPage")
    assert page["near"] == {"latitude": -6.9175, "longitude": 107.6191, "radius_m": 3000.0}
    assert [p["service_point_id"] for p in page["items"]] == [
        "sp:jne:BDO-AG-17", "sp:pos:40000", "sp:jnt:DP-9"]
    distances = [p["distance_m"] for p in page["items"]]
    assert distances == sorted(distances) and page["next_cursor"] is None
    default = ok(client, "/v1/service-points?near=-6.9175,107.6191", "ServicePointPage")
    assert default["near"]["radius_m"] == 1000.0
    assert [p["service_point_id"] for p in default["items"]] == ["sp:jne:BDO-AG-17"]
    inactive = ok(client, "/v1/service-points?near=-6.9175,107.6191&radius_m=5000"
                          "&include_inactive=true&kind=agent", "ServicePointPage")
    assert [p["service_point_id"] for p in inactive["items"]] == [
        "sp:jne:BDO-AG-17", "sp:sicepat:SC-1"]


def test_service_points_in_a_region_with_pages(client):
    first = ok(client, "/v1/service-points?region=32.73&limit=3", "ServicePointPage")
    assert first["region"]["name"] == "Kota Bandung"
    rest = ok(client, f"/v1/service-points?region=32.73&limit=3&cursor={first['next_cursor']}",
              "ServicePointPage")
    ids = [p["service_point_id"] for p in first["items"] + rest["items"]]
    assert ids == ["sp:anteraja:AJ-1", "sp:jne:BDO-AG-17", "sp:jnt:DP-9", "sp:pos:40000"]
    assert rest["next_cursor"] is None
    by_partner = ok(client, "/v1/service-points?region=Jawa%20Barat&partner=pos",
                    "ServicePointPage")
    assert [p["service_point_id"] for p in by_partner["items"]] == [
        "sp:jne:BDO-AG-17", "sp:pos:40000", "sp:pos:40911"]
    shared = by_partner["items"][0]
    assert shared["partners"] == ["jne", "pos"] and len(shared["sources"]) == 2


@pytest.mark.parametrize(("query", "parameter"), [
    ("", "near"),
    ("near=-6.9,107.6&region=32.73", "near"),
    ("near=-6.9", "near"),
    ("near=north,east", "near"),
    ("near=95,107.6", "near"),
    ("near=-6.9,107.6&radius_m=0", "radius_m"),
    ("near=-6.9,107.6&radius_m=1e9", "radius_m"),
    ("near=-6.9,107.6&cursor=abc", "cursor"),
    ("region=32.73&radius_m=100", "radius_m"),
    ("region=32.73&kind=shop", "kind"),
    ("region=32.73&include_inactive=perhaps", "include_inactive"),
    ("region=32.73&radius=100", "radius"),
])
def test_bad_service_point_parameters_answer_400(client, query, parameter):
    assert error(client, f"/v1/service-points?{query}", 400)["parameter"] == parameter


# -- coverage ----------------------------------------------------------------------------


def test_coverage_by_name_or_code(client):
    body = ok(client, "/v1/coverage/Bandung", "Coverage")
    assert body == ok(client, "/v1/coverage/Kota%20Bandung", "Coverage")
    assert body == ok(client, "/v1/coverage/32.73", "Coverage")
    assert body["region"]["code"] == "32.73"
    assert body["postal_codes"]["served"] == ["40111", "40112", "40132"]
    assert body["villages"]["served_count"] == 4
    assert ok(client, "/v1/coverage/Kabupaten%20Bandung", "Coverage")["service_points"][
        "total"] == 1


def test_coverage_errors(client):
    ambiguous = error(client, "/v1/coverage/Jakarta", 409)
    assert {c["code"] for c in ambiguous["candidates"]} == {"31.71", "31.72", "31.73", "31.74",
                                                            "31.75"}
    assert "Kota Administrasi Jakarta Pusat (31.71)" in ambiguous["error"]
    error(client, "/v1/coverage/Atlantis", 404)
    assert "province" in error(client, "/v1/coverage/32", 400)["error"]


# -- the rest ----------------------------------------------------------------------------


def test_health(client):
    assert ok(client, "/healthz", "Health") == {"status": "ok"}


def test_a_view_without_tables_answers_503(view_url, tokens):
    engine = create_engine(view_url)  # never migrated: no tables
    try:
        with TestClient(create_app(engine, tokens=tokens), headers=bearer(tokens)) as bare:
            health = bare.get("/healthz")
            assert health.status_code == 503
            assert conforms(health.json(), "Health") == {"status": "unavailable"}
            response = bare.get("/v1/shipments")
            assert response.status_code == 503
            assert "cannot be read" in conforms(response.json(), "Error")["error"]
    finally:
        engine.dispose()


def test_only_get_and_known_paths(client):
    response = client.post("/v1/shipments", json={})
    assert response.status_code == 405 and "read-only" in response.json()["error"]
    assert "GET" in response.headers["allow"]
    assert error(client, "/v2/shipments", 404)["error"] == "no such path: /v2/shipments"


def test_openapi_document_is_valid_and_matches_the_routes(client):
    from openapi_spec_validator import validate

    response = client.get("/openapi.json")
    assert response.status_code == 200
    served = response.json()
    assert served == json.loads(json.dumps(openapi_document()))
    validate(served)
    assert served["openapi"].startswith("3.1")
    routes = {r.path for r in client.app.routes if isinstance(r, Route)}
    assert routes == set(served["paths"])
    for path, item in served["paths"].items():
        operation = item["get"]
        declared = {p["name"] for p in operation.get("parameters", []) if p["in"] == "path"}
        assert declared == set(re.findall(r"{(\w+)}", path)), path
        assert "200" in operation["responses"]
    text = json.dumps(served)
    for name in set(re.findall(r'"#/components/schemas/(\w+)"', text)):
        assert name in served["components"]["schemas"], name


def test_api_openapi_command_prints_the_document():
    from lintas.cli.api import api

    result = CliRunner().invoke(api, ["openapi"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output) == json.loads(json.dumps(openapi_document()))


def test_api_serve_answers_over_http(view_url, tmp_path):
    populate(view_url).close()
    port = free_port()
    home = tmp_path / "home"
    headers = bearer(TokenStore(token_store_path(home)))
    process = subprocess.Popen(
        [sys.executable, "-c", "from lintas.cli.api import api; api(prog_name='lintas api')",
         "serve", "--port", str(port), "--database", view_url, "--stale-days", "9"],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
        env={**os.environ, "LINTAS_HOME": str(home)})
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(f"{base}/healthz", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert process.poll() is None, process.stdout.read() if process.stdout else ""
            assert time.monotonic() < deadline, "the API did not start"
            time.sleep(0.2)
        assert httpx.get(f"{base}/v1/shipments/P3000000000006", timeout=5).status_code == 401
        body = httpx.get(f"{base}/v1/shipments/P3000000000006", headers=headers,
                         timeout=5).json()
        assert body["shipment_id"] == "pos:P3000000000006"
        # 8 days without an event in the synthetic view; the real clock makes it older
        assert [a["kind"] for a in body["anomalies"]] == ["stale"]
        assert "stale after 9 days" in body["anomalies"][0]["detail"]
    finally:
        process.terminate()
        process.wait(timeout=30)
