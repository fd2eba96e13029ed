"""The partners lintas knows, listed once. Topics, settings and the CLI use their ids.

A pull partner also names its HTTP client (``connectors.<id>.client``), and every partner
with a sandbox names its catalog builder and sandbox app; the demo and the tests find
everything here.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import Any, Literal

from pydantic import SecretStr

from lintas.connectors import pos
from lintas.connectors.model import ParseResult
from lintas.connectors.network import NetworkResult
from lintas.connectors.runtime.client import PartnerClient
from lintas.connectors.sandboxes.scenario import Entry
from lintas.connectors.statuses import StatusTable
from lintas.core.errors import ConfigurationError
from lintas.core.settings import PartnerCredentials

__all__ = ["PARTNERS", "SANDBOX_CREDENTIALS", "Partner", "get_partner"]

Parser = Callable[..., ParseResult]

#: Credentials every sandbox accepts, and the demo uses.
SANDBOX_CREDENTIALS = PartnerCredentials(
    client_id="lintas-sandbox",
    client_secret=SecretStr("sandbox-secret"),
    username="lintas-sandbox",
    api_key=SecretStr("sandbox-key"),
    webhook_secret=SecretStr("sandbox-webhook-secret"),
    rate_per_second=200.0,
)


@dataclass(frozen=True)
class Partner:
    """One partner: how its data arrives, how it is parsed, how it is simulated."""

    id: str
    name: str
    mode: Literal["pull", "push", "file"]
    parse_tracking: Parser
    statuses: StatusTable
    #: credentials -> a client with ``changes`` and ``track`` (pull partners)
    client: Callable[[PartnerCredentials], Any] | None = None
    #: (seed, rounds=) -> the sandbox's entries
    catalog: Callable[..., list[Entry]] | None = None
    #: (entries, credentials) -> the sandbox's ASGI app
    sandbox: Callable[[list[Entry], PartnerCredentials], Any] | None = None
    #: (payload, updated_at=) -> NetworkResult, for payloads of kind ``network``
    parse_network: Callable[..., NetworkResult] | None = None
    #: (entries, ingest_url, secret) -> HTTP statuses: a push partner's webhook sender
    deliver: Callable[..., list[int]] | None = None

    def parse(self, payload: bytes | str | dict[str, Any], **kwargs: Any) -> ParseResult:
        return self.parse_tracking(payload, **kwargs)


def _pos() -> Partner:
    from lintas.connectors.pos.client import API
    from lintas.connectors.pos.network import parse_network
    from lintas.connectors.pos.sandbox import create_app
    from lintas.connectors.pos.scenarios import build_catalog

    return Partner(
        "pos", "Pos Indonesia", "pull", pos.parse_tracking, pos.STATUSES,
        client=partial(PartnerClient, API), catalog=build_catalog,
        sandbox=lambda entries, creds: create_app(entries=entries, credentials=creds),
        parse_network=parse_network,
    )


def _pulled(partner_id: str, name: str) -> Partner:
    """A pull partner whose package follows docs/adding-a-partner.md."""
    from importlib import import_module

    from lintas.connectors.network_drop import COLUMNS, network_parser

    package = import_module(f"lintas.connectors.{partner_id}")
    client = partial(PartnerClient, import_module(f"lintas.connectors.{partner_id}.client").API)
    create_app = import_module(f"lintas.connectors.{partner_id}.sandbox").create_app
    catalog = import_module(f"lintas.connectors.{partner_id}.scenarios").build_catalog
    return Partner(
        partner_id, name, "pull", package.parse_tracking, package.STATUSES,
        client=client, catalog=catalog,
        sandbox=lambda entries, creds: create_app(entries=entries, credentials=creds),
        parse_network=network_parser(partner_id) if partner_id in COLUMNS else None,
    )


def _push_and_file() -> tuple[Partner, ...]:
    from lintas.connectors import idexpress, ninja, standard
    from lintas.connectors.idexpress import sandbox as idexpress_sandbox
    from lintas.connectors.idexpress import scenarios as idexpress_scenarios
    from lintas.connectors.ninja import sandbox as ninja_sandbox
    from lintas.connectors.ninja import scenarios as ninja_scenarios
    from lintas.connectors.standard import scenarios as standard_scenarios

    return (
        Partner("ninja", "Ninja Xpress", "push", ninja.parse_tracking, ninja.STATUSES,
                catalog=ninja_scenarios.build_catalog, deliver=ninja_sandbox.deliver),
        Partner("idexpress", "ID Express", "push", idexpress.parse_tracking, idexpress.STATUSES,
                catalog=idexpress_scenarios.build_catalog, deliver=idexpress_sandbox.deliver),
        Partner("standard", "Standard format (ASPERINDO members)", "file",
                standard.parse_tracking, standard.STATUSES,
                catalog=standard_scenarios.build_catalog),
    )


PARTNERS: dict[str, Partner] = {
    p.id: p
    for p in (
        _pos(),
        _pulled("jne", "JNE"),
        _pulled("jnt", "J&T Express"),
        _pulled("sicepat", "SiCepat"),
        _pulled("anteraja", "AnterAja"),
        _pulled("lion", "Lion Parcel"),
        _pulled("tiki", "TIKI"),
        _pulled("sap", "SAP Express"),
        *_push_and_file(),
    )
}


def get_partner(partner_id: str) -> Partner:
    """The partner with this id; :class:`ConfigurationError` naming the known ids if none."""
    try:
        return PARTNERS[partner_id]
    except KeyError:
        known = ", ".join(sorted(PARTNERS))
        raise ConfigurationError(
            f"unknown partner {partner_id!r}; known partners: {known}"
        ) from None
