"""A sandbox of the J&T Express tracking API on 127.0.0.1, serving
:mod:`lintas.connectors.jnt.scenarios`.

Routes, all behind HTTP Basic (username and API key): ``POST /jandt_track/track``
(``{"awb": "...", "eccompanyid": "...", "lang": "id"|"en"}``; the answer is in the asked
language, Indonesian by default), ``GET /jandt_track/track/changes`` (the change feed)
and ``GET /sandbox/expectations``.
"""

from __future__ import annotations

import base64
import binascii
import secrets
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from lintas.connectors.jnt.scenarios import build_catalog
from lintas.connectors.sandboxes import Catalog, feed_routes
from lintas.connectors.sandboxes.scenario import Entry
from lintas.core.settings import PartnerCredentials

__all__ = ["create_app"]

_NOT_FOUND = b'{"error_id": "404", "error_message": "Invalid AWB number"}'


def create_app(
    entries: list[Entry] | None = None,
    *,
    credentials: PartnerCredentials | None = None,
    seed: int = 1,
    rounds: int = 1,
) -> Starlette:
    """The sandbox app over ``entries`` (or a catalog drawn from ``seed``), accepting the
    username and API key in ``credentials`` as HTTP Basic."""
    catalog = Catalog(entries if entries is not None else build_catalog(seed, rounds=rounds))
    username = ((credentials.username if credentials else None) or "").encode()
    key = credentials.api_key if credentials else None
    api_key = (key.get_secret_value() if key else "").encode()

    def error(status: int, message: str) -> JSONResponse:
        return JSONResponse({"error_id": str(status), "error_message": message},
                            status_code=status)

    def authorized(request: Request) -> bool:
        scheme, _, encoded = request.headers.get("authorization", "").partition(" ")
        if scheme.lower() != "basic":
            return False
        try:
            user, _, password = base64.b64decode(encoded, validate=True).decode().partition(":")
        except (binascii.Error, UnicodeDecodeError):
            return False
        return secrets.compare_digest(user.encode(), username) and secrets.compare_digest(
            password.encode(), api_key
        )

    async def track(request: Request) -> Response:
        if not authorized(request):
            return error(401, "Unauthorized")
        try:
            body: Any = await request.json()
        except ValueError:
            body = None
        if not isinstance(body, dict) or "awb" not in body:
            return error(400, 'body must be {"awb": "..."}')
        entry, flaky = catalog.lookup(str(body["awb"]).strip())
        if entry is None:
            return Response(_NOT_FOUND, media_type="application/json")
        if flaky:
            return error(503, "Service Unavailable")
        bodies = entry.extra.get("bodies") or {}
        return Response(bodies.get(str(body.get("lang") or ""), entry.body),
                        media_type="application/json")

    return Starlette(routes=[
        Route("/jandt_track/track", track, methods=["POST"]),
        *feed_routes("/jandt_track/track/changes", catalog, authorized),
    ])
