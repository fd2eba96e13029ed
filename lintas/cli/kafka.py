"""``lintas kafka start|stop|status``: the local broker."""

from __future__ import annotations

import click

from lintas.cli.output import console, print_json
from lintas.core.settings import get_settings
from lintas.kafka.broker import local_broker

__all__ = ["kafka"]


@click.group()
def kafka() -> None:
    """The local Apache Kafka broker (KRaft, 127.0.0.1, jars from Maven Central)."""


@kafka.command()
@click.option("--json", "as_json", is_flag=True, help="Print the status as JSON.")
def start(as_json: bool) -> None:
    """Start the local broker and wait until it serves requests."""
    settings = get_settings()
    if settings.kafka_bootstrap:
        message = (
            f"LINTAS_KAFKA_BOOTSTRAP is set: lintas uses {settings.kafka_bootstrap}; "
            "no local broker started"
        )
        if as_json:
            print_json({"running": None, "bootstrap": settings.kafka_bootstrap, "external": True})
        else:
            console.print(message)
        return
    from lintas.connectors.access import prepare_broker

    broker = local_broker(settings)
    starting = f"Starting Apache Kafka {settings.kafka_version} on 127.0.0.1:{settings.kafka_port}…"
    with console.status(starting):
        status = broker.start()
        prepare_broker(broker.connection(), broker.principals.ensure(), app_id=settings.app_id,
                       partitions=settings.topic_partitions,
                       replication_factor=settings.replication_factor)
    if as_json:
        print_json({**status.as_dict(), "principals": str(broker.principals.path),
                    "security_protocol": broker.protocol, "ca_file": broker.ca_file})
    else:
        console.print(
            f"Kafka {status.version} runs (pid {status.pid}); "
            f"bootstrap: [bold]{status.bootstrap}[/] (SASL/SCRAM-SHA-512"
            + (f" over TLS, trusting {broker.ca_file}" if broker.ca_file else "")
            + f"; principals' credentials in {broker.principals.path})"
        )


@kafka.command()
def stop() -> None:
    """Stop the local broker cleanly."""
    broker = local_broker(get_settings())
    if broker.stop():
        console.print("Kafka stopped.")
    else:
        console.print("No local Kafka broker was running.")


@kafka.command()
@click.option("--json", "as_json", is_flag=True, help="Print the status as JSON.")
def status(as_json: bool) -> None:
    """Say whether the local broker runs, and where."""
    settings = get_settings()
    state = local_broker(settings).status()
    if as_json:
        out = state.as_dict()
        out["external_bootstrap"] = settings.kafka_bootstrap
        print_json(out)
        return
    if settings.kafka_bootstrap:
        console.print(
            f"lintas uses the broker at {settings.kafka_bootstrap} (LINTAS_KAFKA_BOOTSTRAP)."
        )
    if state.running:
        console.print(
            f"Local Kafka {state.version} runs (pid {state.pid}) at {state.bootstrap}; "
            f"data in {state.data_dir}"
        )
    else:
        console.print(f"No local Kafka broker runs. Log: {state.log_file}")
