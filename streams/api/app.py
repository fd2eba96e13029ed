"""The read-only HTTP API over the view (Starlette): see docs/read-api.md.

Every route but ``/healthz`` needs a bearer token of scope ``view:read``
(:mod:`lintas.streams.httpauth`)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from lintas.core.tokens import TokenStore
from lintas.streams.api import params
from lintas.streams.api.encoding import ApiResponse
from lintas.streams.api.errors import EXCEPTION_HANDLERS
from lintas.streams.api.handlers import ApiConfig
from lintas.streams.api.openapi import openapi_document
from lintas.streams.api.routes import ENDPOINTS, SCOPE, Endpoint
from lintas.streams.httpauth import BearerAuth
from lintas.streams.view.queries import DEFAULT_STALE_DAYS, ViewSource
from lintas.streams.view.queries.shipments import check_stale_days

__all__ = ["create_app"]


def _endpoint(endpoint: Endpoint) -> Callable[[Request], Response]:
    """A Starlette endpoint (sync: it runs in the thread pool) for one table entry."""
    known = {p.name for p in endpoint.parameters if p.location == "query"}
    handler = endpoint.handler

    def run(request: Request) -> Response:
        params.check_known(request, known)
        config: ApiConfig = request.app.state.config
        answer: Any = openapi_document() if handler is None else handler(request, config)
        return answer if isinstance(answer, Response) else ApiResponse(answer)

    run.__name__ = endpoint.operation_id
    return run


def create_app(
    view: ViewSource,
    *,
    tokens: TokenStore,
    stale_days: float = DEFAULT_STALE_DAYS,
    clock: Callable[[], datetime] | None = None,
) -> Starlette:
    """The API over ``view`` (a store or an engine, which the caller owns and closes),
    open to bearers of a ``view:read`` token of ``tokens``.

    ``stale_days`` is the default of the stale anomaly when a request does not give it;
    ``clock`` (aware UTC datetimes) decides staleness, the real clock unless given.
    """
    check_stale_days(stale_days)
    routes = [Route(e.path, _endpoint(e), methods=["GET"], name=e.operation_id)
              for e in ENDPOINTS]
    guard = Middleware(BearerAuth, tokens=tokens, scope=SCOPE,
                       open_paths=[e.path for e in ENDPOINTS if e.public])
    app = Starlette(routes=routes, exception_handlers=dict(EXCEPTION_HANDLERS),
                    middleware=[guard])
    config = ApiConfig(view, stale_days) if clock is None else ApiConfig(view, stale_days, clock)
    app.state.config = config
    return app
