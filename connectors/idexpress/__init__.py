"""ID Express: one signed webhook per scan (push)."""

from lintas.connectors.idexpress.parse import PARTNER, parse_tracking
from lintas.connectors.idexpress.statuses import STATUSES

__all__ = ["PARTNER", "STATUSES", "parse_tracking"]
