"""Service points from the view: near a coordinate, or in a region.

"Near" asks SQL for the points inside the bounding box of the circle (plain comparisons
on latitude and longitude, the same on SQLite and PostgreSQL) and keeps those whose
great-circle (haversine) distance is within the radius, nearest first.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from functools import cache
from typing import Any

from sqlalchemy import and_, exists, or_, select
from sqlalchemy.engine import Connection
from sqlalchemy.sql.elements import ColumnElement

from lintas.streams.view.models import ServicePointRow, ServicePointSourceRow
from lintas.streams.view.queries.common import (
    DEFAULT_LIMIT,
    Page,
    ViewSource,
    check_limit,
    check_partner,
    decode_cursor,
    encode_cursor,
    engine_of,
    in_region,
)
from lintas.streams.view.queries.errors import InvalidParameterError
from lintas.streams.view.queries.regions import resolve_region

__all__ = [
    "EARTH_RADIUS_M",
    "MAX_RADIUS_M",
    "bounding_box",
    "haversine_m",
    "node_kinds",
    "service_points_in_region",
    "service_points_near",
]

EARTH_RADIUS_M = 6_371_000.0
MAX_RADIUS_M = 100_000.0
_LISTING = "service-points"


@cache
def node_kinds() -> tuple[str, ...]:
    """The outlet kinds, as the NetworkNode schema lists them."""
    from lintas.schemas.codec import load_schema

    (field,) = [f for f in load_schema("NetworkNode")["fields"] if f["name"] == "kind"]
    return tuple(field["type"]["symbols"])


def haversine_m(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in metres."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    h = (math.sin((p2 - p1) / 2) ** 2
         + math.cos(p1) * math.cos(p2) * math.sin(math.radians(lon2 - lon1) / 2) ** 2)
    return 2 * EARTH_RADIUS_M * math.asin(min(1.0, math.sqrt(h)))


def bounding_box(
    latitude: float, longitude: float, radius_m: float
) -> tuple[tuple[float, float], list[tuple[float, float]]]:
    """((south, north), [(west, east), ...]) enclosing every point within ``radius_m``.

    The longitude span is the circle's true widest extent; a circle across the
    antimeridian gives two spans, one that holds a pole the whole circle of longitudes.
    """
    angle = radius_m / EARTH_RADIUS_M
    south = max(-90.0, latitude - math.degrees(angle))
    north = min(90.0, latitude + math.degrees(angle))
    ratio = math.sin(angle) / math.cos(math.radians(latitude)) if abs(latitude) < 90 else 2.0
    if south <= -90.0 or north >= 90.0 or ratio >= 1.0:
        return (south, north), [(-180.0, 180.0)]
    spread = math.degrees(math.asin(ratio))
    west, east = longitude - spread, longitude + spread
    if west < -180.0:
        return (south, north), [(west + 360.0, 180.0), (-180.0, east)]
    if east > 180.0:
        return (south, north), [(west, 180.0), (-180.0, east - 360.0)]
    return (south, north), [(west, east)]


def _check_coordinate(latitude: float, longitude: float) -> None:
    if not (math.isfinite(latitude) and -90.0 <= latitude <= 90.0):
        raise InvalidParameterError("near", "latitude must lie between -90 and 90")
    if not (math.isfinite(longitude) and -180.0 <= longitude <= 180.0):
        raise InvalidParameterError("near", "longitude must lie between -180 and 180")


def _check_radius(radius_m: float) -> None:
    if not (math.isfinite(radius_m) and 0 < radius_m <= MAX_RADIUS_M):
        raise InvalidParameterError(
            "radius_m", f"radius_m must be above 0 and at most {MAX_RADIUS_M:g} metres")


def _filters(kind: str | None, partner: str | None,
             include_inactive: bool) -> list[ColumnElement[bool]]:
    clauses: list[ColumnElement[bool]] = []
    if kind:
        if kind not in node_kinds():
            raise InvalidParameterError(
                "kind", f"unknown kind {kind!r}; one of {', '.join(node_kinds())}")
        clauses.append(ServicePointRow.kind == kind)
    if partner:
        clauses.append(exists(select(ServicePointSourceRow.node_id).where(
            ServicePointSourceRow.service_point_id == ServicePointRow.service_point_id,
            ServicePointSourceRow.partner == check_partner(partner))))
    if not include_inactive:
        clauses.append(ServicePointRow.active.is_(True))
    return clauses


def _with_sources(conn: Connection, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The rows, each with its source records (best score first) and its partners."""
    sources: dict[str, list[dict[str, Any]]] = {r["service_point_id"]: [] for r in rows}
    if sources:
        query = (select(ServicePointSourceRow)
                 .where(ServicePointSourceRow.service_point_id.in_(list(sources)))
                 .order_by(ServicePointSourceRow.score.desc(), ServicePointSourceRow.node_id))
        for source in conn.execute(query).mappings():
            sources[source["service_point_id"]].append(
                {k: v for k, v in source.items() if k != "service_point_id"})
    return [{**row, "partners": sorted({s["partner"] for s in sources[row["service_point_id"]]}),
             "sources": sources[row["service_point_id"]]} for row in rows]


def service_points_near(
    source: ViewSource,
    latitude: float,
    longitude: float,
    radius_m: float,
    *,
    kind: str | None = None,
    partner: str | None = None,
    include_inactive: bool = False,
    limit: int = DEFAULT_LIMIT,
) -> list[dict[str, Any]]:
    """Service points within ``radius_m`` metres of a coordinate, nearest first (then by
    id), each with ``distance_m``. Inactive points only with ``include_inactive``."""
    _check_coordinate(latitude, longitude)
    _check_radius(radius_m)
    check_limit(limit)
    (south, north), spans = bounding_box(latitude, longitude, radius_m)
    query = select(ServicePointRow).where(
        ServicePointRow.latitude.between(south, north),
        ServicePointRow.longitude.is_not(None),
        or_(*(ServicePointRow.longitude.between(w, e) for w, e in spans)),
        *_filters(kind, partner, include_inactive),
    )
    with engine_of(source).connect() as conn:
        found: list[tuple[float, str, Mapping[str, Any]]] = []
        for row in conn.execute(query).mappings():
            distance = haversine_m(latitude, longitude, row["latitude"], row["longitude"])
            if distance <= radius_m:
                found.append((distance, row["service_point_id"], dict(row)))
        found.sort(key=lambda item: (item[0], item[1]))
        nearest = [{**row, "distance_m": round(d, 1)} for d, _, row in found[:limit]]
        return _with_sources(conn, nearest)


def service_points_in_region(
    source: ViewSource,
    region: str,
    *,
    kind: str | None = None,
    partner: str | None = None,
    include_inactive: bool = False,
    limit: int = DEFAULT_LIMIT,
    cursor: str | None = None,
) -> Page:
    """A page of the service points of a region (a regency/city or province, by code or
    name), ordered by id."""
    check_limit(limit)
    place = resolve_region(region)
    query = (select(ServicePointRow)
             .where(and_(in_region(ServicePointRow.region_code, place.code),
                         *_filters(kind, partner, include_inactive)))
             .order_by(ServicePointRow.service_point_id)
             .limit(limit + 1))
    if cursor:
        query = query.where(ServicePointRow.service_point_id > decode_cursor(_LISTING, cursor))
    with engine_of(source).connect() as conn:
        rows = [dict(r) for r in conn.execute(query).mappings()]
        more = len(rows) > limit
        items = _with_sources(conn, rows[:limit])
    next_cursor = encode_cursor(_LISTING, items[-1]["service_point_id"]) if more else None
    return Page(items, next_cursor, {"region": place.to_dict()})
