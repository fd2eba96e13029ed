"""The lintas standard format: one documented event shape (JSON lines, CSV or Avro) for
member couriers without an API of their own (``docs/standard-format.md``)."""

from lintas.connectors.partner import Partner
from lintas.connectors.standard.parse import parse_tracking
from lintas.connectors.standard.statuses import STATUSES

__all__ = ["PARTNER", "STATUSES", "parse_tracking"]

PARTNER = Partner(
    id="standard",
    name="Standard format (ASPERINDO members)",
    mode="file",
    parse_tracking=parse_tracking,
    statuses=STATUSES,
    scenarios=f"{__name__}.scenarios",
)
