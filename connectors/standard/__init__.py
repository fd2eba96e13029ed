"""The lintas standard format: one documented event shape (JSON lines, CSV or Avro) for
member couriers without an API of their own (``docs/standard-format.md``)."""

from lintas.connectors.partner import Partner
from lintas.connectors.standard.parse import parse_tracking
from lintas.connectors.standard.statuses import STATUSES

__all__ = ["PARTNER", "STATUSES", "parse_tracking"]

PARTNER = Partner(
    "standard", "Standard format (ASPERINDO members)", "file", parse_tracking, STATUSES,
    scenarios=f"{__name__}.scenarios",
)
