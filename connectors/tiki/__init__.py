"""TIKI: tracking by connote number (access token header); English history texts whose
opening words name the step."""

from lintas.connectors.tiki.parse import PARTNER, parse_tracking
from lintas.connectors.tiki.statuses import STATUSES

__all__ = ["PARTNER", "STATUSES", "parse_tracking"]
