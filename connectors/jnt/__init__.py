"""J&T Express: tracking by AWB (HTTP Basic), history texts in Indonesian or English."""

from lintas.connectors.jnt.parse import PARTNER, parse_tracking
from lintas.connectors.jnt.statuses import STATUSES

__all__ = ["PARTNER", "STATUSES", "parse_tracking"]
