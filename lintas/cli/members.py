"""``lintas members`` and ``lintas subscribers``: accounts of member couriers and of
downstream consumers, each with its own Kafka principal (docs/security.md)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import click
from rich.table import Table

from lintas.cli.output import console, print_json
from lintas.core.settings import get_settings

if TYPE_CHECKING:
    from lintas.connectors.members import AccountStore, Kind
    from lintas.connectors.onboarding import Issued
    from lintas.kafka.connection import KafkaConnection

__all__ = ["members", "subscribers"]


def _store() -> AccountStore:
    from lintas.connectors.members import AccountStore

    return AccountStore(get_settings().home / "members.json")


def _admin() -> KafkaConnection:
    from lintas.kafka.principals import kafka_connection

    return kafka_connection(get_settings(), "admin")


def _show_issued(issued: Issued, as_json: bool, what: str) -> None:
    data = issued.as_dict()
    if as_json:
        print_json(data)
        return
    table = Table(title=f"{what} (secrets are shown this once)", show_header=False)
    for key, value in data.items():
        if isinstance(value, dict):
            for sub, inner in value.items():
                table.add_row(f"{key}.{sub}", str(inner))
        else:
            table.add_row(key, str(value))
    console.print(table)


def _add(kind: Kind) -> click.Command:
    @click.command()
    @click.argument("account_id")
    @click.option("--name", default=None, help="The company's name.")
    @click.option("--quota-bytes", type=float, default=None,
                  help="Bytes a second the member may produce (members only).")
    @click.option("--json", "as_json", is_flag=True)
    def add(account_id: str, name: str | None, quota_bytes: float | None,
            as_json: bool) -> None:
        """Create ACCOUNT_ID and print its credentials (once)."""
        from lintas.connectors.onboarding import DEFAULT_QUOTA_BYTES, add_account

        issued = add_account(_admin(), _store(), kind, account_id, name=name,
                             partitions=get_settings().topic_partitions,
                             quota_bytes=quota_bytes or DEFAULT_QUOTA_BYTES)
        _show_issued(issued, as_json, f"{kind} {account_id}")

    return add


def _list(kind: Kind) -> click.Command:
    columns = ("id", "name", "principal", "created_at", "revoked_at")

    @click.command(name="list")
    @click.option("--json", "as_json", is_flag=True)
    def list_accounts(as_json: bool) -> None:
        """Every account, with no secret."""
        rows = [a.public() for a in _store().all(kind)]
        if as_json:
            print_json(rows)
            return
        table = Table(title=f"{kind}s")
        for column in columns:
            table.add_column(column)
        for row in rows:
            table.add_row(*(str(row[c] or "") for c in columns))
        console.print(table)

    return list_accounts


def _rotate(kind: Kind) -> click.Command:
    @click.command()
    @click.argument("account_id")
    @click.option("--json", "as_json", is_flag=True)
    def rotate(account_id: str, as_json: bool) -> None:
        """New secrets for ACCOUNT_ID; the old ones stop working."""
        from lintas.connectors.onboarding import rotate_account

        issued = rotate_account(_admin(), _store(), kind, account_id)
        _show_issued(issued, as_json, f"{kind} {account_id}")

    return rotate


def _revoke(kind: Kind) -> click.Command:
    @click.command()
    @click.argument("account_id")
    @click.option("--json", "as_json", is_flag=True)
    def revoke(account_id: str, as_json: bool) -> None:
        """Take ACCOUNT_ID's access away at once (its grants, credentials, webhooks)."""
        from lintas.connectors.onboarding import revoke_account

        account = revoke_account(_admin(), _store(), kind, account_id)
        if as_json:
            print_json(account.public())
        else:
            console.print(f"{kind} {account_id} revoked at {account.revoked_at}")

    return revoke


def _group(kind: Kind, help_text: str) -> click.Group:
    group = click.Group(name=f"{kind}s", help=help_text)
    for make in (_add, _list, _rotate, _revoke):
        group.add_command(make(kind))
    return group


members = _group("member", "Member couriers: their own topic, Kafka principal, webhook "
                           "secret and quota.")
subscribers = _group("subscriber", "Downstream consumers: read-only on the canonical topics, "
                                   "in consumer groups of their own.")
