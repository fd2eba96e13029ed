"""JNE: tracking by cnote (connote) number, form-authenticated with username and API key."""

from lintas.connectors.jne.client import API
from lintas.connectors.jne.parse import parse_tracking
from lintas.connectors.jne.statuses import STATUSES
from lintas.connectors.partner import NetworkDrop, Partner
from lintas.connectors.tracking import TrackingNumbers

__all__ = ["PARTNER", "STATUSES", "parse_tracking"]

PARTNER = Partner(
    "jne", "JNE", "pull", parse_tracking, STATUSES,
    tracking_numbers=TrackingNumbers(r"\d{15,16}"),
    api=API,
    network_drop=NetworkDrop(
        {"source_id": "KODE_AGEN", "name": "NAMA_AGEN", "kind": "TIPE", "address": "ALAMAT",
         "postal_code": "KODE_POS", "city": "KOTA", "latitude": "LAT", "longitude": "LNG",
         "active": "STATUS"},
        delimiter=";", line_end="\r\n", decimal_comma=True,
        outlet_prefix="JNE AGEN", outlet_kind="AGEN",
    ),
    sandbox=f"{__name__}.sandbox", scenarios=f"{__name__}.scenarios",
)
