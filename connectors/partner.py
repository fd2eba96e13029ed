"""What a partner is, declared once in its folder's ``__init__.py``.

::

    PARTNER = Partner(
        "jne", "JNE", "pull", parse_tracking, STATUSES,   # id, name, mode, parser, table
        tracking_numbers=TrackingNumbers(r"\\d{15,16}"),
        api=API,                                   # client.py: the pull API's spec
        network_drop=NetworkDrop({...}, delimiter=";"),
        sandbox=f"{__name__}.sandbox", scenarios=f"{__name__}.scenarios",
    )

The registry lists the declarations; the normalize agent, the ingest, the connectors, the
settings (which credentials a partner needs), the tracking-number checks, the network
drop and the demo all read them. Sandbox and scenario modules are named, never
imported here: only the demo, ``lintas sandbox`` and the tests load them
(:mod:`lintas.connectors.sandboxes.kit`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal

from lintas.connectors.model import ParseResult, Payload
from lintas.connectors.network import NetworkResult, parse_csv_network
from lintas.connectors.runtime.client import Api, PartnerClient
from lintas.connectors.statuses import StatusTable
from lintas.connectors.tracking import TrackingNumbers
from lintas.core.errors import ConfigurationError, PayloadError
from lintas.core.settings import PartnerCredentials

__all__ = ["Mode", "NetworkDrop", "Partner", "TrackingNumbers"]

Mode = Literal["pull", "push", "file"]
Parser = Callable[..., ParseResult]


@dataclass(frozen=True)
class NetworkDrop:
    """A partner's outlet list as a CSV file it drops: our field -> its column header, and
    how the file is written (the parser sniffs the delimiter; the sandbox writes files
    the partner's way)."""

    columns: Mapping[str, str]
    delimiter: str = ","
    line_end: str = "\n"
    decimal_comma: bool = False
    #: how the partner names and types its outlets in the file (``JNE AGEN <shop>``)
    outlet_prefix: str = ""
    outlet_kind: str = ""


@dataclass(frozen=True)
class Partner:
    """One partner: how its data arrives, how it is read, and how it is simulated."""

    id: str
    name: str
    mode: Mode
    #: ``(payload, *, request_key=None) -> ParseResult``: pure, raises only PayloadError
    parse_tracking: Parser
    statuses: StatusTable
    tracking_numbers: TrackingNumbers = field(default_factory=TrackingNumbers)
    #: the pull API (pull partners)
    api: Api | None = None
    #: ``(payload, *, updated_at) -> NetworkResult`` of a network page from the API
    parse_network: Callable[..., NetworkResult] | None = None
    #: the outlet list as CSV files (partners without a network API)
    network_drop: NetworkDrop | None = None
    #: module of the partner's sandbox: ``create_app`` (pull) or ``deliver`` (push)
    sandbox: str | None = None
    #: module of the partner's scenarios: ``build_catalog``
    scenarios: str | None = None

    def __post_init__(self) -> None:
        if (self.mode == "pull") != (self.api is not None):
            raise ValueError(f"{self.id}: a pull partner has an api, and only a pull partner")

    def parse(self, payload: Payload, *, request_key: str | None = None,
              **options: Any) -> ParseResult:
        """The partner's parse, with each event's tracking number checked against the
        partner's known shapes (flags only: a flagged number is processed like any other).

        Raises only :class:`PayloadError` for what the payload makes the parser do, also
        for input nested beyond Python's recursion limit. ``options`` are the parser's own
        (the standard format's ``content_type``).
        """
        try:
            result = self.parse_tracking(payload, request_key=request_key, **options)
        except RecursionError:
            raise PayloadError(f"{self.id}: payload is nested too deeply") from None
        flags: dict[str, tuple[str, ...]] = {}  # a payload's events share their number
        for event in result.events:
            number = event.tracking_number
            if number not in flags:
                flags[number] = self.tracking_numbers.flags(number)
            event.tracking_number_flags = flags[number]
        return result

    def parse_outlets(self, payload: bytes | str, *, updated_at: datetime) -> NetworkResult:
        """Outlets of one network page (API) or file (drop); PayloadError if the partner
        has no network or the payload is not its format."""
        if self.parse_network is not None:
            return self.parse_network(payload, updated_at=updated_at)
        if self.network_drop is not None:
            return parse_csv_network(payload, self.id, self.network_drop.columns,
                                     updated_at=updated_at)
        raise PayloadError(f"{self.id}: lintas reads no network of this partner")

    @property
    def has_network(self) -> bool:
        return self.parse_network is not None or self.network_drop is not None

    @property
    def credentials(self) -> tuple[str, ...]:
        """The credential fields (``LINTAS_<ID>__<FIELD>``) the partner's connector or
        push endpoint needs."""
        if self.api is not None:
            return ("base_url", *sorted({f for auth in self.api.auths() for f in auth.fields}))
        if self.mode == "push":
            return ("webhook_secret",)
        return ()

    def client(self, credentials: PartnerCredentials, **kwargs: Any) -> PartnerClient:
        """A client of the partner's pull API."""
        if self.api is None:
            raise ConfigurationError(f"{self.id} pushes its data; it has no pull API")
        return PartnerClient(self.api, credentials, **kwargs)
