"""SAP Express: tracking by AWB (API key header); naive local times located by the branch
code inside each row's description."""

from lintas.connectors.sap.parse import PARTNER, parse_tracking
from lintas.connectors.sap.statuses import STATUSES

__all__ = ["PARTNER", "STATUSES", "parse_tracking"]
