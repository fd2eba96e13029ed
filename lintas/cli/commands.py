"""Registration of every subcommand group, explicitly."""

from __future__ import annotations

import click

__all__ = ["register"]


def register(cli: click.Group) -> None:
    from lintas.cli import (
        access,
        api,
        connectors,
        coverage,
        demo,
        dlq,
        ingest,
        kafka,
        lag,
        loadgen,
        members,
        ops,
        partners,
        pipeline,
        registry,
        sandbox,
        subscribe,
        tokens,
        topics,
        view,
    )

    cli.add_command(kafka.kafka)
    cli.add_command(registry.registry)
    cli.add_command(topics.topics)
    cli.add_command(pipeline.normalize)
    cli.add_command(pipeline.reconcile)
    cli.add_command(pipeline.worker)
    cli.add_command(pipeline.sink)
    cli.add_command(pipeline.connect)
    cli.add_command(connectors.connectors)
    cli.add_command(view.shipment)
    cli.add_command(view.replay)
    cli.add_command(sandbox.sandbox)
    cli.add_command(demo.demo)
    cli.add_command(loadgen.loadgen)
    cli.add_command(ingest.ingest)
    cli.add_command(ingest.publish)
    cli.add_command(lag.lag)
    cli.add_command(dlq.dlq)
    cli.add_command(ops.ops)
    cli.add_command(coverage.coverage)
    cli.add_command(api.api)
    cli.add_command(partners.partners)
    cli.add_command(members.members)
    cli.add_command(members.subscribers)
    cli.add_command(subscribe.subscribe)
    cli.add_command(access.access)
    cli.add_command(tokens.tokens)
