"""``lintas api serve``: the read-only HTTP API over the view (docs/read-api.md)."""

from __future__ import annotations

import click

from lintas.cli.output import console, print_json
from lintas.core.redact import redact_url
from lintas.core.settings import get_settings

__all__ = ["api"]

#: The same default as ``lintas.streams.view.queries.DEFAULT_STALE_DAYS`` (not imported here, to
#: keep the CLI quick to start).
_STALE_DAYS = 7.0


@click.group()
def api() -> None:
    """The read-only HTTP API: shipments, service points and coverage from the view."""


@api.command()
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to bind (0.0.0.0 exposes the API to the network).")
@click.option("--port", type=click.IntRange(1, 65535), default=8600, show_default=True)
@click.option("--stale-days", type=click.FloatRange(0, 3650, min_open=True), default=_STALE_DAYS,
              show_default=True,
              help="A shipment not in a terminal status with no event for longer is stale "
                   "(requests may override it with stale_days).")
@click.option("--database", "database_url", default=None,
              help="URL of the view (default: LINTAS_DATABASE_URL, else SQLite under LINTAS_HOME).")
def serve(host: str, port: int, stale_days: float, database_url: str | None) -> None:
    """Serve the API until stopped; its OpenAPI document is at /openapi.json. Every request
    but /healthz needs a bearer token of scope view:read (`lintas tokens create`)."""
    import uvicorn

    from lintas.core.tokens import TokenStore, token_store_path
    from lintas.streams.api import create_app
    from lintas.streams.view.store import open_store

    settings = get_settings()
    url = database_url or settings.view_url
    store = open_store(url)
    try:
        app = create_app(store, tokens=TokenStore(token_store_path(settings.home)),
                         stale_days=stale_days)
        console.print(f"lintas read API on http://{host}:{port} (OpenAPI at /openapi.json) "
                      f"over {redact_url(url)}; requests need a view:read token "
                      f"(lintas tokens create --scope view:read)")
        uvicorn.run(app, host=host, port=port, log_level="warning")
    finally:
        store.close()


@api.command()
def openapi() -> None:
    """Print the API's OpenAPI 3.1 document."""
    from lintas.streams.api import openapi_document

    print_json(openapi_document())
