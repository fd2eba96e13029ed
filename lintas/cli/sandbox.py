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
    from lintas.connectors.registry import get_partner
    from lintas.connectors.sandboxes.kit import sandbox_kit

    kit = sandbox_kit(get_partner(partner_id))
    if kit is None or kit.create_app is None:
        raise ConfigurationError(f"no sandbox API for partner {partner_id!r}")
    settings = get_settings()
    app = kit.app(kit.build_catalog(seed, rounds=rounds))
    console.print(f"{partner_id} sandbox on http://{settings.sandbox_host}:{port}")
    uvicorn.run(app, host=settings.sandbox_host, port=port, log_level="warning")
