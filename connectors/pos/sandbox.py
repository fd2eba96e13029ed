"""A sandbox of the Pos Indonesia API on 127.0.0.1, serving :mod:`lintas.connectors.pos.scenarios`.

Routes: ``POST /oauth2/token`` (client credentials, HTTP Basic), ``POST /v1/tracking``
(Bearer), ``GET /v1/tracking/changes`` (Bearer; the change feed), ``GET /v1/offices``
(Bearer; the office network, paged by ``since``) and ``GET /sandbox/expectations``.
"""

from __future__ import annotations

import base64
import secrets
from typing import Any
from urllib.parse import parse_qs

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from lintas.connectors.pos.network_scenarios import build_network
from lintas.connectors.pos.scenarios import build_catalog
from lintas.connectors.sandboxes import Catalog, feed_routes
from lintas.connectors.sandboxes.scenario import Entry
from lintas.core.settings import PartnerCredentials

__all__ = ["create_app"]


def create_app(
    entries: list[Entry] | None = None,
    *,
    credentials: PartnerCredentials | None = None,
    seed: int = 1,
    rounds: int = 1,
) -> Starlette:
    """The sandbox app over ``entries`` (or a catalog drawn from ``seed``), accepting the
    OAuth2 client in ``credentials``."""
    catalog = Catalog(entries if entries is not None else build_catalog(seed, rounds=rounds))
    client_id = (credentials.client_id if credentials else None) or ""
    secret = credentials.client_secret if credentials else None
    client_secret = secret.get_secret_value() if secret else ""
    tokens: set[str] = set()

    def error(status: int, message: str) -> JSONResponse:
        return JSONResponse({"error": message}, status_code=status)

    async def token(request: Request) -> Response:
        scheme, _, encoded = request.headers.get("authorization", "").partition(" ")
        try:
            user, _, password = base64.b64decode(encoded).decode().partition(":")
        except (ValueError, UnicodeDecodeError):
            return error(401, "invalid_client")
        if scheme.lower() != "basic" or not (
            secrets.compare_digest(user, client_id)
            and secrets.compare_digest(password, client_secret)
        ):
            return error(401, "invalid_client")
        form = parse_qs((await request.body()).decode("utf-8", "replace"))
        if form.get("grant_type") != ["client_credentials"]:
            return error(400, "unsupported_grant_type")
        value = secrets.token_urlsafe(24)
        tokens.add(value)
        return JSONResponse({"access_token": value, "token_type": "Bearer", "expires_in": 3600})

    def authorized(request: Request) -> bool:
        scheme, _, value = request.headers.get("authorization", "").partition(" ")
        return scheme.lower() == "bearer" and value in tokens

    async def tracking(request: Request) -> Response:
        if not authorized(request):
            return error(401, "invalid_token")
        try:
            body: Any = await request.json()
            barcode = str(body["barcode"]).strip()
        except (ValueError, KeyError, TypeError):
            return error(400, 'body must be {"barcode": "..."}')
        entry, flaky = catalog.lookup(barcode)
        if entry is None:
            return Response(b'{"response": null}', media_type="application/json")
        if flaky:
            return error(503, "service temporarily unavailable")
        return Response(entry.body, media_type="application/json")

    network = build_network(seed)
    page_size = 20

    async def offices(request: Request) -> Response:
        if not authorized(request):
            return error(401, "invalid_token")
        try:
            since = int(request.query_params.get("since", "0"))
        except ValueError:
            return error(400, "since must be an integer")
        index = since // page_size
        if index >= len(network):
            return JSONResponse({"data": [], "next": str(since), "has_more": False})
        return Response(network[index].body, media_type="application/json")

    return Starlette(routes=[
        Route("/oauth2/token", token, methods=["POST"]),
        Route("/v1/tracking", tracking, methods=["POST"]),
        Route("/v1/offices", offices, methods=["GET"]),
        *feed_routes("/v1/tracking/changes", catalog, authorized),
    ])
