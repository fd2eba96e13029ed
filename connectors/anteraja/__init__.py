"""AnterAja: tracking by waybill (access key headers); timestamps in UTC with milliseconds."""

from lintas.connectors.anteraja.parse import PARTNER, parse_tracking
from lintas.connectors.anteraja.statuses import STATUSES

__all__ = ["PARTNER", "STATUSES", "parse_tracking"]
