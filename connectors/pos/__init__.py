"""Pos Indonesia: tracking by barcode (OAuth2 client credentials) and its office network."""

from lintas.connectors.partner import Partner
from lintas.connectors.pos.client import API
from lintas.connectors.pos.network import parse_network
from lintas.connectors.pos.parse import parse_tracking
from lintas.connectors.pos.statuses import STATUSES
from lintas.connectors.tracking import TrackingNumbers, s10_valid

__all__ = ["PARTNER", "STATUSES", "parse_tracking"]

PARTNER = Partner(
    "pos", "Pos Indonesia", "pull", parse_tracking, STATUSES,
    tracking_numbers=TrackingNumbers(
        r"[A-Z]{2}\d{9}ID",  # international, UPU S10
        r"SHPE\d{11}",  # marketplace
        r"P\d{12,13}",  # domestic barcode (lintas's observation)
        check=s10_valid,
    ),
    api=API,
    parse_network=parse_network,
    sandbox=f"{__name__}.sandbox", scenarios=f"{__name__}.scenarios",
)
