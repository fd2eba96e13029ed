"""Ninja Xpress: one signed webhook per status change (push)."""

from lintas.connectors.ninja.parse import PARTNER, parse_tracking
from lintas.connectors.ninja.statuses import STATUSES

__all__ = ["PARTNER", "STATUSES", "parse_tracking"]
