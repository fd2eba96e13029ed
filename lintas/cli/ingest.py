"""``lintas ingest serve``: the push endpoint for member couriers."""

from __future__ import annotations

import click
import uvicorn

from lintas.cli.output import console
from lintas.settings import get_settings

__all__ = ["ingest"]


@click.group()
def ingest() -> None:
    """The push ingest endpoint (webhooks of member couriers)."""


@ingest.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", type=int, default=8700, show_default=True)
def serve(host: str, port: int) -> None:
    """Serve POST /v1/webhooks/{partner} until stopped."""
    from connectors.ingest import create_ingest_app
    from connectors.runtime.producer import RawProducer
    from lintas.broker import bootstrap_servers

    settings = get_settings()
    producer = RawProducer(bootstrap_servers(settings), client_id="lintas-ingest")
    app = create_ingest_app(settings.partner, producer)
    console.print(f"ingest on http://{host}:{port}/v1/webhooks/<partner>")
    try:
        uvicorn.run(app, host=host, port=port, log_level="warning")
    finally:
        producer.close()
