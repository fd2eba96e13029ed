"""``lintas loadgen``: a national mix into the running pipeline, with throughput and
end-to-end latency (docs/capacity.md)."""

from __future__ import annotations

import sys
import time
from typing import Any

import click
from rich.table import Table

from lintas.cli.output import console, err_console, print_json
from lintas.cli.progress import ProgressReporter
from lintas.core.settings import get_settings

__all__ = ["loadgen"]


def _seconds(value: float | None) -> str:
    return "-" if value is None else f"{value:.3f} s"


def _summary(report: Any) -> Table:
    table = Table(title="lintas loadgen", show_header=False)
    table.add_column("what")
    table.add_column("value", justify="right")
    lat, trend = report.latency, report.latency_trend
    for label, value in (
        ("profile", report.profile),
        ("payloads sent (network pages)", f"{report.payloads:,} ({report.network_pages})"),
        ("parcels (hand-overs)", f"{report.parcels:,} ({report.handovers})"),
        ("distinct events", f"{report.events:,}"),
        ("offered / sent rate", f"{report.offered_rate:,.1f} / {report.sent_rate:,.1f} payloads/s"),
        ("parcels in the view", f"{report.settled:,} / {report.parcels:,}"),
        ("sustained end to end", f"{report.throughput_payloads:,.1f} payloads/s, "
                                 f"{report.throughput_events:,.1f} events/s"),
        ("latency p50 / p90 / p99 / max",
         " / ".join(_seconds(lat[k]) for k in ("p50", "p90", "p99", "max"))),
        ("p50 first third → last third",
         f"{_seconds(trend['first_third_p50'])} → {_seconds(trend['last_third_p50'])}"),
        ("after the last payload", _seconds(report.tail_seconds)),
    ):
        table.add_row(label, str(value))
    return table


@click.command()
@click.option("--rate", type=click.FloatRange(min=0.1), required=True,
              help="Payloads per second (with --profile lebaran: at the day's peak).")
@click.option("--profile", type=click.Choice(["constant", "lebaran"]), default="constant",
              show_default=True, help="A constant rate, or a Lebaran day's hourly shape.")
@click.option("--hours-per-minute", type=click.FloatRange(min=0.01), default=24.0,
              show_default=True, help="Lebaran profile: simulated hours per real minute.")
@click.option("--start-hour", type=click.FloatRange(0, 24, max_open=True), default=0.0,
              show_default=True, help="Lebaran profile: the hour of the day it starts at.")
@click.option("--count", type=click.IntRange(min=1), default=None,
              help="Payloads to send (parcels begun then still send their last ones).")
@click.option("--duration", type=click.FloatRange(min=0.1), default=None,
              help="Seconds to send for (default: --count, or one simulated day).")
@click.option("--seed", type=int, default=None, help="Seed of the mix (random by default).")
@click.option("--settle-timeout", type=click.FloatRange(min=1), default=120.0,
              show_default=True, help="Give up when no parcel reached the view for so long.")
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
def loadgen(rate: float, profile: str, hours_per_minute: float, start_hour: float,
            count: int | None, duration: float | None, seed: int | None,
            settle_timeout: float, as_json: bool) -> None:
    """Send a national mix of partner payloads into the running pipeline (its raw topics,
    as the connector and the ingest principals) and report sustained throughput and
    end-to-end latency, from each raw record's append to its shipment row's commit in the
    SQL view.

    Every partner in its own format, hand-overs (Lion to Pos), duplicates, late and
    out-of-order scans, network updates. Exits 1 when a parcel never reached the view.
    """
    from lintas.demo.loadgen import LoadOptions, RateProfile, run_load
    from lintas.kafka.principals import kafka_connection
    from lintas.streams.view.store import open_store

    rates = RateProfile(rate, hours_per_minute if profile == "lebaran" else None, start_hour)
    if count is None and duration is None:
        if not rates.lebaran:
            raise click.UsageError("give --count or --duration (or --profile lebaran)")
        duration = rates.day_seconds()
    options = LoadOptions(rates, count=count, duration=duration,
                          seed=seed if seed is not None else time.time_ns() % 1_000_000_007,
                          settle_timeout=settle_timeout)
    settings = get_settings()
    store = open_store(settings.view_url)
    try:
        report = _run(run_load, lambda role: kafka_connection(settings, role), store, options)
    finally:
        store.close()
    if as_json:
        print_json(report.as_dict())
    else:
        console.print(_summary(report))
    if not report.complete:
        err_console.print(f"[red]{report.unsettled} parcel(s) never reached the view:[/]")
        for line in report.missing[:20]:
            err_console.print(f"  {line}")
        sys.exit(1)


def _run(run_load: Any, kafka: Any, store: Any, options: Any) -> Any:
    """``run_load`` with its progress on stderr (bars on a terminal, plain lines otherwise)."""
    err_console.print(f"drawing the mix (seed {options.seed})…")
    with ProgressReporter("loadgen") as reporter:
        return run_load(kafka, store, options, progress=lambda p: _show(reporter, p))


def _show(reporter: ProgressReporter, p: Any) -> None:
    """One ``LoadProgress`` as the reporter's phases: payloads sent, then parcels in the
    view while it settles."""
    if p.phase == "sending":
        if reporter.current != "sending":
            reporter.phase("sending", total=p.payloads, unit="payloads")
        hour = f" at simulated hour {p.hour:04.1f}" if p.hour is not None else ""
        reporter.update(p.sent, offered=f"{p.offered_rate:,.0f}/s{hour}",
                        in_the_view=f"{p.settled:,}/{p.parcels:,} parcels",
                        p50=_seconds(p.p50), p99=_seconds(p.p99))
        return
    if reporter.current != "waiting for the view":
        reporter.phase("waiting for the view", total=p.parcels, unit="parcels")
    reporter.update(p.settled, p50=_seconds(p.p50), p99=_seconds(p.p99))
