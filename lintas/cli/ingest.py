"""``lintas ingest serve`` (the push endpoint) and ``lintas publish`` (the SDK from the shell)."""

from __future__ import annotations

import click
import uvicorn

from lintas.cli.output import console
from lintas.core.settings import get_settings

__all__ = ["ingest", "publish"]


@click.group()
def ingest() -> None:
    """The push ingest endpoint (webhooks of member couriers)."""


@ingest.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", type=int, default=8700, show_default=True)
def serve(host: str, port: int) -> None:
    """Serve POST /v1/webhooks/{partner} until stopped."""
    from lintas.connectors.ingest import create_ingest_app
    from lintas.connectors.runtime.producer import RawProducer
    from lintas.kafka.broker import bootstrap_servers

    settings = get_settings()
    producer = RawProducer(bootstrap_servers(settings), client_id="lintas-ingest")
    app = create_ingest_app(settings.partner, producer)
    console.print(f"ingest on http://{host}:{port}/v1/webhooks/<partner>")
    try:
        uvicorn.run(app, host=host, port=port, log_level="warning")
    finally:
        producer.close()


@click.command()
@click.option("--partner", "partner_id", default="standard", show_default=True,
              help="Who publishes; the standard format is for members without an API.")
@click.option("--member", default=None, help="The member's id (fills the courier field).")
@click.option("--allow-bad-rows", is_flag=True,
              help="Publish the good rows even if some are refused.")
@click.option("--json", "as_json", is_flag=True)
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
def publish(
    partner_id: str, member: str | None, allow_bad_rows: bool, as_json: bool, file: str
) -> None:
    """Check FILE (standard format: JSON lines, CSV or Avro) and publish it to Kafka."""
    import sys

    from lintas.cli.output import err_console, print_json
    from lintas.connectors.publish import Publisher
    from lintas.core.errors import ConfigurationError
    from lintas.kafka.broker import bootstrap_servers

    if partner_id != "standard":
        raise ConfigurationError("lintas publish takes the standard format (--partner standard); "
                                 "partners with an API are pulled or push webhooks")
    with Publisher(bootstrap_servers(get_settings()), member=member) as publisher:
        result = publisher.publish_file(file, allow_bad_rows=allow_bad_rows)
    if as_json:
        print_json(result.__dict__)
    else:
        for problem in result.problems:
            err_console.print(f"lintas: {'warning' if result.published else 'error'}: {problem}",
                              markup=False, highlight=False)
        console.print(f"published {result.records} shipment(s)" if result.published
                      else "nothing published")
    if not result.published:
        sys.exit(1)
