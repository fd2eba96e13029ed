"""A partner's sandbox kit: its scenarios and its stand-in server or webhook sender,
loaded from the modules its declaration names (:class:`~lintas.connectors.partner.Partner`
``sandbox`` and ``scenarios``). Only the demo, ``lintas sandbox`` and the tests load them.

A partner's sandbox module exposes ``create_app(entries=None, *, credentials=None, ...)``
(a pull partner's API) or ``deliver(entries, ingest_url, secret, ...)`` (a push partner's
webhook sender), and optionally ``expected_outlets(seed)`` when it serves a network API;
its scenarios module exposes ``build_catalog(seed, *, start=None, rounds=1)``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from importlib import import_module
from typing import Any

from pydantic import SecretStr

from lintas.connectors.partner import Partner
from lintas.connectors.sandboxes.network_files import build_network_file
from lintas.connectors.sandboxes.scenario import Entry
from lintas.core.settings import PartnerCredentials

__all__ = ["SANDBOX_CREDENTIALS", "SandboxKit", "sandbox_kit"]

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
class SandboxKit:
    """What the demo and the tests need of one partner's sandbox."""

    partner: Partner
    #: ``(seed, *, start=None, rounds=1) -> list[Entry]``
    build_catalog: Callable[..., list[Entry]]
    #: ``(entries, *, credentials) -> ASGI app`` of a pull partner's API
    create_app: Callable[..., Any] | None
    #: ``(entries, ingest_url, secret) -> HTTP statuses`` of a push partner's webhooks
    deliver: Callable[..., list[int]] | None
    _expected_outlets: Callable[[int], int] | None

    def app(self, entries: list[Entry],
            credentials: PartnerCredentials = SANDBOX_CREDENTIALS) -> Any:
        """The sandbox API serving ``entries``."""
        if self.create_app is None:
            raise ValueError(f"{self.partner.id} has no sandbox API: it pushes its data")
        return self.create_app(entries=entries, credentials=credentials)

    def network_file(self, seed: int = 1) -> tuple[bytes, int] | None:
        """(CSV bytes, outlets) of the partner's network drop; None if it drops none."""
        if self.partner.network_drop is None:
            return None
        return build_network_file(self.partner, seed)

    def expected_outlets(self, seed: int = 1) -> int:
        """Outlets a correct pipeline reads from the partner's sandbox network (0 when the
        partner has none)."""
        dropped = self.network_file(seed)
        if dropped is not None:
            return dropped[1]
        return self._expected_outlets(seed) if self._expected_outlets else 0


def sandbox_kit(partner: Partner) -> SandboxKit | None:
    """The partner's sandbox kit; None when it declares no scenarios."""
    if partner.scenarios is None:
        return None
    scenarios = import_module(partner.scenarios)
    sandbox = import_module(partner.sandbox) if partner.sandbox else None
    return SandboxKit(
        partner=partner,
        build_catalog=scenarios.build_catalog,
        create_app=getattr(sandbox, "create_app", None) if partner.mode == "pull" else None,
        deliver=getattr(sandbox, "deliver", None) if partner.mode == "push" else None,
        _expected_outlets=getattr(sandbox, "expected_outlets", None),
    )
