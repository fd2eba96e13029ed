"""``lintas coverage --city NAME_OR_CODE``: a regency's or city's logistics coverage."""

from __future__ import annotations

from typing import Any

import click
from rich.table import Table

from lintas.cli.output import console, print_json
from lintas.core.settings import get_settings

__all__ = ["coverage"]

_SHOWN = 20


def _share(section: dict[str, Any]) -> str:
    ratio = section["served_ratio"]
    percent = "n/a" if ratio is None else f"{ratio:.1%}"
    return f"{section['served_count']} of {section['total']} ({percent})"


def _tally_table(title: str, key: str, rows: list[dict[str, Any]]) -> Table:
    table = Table(key, "active", "inactive", title=title, title_justify="left")
    for row in rows:
        table.add_row(row[key], str(row["active"]), str(row["inactive"]))
    return table


def _render(report: dict[str, Any], show_all: bool) -> None:
    region, points = report["region"], report["service_points"]
    console.print(f"[bold]{region['name']}[/] ({region['code']}), {region['province']}")
    summary = Table(show_header=False)
    summary.add_row("service points",
                    f"{points['total']} ({points['active']} active, {points['inactive']} inactive)")
    summary.add_row("active, of several partners", str(points["multi_partner"]))
    summary.add_row("postal codes served", _share(report["postal_codes"]))
    summary.add_row("villages served", _share(report["villages"]))
    console.print(summary)
    if points["total"]:
        console.print(_tally_table("by partner", "partner", points["by_partner"]))
        console.print(_tally_table("by kind", "kind", points["by_kind"]))
    villages: dict[str, list[str]] = {}
    for village in report["villages"]["not_served"]:
        villages.setdefault(village["postal_code"], []).append(village["name"])
    missing = report["postal_codes"]["not_served"]
    shown = missing if show_all else missing[:_SHOWN]
    if shown:
        table = Table("postal code", "villages", title="not served", title_justify="left")
        for code in shown:
            table.add_row(code, ", ".join(villages.get(code, [])))
        console.print(table)
    if len(shown) < len(missing):
        console.print(f"… and {len(missing) - len(shown)} more postal codes (--all lists them)")
    outside = report["postal_codes"]["not_in_region"]
    if outside:
        console.print(f"postal codes of service points that no village here uses: "
                      f"{', '.join(outside)}")


@click.command()
@click.option("--city", required=True, metavar="NAME_OR_CODE",
              help="A regency/city: code (32.73) or name (Bandung, Kota Bandung, Kab. Bandung).")
@click.option("--all", "show_all", is_flag=True,
              help=f"List every postal code not served (default: the first {_SHOWN}).")
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
def coverage(city: str, show_all: bool, as_json: bool) -> None:
    """Service points by partner and kind in a regency or city, and the postal codes and
    villages they serve. On a name shared by a kota and a kabupaten the kota wins; an
    ambiguous name lists its candidates."""
    from lintas.streams.view.queries import coverage as coverage_of
    from lintas.streams.view.store import open_store

    store = open_store(get_settings().view_url)
    try:
        report = coverage_of(store, city)
    finally:
        store.close()
    if as_json:
        print_json(report)
        return
    _render(report, show_all)
