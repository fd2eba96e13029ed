"""``lintas connectors status|pause|resume``: what the connectors are doing."""

from __future__ import annotations

import time
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any

import click
from rich.table import Table

from lintas.cli.output import console, print_json
from lintas.core.errors import LintasError
from lintas.core.settings import get_settings

if TYPE_CHECKING:
    from lintas.connectors.runtime.producer import RawProducer
    from lintas.kafka.connection import KafkaConnection
    from lintas.kafka.cursors import CursorStore

__all__ = ["connectors"]


def _store() -> tuple[KafkaConnection, RawProducer, CursorStore]:
    from lintas.connectors.runtime.producer import RawProducer
    from lintas.kafka.cursors import CursorStore
    from lintas.kafka.principals import kafka_connection

    kafka = kafka_connection(get_settings(), "ops")
    producer = RawProducer(kafka, client_id="lintas-connectors-cli")
    store = CursorStore(kafka, producer)
    store.load()
    return kafka, producer, store


def _ago(iso: str | None) -> float | None:
    if not iso:
        return None
    return round((datetime.now(timezone.utc) - datetime.fromisoformat(iso)).total_seconds(), 1)


def _human(seconds: float | None) -> str:
    if seconds is None:
        return "-"
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60)):
        if seconds >= size:
            return f"{seconds / size:.1f}{unit} ago"
    return f"{seconds:.0f}s ago"


@click.group()
def connectors() -> None:
    """Connectors: status, pause and resume."""


@connectors.command()
@click.option("--json", "as_json", is_flag=True, help="Print the status as JSON.")
def status(as_json: bool) -> None:
    """Last success, errors and how far behind each connector is."""
    from lintas.connectors.registry import PARTNERS
    from lintas.core.topics import raw_topic
    from lintas.kafka.admin import newest_timestamps

    kafka, producer, store = _store()
    try:
        rows: list[dict[str, Any]] = []
        paused = {
            key[0] for key, value in store.items()
            if isinstance(key[1], dict) and key[1].get("control") and (value or {}).get("paused")
        }
        newest = newest_timestamps(kafka, [raw_topic(p) for p in sorted(PARTNERS)])
        for (name, where), value in store.items():
            if not isinstance(where, dict) or "status" not in where or not value:
                continue
            topic = raw_topic(value.get("partner", name.split("-")[0]))
            stamp = newest.get(topic)
            rows.append({
                "connector": name,
                "source": where["status"],
                "state": "paused" if name in paused else value.get("state"),
                "last_success": value.get("last_success"),
                "last_success_age_seconds": _ago(value.get("last_success")),
                "last_error": value.get("last_error"),
                "last_error_at": value.get("last_error_at"),
                "records": value.get("records"),
                "pending": value.get("pending"),
                "newest_record_age_seconds": (
                    round(time.time() - stamp / 1000, 1) if stamp else None
                ),
            })
    finally:
        store.close()
        producer.close()
    if as_json:
        print_json(rows)
        return
    table = Table(
        "connector", "state", "last success", "pending", "newest raw record", "last error"
    )
    for row in sorted(rows, key=lambda r: r["connector"]):
        table.add_row(row["connector"], str(row["state"]), _human(row["last_success_age_seconds"]),
                      str(row["pending"] if row["pending"] is not None else "-"),
                      _human(row["newest_record_age_seconds"]), (row["last_error"] or "")[:60])
    console.print(table)


def _control(name: str, paused: bool) -> None:
    from lintas.kafka.cursors import control_key

    _kafka, producer, store = _store()
    try:
        known = {key[0] for key, _ in store.items()}
        if name not in known:
            listed = ", ".join(sorted(known)) or "none"
            raise LintasError(f"no connector named {name!r} has run; known: {listed}")
        producer.send_bytes("lintas.connect-offsets", control_key(name),
                            b'{"paused": true}' if paused else b'{"paused": false}')
        producer.flush()
    finally:
        store.close()
        producer.close()


@connectors.command()
@click.argument("connector")
def pause(connector: str) -> None:
    """Pause CONNECTOR (e.g. pos-tracking): it stops polling until resumed."""
    _control(connector, True)
    console.print(f"{connector} paused")


@connectors.command()
@click.argument("connector")
def resume(connector: str) -> None:
    """Resume a paused CONNECTOR."""
    _control(connector, False)
    console.print(f"{connector} resumed")
