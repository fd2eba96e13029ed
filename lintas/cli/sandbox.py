"""``lintas sandbox serve PARTNER``: a partner's sandbox API on 127.0.0.1."""

from __future__ import annotations

import click
import uvicorn

from lintas.cli.output import console
from lintas.errors import ConfigurationError
from lintas.settings import get_settings

__all__ = ["sandbox"]


@click.group()
def sandbox() -> None:
    """Partner sandboxes: realistic payloads with every known quirk."""


@sandbox.command()
@click.argument("partner_id")
@click.option("--port", type=int, default=8701, show_default=True)
@click.option("--seed", type=int, default=1, show_default=True)
@click.option("--rounds", type=int, default=1, show_default=True, help="Each scenario this many times.")
def serve(partner_id: str, port: int, seed: int, rounds: int) -> None:
    """Serve PARTNER_ID's sandbox until stopped."""
    if partner_id != "pos":
        raise ConfigurationError(f"no sandbox for partner {partner_id!r} yet; available: pos")
    from connectors.pos.sandbox import create_app

    settings = get_settings()
    creds = settings.partner(partner_id)
    app = create_app(seed, rounds=rounds, client_id=creds.client_id or "",
                     client_secret=creds.client_secret.get_secret_value() if creds.client_secret else "")
    console.print(f"{partner_id} sandbox on http://{settings.sandbox_host}:{port}")
    uvicorn.run(app, host=settings.sandbox_host, port=port, log_level="warning")
