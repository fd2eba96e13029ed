"""A sandbox of the Lion Parcel API on 127.0.0.1, serving :mod:`lintas.connectors.lion.scenarios`.

Routes: ``GET /v3/stt/track?q=<stt>``, ``GET /v3/stt/changes`` (the change feed) and
``GET /sandbox/expectations``. Partner routes want HTTP Basic with the account's username
and API key and answer 401 without them. An STT the sandbox does not know gets Lion's
"not found": HTTP 200 with ``stt: null``.
"""

from __future__ import annotations

import base64
import binascii
import json
import secrets

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from lintas.connectors.lion.scenarios import build_catalog
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
    ``username`` and ``api_key`` in ``credentials``."""
    catalog = Catalog(entries if entries is not None else build_catalog(seed, rounds=rounds))
    username = (credentials.username if credentials else None) or ""
    key = credentials.api_key if credentials else None
    api_key = key.get_secret_value() if key else ""

    def error(status: int, message: str) -> JSONResponse:
        return JSONResponse({"success": False, "message": message}, status_code=status)

    def authorized(request: Request) -> bool:
        scheme, _, encoded = request.headers.get("authorization", "").partition(" ")
        try:
            user, _, password = base64.b64decode(encoded, validate=True).decode().partition(":")
        except (binascii.Error, UnicodeDecodeError):
            return False
        return scheme.lower() == "basic" and secrets.compare_digest(user, username) \
            and secrets.compare_digest(password, api_key)

    async def track(request: Request) -> Response:
        if not authorized(request):
            return error(401, "Unauthorized")
        number = request.query_params.get("q", "").strip()
        if not number:
            return error(400, "parameter q (STT number) is required")
        entry, flaky = catalog.lookup(number)
        if entry is None:
            body = {"stt": None, "history": None, "message": "STT tidak ditemukan"}
            return Response(json.dumps(body), media_type="application/json")
        if flaky:
            return error(503, "Service Unavailable")
        return Response(entry.body, media_type="application/json")

    return Starlette(routes=[
        Route("/v3/stt/track", track, methods=["GET"]),
        *feed_routes("/v3/stt/changes", catalog, authorized),
    ])
