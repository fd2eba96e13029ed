"""Ninja Xpress: one signed webhook per status change (push)."""

from connectors.ninja.parse import PARTNER, parse_tracking
from connectors.ninja.statuses import STATUSES

__all__ = ["PARTNER", "STATUSES", "parse_tracking"]
