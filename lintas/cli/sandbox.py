"""``lintas sandbox serve PARTNER``: a partner's sandbox API on 127.0.0.1."""

from __future__ import annotations

import click
import uvicorn

from lintas.cli.output import console
from lintas.core.errors import ConfigurationError
from lintas.core.settings import get_settings

__all__ = ["sandbox"]


@click.group()
def sandbox() -> None:
    """Partner sandboxes: realistic payloads with every known quirk."""


@sandbox.command()
@click.argument("partner_id")
@click.option("--port", type=int, default=8701, show_default=True)
@click.option("--seed", type=int, default=1, show_default=True)
@click.option("--rounds", type=int, default=1, show_default=True,
              help="Each scenario this many times.")
def serve(partner_id: str, port: int, seed: int, rounds: int) -> None:
    """Serve PARTNER_ID's sandbox until stopped. It accepts the sandbox credentials
    (client lintas-sandbox / sandbox-secret, API key sandbox-key)."""
    from lintas.connectors.registry import SANDBOX_CREDENTIALS, get_partner

    partner = get_partner(partner_id)
    if partner.sandbox is None or partner.catalog is None:
        raise ConfigurationError(f"no sandbox for partner {partner_id!r}")
    settings = get_settings()
    app = partner.sandbox(partner.catalog(seed, rounds=rounds), SANDBOX_CREDENTIALS)
    console.print(f"{partner_id} sandbox on http://{settings.sandbox_host}:{port}")
    uvicorn.run(app, host=settings.sandbox_host, port=port, log_level="warning")
