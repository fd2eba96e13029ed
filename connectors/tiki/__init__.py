"""TIKI: tracking by connote number (access token header); English history texts whose
opening words name the step."""

from lintas.connectors.partner import Partner
from lintas.connectors.tiki.client import API
from lintas.connectors.tiki.parse import parse_tracking
from lintas.connectors.tiki.statuses import STATUSES
from lintas.connectors.tracking import TrackingNumbers

__all__ = ["PARTNER", "STATUSES", "parse_tracking"]

PARTNER = Partner(
    "tiki", "TIKI", "pull", parse_tracking, STATUSES,
    tracking_numbers=TrackingNumbers(r"\d{12}", r"TKP\d{10}"),
    api=API,
    sandbox=f"{__name__}.sandbox", scenarios=f"{__name__}.scenarios",
)
