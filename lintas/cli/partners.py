"""``lintas partners list|crosswalk``."""

from __future__ import annotations

from pathlib import Path
from typing import TypedDict

import click
from rich.table import Table

from lintas.cli.output import console, print_json

__all__ = ["partners"]


class _PartnerRow(TypedDict):
    id: str
    name: str
    mode: str
    sandbox: bool
    network: bool


@click.group()
def partners() -> None:
    """The partners lintas knows."""


@partners.command("list")
@click.option("--json", "as_json", is_flag=True)
def list_(as_json: bool) -> None:
    """Partner ids, names and how their data arrives."""
    from lintas.connectors.registry import PARTNERS

    rows: list[_PartnerRow] = [
        {"id": p.id, "name": p.name, "mode": p.mode, "sandbox": p.scenarios is not None,
         "network": p.has_network}
        for p in PARTNERS.values()
    ]
    if as_json:
        print_json(rows)
        return
    table = Table("id", "name", "mode", "sandbox", "network")
    for row in rows:
        table.add_row(row["id"], row["name"], row["mode"], "yes" if row["sandbox"] else "-",
                      "yes" if row["network"] else "-")
    console.print(table)


@partners.command()
@click.option("--write", "path", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Write the Markdown to this file (docs/partners.md) instead of printing it.")
def crosswalk(path: Path | None) -> None:
    """The raw -> canonical status crosswalk of every partner, as Markdown."""
    from lintas.connectors.crosswalk import render_crosswalk

    text = render_crosswalk()
    if path is None:
        click.echo(text, nl=False)
    else:
        path.write_text(text, encoding="utf-8")
        console.print(f"wrote {path}")
