"""SiCepat: tracking by waybill number (``api-key`` header)."""

from lintas.connectors.partner import NetworkDrop, Partner
from lintas.connectors.sicepat.client import API
from lintas.connectors.sicepat.parse import parse_tracking
from lintas.connectors.sicepat.statuses import STATUSES
from lintas.connectors.tracking import TrackingNumbers

__all__ = ["PARTNER", "STATUSES", "parse_tracking"]

PARTNER = Partner(
    "sicepat", "SiCepat", "pull", parse_tracking, STATUSES,
    tracking_numbers=TrackingNumbers(r"00\d{10}"),
    api=API,
    network_drop=NetworkDrop(
        {"source_id": "outlet_id", "name": "outlet_name", "kind": "outlet_type",
         "address": "outlet_address", "postal_code": "postcode", "city": "city_name",
         "latitude": "lat", "longitude": "lon", "active": "is_active"},
        outlet_prefix="SICEPAT MITRA", outlet_kind="MITRA",
    ),
    sandbox=f"{__name__}.sandbox", scenarios=f"{__name__}.scenarios",
)
