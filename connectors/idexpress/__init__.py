"""ID Express: one signed webhook per scan (push)."""

from connectors.idexpress.parse import PARTNER, parse_tracking
from connectors.idexpress.statuses import STATUSES

__all__ = ["PARTNER", "STATUSES", "parse_tracking"]
