"""``lintas registry start|stop|status|register``: the schema registry of the canonical
topics (Confluent's API; locally Apicurio Registry, jars from Maven Central)."""

from __future__ import annotations

from typing import Any

import click
from rich.table import Table

from lintas.cli.output import console, print_json
from lintas.core.settings import Settings, get_settings
from lintas.kafka.schemaregistry import APICURIO_VERSION, local_registry

__all__ = ["registry"]


@click.group()
def registry() -> None:
    """The schema registry: every canonical subject, held to FULL_TRANSITIVE compatibility.
    Canonical topics are written in Confluent's format with LINTAS_WIRE_FORMAT=confluent."""


def _register(settings: Settings) -> list[dict[str, Any]]:
    from lintas.schemas.registry import RegistryClient, register_canonical

    with RegistryClient(settings.registry_url) as client:
        return [{"subject": s.subject, "record": s.record, "ids": list(s.ids),
                 "compatibility": client.compatibility(s.subject)}
                for s in register_canonical(client)]


def _show(subjects: list[dict[str, Any]], url: str) -> None:
    table = Table(title=f"Subjects in {url}")
    for column in ("subject", "record", "schema ids", "compatibility"):
        table.add_column(column)
    for s in subjects:
        table.add_row(s["subject"], s["record"], ", ".join(map(str, s["ids"])),
                      s["compatibility"])
    console.print(table)


@registry.command()
@click.option("--json", "as_json", is_flag=True, help="Print the status as JSON.")
def start(as_json: bool) -> None:
    """Start the local registry (building it with Maven the first time), then register
    every canonical schema."""
    settings = get_settings()
    if settings.schema_registry_url:
        raise click.UsageError(f"LINTAS_SCHEMA_REGISTRY_URL is set: lintas uses "
                               f"{settings.registry_url}; register the schemas there with "
                               "`lintas registry register`")
    local = local_registry(settings)
    with console.status(f"Starting Apicurio Registry {APICURIO_VERSION} on "
                        f"127.0.0.1:{settings.schema_registry_port}…"):
        status = local.start()
        subjects = _register(settings)
    if as_json:
        print_json({**status.as_dict(), "subjects": subjects})
        return
    console.print(f"Apicurio Registry {status.version} runs (pid {status.pid}); "
                  f"schema registry URL: [bold]{status.url}[/]")
    _show(subjects, local.url)


@registry.command()
def stop() -> None:
    """Stop the local registry (it keeps schemas in memory: they go with it)."""
    if local_registry(get_settings()).stop():
        console.print("Schema registry stopped.")
    else:
        console.print("No local schema registry was running.")


@registry.command()
@click.option("--json", "as_json", is_flag=True, help="Print the status as JSON.")
def status(as_json: bool) -> None:
    """Say whether the local registry runs, and which canonical subjects it holds."""
    from lintas.core.errors import RegistryUnavailable
    from lintas.schemas.registry import RegistryClient, canonical_subjects

    settings = get_settings()
    state = local_registry(settings).status()
    try:
        with RegistryClient(settings.registry_url, timeout=5.0) as client:
            held: dict[str, str] | None = canonical_subjects(client)
    except RegistryUnavailable:
        held = None
    if as_json:
        print_json({**state.as_dict(), "registry_url": settings.registry_url,
                    "subjects": held})
        return
    if state.running:
        console.print(f"Local schema registry (Apicurio {state.version}) runs (pid "
                      f"{state.pid}) at {state.url}")
    elif not settings.schema_registry_url:
        console.print(f"No local schema registry runs. Log: {state.log_file}")
    if held is None:
        console.print(f"No schema registry answers at {settings.registry_url}.")
    else:
        console.print(f"{settings.registry_url} holds {len(held)} canonical subject(s): "
                      + ", ".join(f"{k} ({v})" for k, v in sorted(held.items())))


@registry.command()
@click.option("--json", "as_json", is_flag=True)
def register(as_json: bool) -> None:
    """Register every canonical schema in the registry at LINTAS_SCHEMA_REGISTRY_URL (or
    the local one) and hold each subject to FULL_TRANSITIVE."""
    settings = get_settings()
    subjects = _register(settings)
    if as_json:
        print_json(subjects, lines=False)
    else:
        _show(subjects, settings.registry_url)
