"""ID Express: one signed webhook per scan (push)."""

from lintas.connectors.idexpress.parse import parse_tracking
from lintas.connectors.idexpress.statuses import STATUSES
from lintas.connectors.partner import Partner
from lintas.connectors.tracking import TrackingNumbers

__all__ = ["PARTNER", "STATUSES", "parse_tracking"]

PARTNER = Partner(
    "idexpress", "ID Express", "push", parse_tracking, STATUSES,
    tracking_numbers=TrackingNumbers(r"IDS\d{12}"),
    sandbox=f"{__name__}.sandbox", scenarios=f"{__name__}.scenarios",
)
