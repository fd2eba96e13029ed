"""``lintas ingest serve`` (the push endpoint) and ``lintas publish`` (the SDK from the shell)."""

from __future__ import annotations

import click
import uvicorn
from starlette.applications import Starlette

from lintas.cli.output import console
from lintas.core.settings import get_settings

__all__ = ["ingest", "publish"]


@click.group()
def ingest() -> None:
    """The push ingest endpoint (webhooks of member couriers)."""


#: the ingest's producer waits this long to fill a batch: under a flood of webhooks, fewer
#: and larger produce requests cost the broker and the ingest much less CPU
INGEST_LINGER_MS = 20


def serving_app() -> Starlette:
    """The ingest app as one server process runs it: its own producer (closed when the
    process stops), the push partners' secrets and the members' accounts."""
    from lintas.connectors.ingest import create_ingest_app
    from lintas.connectors.members import AccountStore
    from lintas.connectors.runtime.producer import RawProducer
    from lintas.kafka.principals import kafka_connection

    settings = get_settings()
    producer = RawProducer(kafka_connection(settings, "ingest"), client_id="lintas-ingest",
                           linger_ms=INGEST_LINGER_MS)
    accounts = AccountStore(settings.home / "members.json")
    return create_ingest_app(settings.partner, producer,
                             members=lambda member_id: accounts.get("member", member_id),
                             on_shutdown=producer.close)


@ingest.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", type=int, default=8700, show_default=True)
@click.option("--workers", type=click.IntRange(1, 64), default=1, show_default=True,
              help="Server processes sharing the port, each with its own producer (the "
                   "same signed request sent twice is answered as a duplicate only by the "
                   "process that took it first; the other produces the same record again).")
def serve(host: str, port: int, workers: int) -> None:
    """Serve POST /v1/webhooks/{partner} until stopped."""
    app: Starlette | str = serving_app() if workers == 1 else "lintas.cli.ingest:serving_app"
    console.print(f"ingest on http://{host}:{port}/v1/webhooks/<partner> and "
                  f"/v1/members/<member>/events")
    uvicorn.run(app, host=host, port=port, workers=workers, factory=workers > 1,
                log_level="warning", access_log=False, server_header=False)


@click.command()
@click.option("--partner", "partner_id", default="standard", show_default=True,
              help="Who publishes; the standard format is for members without an API.")
@click.option("--member", required=True,
              help="The member's id: its rows go to its own topic, as its Kafka principal "
                   "(LINTAS_KAFKA_USERNAME/PASSWORD from `lintas members add`).")
@click.option("--allow-bad-rows", is_flag=True,
              help="Publish the good rows even if some are refused.")
@click.option("--json", "as_json", is_flag=True)
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
def publish(
    partner_id: str, member: str, allow_bad_rows: bool, as_json: bool, file: str
) -> None:
    """Check FILE (standard format: JSON lines, CSV or Avro) and publish it to Kafka.

    Progress goes to stderr (bars on a terminal, a line every few seconds elsewhere):
    bytes read, rows checked, shipments sent."""
    import sys

    from lintas.cli.output import err_console, print_json
    from lintas.cli.progress import ProgressReporter
    from lintas.connectors.publish import Publisher
    from lintas.core.errors import ConfigurationError
    from lintas.kafka.principals import kafka_connection

    if partner_id != "standard":
        raise ConfigurationError("lintas publish takes the standard format (--partner standard); "
                                 "partners with an API are pulled or push webhooks")
    with (Publisher(kafka_connection(get_settings(), None), member=member) as publisher,
          ProgressReporter("publish") as progress):
        result = publisher.publish_file(file, allow_bad_rows=allow_bad_rows, progress=progress)
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
