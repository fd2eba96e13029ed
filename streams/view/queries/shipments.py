"""Shipments from the view: one by any leg's tracking number, or a page of them by status,
partner and region; each with the ``stale`` anomaly decided at read time.

A shipment is *stale* when its status is not terminal and its newest event is older than
``stale_days`` (7 by default). Staleness depends on the clock, not on the events, so it is
never written to the view: reads add it to ``anomalies`` as
``{"kind": "stale", "detail": ..., "event_ids": []}``.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from datetime import datetime, timedelta, timezone
from typing import Any

from sqlalchemy import and_, exists, or_, select
from sqlalchemy.sql.elements import ColumnElement

from lintas.connectors.tracking import normalize_tracking_number
from lintas.schemas.statuses import TERMINAL, Status
from lintas.streams.view.models import LegRow, ShipmentRow
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
    store_of,
)
from lintas.streams.view.queries.errors import AmbiguousError, InvalidParameterError, NotFoundError
from lintas.streams.view.queries.regions import resolve_region

__all__ = [
    "DEFAULT_STALE_DAYS",
    "check_stale_days",
    "check_statuses",
    "find_shipment",
    "list_shipments",
    "stale_anomaly",
    "with_stale",
]

DEFAULT_STALE_DAYS = 7.0
_MAX_STALE_DAYS = 3650.0
_TERMINAL = sorted(s.value for s in TERMINAL)
_STATUSES = [s.value for s in Status]
_LISTING = "shipments"


def check_stale_days(stale_days: float) -> float:
    """``stale_days`` when it is a positive number of days (fractions allowed)."""
    if isinstance(stale_days, bool) or not isinstance(stale_days, (int, float)) or not (
        math.isfinite(stale_days) and 0 < stale_days <= _MAX_STALE_DAYS
    ):
        raise InvalidParameterError(
            "stale_days",
            f"stale_days must be a number of days above 0 and at most {_MAX_STALE_DAYS:g}",
        )
    return float(stale_days)


def check_statuses(statuses: Iterable[str]) -> list[str]:
    """Canonical statuses, each checked."""
    out = []
    for status in statuses:
        value = status.strip().lower()
        if value not in _STATUSES:
            raise InvalidParameterError(
                "status", f"unknown status {status!r}; one of {', '.join(_STATUSES)}"
            )
        out.append(value)
    return out


def _utc(now: datetime | None) -> datetime:
    if now is None:
        return datetime.now(timezone.utc)
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    return now.astimezone(timezone.utc)


def stale_anomaly(
    shipment: Mapping[str, Any], *, stale_days: float = DEFAULT_STALE_DAYS,
    now: datetime | None = None,
) -> dict[str, Any] | None:
    """The ``stale`` anomaly of a shipment at ``now``, or None when it is not stale."""
    if shipment["status"] in _TERMINAL:
        return None
    last: datetime = shipment["last_event_at"]
    age = _utc(now) - last
    if age <= timedelta(days=stale_days):
        return None
    days = age / timedelta(days=1)
    since = last.astimezone(timezone.utc).isoformat()
    return {
        "kind": "stale",
        "detail": f"no event for {days:.1f} days (last at {since}); "
                  f"stale after {stale_days:g} days",
        "event_ids": [],
    }


def with_stale(
    shipment: Mapping[str, Any], *, stale_days: float = DEFAULT_STALE_DAYS,
    now: datetime | None = None,
) -> dict[str, Any]:
    """A copy of ``shipment`` whose anomalies include ``stale`` when it applies."""
    out = dict(shipment)
    anomalies = [a for a in shipment.get("anomalies") or [] if a.get("kind") != "stale"]
    stale = stale_anomaly(shipment, stale_days=stale_days, now=now)
    out["anomalies"] = [*anomalies, stale] if stale else anomalies
    return out


def find_shipment(
    source: ViewSource, tracking_number: str, *, partner: str | None = None,
    stale_days: float = DEFAULT_STALE_DAYS, now: datetime | None = None,
) -> dict[str, Any]:
    """The whole shipment (legs, timeline, anomalies) that any of its legs' tracking
    numbers, or its shipment id, names."""
    check_stale_days(stale_days)
    number = normalize_tracking_number(tracking_number)
    if not number:
        raise InvalidParameterError("tracking_number", "tracking_number is empty")
    wanted = check_partner(partner) if partner else None
    store = store_of(source)
    ids = store.find_shipments(number, wanted)
    if not ids and tracking_number.strip() != number:
        ids = store.find_shipments(tracking_number.strip(), wanted)
    if not ids:
        raise NotFoundError(f"no shipment with tracking number {number} in the view")
    if len(ids) > 1:
        raise AmbiguousError(
            f"{number} names {len(ids)} shipments ({', '.join(ids)}); choose with partner",
            [{"shipment_id": sid} for sid in ids],
        )
    view = store.shipment(ids[0])
    if view is None:
        raise NotFoundError(f"shipment {ids[0]} left the view while it was read")
    return with_stale(view, stale_days=stale_days, now=now)


def _filters(
    statuses: list[str], partner: str | None, region: str | None, stale_only: bool,
    cutoff: datetime,
) -> list[ColumnElement[bool]]:
    clauses: list[ColumnElement[bool]] = []
    if statuses:
        clauses.append(ShipmentRow.status.in_(statuses))
    if partner:
        clauses.append(exists(select(LegRow.partner).where(
            LegRow.shipment_id == ShipmentRow.shipment_id, LegRow.partner == partner)))
    if region:
        clauses.append(or_(in_region(ShipmentRow.origin_region, region),
                           in_region(ShipmentRow.destination_region, region)))
    if stale_only:
        clauses.append(and_(ShipmentRow.status.not_in(_TERMINAL),
                            ShipmentRow.last_event_at < cutoff))
    return clauses


def list_shipments(
    source: ViewSource,
    *,
    statuses: Iterable[str] = (),
    partner: str | None = None,
    region: str | None = None,
    stale_only: bool = False,
    limit: int = DEFAULT_LIMIT,
    cursor: str | None = None,
    stale_days: float = DEFAULT_STALE_DAYS,
    now: datetime | None = None,
) -> Page:
    """A page of shipments (with legs, without timelines) ordered by shipment id.

    ``statuses`` keeps shipments in any of them; ``partner`` those with a leg of that
    partner; ``region`` (a code or a name) those whose origin or destination lies in it;
    ``stale_only`` the stale ones. Ordering by id keeps pages stable while the view
    changes: a shipment appears at most once over a walk through the pages.
    """
    check_limit(limit)
    check_stale_days(stale_days)
    moment = _utc(now)
    wanted = check_statuses([statuses] if isinstance(statuses, str) else statuses)
    partner_id = check_partner(partner) if partner else None
    place = resolve_region(region) if region else None
    query = select(ShipmentRow).order_by(ShipmentRow.shipment_id).limit(limit + 1)
    for clause in _filters(wanted, partner_id, place.code if place else None, stale_only,
                           moment - timedelta(days=stale_days)):
        query = query.where(clause)
    if cursor:
        query = query.where(ShipmentRow.shipment_id > decode_cursor(_LISTING, cursor))
    with engine_of(source).connect() as conn:
        rows = [dict(r) for r in conn.execute(query).mappings()]
        more = len(rows) > limit
        rows = rows[:limit]
        legs: dict[str, list[dict[str, Any]]] = {r["shipment_id"]: [] for r in rows}
        if rows:
            for leg in conn.execute(
                select(LegRow.shipment_id, LegRow.partner, LegRow.tracking_number,
                       LegRow.link_method, LegRow.confidence)
                .where(LegRow.shipment_id.in_(list(legs)))
                .order_by(LegRow.shipment_id, LegRow.partner, LegRow.tracking_number)
            ).mappings():
                legs[leg["shipment_id"]].append(
                    {k: v for k, v in leg.items() if k != "shipment_id"})
    items = [with_stale({**row, "legs": legs[row["shipment_id"]]}, stale_days=stale_days,
                        now=moment) for row in rows]
    next_cursor = encode_cursor(_LISTING, rows[-1]["shipment_id"]) if more else None
    return Page(items, next_cursor, {"region": place.to_dict()} if place else {})
