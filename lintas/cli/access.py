"""``lintas access apply``: an existing cluster set up for lintas, as its admin."""

from __future__ import annotations

from pathlib import Path

import click

from lintas.cli.output import console, print_json
from lintas.core.settings import get_settings

__all__ = ["access"]


@click.group()
def access() -> None:
    """Topics, principals and grants of lintas's processes (docs/security.md)."""


@access.command()
@click.option("--principals", "principals_file", type=click.Path(dir_okay=False, path_type=Path),
              required=True, help="Where the processes' passwords are kept (made if missing; "
                                  "mode 0600); give it to them as LINTAS_KAFKA_PRINCIPALS_FILE.")
@click.option("--json", "as_json", is_flag=True)
def apply(principals_file: Path, as_json: bool) -> None:
    """Create the topic catalog, each process's principal and its grants, as the admin
    named by LINTAS_KAFKA_*. Safe to run again."""
    from lintas.connectors.access import prepare_broker
    from lintas.kafka.principals import LocalPrincipals, kafka_connection

    settings = get_settings()
    admin = kafka_connection(settings, "admin")
    store = LocalPrincipals(principals_file.parent, principals_file.name)
    prepare_broker(admin, store.ensure(), app_id=settings.app_id,
                   partitions=settings.topic_partitions,
                   replication_factor=settings.replication_factor)
    if as_json:
        print_json({"bootstrap": admin.bootstrap, "principals": str(store.path)})
    else:
        console.print(f"lintas set up on {admin.bootstrap}; principals in {store.path}")
