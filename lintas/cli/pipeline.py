"""Pipeline commands: ``normalize``, ``reconcile``, ``worker``, ``sink``, ``connect``."""

from __future__ import annotations

import json
import signal
import threading
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, TextIO

import click

from lintas.cli.output import err_console, print_json
from lintas.core.errors import ConfigurationError, PayloadError
from lintas.core.redact import redact_url
from lintas.core.settings import get_settings

__all__ = ["connect", "normalize", "reconcile", "sink", "worker"]

# Fields of a canonical event that only mean something inside the pipeline.
_PIPELINE_ONLY = ("raw_record_id", "source_topic", "source_partition", "source_offset")


@click.command()
@click.option("--partner", "partner_id", required=True, help="Partner id (pos, jne, ...).")
@click.argument("file", type=click.File("rb"))
def normalize(partner_id: str, file: Any) -> None:
    """Print the canonical events of one partner payload (FILE, or - for stdin) as JSON lines.

    A "not found" answer prints nothing and exits 0; a payload that is not the partner's
    format exits 1 with a one-line error.
    """
    from lintas.connectors.model import record_to_json
    from lintas.connectors.registry import get_partner

    partner = get_partner(partner_id)
    payload = file.read()
    try:
        result = partner.parse(payload)
    except PayloadError:
        raise
    except Exception as exc:  # a parser bug: still one line, never a traceback
        raise PayloadError(f"{partner_id}: the parser failed on this payload "
                           f"({type(exc).__name__}: {exc}); please report it") from exc
    for problem in result.problems:
        click.echo(f"lintas: warning: {problem.message}", err=True)
    rows = []
    for event in result.events:
        record = record_to_json(event.to_record())
        for name in _PIPELINE_ONLY:
            record.pop(name, None)
        rows.append(record)
    print_json(rows, lines=True)


def _read_events(stream: TextIO, name: str) -> list[dict[str, Any]]:
    events = []
    for number, line in enumerate(stream, start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
            record["occurred_at"] = datetime.fromisoformat(record["occurred_at"])
            if record["occurred_at"].tzinfo is None:
                raise ValueError("occurred_at has no UTC offset")
            for field in ("event_id", "partner", "tracking_number", "status", "raw_status"):
                if not isinstance(record.get(field), str):
                    raise ValueError(f"{field} is missing")
            record.setdefault("utc_offset", "+00:00")
        except (ValueError, KeyError, TypeError, AttributeError) as exc:
            raise PayloadError(f"{name}:{number}: not a canonical event: {exc}") from exc
        events.append(record)
    return events


@click.command()
@click.argument("files", nargs=-1, required=True, type=click.File("r"))
def reconcile(files: tuple[TextIO, ...]) -> None:
    """Reconcile canonical events (JSON lines, as `lintas normalize` prints them) into
    shipments, printed as JSON lines. Runs the steps the agents run — each leg's distinct
    events, hand-over linking, the reconciled view — with no broker."""
    from lintas.streams.app import agreements
    from lintas.streams.chain import Chain

    chain = Chain(agreements(get_settings()))
    for stream in files:
        chain.add_all(_read_events(stream, stream.name))
    print_json(chain.shipments, lines=True)


def _stop_on_signals() -> threading.Event:
    stop = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: stop.set())
    return stop


@click.command()
@click.option("-l", "--loglevel", default="warn", envvar="LINTAS_WORKER_LOGLEVEL",
              show_envvar=True, type=click.Choice(["crit", "error", "warn", "info", "debug"]))
@click.option("--metrics-port", type=click.IntRange(0, 65535), default=0, show_default=True,
              help="Serve Prometheus metrics on this port (0: off; docs/ops.md).")
@click.option("--metrics-host", default="127.0.0.1", show_default=True,
              help="Address the metrics server binds.")
def worker(loglevel: str, metrics_port: int, metrics_host: str) -> None:
    """Run the Faust worker: the normalize and reconcile agents."""
    import logging

    import faust

    from lintas.connectors.registry import PARTNERS
    from lintas.core.topics import CONNECT_OFFSETS, catalog
    from lintas.kafka.admin import ensure_topics, require_topics
    from lintas.kafka.principals import kafka_connection
    from lintas.streams.app import changelog_topics, create_app, internal_topics

    level = {"crit": logging.CRITICAL, "error": logging.ERROR, "warn": logging.WARNING,
             "info": logging.INFO, "debug": logging.DEBUG}[loglevel]
    for name in ("faust", "mode", "aiokafka", "streams"):
        logging.getLogger(name).setLevel(level)
    settings = get_settings()
    kafka = kafka_connection(settings, "worker")
    require_topics(kafka, [t.name for t in catalog(sorted(PARTNERS), settings.topic_partitions)
                           if t.name != CONNECT_OFFSETS])
    ensure_topics(kafka, internal_topics(settings.topic_partitions, settings.archive_days),
                  settings.replication_factor)
    pipeline = create_app(settings)
    app = pipeline.app
    ensure_topics(kafka, changelog_topics(app), settings.replication_factor)
    if metrics_port:
        from lintas.streams.ops.metrics import start_metrics_server, watch_tables

        watch_tables(pipeline.tables())
        start_metrics_server(metrics_port, metrics_host)
    faust_worker = faust.Worker(app, loglevel=loglevel, quiet=True, redirect_stdouts=False)
    faust_worker.execute_from_commandline()


@click.command()
@click.option("--batch-size", type=int, default=None, help="Records per transaction.")
@click.option("--metrics-port", type=click.IntRange(0, 65535), default=0, show_default=True,
              help="Serve Prometheus metrics on this port (0: off; docs/ops.md).")
@click.option("--metrics-host", default="127.0.0.1", show_default=True,
              help="Address the metrics server binds.")
def sink(batch_size: int | None, metrics_port: int, metrics_host: str) -> None:
    """Run the view sink: shipment views and dead letters into the SQL view."""
    from lintas.kafka.principals import kafka_connection
    from lintas.streams.view.sink import ViewSink
    from lintas.streams.view.store import open_store

    settings = get_settings()
    if metrics_port:
        from lintas.streams.ops.metrics import start_metrics_server

        start_metrics_server(metrics_port, metrics_host)
    store = open_store(settings.view_url)
    stop = _stop_on_signals()
    view_sink = ViewSink(
        store, kafka_connection(settings, "sink"),
        batch_size=batch_size or settings.sink_batch_size
    )
    view_sink.run(stop)
    store.close()


@click.group()
def connect() -> None:
    """Pull connectors."""


def _run_connector(
    source: Any, partner_id: str, once: bool, backfill_from: datetime | None = None
) -> None:
    from lintas.cli.progress import ProgressReporter
    from lintas.connectors.runtime.poll import PollingConnector
    from lintas.connectors.runtime.producer import RawProducer
    from lintas.kafka.cursors import CursorStore
    from lintas.kafka.principals import kafka_connection

    settings = get_settings()
    kafka = kafka_connection(settings, "connector")
    producer = RawProducer(kafka, client_id=f"lintas-connector-{partner_id}")
    cursors = CursorStore(kafka, producer)
    cursors.load()
    if backfill_from is not None:  # start the feed over from that date
        cursors.put(source.name, source.source_partition,
                    {"since": f"from:{backfill_from.isoformat()}"})
    reporter = ProgressReporter(source.name)
    connector = PollingConnector(source, producer, cursors, interval=settings.poll_interval_seconds,
                                 on_page=lambda page, stats: _first_pass(reporter, page, stats))
    stop = _stop_on_signals()
    try:
        with reporter:
            reporter.phase(f"backfill from {backfill_from:%Y-%m-%d %H:%M} UTC" if backfill_from
                           else "catching up", unit="records")
            stats = connector.run(stop, once=once)
            reporter.close(failed=True)  # still open: stopped before the first pass ended
    finally:
        cursors.close()
        producer.close()
    err_console.print(f"{source.name}: {stats.records} record(s) in {stats.pages} page(s), "
                      f"{stats.skipped} skipped")


def _first_pass(reporter: Any, page: Any, stats: Any) -> None:
    """Progress of the connector's first pass over its feed (a backfill, catching up after
    a pause), up to the page after which the partner says nothing more is waiting; the
    partner's ``pending`` count, when it gives one, makes the total."""
    handled = stats.records + stats.skipped
    reporter.update(handled, total=None if page.pending is None else handled + page.pending,
                    pages=stats.pages, skipped=stats.skipped)
    if not page.has_more:
        reporter.close()


@connect.command("run")
@click.argument("partner_id")
@click.option("--feed", type=click.Choice(["tracking", "network"]), default="tracking",
              show_default=True, help="Which of the partner's feeds to follow.")
@click.option("--once", is_flag=True, help="One pass over the feed, then exit.")
@click.option("--page-size", type=click.IntRange(1, 500), default=100, show_default=True,
              help="Tracking numbers asked per page of the change feed.")
@click.option("--backfill-from", type=click.DateTime(["%Y-%m-%d", "%Y-%m-%dT%H:%M:%S"]),
              default=None, help="Read the feed again from this date (UTC).")
def connect_run(partner_id: str, feed: str, once: bool, page_size: int,
                backfill_from: datetime | None) -> None:
    """Run the pull connector of PARTNER_ID until stopped."""
    from lintas.connectors.registry import get_partner
    from lintas.connectors.runtime.feed import ChangeFeedSource, NetworkFeedSource

    partner = get_partner(partner_id)
    if partner.api is None:
        raise ConfigurationError(f"{partner_id} sends its data ({partner.mode}); "
                                 f"it has no pull connector")
    credentials = get_settings().partner(partner_id)
    client = partner.client(credentials)
    if feed == "network" and not client.has_network:
        raise ConfigurationError(f"{partner_id} has no network API; drop its network files with "
                                 f"`lintas connect files {partner_id} FOLDER --kind network`")
    # A cursor belongs to one feed at one address.
    position = {"feed": f"{feed}-changes" if feed == "tracking" else feed,
                "endpoint": redact_url(credentials.base_url) or None}
    source = (ChangeFeedSource(client, page_size=page_size, source_partition=position)
              if feed == "tracking"
              else NetworkFeedSource(client, source_partition=position))
    try:
        _run_connector(source, partner_id, once,
                       backfill_from.replace(tzinfo=timezone.utc) if backfill_from else None)
    finally:
        client.close()


@connect.command("files")
@click.argument("partner_id")
@click.argument("folder", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--kind", type=click.Choice(["file", "network"]), default="file", show_default=True,
              help="file: tracking data; network: outlet lists.")
@click.option("--once", is_flag=True, help="Send what is in the folder now, then exit.")
def connect_files(partner_id: str, folder: Path, kind: str, once: bool) -> None:
    """Send files dropped in FOLDER as PARTNER_ID's raw records (then move them to done/)."""
    from lintas.connectors.registry import get_partner
    from lintas.connectors.runtime.files import FileDropSource

    get_partner(partner_id)
    _run_connector(FileDropSource(partner_id, folder, kind=kind), partner_id, once)
