"""Ninja Xpress: one signed webhook per status change (push)."""

from lintas.connectors.ninja.parse import parse_tracking
from lintas.connectors.ninja.statuses import STATUSES
from lintas.connectors.partner import Partner

__all__ = ["PARTNER", "STATUSES", "parse_tracking"]

PARTNER = Partner(
    "ninja", "Ninja Xpress", "push", parse_tracking, STATUSES,
    sandbox=f"{__name__}.sandbox", scenarios=f"{__name__}.scenarios",
)
