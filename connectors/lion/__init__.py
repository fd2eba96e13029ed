"""Lion Parcel: tracking by STT number (HTTP Basic with an API key); naive local times
located by three-letter city codes."""

from lintas.connectors.lion.parse import PARTNER, parse_tracking
from lintas.connectors.lion.statuses import STATUSES

__all__ = ["PARTNER", "STATUSES", "parse_tracking"]
