"""``lintas ops serve``: Prometheus metrics and the live dashboard (docs/ops.md)."""

from __future__ import annotations

import click

from lintas.cli.output import console
from lintas.core.settings import get_settings
from lintas.streams.ops.verdicts import DEFAULT_WINDOW

__all__ = ["ops"]


@click.group()
def ops() -> None:
    """Operations: metrics for Prometheus and a live dashboard."""


@ops.command()
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to bind (0.0.0.0 exposes the server to the network).")
@click.option("--port", type=click.IntRange(1, 65535), default=9308, show_default=True)
@click.option("--interval", type=click.FloatRange(min=1.0), default=10.0, show_default=True,
              help="Seconds between two collections.")
@click.option("--window", type=click.FloatRange(min=1.0), default=DEFAULT_WINDOW,
              show_default=True, help="Seconds of history that trends and verdicts look at.")
@click.option("--group", "groups", multiple=True, metavar="GROUP",
              help="Export lag for this group only (repeat for several; default: every group).")
def serve(host: str, port: int, interval: float, window: float, groups: tuple[str, ...]) -> None:
    """Serve /metrics (Prometheus), the dashboard (/) and its JSON (/api/...) until stopped.

    Every --interval seconds a background thread reads consumer lag, topic offsets, dead
    letters and partner freshness from Kafka; requests serve the latest reading. Metrics
    and JSON need a bearer token of scope ops:read (`lintas tokens create`); the dashboard
    takes it from its URL's fragment: http://HOST:PORT/#token=TOKEN."""
    import uvicorn

    from lintas.connectors.registry import PARTNERS
    from lintas.core.tokens import TokenStore, token_store_path
    from lintas.kafka.principals import kafka_connection
    from lintas.streams.ops.collector import OpsCollector, OpsConfig, OpsPoller
    from lintas.streams.ops.server import create_app

    settings = get_settings()
    config = OpsConfig(
        kafka=kafka_connection(settings, "ops"),
        partners=tuple(sorted(PARTNERS)),
        worker_group=settings.app_id,
        groups=groups,
        window=window,
        interval=interval,
    )
    app = create_app(OpsPoller(OpsCollector(config)),
                     tokens=TokenStore(token_store_path(settings.home)))
    console.print(f"lintas ops on http://{host}:{port} (metrics at /metrics); metrics and "
                  f"data need an ops:read token (lintas tokens create --scope ops:read), the "
                  f"dashboard takes it as http://{host}:{port}/#token=<token>")
    uvicorn.run(app, host=host, port=port, log_level="warning")
