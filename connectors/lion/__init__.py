"""Lion Parcel: tracking by STT number (HTTP Basic with an API key); naive local times
located by three-letter city codes."""

from connectors.lion.parse import PARTNER, parse_tracking
from connectors.lion.statuses import STATUSES

__all__ = ["PARTNER", "STATUSES", "parse_tracking"]
