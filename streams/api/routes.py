"""The route table: every endpoint once, with its parameters and answers. The app's
routes and the OpenAPI document are both built from it, so they cannot drift apart."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal

from starlette.requests import Request

from lintas.streams.api import handlers
from lintas.streams.view.queries import DEFAULT_LIMIT, DEFAULT_STALE_DAYS, MAX_LIMIT, MAX_RADIUS_M

__all__ = ["ENDPOINTS", "SCOPE", "Endpoint", "Parameter"]

#: The token scope every endpoint but the public ones needs.
SCOPE = "view:read"

Handler = Callable[[Request, handlers.ApiConfig], Any]


@dataclass(frozen=True)
class Parameter:
    """One path or query parameter."""

    name: str
    location: Literal["path", "query"]
    description: str
    schema: dict[str, Any]
    required: bool = False


@dataclass(frozen=True)
class Endpoint:
    """One GET endpoint: where, what it takes, what it answers."""

    path: str
    operation_id: str
    summary: str
    description: str
    tag: str
    handler: Handler | None
    response: str
    errors: tuple[int, ...]
    parameters: tuple[Parameter, ...] = ()
    #: open without a token (it must then say nothing a stranger may not know)
    public: bool = False


def _query(name: str, description: str, schema: dict[str, Any]) -> Parameter:
    return Parameter(name, "query", description, schema)


_STRING = {"type": "string"}
LIMIT = _query("limit", "Items per page.",
               {"type": "integer", "minimum": 1, "maximum": MAX_LIMIT, "default": DEFAULT_LIMIT})
CURSOR = _query("cursor", "next_cursor of the previous page, unchanged.", _STRING)
STALE_DAYS = _query(
    "stale_days", "A shipment not in a terminal status with no event for more than this many "
    "days gets the stale anomaly (default: the server's, 7 unless configured).",
    {"type": "number", "exclusiveMinimum": 0, "maximum": 3650, "default": DEFAULT_STALE_DAYS})
PARTNER = _query("partner", "A partner id such as pos or jne.", _STRING)
REGION = _query("region", "A Kemendagri code (32, 32.73) or the name of a regency/city or "
                "province; codes inside it match too.", _STRING)
KIND = _query("kind", "Only service points of this kind.",
              {"$ref": "#/components/schemas/ServicePointKind"})
INCLUDE_INACTIVE = _query("include_inactive", "Also service points no partner lists as active.",
                          {"type": "boolean", "default": False})

ENDPOINTS: tuple[Endpoint, ...] = (
    Endpoint(
        "/v1/shipments/{tracking_number}", "getShipment", "A shipment by any leg's number",
        "The whole shipment (legs, timeline, anomalies) that the tracking number of any of "
        "its legs, or its shipment id, names. 409 when the number names shipments of several "
        "partners: choose with partner.",
        "shipments", handlers.get_shipment, "Shipment", (400, 404, 409, 503),
        (Parameter("tracking_number", "path", "Tracking number of any leg, or a shipment id.",
                   _STRING, required=True), PARTNER, STALE_DAYS),
    ),
    Endpoint(
        "/v1/shipments", "listShipments", "Shipments by status, partner and region",
        "A page of shipments (without timelines) ordered by shipment id. Filters combine "
        "with AND.",
        "shipments", handlers.list_shipments_page, "ShipmentPage", (400, 404, 409, 503),
        (_query("status", "Canonical statuses, comma-separated or repeated (any of them).",
                _STRING),
         PARTNER, REGION,
         _query("stale", "Only stale shipments.", {"type": "boolean", "default": False}),
         LIMIT, CURSOR, STALE_DAYS),
    ),
    Endpoint(
        "/v1/service-points", "listServicePoints", "Service points near a point or in a region",
        "Either near (with radius_m): every service point within the radius, nearest first, "
        "in one page; or region: a page of the region's service points ordered by id.",
        "service points", handlers.get_service_points, "ServicePointPage", (400, 404, 409, 503),
        (_query("near", "latitude,longitude in decimal degrees, like -6.9175,107.6191.", _STRING),
         _query("radius_m", "Radius around near in metres.",
                {"type": "number", "exclusiveMinimum": 0, "maximum": MAX_RADIUS_M,
                 "default": handlers.DEFAULT_RADIUS_M}),
         REGION, KIND, PARTNER, INCLUDE_INACTIVE, LIMIT, CURSOR),
    ),
    Endpoint(
        "/v1/coverage/{city}", "getCoverage", "Coverage of a regency or city",
        "Service points by partner and kind, and which postal codes and villages active "
        "service points serve. 409 lists the candidates of an ambiguous name.",
        "coverage", handlers.get_coverage, "Coverage", (400, 404, 409, 503),
        (Parameter("city", "path", "A regency/city code (32.73) or name (Bandung, Kota "
                   "Bandung, Kabupaten Bandung); on a tie the kota wins.", _STRING,
                   required=True),),
    ),
    Endpoint(
        "/healthz", "getHealth", "Whether the view can be read",
        "200 when the view's tables can be read, 503 when not. Needs no token.",
        "operations", handlers.get_health, "Health", (503,), public=True,
    ),
    Endpoint(
        "/openapi.json", "getOpenApi", "This document", "The OpenAPI 3.1 document of this API.",
        "operations", None, "", (),
    ),
)
