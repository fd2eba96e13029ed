"""``lintas demo``."""

from __future__ import annotations

import sys

import click
from rich.table import Table

from lintas.cli.output import console, err_console, print_json
from lintas.core.settings import get_settings

__all__ = ["demo"]


@click.command()
@click.option("--seed", type=int, default=None, help="Sandbox catalog seed (random by default).")
@click.option("--rounds", type=int, default=2, show_default=True,
              help="Each sandbox scenario this many times.")
@click.option("--timeout", type=float, default=240.0, show_default=True,
              help="Seconds to wait for the view.")
@click.option("--json", "as_json", is_flag=True, help="Print the summary as JSON.")
def demo(seed: int | None, rounds: int, timeout: float, as_json: bool) -> None:
    """Run the pipeline end to end once on the embedded defaults, then stop everything."""
    from lintas.demo import run_demo

    settings = get_settings()
    with err_console.status("starting…") as status:
        summary = run_demo(settings, seed=seed, rounds=rounds, timeout=timeout,
                           progress=lambda text: status.update(text))
    if as_json:
        print_json(summary.as_dict())
    else:
        table = Table(title="lintas demo", show_header=False)
        table.add_column("what")
        table.add_column("count", justify="right")
        for label, value in (
            ("tracking numbers emitted", summary.records),
            ("shipments in the view", summary.shipments),
            ("events in their timelines", summary.events),
            ("dead letters", summary.dead_letters),
            ('"not found" answers', summary.not_found),
            ("webhooks refused (HTTP 400)", summary.refused),
            ("outlets", summary.network_nodes),
            ("service points", summary.service_points),
            ("seconds", f"{summary.seconds:.1f}"),
        ):
            table.add_row(label, str(value))
        console.print(table)
        console.print(f"view: {summary.view_url}   broker: {summary.bootstrap}")
    if not summary.complete:
        err_console.print("[red]the view is incomplete:[/]")
        for line in summary.missing[:20]:
            err_console.print(f"  {line}")
        sys.exit(1)

