"""AnterAja: tracking by waybill (access key headers); timestamps in UTC with milliseconds."""

from connectors.anteraja.parse import PARTNER, parse_tracking
from connectors.anteraja.statuses import STATUSES

__all__ = ["PARTNER", "STATUSES", "parse_tracking"]
