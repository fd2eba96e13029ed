"""A sandbox of the JNE tracing API on 127.0.0.1, serving :mod:`lintas.connectors.jne.scenarios`.

Routes: ``POST /tracing/api/list/v1/cnote/{awb}`` (form fields ``username`` and
``api_key``, as JNE has it), ``GET /tracing/api/list/v1/changes`` (the change feed lintas
asks of JNE; the same username and API key as HTTP Basic, so the key never rides in a
URL) and ``GET /sandbox/expectations``.
"""

from __future__ import annotations

import base64
import binascii
import secrets
from urllib.parse import parse_qs

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from lintas.connectors.jne.scenarios import build_catalog
from lintas.connectors.sandboxes import Catalog, feed_routes
from lintas.connectors.sandboxes.scenario import Entry
from lintas.core.settings import PartnerCredentials

__all__ = ["create_app"]

_NOT_FOUND = b'{"error": "Cnote No. Not Found.", "status": false}'


def create_app(
    entries: list[Entry] | None = None,
    *,
    credentials: PartnerCredentials | None = None,
    seed: int = 1,
    rounds: int = 1,
) -> Starlette:
    """The sandbox app over ``entries`` (or a catalog drawn from ``seed``), accepting the
    username and API key in ``credentials``."""
    catalog = Catalog(entries if entries is not None else build_catalog(seed, rounds=rounds))
    username = ((credentials.username if credentials else None) or "").encode()
    key = credentials.api_key if credentials else None
    api_key = (key.get_secret_value() if key else "").encode()

    def valid(user: str, password: str) -> bool:
        return secrets.compare_digest(user.encode(), username) and secrets.compare_digest(
            password.encode(), api_key
        )

    def refused() -> JSONResponse:
        return JSONResponse({"error": "Invalid Username or API Key.", "status": False},
                            status_code=401)

    async def cnote(request: Request) -> Response:
        form = parse_qs((await request.body()).decode("utf-8", "replace"))
        if not valid(form.get("username", [""])[0], form.get("api_key", [""])[0]):
            return refused()
        entry, flaky = catalog.lookup(request.path_params["awb"].strip())
        if entry is None:
            return Response(_NOT_FOUND, media_type="application/json")
        if flaky:
            return JSONResponse({"error": "Service Temporarily Unavailable", "status": False},
                                status_code=503)
        return Response(entry.body, media_type="application/json")

    def authorized(request: Request) -> bool:
        scheme, _, encoded = request.headers.get("authorization", "").partition(" ")
        if scheme.lower() != "basic":
            return False
        try:
            user, _, password = base64.b64decode(encoded, validate=True).decode().partition(":")
        except (binascii.Error, UnicodeDecodeError):
            return False
        return valid(user, password)

    return Starlette(routes=[
        Route("/tracing/api/list/v1/cnote/{awb}", cnote, methods=["POST"]),
        *feed_routes("/tracing/api/list/v1/changes", catalog, authorized),
    ])
