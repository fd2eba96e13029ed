"""``lintas topics``: the topic catalog."""

from __future__ import annotations

import click
from rich.table import Table

from lintas.cli.output import console, print_json
from lintas.connectors.registry import PARTNERS
from lintas.core.settings import get_settings
from lintas.core.topics import catalog
from lintas.kafka.admin import ensure_topics
from lintas.kafka.principals import kafka_connection

__all__ = ["topics"]


@click.group()
def topics() -> None:
    """The lintas topics: names, keys, values and policies."""


@topics.command("list")
@click.option("--json", "as_json", is_flag=True)
def list_topics(as_json: bool) -> None:
    """Show the catalog (no broker needed)."""
    specs = catalog(sorted(PARTNERS), get_settings().topic_partitions)
    if as_json:
        print_json([
            {"name": s.name, "key": s.key, "value": s.value, "partitions": s.partitions,
             "configs": s.configs} for s in specs
        ])
        return
    table = Table("topic", "key", "value", "partitions", "cleanup", "retention")
    for s in specs:
        table.add_row(s.name, s.key, s.value, str(s.partitions), s.cleanup_policy, s.retention)
    console.print(table)


@topics.command()
@click.option("--json", "as_json", is_flag=True)
def create(as_json: bool) -> None:
    """Create every missing topic (existing ones are left as they are)."""
    settings = get_settings()
    outcomes = ensure_topics(
        kafka_connection(settings),
        catalog(sorted(PARTNERS), settings.topic_partitions),
        settings.replication_factor,
    )
    if as_json:
        print_json([o.__dict__ for o in outcomes])
        return
    table = Table("topic", "partitions", "action")
    for o in outcomes:
        table.add_row(o.name, str(o.partitions), o.action)
    console.print(table)
