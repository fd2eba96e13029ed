"""Read-side commands: ``lintas shipment`` and ``lintas replay``."""

from __future__ import annotations

import click
from rich.table import Table

from lintas.cli.output import console, print_json
from lintas.core.redact import redact_url
from lintas.core.settings import get_settings

__all__ = ["replay", "shipment"]


@click.command()
@click.argument("tracking_number")
@click.option("--partner", default=None, help="The partner, when two partners use the same number.")
@click.option("--stale-days", type=click.FloatRange(0, 3650, min_open=True), default=7.0,
              show_default=True, help="Flag a shipment with no event for this many days as stale.")
@click.option("--json", "as_json", is_flag=True, help="Print the shipment as JSON.")
def shipment(tracking_number: str, partner: str | None, stale_days: float, as_json: bool) -> None:
    """Show the reconciled shipment of TRACKING_NUMBER (any leg's) from the view."""
    from lintas.streams.view.queries import find_shipment
    from lintas.streams.view.store import open_store

    store = open_store(get_settings().view_url)
    try:
        view = find_shipment(store, tracking_number, partner=partner, stale_days=stale_days)
    finally:
        store.close()
    assert view is not None
    if as_json:
        print_json(view)
        return
    legs = ", ".join(f"{leg['partner']} {leg['tracking_number']}" for leg in view["legs"])
    console.print(
        f"[bold]{view['shipment_id']}[/]  {view['status']} ({view['aftership_tag']})  legs: {legs}"
    )
    if view["delivered_at"]:
        console.print(f"delivered at {view['delivered_at'].isoformat()}")
    for anomaly in view["anomalies"]:
        console.print(f"[yellow]anomaly[/] {anomaly['kind']}: {anomaly['detail']}")
    table = Table("when (UTC)", "local offset", "status", "partner says", "where")
    for entry in view["timeline"]:
        table.add_row(
            entry["occurred_at"].strftime("%Y-%m-%d %H:%M"),
            entry["utc_offset"],
            entry["status"],
            f"{entry['raw_status']} {entry['raw_text']}".strip(),
            entry["location_name"] or "",
        )
    console.print(table)


@click.command()
@click.option("--database", "database_url", default=None,
              help="Where to build the view (default: a new SQLite file under LINTAS_HOME).")
@click.option("--partner", "partners", multiple=True, help="Only these partners (default: all).")
@click.option("--json", "as_json", is_flag=True, help="Print the summary as JSON.")
def replay(database_url: str | None, partners: tuple[str, ...], as_json: bool) -> None:
    """Rebuild the view from the raw topics alone, with the same steps the agents run.

    Progress goes to stderr (bars on a terminal, a line every few seconds elsewhere):
    records read of those the raw topics hold, events, shipments built, rate, time left."""
    from datetime import datetime, timezone

    from lintas.cli.progress import ProgressReporter
    from lintas.connectors.registry import PARTNERS, get_partner
    from lintas.kafka.principals import kafka_connection
    from lintas.streams.app import agreements
    from lintas.streams.replay import replay as run_replay
    from lintas.streams.view.store import open_store

    settings = get_settings()
    for partner in partners:
        get_partner(partner)
    stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%S")
    url = database_url or f"sqlite:///{settings.home / f'replay-{stamp}.db'}"
    store = open_store(url)
    try:
        with ProgressReporter("replay") as progress:
            result = run_replay(kafka_connection(settings, "ops"), store,
                                partners or sorted(PARTNERS), progress=progress,
                                agreements=agreements(settings))
    finally:
        store.close()
    summary = {**result.__dict__, "database_url": redact_url(url)}
    if as_json:
        print_json(summary)
        return
    table = Table(
        "raw records", "events", "shipments", "dead letters", "network nodes", title="replay"
    )
    table.add_row(str(result.raw_records), str(result.events), str(result.shipments),
                  str(result.dead_letters), str(result.network_nodes))
    console.print(table)
    console.print(f"view rebuilt in {redact_url(url)}")
