"""What each endpoint answers. A handler reads its parameters, asks
:mod:`lintas.streams.view.queries` and returns a JSON-ready dict (or a whole response)."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError
from starlette.requests import Request
from starlette.responses import Response

from lintas.streams.api import params
from lintas.streams.api.encoding import ApiResponse
from lintas.streams.view.models import ShipmentRow
from lintas.streams.view.queries import (
    DEFAULT_LIMIT,
    InvalidParameterError,
    ViewSource,
    coverage,
    find_shipment,
    list_shipments,
    service_points_in_region,
    service_points_near,
)
from lintas.streams.view.queries.common import engine_of

__all__ = [
    "DEFAULT_RADIUS_M",
    "ApiConfig",
    "get_coverage",
    "get_health",
    "get_service_points",
    "get_shipment",
    "list_shipments_page",
]

DEFAULT_RADIUS_M = 1000.0

log = logging.getLogger(__name__)


def _utc_now() -> datetime:
    return datetime.now(timezone.utc)


@dataclass(frozen=True)
class ApiConfig:
    """What the handlers share: the view, the default ``stale_days`` and the clock."""

    view: ViewSource
    stale_days: float
    clock: Callable[[], datetime] = field(default=_utc_now)


def _stale_days(request: Request, config: ApiConfig) -> float:
    value = params.number(request, "stale_days", config.stale_days)
    assert value is not None
    return value


def get_shipment(request: Request, config: ApiConfig) -> dict[str, Any]:
    """``GET /v1/shipments/{tracking_number}``."""
    return find_shipment(
        config.view, request.path_params["tracking_number"],
        partner=params.text(request, "partner"),
        stale_days=_stale_days(request, config), now=config.clock(),
    )


def list_shipments_page(request: Request, config: ApiConfig) -> dict[str, Any]:
    """``GET /v1/shipments``."""
    return list_shipments(
        config.view,
        statuses=params.words(request, "status"),
        partner=params.text(request, "partner"),
        region=params.text(request, "region"),
        stale_only=params.boolean(request, "stale", False),
        limit=params.integer(request, "limit", DEFAULT_LIMIT),
        cursor=params.text(request, "cursor"),
        stale_days=_stale_days(request, config),
        now=config.clock(),
    ).to_dict()


def get_service_points(request: Request, config: ApiConfig) -> dict[str, Any]:
    """``GET /v1/service-points``: either ``near`` (with ``radius_m``) or ``region``."""
    near = params.text(request, "near")
    region = params.text(request, "region")
    if (near is None) == (region is None):
        raise InvalidParameterError(
            "near",
            "give either near=lat,lon (with radius_m) or region=CODE_OR_NAME, not both")
    common: dict[str, Any] = {
        "kind": params.text(request, "kind"),
        "partner": params.text(request, "partner"),
        "include_inactive": params.boolean(request, "include_inactive", False),
        "limit": params.integer(request, "limit", DEFAULT_LIMIT),
    }
    if near is not None:
        if params.text(request, "cursor"):
            raise InvalidParameterError(
                "cursor", "results near a point come in one page; raise limit or lower radius_m")
        latitude, longitude = params.coordinate(near)
        radius = params.number(request, "radius_m", DEFAULT_RADIUS_M)
        assert radius is not None
        items = service_points_near(config.view, latitude, longitude, radius, **common)
        return {"near": {"latitude": latitude, "longitude": longitude, "radius_m": radius},
                "items": items, "next_cursor": None}
    if params.text(request, "radius_m"):
        raise InvalidParameterError("radius_m", "radius_m goes with near=lat,lon, not region")
    assert region is not None
    return service_points_in_region(config.view, region, cursor=params.text(request, "cursor"),
                                    **common).to_dict()


def get_coverage(request: Request, config: ApiConfig) -> dict[str, Any]:
    """``GET /v1/coverage/{city}``."""
    return coverage(config.view, request.path_params["city"])


def get_health(request: Request, config: ApiConfig) -> Response:
    """``GET /healthz`` (open to anyone, so it says nothing else): 200 when the view's
    tables can be read, 503 when not; the server log says why."""
    engine = engine_of(config.view)
    try:
        with engine.connect() as conn:
            conn.execute(select(ShipmentRow.shipment_id).limit(1)).all()
    except SQLAlchemyError as exc:
        log.warning("health: the view cannot be read (%s)", exc.__class__.__name__)
        return ApiResponse({"status": "unavailable"}, status_code=503)
    return ApiResponse({"status": "ok"})
