"""JNE: tracking by cnote (connote) number, form-authenticated with username and API key."""

from lintas.connectors.jne.parse import PARTNER, parse_tracking
from lintas.connectors.jne.statuses import STATUSES

__all__ = ["PARTNER", "STATUSES", "parse_tracking"]
