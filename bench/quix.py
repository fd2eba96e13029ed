"""The normalize work as an idiomatic Quix Streams application, in this process.

One StreamingDataFrame over the raw topic: each RawRecord goes through
:func:`~lintas.streams.normalize.normalize_record`, its events are encoded with the lintas
codec and expanded into one row each, and every row goes to the output topic under the
event's key (``partner:tracking_number``), as the normalize agent sends them, stamped
with the time it is sent (as every other pass's outputs are). Quix Streams commits
at-least-once after its producer's acknowledgements, as the agent does.

Quix Streams is optional (``pip install quixstreams``, in the ``dev`` extra): without it
the bench leaves this pass out and says so.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from lintas.kafka.connection import KafkaConnection
from lintas.schemas.codec import codec
from lintas.streams.normalize import event_key, normalize_record

__all__ = ["available", "normalize_with_quix"]


def available() -> bool:
    try:
        import quixstreams  # noqa: F401
    except ImportError:
        return False
    return True


def _connection(kafka: KafkaConnection) -> Any:
    from quixstreams.kafka.configuration import ConnectionConfig

    options: dict[str, Any] = {"bootstrap_servers": kafka.bootstrap,
                               "security_protocol": kafka.protocol.lower()}
    if kafka.sasl:
        options.update(sasl_mechanism=kafka.mechanism, sasl_username=kafka.username,
                       sasl_password=kafka.password.get_secret_value() if kafka.password else "")
    if kafka.ca_file:
        options["ssl_ca_location"] = kafka.ca_file
    return ConnectionConfig(**options)


def normalize_with_quix(kafka: KafkaConnection, topic: str, outputs: int, out: str,
                        group: str, state_dir: Path) -> None:
    """Normalize the records of ``topic`` that ``group`` has not read yet (from the
    beginning for a new group) into ``out``; return once ``outputs`` rows (events and
    nodes) were sent, or when nothing came for 30 seconds."""
    from quixstreams import Application
    from quixstreams.models.serializers import Serializer

    events, nodes = codec("ShipmentEvent"), codec("NetworkNode")

    class Encoded(Serializer):  # the rows are (key, Avro bytes): the value is the bytes
        def __call__(self, value: Any, ctx: Any) -> bytes:
            return value[1]

    app = Application(broker_address=_connection(kafka), consumer_group=group,
                      auto_offset_reset="earliest", commit_interval=1.0, loglevel="WARNING",
                      auto_create_topics=False, use_changelog_topics=False,
                      state_dir=state_dir)
    source = app.topic(topic, value_deserializer="bytes", key_deserializer="bytes")
    sink = app.topic(out, value_serializer=Encoded(), key_serializer="bytes")

    def normalize(value: bytes) -> list[tuple[bytes, bytes]]:
        from quixstreams import message_context

        context = message_context()
        outcome = normalize_record(value, topic=context.topic, partition=context.partition,
                                   offset=context.offset)
        rows = [(event_key(r).encode(), events.encode(r)) for r in outcome.events]
        return rows + [(n["node_id"].encode(), nodes.encode(n)) for n in outcome.nodes]

    frame = app.dataframe(source).apply(normalize, expand=True)
    # Quix Streams gives an output the timestamp of the record it came from; the bench
    # times every pass by when its outputs were sent, so they are stamped when sent.
    frame = frame.set_timestamp(lambda _value, _key, _stamp, _headers: time.time_ns() // 10**6)
    frame.to_topic(sink, key=lambda row: row[0])
    app.run(count=outputs, timeout=30.0, collect=False)
