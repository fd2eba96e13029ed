"""Lion Parcel: tracking by STT number (HTTP Basic with an API key); naive local times
located by three-letter city codes."""

from lintas.connectors.lion.client import API
from lintas.connectors.lion.parse import parse_tracking
from lintas.connectors.lion.statuses import STATUSES
from lintas.connectors.partner import Partner
from lintas.connectors.tracking import TrackingNumbers

__all__ = ["PARTNER", "STATUSES", "parse_tracking"]

PARTNER = Partner(
    "lion", "Lion Parcel", "pull", parse_tracking, STATUSES,
    tracking_numbers=TrackingNumbers(r"\d{2}LP\d{13}", r"\d{11}"),
    api=API,
    sandbox=f"{__name__}.sandbox", scenarios=f"{__name__}.scenarios",
)
