"""A sandbox of the SAP Express API on 127.0.0.1, serving :mod:`lintas.connectors.sap.scenarios`.

Routes: ``GET /shipment/tracking/awb?awb_no=<awb>``, ``GET /shipment/tracking/changes``
(the change feed) and ``GET /sandbox/expectations``. Partner routes want the account's key
in the ``api_key`` header and answer 401 without it. An AWB the sandbox does not know gets
SAP's "not found": HTTP 200 with an empty array.
"""

from __future__ import annotations

import secrets

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from lintas.connectors.sandboxes import Catalog, feed_routes
from lintas.connectors.sandboxes.scenario import Entry
from lintas.connectors.sap.scenarios import build_catalog
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
    ``api_key`` in ``credentials``."""
    catalog = Catalog(entries if entries is not None else build_catalog(seed, rounds=rounds))
    key = credentials.api_key if credentials else None
    api_key = key.get_secret_value() if key else ""

    def error(status: int, message: str) -> JSONResponse:
        return JSONResponse({"status": "error", "message": message}, status_code=status)

    def authorized(request: Request) -> bool:
        return secrets.compare_digest(request.headers.get("api_key", ""), api_key)

    async def track(request: Request) -> Response:
        if not authorized(request):
            return error(401, "Invalid api key")
        awb = request.query_params.get("awb_no", "").strip()
        if not awb:
            return error(400, "awb_no is required")
        entry, flaky = catalog.lookup(awb)
        if entry is None:
            return Response(b"[]", media_type="application/json")
        if flaky:
            return error(503, "Service Unavailable")
        return Response(entry.body, media_type="application/json")

    return Starlette(routes=[
        Route("/shipment/tracking/awb", track, methods=["GET"]),
        *feed_routes("/shipment/tracking/changes", catalog, authorized),
    ])
