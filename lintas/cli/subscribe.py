"""``lintas subscribe TOPIC``: a console consumer of the canonical topics, as a subscriber.

Like kafka-avro-console-consumer: it reads a canonical topic as the principal that
``LINTAS_KAFKA_USERNAME``/``LINTAS_KAFKA_PASSWORD`` name (what ``lintas subscribers add``
printed) and prints each record decoded, whichever wire format it came in: Avro
single-object encoding or Confluent's (then the schema comes from the registry at
``LINTAS_SCHEMA_REGISTRY_URL``).
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any

import click

from lintas.cli.output import to_jsonable
from lintas.core.errors import LintasError
from lintas.core.settings import get_settings

if TYPE_CHECKING:
    from kafka import KafkaConsumer

__all__ = ["subscribe"]


def _consumer(topic: str, group: str | None, from_beginning: bool) -> KafkaConsumer:
    """A consumer of every partition of ``topic``: in ``group`` (offsets committed), or in
    no group, from the oldest or the newest record."""
    from kafka import KafkaConsumer, TopicPartition

    from lintas.kafka.principals import kafka_connection

    kafka = kafka_connection(get_settings(), role=None)
    consumer = KafkaConsumer(**kafka.kafka_python(), group_id=group,
                             enable_auto_commit=group is not None,
                             auto_offset_reset="earliest" if from_beginning else "latest",
                             client_id="lintas-subscribe")
    if group is not None:
        consumer.subscribe([topic])
        return consumer
    partitions = consumer.partitions_for_topic(topic)
    if not partitions:
        consumer.close()
        raise LintasError(f"{topic}: no partitions visible to {kafka.username} (does its "
                          "grant cover this topic?)")
    tps = [TopicPartition(topic, p) for p in sorted(partitions)]
    consumer.assign(tps)
    if from_beginning:
        consumer.seek_to_beginning(*tps)
    else:
        consumer.seek_to_end(*tps)
    return consumer


def _at_end(consumer: KafkaConsumer, ends: dict[Any, int]) -> bool:
    """Whether every assigned partition was read up to ``ends`` (filled on first ask)."""
    assigned = consumer.assignment()
    if not assigned:
        return False
    missing = [tp for tp in assigned if tp not in ends]
    if missing:
        ends.update(consumer.end_offsets(missing))
    return all(consumer.position(tp) >= ends[tp] for tp in assigned)


def _records(consumer: KafkaConsumer, exit_at_end: bool) -> Iterator[Any]:
    ends: dict[Any, int] = {}
    while True:
        if exit_at_end and _at_end(consumer, ends):
            return
        for batch in consumer.poll(timeout_ms=500).values():
            yield from batch


def _describe(record: str, message: Any) -> dict[str, Any]:
    """One record as the subscriber sees it: where, when, which format and schema, what."""
    from lintas.schemas.codec import codec
    from lintas.schemas.wire import format_of, schema_id_of

    value = message.value
    shape = "tombstone" if value is None else format_of(value)
    schema: str | int | None = None
    if shape == "confluent":
        schema = schema_id_of(value)
    elif shape == "single-object":
        schema = value[2:10].hex()
    when = datetime.fromtimestamp(message.timestamp / 1000, tz=timezone.utc)
    return {"topic": message.topic, "partition": message.partition, "offset": message.offset,
            "timestamp": when, "key": message.key, "format": shape, "schema": schema,
            "value": None if value is None else codec(record).decode(value)}


def _print(item: dict[str, Any], as_json: bool) -> None:
    if as_json:
        sys.stdout.write(json.dumps(to_jsonable(item), ensure_ascii=False) + "\n")
    else:
        value = json.dumps(to_jsonable(item["value"]), ensure_ascii=False)
        key = to_jsonable(item["key"])
        sys.stdout.write(f"{item['partition']}:{item['offset']} {key} {value}\n")
    sys.stdout.flush()


@click.command()
@click.argument("topic")
@click.option("--group", "-g", default=None,
              help="Consumer group, named after your principal (subscriber-<id>.<anything>); "
                   "offsets are committed in it. Without one: no group, nothing committed.")
@click.option("--from-beginning", is_flag=True,
              help="Start at the oldest record (in a group: when it has no committed offset).")
@click.option("--json", "as_json", is_flag=True,
              help="One JSON object a line: topic, partition, offset, timestamp, key, format, "
                   "schema (id or fingerprint) and the decoded value.")
@click.option("--max", "max_records", type=click.IntRange(min=1), default=None,
              help="Stop after N records.")
@click.option("--exit-at-end", "-e", is_flag=True,
              help="Stop at the end of every partition, as it was when reading began.")
def subscribe(topic: str, group: str | None, from_beginning: bool, as_json: bool,
              max_records: int | None, exit_at_end: bool) -> None:
    """Print the records of a canonical TOPIC, decoded (Avro in single-object encoding or
    Confluent's wire format), as the subscriber LINTAS_KAFKA_USERNAME."""
    from lintas.schemas.registry import CANONICAL_RECORDS

    record = CANONICAL_RECORDS.get(topic)
    if record is None:
        raise click.UsageError(f"{topic} is not a canonical topic; subscribe to one of "
                               + ", ".join(CANONICAL_RECORDS))
    consumer = _consumer(topic, group, from_beginning)
    seen = 0
    try:
        for message in _records(consumer, exit_at_end):
            try:
                _print(_describe(record, message), as_json)
            except LintasError as exc:
                click.echo(f"lintas: {message.topic}:{message.partition}:{message.offset}: "
                           f"{exc}", err=True)
            seen += 1
            if max_records is not None and seen >= max_records:
                break
    except KeyboardInterrupt:
        pass
    finally:
        consumer.close()
