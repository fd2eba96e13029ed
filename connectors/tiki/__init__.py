"""TIKI: tracking by connote number (access token header); English history texts whose
opening words name the step."""

from connectors.tiki.parse import PARTNER, parse_tracking
from connectors.tiki.statuses import STATUSES

__all__ = ["PARTNER", "STATUSES", "parse_tracking"]
