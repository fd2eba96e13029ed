"""Canonical events (ShipmentEvent records) for tests of linking and assembly."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime, timedelta, timezone
from typing import Any

__all__ = ["T0", "shipment_event"]

T0 = datetime(2025, 5, 1, 2, 0, tzinfo=timezone.utc)


def shipment_event(eid: str, partner: str, tn: str, status: str, hours: float,
                   region: str | None = None, refs: Iterable[Mapping[str, Any]] = (),
                   place: str | None = None) -> dict[str, Any]:
    """An event ``hours`` after :data:`T0`, in ``region`` (a Kemendagri code)."""
    return {
        "event_id": eid, "partner": partner, "tracking_number": tn, "tracking_number_flags": [],
        "status": status, "aftership_tag": "InTransit", "raw_status": status.upper(),
        "raw_text": "",
        "occurred_at": T0 + timedelta(hours=hours), "local_time": "", "utc_offset": "+07:00",
        "zone_source": "location", "location_name": place, "location_code": None,
        "postal_code": None, "region_code": region, "detail": None, "receiver": None,
        "references": [dict(r) for r in refs], "sequence": 0, "raw_record_id": None,
        "source_topic": None, "source_partition": None, "source_offset": None,
    }
