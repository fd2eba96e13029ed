"""Read-only queries over the view, for the CLI and the read API.

Every function takes the view as a :class:`~lintas.streams.view.store.ViewStore` or a bare
SQLAlchemy ``Engine`` (SQLite or PostgreSQL) and returns plain dicts with aware UTC
datetimes. Wrong input raises :class:`InvalidParameterError` (naming the parameter),
a miss :class:`NotFoundError`, a name or number that fits several things
:class:`AmbiguousError` (with the candidates).
"""

from lintas.streams.view.queries.common import DEFAULT_LIMIT, MAX_LIMIT, Page, ViewSource
from lintas.streams.view.queries.coverage import coverage
from lintas.streams.view.queries.errors import (
    AmbiguousError,
    InvalidParameterError,
    NotFoundError,
    QueryError,
)
from lintas.streams.view.queries.points import (
    MAX_RADIUS_M,
    haversine_m,
    node_kinds,
    service_points_in_region,
    service_points_near,
)
from lintas.streams.view.queries.regions import Region, resolve_city, resolve_region
from lintas.streams.view.queries.shipments import (
    DEFAULT_STALE_DAYS,
    find_shipment,
    list_shipments,
    stale_anomaly,
    with_stale,
)

__all__ = [
    "DEFAULT_LIMIT",
    "DEFAULT_STALE_DAYS",
    "MAX_LIMIT",
    "MAX_RADIUS_M",
    "AmbiguousError",
    "InvalidParameterError",
    "NotFoundError",
    "Page",
    "QueryError",
    "Region",
    "ViewSource",
    "coverage",
    "find_shipment",
    "haversine_m",
    "list_shipments",
    "node_kinds",
    "resolve_city",
    "resolve_region",
    "service_points_in_region",
    "service_points_near",
    "stale_anomaly",
    "with_stale",
]
