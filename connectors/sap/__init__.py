"""SAP Express: tracking by AWB (API key header); naive local times located by the branch
code inside each row's description."""

from lintas.connectors.partner import Partner
from lintas.connectors.sap.client import API
from lintas.connectors.sap.parse import parse_tracking
from lintas.connectors.sap.statuses import STATUSES

__all__ = ["PARTNER", "STATUSES", "parse_tracking"]

PARTNER = Partner(
    "sap", "SAP Express", "pull", parse_tracking, STATUSES,
    api=API,
    sandbox=f"{__name__}.sandbox", scenarios=f"{__name__}.scenarios",
)
