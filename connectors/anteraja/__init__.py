"""AnterAja: tracking by waybill (access key headers); timestamps in UTC with milliseconds."""

from lintas.connectors.anteraja.client import API
from lintas.connectors.anteraja.parse import parse_tracking
from lintas.connectors.anteraja.statuses import STATUSES
from lintas.connectors.partner import Partner
from lintas.connectors.tracking import TrackingNumbers

__all__ = ["PARTNER", "STATUSES", "parse_tracking"]

PARTNER = Partner(
    "anteraja", "AnterAja", "pull", parse_tracking, STATUSES,
    tracking_numbers=TrackingNumbers(r"1000\d{10}"),
    api=API,
    sandbox=f"{__name__}.sandbox", scenarios=f"{__name__}.scenarios",
)
