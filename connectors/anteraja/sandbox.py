"""A sandbox of the AnterAja API on 127.0.0.1, serving :mod:`lintas.connectors.anteraja.scenarios`.

Routes: ``POST /order/tracking`` (``{"waybill_no": ...}``), ``GET /order/tracking/changes``
(the change feed) and ``GET /sandbox/expectations``. Every partner route wants the
``access-key-id`` and ``secret-access-key`` headers and answers 401 without them. A waybill
the sandbox does not know gets AnterAja's "not found": HTTP 200 with ``history: null``.
"""

from __future__ import annotations

import json
import secrets
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from lintas.connectors.anteraja.scenarios import build_catalog
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
    access key in ``credentials`` (``client_id`` and ``api_key``)."""
    catalog = Catalog(entries if entries is not None else build_catalog(seed, rounds=rounds))
    key_id = (credentials.client_id if credentials else None) or ""
    secret = credentials.api_key if credentials else None
    key_secret = secret.get_secret_value() if secret else ""

    def answer(status: int, info: str, content: Any = None) -> JSONResponse:
        return JSONResponse({"status": status, "info": info, "content": content},
                            status_code=status)

    def authorized(request: Request) -> bool:
        given_id = request.headers.get("access-key-id", "")
        given_secret = request.headers.get("secret-access-key", "")
        return secrets.compare_digest(given_id, key_id) and secrets.compare_digest(
            given_secret, key_secret
        )

    async def tracking(request: Request) -> Response:
        if not authorized(request):
            return answer(401, "Unauthorized")
        try:
            body: Any = await request.json()
            waybill = str(body["waybill_no"]).strip()
        except (ValueError, KeyError, TypeError):
            return answer(400, 'body must be {"waybill_no": "..."}')
        entry, flaky = catalog.lookup(waybill)
        if entry is None:
            content = {"waybill_no": waybill, "history": None, "order": None}
            return Response(json.dumps({"status": 200, "info": "OK", "content": content}),
                            media_type="application/json")
        if flaky:
            return answer(503, "Service Unavailable")
        return Response(entry.body, media_type="application/json")

    return Starlette(routes=[
        Route("/order/tracking", tracking, methods=["POST"]),
        *feed_routes("/order/tracking/changes", catalog, authorized),
    ])
