"""SiCepat: tracking by waybill number (``api-key`` header)."""

from connectors.sicepat.parse import PARTNER, parse_tracking
from connectors.sicepat.statuses import STATUSES

__all__ = ["PARTNER", "STATUSES", "parse_tracking"]
