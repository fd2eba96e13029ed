"""The lintas standard format: one documented event shape (JSON lines, CSV or Avro) for
member couriers without an API of their own (``docs/standard-format.md``)."""

from lintas.connectors.standard.parse import PARTNER, parse_tracking
from lintas.connectors.standard.statuses import STATUSES

__all__ = ["PARTNER", "STATUSES", "parse_tracking"]
