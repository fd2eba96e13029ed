"""A sandbox of the Pos Indonesia API on 127.0.0.1, serving :mod:`lintas.connectors.pos.scenarios`.

Routes: ``POST /oauth2/token`` (client credentials, HTTP Basic), ``POST /v1/tracking``
(Bearer), ``GET /v1/tracking/changes`` (Bearer; the change feed), ``GET /v1/offices``
(Bearer; the office network, paged by ``since``) and ``GET /sandbox/expectations``.
"""

from __future__ import annotations

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from lintas.connectors.pos.network_scenarios import NetworkPage, build_network, expected_nodes
from lintas.connectors.pos.scenarios import build_catalog
from lintas.connectors.sandboxes.api import JsonField, TrackingApi, compact_json, tracking_app
from lintas.connectors.sandboxes.auth import Guard, OAuth2ClientCredentials
from lintas.connectors.sandboxes.scenario import Entry
from lintas.core.settings import PartnerCredentials

__all__ = ["create_app", "expected_outlets"]

OFFICES_PER_PAGE = 20


def _error(message: str) -> bytes:
    return compact_json({"error": message})


API = TrackingApi(
    "POST", "/v1/tracking", JsonField("barcode", missing=_error('body must be {"barcode": "..."}')),
    feed="/v1/tracking/changes",
    auth=OAuth2ClientCredentials("/oauth2/token"),
    not_found=b'{"response": null}',
    refused=_error("invalid_token"),
    unavailable=_error("service temporarily unavailable"),
)


def office_route(network: list[NetworkPage], guard: Guard) -> Route:
    """``GET /v1/offices?since=<position>``: the page of the office network holding that
    position, behind the same bearer tokens as tracking."""

    async def offices(request: Request) -> Response:
        if not await guard.admits(request):
            return Response(API.refused, status_code=401, media_type="application/json")
        try:
            since = int(request.query_params.get("since", "0"))
        except ValueError:
            return JSONResponse({"error": "since must be an integer"}, status_code=400)
        index = since // OFFICES_PER_PAGE
        if index >= len(network):
            return JSONResponse({"data": [], "next": str(since), "has_more": False})
        return Response(network[index].body, media_type="application/json")

    return Route("/v1/offices", offices, methods=["GET"])


def create_app(
    entries: list[Entry] | None = None,
    *,
    credentials: PartnerCredentials | None = None,
    seed: int = 1,
    rounds: int = 1,
) -> Starlette:
    """The sandbox app over ``entries`` (or a catalog drawn from ``seed``), accepting the
    OAuth2 client in ``credentials``; its office network is drawn from ``seed`` too."""
    network = build_network(seed, page_size=OFFICES_PER_PAGE)
    return tracking_app(API, build_catalog(seed, rounds=rounds) if entries is None else entries,
                        credentials, more_routes=lambda guard: [office_route(network, guard)])


def expected_outlets(seed: int = 1) -> int:
    """Distinct offices the office network of ``seed`` lists: what a correct pipeline
    makes of it."""
    return expected_nodes(seed)
