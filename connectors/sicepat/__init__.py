"""SiCepat: tracking by waybill number (``api-key`` header)."""

from lintas.connectors.sicepat.parse import PARTNER, parse_tracking
from lintas.connectors.sicepat.statuses import STATUSES

__all__ = ["PARTNER", "STATUSES", "parse_tracking"]
