"""``lintas tokens create|list|revoke``: bearer tokens for the read API and the ops server
(docs/security.md)."""

from __future__ import annotations

import os
from pathlib import Path

import click
from rich.table import Table

from lintas.cli.output import console, err_console, print_json
from lintas.core.settings import get_settings
from lintas.core.tokens import SCOPES, TokenEntry, TokenStore, token_store_path

__all__ = ["tokens"]

#: Where each scope's token is used, for the hint printed with a new token.
_USE = {"view:read": "the read API: Authorization: Bearer <token>",
        "ops:read": "the ops server: Authorization: Bearer <token>; the dashboard at "
                    "http://127.0.0.1:9308/#token=<token>"}


def _store() -> TokenStore:
    return TokenStore(token_store_path(get_settings().home))


def _write_secret(path: Path, token: str) -> None:
    """``token`` alone in ``path``, which only its owner may read."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.fchmod(fd, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as out:
        out.write(token)


@click.group()
def tokens() -> None:
    """Bearer tokens: view:read for the read API, ops:read for the ops server."""


@tokens.command()
@click.option("--scope", type=click.Choice(SCOPES), required=True,
              help="view:read (the read API) or ops:read (metrics and the dashboard).")
@click.option("--name", default=None, help="Who or what the token is for.")
@click.option("--replace", is_flag=True,
              help="Revoke the active tokens of the same --name first (rotation).")
@click.option("--output", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Write the token to this file (mode 0600) instead of printing it.")
@click.option("--json", "as_json", is_flag=True)
def create(scope: str, name: str | None, replace: bool, output: Path | None,
           as_json: bool) -> None:
    """Create a token and print it, once: lintas keeps only its hash."""
    if replace and not name:
        raise click.UsageError("--replace revokes the tokens of a --name: give one")
    store = _store()
    replaced = [store.revoke(e.id) for e in store.all() if replace and e.active and e.name == name]
    entry, token = store.create(scope, name)
    if output is not None:
        _write_secret(output, token)
    if as_json:
        shown = {**entry.public(), "replaced": [e.id for e in replaced]}
        print_json({**shown, "file": str(output)} if output else {**shown, "token": token})
        return
    for old in replaced:
        err_console.print(f"revoked token {old.id} ({old.name})")
    if output is not None:
        console.print(f"token {entry.id} ({scope}) written to {output}")
        return
    console.print(f"token {entry.id} ({scope}); it is shown only this once:")
    click.echo(token)
    err_console.print(f"use it with {_USE[scope]}")


def _row(entry: TokenEntry) -> list[str]:
    return [entry.id, entry.name or "-", entry.scope, entry.created_at,
            entry.revoked_at or "-"]


@tokens.command(name="list")
@click.option("--json", "as_json", is_flag=True)
def list_tokens(as_json: bool) -> None:
    """Every token, revoked ones too (never a token itself)."""
    entries = _store().all()
    if as_json:
        print_json([e.public() for e in entries])
        return
    table = Table("id", "name", "scope", "created", "revoked", title=f"{len(entries)} tokens")
    for entry in entries:
        table.add_row(*_row(entry))
    console.print(table)


@tokens.command()
@click.argument("token_id")
@click.option("--json", "as_json", is_flag=True)
def revoke(token_id: str, as_json: bool) -> None:
    """Revoke the token TOKEN_ID: servers refuse it from their next request on."""
    entry = _store().revoke(token_id)
    if as_json:
        print_json(entry.public())
    else:
        console.print(f"token {entry.id} revoked at {entry.revoked_at}")
