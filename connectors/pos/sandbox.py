"""A sandbox of the Pos Indonesia API on 127.0.0.1, serving :mod:`connectors.pos.scenarios`.

Routes: ``POST /oauth2/token`` (client credentials, HTTP Basic), ``POST /v1/tracking``
(Bearer), ``GET /v1/tracking/changes`` (Bearer; the change feed) and
``GET /sandbox/expectations`` (what a correct pipeline makes of the catalog).
"""

from __future__ import annotations

import base64
import secrets
import threading
from collections import Counter
from typing import Any
from urllib.parse import parse_qs

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from connectors.pos.scenarios import Entry, build_catalog

__all__ = ["create_app"]


def create_app(
    seed: int = 1,
    *,
    rounds: int = 1,
    client_id: str = "lintas-sandbox",
    client_secret: str = "sandbox-secret",
    entries: list[Entry] | None = None,
) -> Starlette:
    """The sandbox app over a catalog drawn from ``seed`` (or the given ``entries``)."""
    catalog = entries if entries is not None else build_catalog(seed, rounds=rounds)
    by_barcode = {e.barcode: e for e in catalog}
    tokens: set[str] = set()
    calls: Counter[str] = Counter()
    lock = threading.Lock()

    def error(status: int, message: str) -> JSONResponse:
        return JSONResponse({"error": message}, status_code=status)

    async def token(request: Request) -> Response:
        header = request.headers.get("authorization", "")
        try:
            scheme, _, encoded = header.partition(" ")
            user, _, password = base64.b64decode(encoded).decode().partition(":")
        except (ValueError, UnicodeDecodeError):
            return error(401, "invalid_client")
        if scheme.lower() != "basic" or not (
            secrets.compare_digest(user, client_id) and secrets.compare_digest(password, client_secret)
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
            return error(400, "body must be {\"barcode\": \"...\"}")
        entry = by_barcode.get(barcode)
        if entry is None:
            return Response(b'{"response": null}', media_type="application/json")
        with lock:
            calls[barcode] += 1
            attempt = calls[barcode]
        if attempt <= entry.fail_first:
            return error(503, "service temporarily unavailable")
        return Response(entry.body, media_type="application/json")

    async def changes(request: Request) -> Response:
        if not authorized(request):
            return error(401, "invalid_token")
        try:
            since = int(request.query_params.get("since", "0"))
            limit = min(500, max(1, int(request.query_params.get("limit", "100"))))
        except ValueError:
            return error(400, "since and limit must be integers")
        page = catalog[since : since + limit]
        nxt = since + len(page)
        return JSONResponse({
            "changes": [{"barcode": e.barcode, "seq": since + i + 1} for i, e in enumerate(page)],
            "next": str(nxt),
            "has_more": nxt < len(catalog),
        })

    async def expectations(_: Request) -> Response:
        return JSONResponse({"partner": "pos", "entries": [e.expectation() for e in catalog]})

    return Starlette(routes=[
        Route("/oauth2/token", token, methods=["POST"]),
        Route("/v1/tracking", tracking, methods=["POST"]),
        Route("/v1/tracking/changes", changes, methods=["GET"]),
        Route("/sandbox/expectations", expectations, methods=["GET"]),
    ])
