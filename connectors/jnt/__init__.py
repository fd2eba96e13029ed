"""J&T Express: tracking by AWB (HTTP Basic), history texts in Indonesian or English."""

from lintas.connectors.jnt.client import API
from lintas.connectors.jnt.parse import parse_tracking
from lintas.connectors.jnt.statuses import STATUSES
from lintas.connectors.partner import NetworkDrop, Partner
from lintas.connectors.tracking import TrackingNumbers

__all__ = ["PARTNER", "STATUSES", "parse_tracking"]

PARTNER = Partner(
    "jnt", "J&T Express", "pull", parse_tracking, STATUSES,
    tracking_numbers=TrackingNumbers(r"J[PX]\d{10}"),
    api=API,
    network_drop=NetworkDrop(
        {"source_id": "drop_point_code", "name": "drop_point_name", "kind": "type",
         "address": "address", "postal_code": "zipcode", "city": "city",
         "latitude": "latitude", "longitude": "longitude", "active": "active"},
        outlet_prefix="J&T DROP POINT", outlet_kind="DROP POINT",
    ),
    sandbox=f"{__name__}.sandbox", scenarios=f"{__name__}.scenarios",
)
