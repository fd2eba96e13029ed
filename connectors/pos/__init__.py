"""Pos Indonesia: tracking by barcode (OAuth2 client credentials) and its office network."""

from lintas.connectors.pos.parse import PARTNER, parse_tracking
from lintas.connectors.pos.statuses import STATUSES

__all__ = ["PARTNER", "STATUSES", "parse_tracking"]
