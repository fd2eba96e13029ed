"""``lintas lag``: consumer lag per group and partition, in messages and seconds, with trend,
time to clear and verdict (docs/lag.md)."""

from __future__ import annotations

import json
import sys
import time
from typing import TYPE_CHECKING

import click
from rich.console import Group as Renderables
from rich.live import Live
from rich.table import Table
from rich.text import Text

from lintas.cli.output import console, print_json
from lintas.core.settings import get_settings
from lintas.kafka.principals import kafka_connection
from lintas.streams.ops.verdicts import DEFAULT_WINDOW, Verdict

if TYPE_CHECKING:
    from lintas.streams.ops.lag import GroupLag, LagCollector, LagReport, PartitionLag

__all__ = ["format_seconds", "lag", "render"]

_VERDICT_STYLES = {
    Verdict.OK: "green",
    Verdict.WARN: "yellow",
    Verdict.STALL: "red",
    Verdict.STOP: "bold red",
    Verdict.REWIND: "bold magenta",
}
_TREND_ARROWS = {"growing": "↑", "shrinking": "↓", "steady": "→"}


@click.command()
@click.option("--group", "groups", multiple=True, metavar="GROUP",
              help="A consumer group to show (repeat for several; default: every group).")
@click.option("--watch", is_flag=True, help="Read again every --interval seconds until Ctrl-C.")
@click.option("--interval", type=click.FloatRange(min=0.5), default=5.0, show_default=True,
              help="Seconds between two readings (--watch, --samples).")
@click.option("--samples", type=click.IntRange(min=1), default=1, show_default=True,
              help="Without --watch: readings to take, --interval apart, before reporting.")
@click.option("--window", type=click.FloatRange(min=1.0), default=DEFAULT_WINDOW,
              show_default=True, help="Seconds of history that trends and verdicts look at.")
@click.option("--json", "as_json", is_flag=True,
              help="Print JSON (one document; with --watch, one line per reading).")
def lag(groups: tuple[str, ...], watch: bool, interval: float, samples: int, window: float,
        as_json: bool) -> None:
    """Consumer lag per group, topic and partition: committed and log-end offsets, lag in
    messages and seconds, trend, time to clear and verdict (OK, WARN, STALL, STOP, REWIND).

    Trends and verdicts need readings over a full --window: use --watch, or --samples with
    (samples - 1) x interval >= window."""
    from lintas.streams.ops.lag import LagCollector

    settings = get_settings()
    selected = list(groups) or None
    with LagCollector(kafka_connection(settings, "ops"), window=window) as collector:
        if watch:
            _watch(collector, selected, interval, as_json)
            return
        report = collector.collect(selected)
        for _ in range(samples - 1):
            time.sleep(interval)
            report = collector.collect(selected)
    if as_json:
        print_json(report.to_dict())
    else:
        console.print(render(report))


def _watch(collector: LagCollector, groups: list[str] | None, interval: float,
           as_json: bool) -> None:
    try:
        if as_json:
            while True:
                sys.stdout.write(json.dumps(collector.collect(groups).to_dict()) + "\n")
                sys.stdout.flush()
                time.sleep(interval)
        with Live(render(collector.collect(groups)), console=console,
                  refresh_per_second=2) as live:
            while True:
                time.sleep(interval)
                live.update(render(collector.collect(groups)))
    except KeyboardInterrupt:
        return


def render(report: LagReport) -> Renderables:
    """A table of every group (a summary row) and its partitions, for people."""
    if not report.groups:
        return Renderables(Text("no consumer groups"))
    table = Table(
        "group / topic", "partition", "committed", "log end", "lag", "lag (time)", "trend",
        "time to clear", "verdict",
        title=f"consumer lag at {time.strftime('%H:%M:%S', time.localtime(report.time))}"
              f" (window {report.window:g}s)",
    )
    for column in table.columns[1:6] + table.columns[7:8]:
        column.justify = "right"
    for index, group in enumerate(report.groups):
        if index:
            table.add_section()
        _add_group(table, group)
    return Renderables(table)


def _add_group(table: Table, group: GroupLag) -> None:
    title = Text(group.group, style="bold")
    title.append(f"  {group.state}, {group.members} member(s)", style="dim")
    if not group.partitions:
        title.append("  no committed offsets", style="dim")
    table.add_row(title, "", "", "", str(group.lag), format_seconds(group.lag_seconds), "", "",
                  _verdict(group.verdict))
    for p in group.partitions:
        table.add_row(
            f"  {p.topic}", str(p.partition), str(p.committed), _number(p.log_end),
            _number(p.lag), _lag_time(p), _trend(p), format_seconds(p.time_to_clear),
            _verdict(p.verdict),
        )


def _number(value: int | None) -> str:
    return "-" if value is None else str(value)


def _lag_time(p: PartitionLag) -> str:
    text = format_seconds(p.lag_seconds)
    return f"~{text}" if p.lag_seconds_source in ("interpolated", "extrapolated") else text


def _trend(p: PartitionLag) -> str:
    if p.trend is None or p.lag_rate is None:
        return "-"
    return f"{_TREND_ARROWS[p.trend]} {p.lag_rate:+.1f}/s"


def _verdict(verdict: Verdict) -> Text:
    return Text(verdict.name, style=_VERDICT_STYLES[verdict])


def format_seconds(seconds: float | None) -> str:
    """``None`` as ``-``; else a short duration: ``0.4s``, ``42s``, ``3m07s``, ``2h05m``,
    ``3d04h``."""
    if seconds is None:
        return "-"
    if seconds < 10:
        return f"{seconds:.1f}s"
    whole = round(seconds)
    if whole < 60:
        return f"{whole}s"
    minutes, secs = divmod(whole, 60)
    if minutes < 60:
        return f"{minutes}m{secs:02d}s"
    hours, minutes = divmod(minutes, 60)
    if hours < 48:
        return f"{hours}h{minutes:02d}m"
    days, hours = divmod(hours, 24)
    return f"{days}d{hours:02d}h"
