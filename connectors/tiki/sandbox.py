"""A sandbox of the TIKI API on 127.0.0.1, serving :mod:`lintas.connectors.tiki.scenarios`.

Routes: ``POST /connote/history`` (form field ``cnno``), ``GET /connote/changes`` (the
change feed) and ``GET /sandbox/expectations``. Partner routes want the account's access
token in the ``x-access-token`` header and answer 401 without it. A connote the sandbox
does not know gets TIKI's "not found": HTTP 200 with an empty ``response``.
"""

from __future__ import annotations

import json
import secrets
from urllib.parse import parse_qs

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from lintas.connectors.sandboxes import Catalog, feed_routes
from lintas.connectors.sandboxes.scenario import Entry
from lintas.connectors.tiki.scenarios import build_catalog
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
    ``api_key`` in ``credentials`` as the access token."""
    catalog = Catalog(entries if entries is not None else build_catalog(seed, rounds=rounds))
    key = credentials.api_key if credentials else None
    token = key.get_secret_value() if key else ""

    def answer(status: int, message: str) -> JSONResponse:
        return JSONResponse({"status": status, "message": message, "response": None},
                            status_code=status)

    def authorized(request: Request) -> bool:
        return secrets.compare_digest(request.headers.get("x-access-token", ""), token)

    async def history(request: Request) -> Response:
        if not authorized(request):
            return answer(401, "INVALID TOKEN")
        form = parse_qs((await request.body()).decode("utf-8", "replace"))
        number = (form.get("cnno") or [""])[0].strip()
        if not number:
            return answer(400, "CNNO IS REQUIRED")
        entry, flaky = catalog.lookup(number)
        if entry is None:
            body = {"status": 200, "message": "DATA NOT FOUND", "response": []}
            return Response(json.dumps(body), media_type="application/json")
        if flaky:
            return answer(503, "SERVICE UNAVAILABLE")
        return Response(entry.body, media_type="application/json")

    return Starlette(routes=[
        Route("/connote/history", history, methods=["POST"]),
        *feed_routes("/connote/changes", catalog, authorized),
    ])
