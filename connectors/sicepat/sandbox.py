"""A sandbox of the SiCepat tracking API on 127.0.0.1, serving
:mod:`lintas.connectors.sicepat.scenarios`.

Routes, all behind the ``api-key`` header: ``GET /customer/waybill?waybill=<number>``,
``GET /customer/waybill/changes`` (the change feed) and ``GET /sandbox/expectations``.
Like SiCepat, an unknown waybill is an HTTP 200 whose body says ``code: 400``.
"""

from __future__ import annotations

import json
import secrets

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from lintas.connectors.sandboxes import Catalog, feed_routes
from lintas.connectors.sandboxes.scenario import Entry
from lintas.connectors.sicepat.scenarios import build_catalog
from lintas.core.settings import PartnerCredentials

__all__ = ["create_app"]


def _status(code: int, description: str) -> bytes:
    return json.dumps({"sicepat": {"status": {"code": code, "description": description}}}).encode()


def create_app(
    entries: list[Entry] | None = None,
    *,
    credentials: PartnerCredentials | None = None,
    seed: int = 1,
    rounds: int = 1,
) -> Starlette:
    """The sandbox app over ``entries`` (or a catalog drawn from ``seed``), accepting the
    API key in ``credentials``."""
    catalog = Catalog(entries if entries is not None else build_catalog(seed, rounds=rounds))
    key = credentials.api_key if credentials else None
    api_key = (key.get_secret_value() if key else "").encode()

    def authorized(request: Request) -> bool:
        given = request.headers.get("api-key", "").encode("utf-8", "replace")
        return secrets.compare_digest(given, api_key)

    def answer(status: int, body: bytes) -> Response:
        return Response(body, status_code=status, media_type="application/json")

    async def waybill(request: Request) -> Response:
        if not authorized(request):
            return answer(401, _status(401, "Unauthorized, invalid api-key"))
        number = request.query_params.get("waybill", "").strip()
        if not number:
            return JSONResponse({"sicepat": {"status": {"code": 400, "description":
                                 "waybill is required"}}}, status_code=400)
        entry, flaky = catalog.lookup(number)
        if entry is None:
            return answer(200, _status(400, "Data tidak ditemukan"))
        if flaky:
            return answer(503, _status(503, "Service Unavailable"))
        return answer(200, entry.body)

    return Starlette(routes=[
        Route("/customer/waybill", waybill, methods=["GET"]),
        *feed_routes("/customer/waybill/changes", catalog, authorized),
    ])
