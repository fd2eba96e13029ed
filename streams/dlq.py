"""Dead letters on ``lintas.dlq.v1``: reading, filtering, and replaying them after a fix.

A replay re-sends a dead letter's original bytes to the topic it came from (its
``lintas.error.topic`` header), where the normalize agent takes it again. Which dead
letters were replayed is remembered in ``lintas.connect-offsets`` (key
``["lintas-dlq-replay", {"dead_letter_id": …}]``), so replaying twice sends nothing the
second time; and since the pipeline dedupes by event id, even a forced second replay
leaves the view as it was.

Dead letters keep partners' raw payloads, personal data included, for the DLQ's 90 days;
only the ops principal may read the topic. What :func:`shown_letter` and
:func:`listed_letter` give people has names and phone numbers masked (payload and error
message alike) unless they ask for the payload unmasked.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

from lintas.connectors.masking import mask_payload, mask_text
from lintas.connectors.runtime.producer import RawProducer
from lintas.core.deadletters import decode
from lintas.core.errors import LintasError
from lintas.core.topics import DLQ
from lintas.kafka.admin import read_all
from lintas.kafka.connection import KafkaConnection
from lintas.kafka.cursors import CursorStore
from lintas.schemas.codec import codec

__all__ = [
    "DeadLetterRecord",
    "ReplayOutcome",
    "listed_letter",
    "payload_text",
    "read_dead_letters",
    "replay_dead_letters",
    "shown_letter",
    "summarize",
]

REPLAY_CONNECTOR = "lintas-dlq-replay"


@dataclass(frozen=True)
class DeadLetterRecord:
    """One record of the DLQ: where it sits and what it says."""

    dlq_partition: int
    dlq_offset: int
    letter: dict[str, Any]  # the DeadLetter record (schemas/dead_letter.avsc)

    @property
    def id(self) -> str:
        return str(self.letter["dead_letter_id"])


def read_dead_letters(
    kafka: KafkaConnection, *, partner: str | None = None, reason: str | None = None,
    stage: str | None = None,
) -> list[DeadLetterRecord]:
    """Every dead letter, oldest first, filtered by partner, reason (error class) and stage.
    The same failure reported twice (at-least-once) appears once."""
    out: dict[str, DeadLetterRecord] = {}
    messages = sorted(read_all(kafka, DLQ), key=lambda m: (m.timestamp, m.partition, m.offset))
    for message in messages:
        letter = decode(message.headers or [], message.key, message.value,
                        dlq_timestamp_ms=message.timestamp)
        if partner and letter["partner"] != partner:
            continue
        if reason and letter["error_class"] != reason:
            continue
        if stage and letter["stage"] != stage:
            continue
        out.setdefault(
            letter["dead_letter_id"], DeadLetterRecord(message.partition, message.offset, letter)
        )
    return list(out.values())


def summarize(records: Iterable[DeadLetterRecord]) -> list[tuple[str, str, str, int]]:
    """(partner, stage, reason, count), most frequent first."""
    counts = Counter((r.letter["partner"] or "-", r.letter["stage"], r.letter["error_class"])
                     for r in records)
    return [(p, s, c, n) for (p, s, c), n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))]


def payload_text(payload: bytes) -> tuple[str, dict[str, Any] | None]:
    """A dead letter's payload as text: the partner's body when it is a RawRecord (with the
    record's other fields), else the bytes themselves, decoded as UTF-8."""
    try:
        raw = codec("RawRecord").decode(payload)
    except LintasError:
        return payload.decode("utf-8", "replace"), None
    return (raw["payload"].decode("utf-8", "replace"),
            {k: v for k, v in raw.items() if k != "payload"})


def shown_letter(record: DeadLetterRecord, *, unmasked: bool = False) -> dict[str, Any]:
    """One dead letter for people (``lintas dlq show``): its fields, the RawRecord's
    (``raw_record``) and the payload as text, with names and phone numbers masked in the
    payload and the error message unless ``unmasked``."""
    letter = dict(record.letter)
    body, raw = payload_text(letter.pop("payload") or b"")
    if raw is not None:
        letter["raw_record"] = raw
    letter["payload"] = body if unmasked else mask_payload(body)
    if not unmasked:
        letter["error_message"] = mask_text(letter["error_message"])
    letter["masked"] = not unmasked
    return letter


def listed_letter(record: DeadLetterRecord) -> dict[str, Any]:
    """One dead letter in a listing (``lintas dlq list``): no payload but its size, the
    error message masked, and where the letter sits on the DLQ."""
    letter = dict(record.letter)
    letter["payload_bytes"] = len(letter.pop("payload") or b"")
    letter["error_message"] = mask_text(letter["error_message"])
    letter["dlq_partition"], letter["dlq_offset"] = record.dlq_partition, record.dlq_offset
    return letter


@dataclass(frozen=True)
class ReplayOutcome:
    replayed: list[str]
    already: list[str]
    not_replayable: list[str]


def replay_dead_letters(kafka: KafkaConnection, records: Iterable[DeadLetterRecord], *,
                        again: bool = False) -> ReplayOutcome:
    """Send each dead letter's original bytes back to its source topic (once, unless
    ``again``); return what was done."""
    producer = RawProducer(kafka, client_id="lintas-dlq-replay")
    cursors = CursorStore(kafka, producer)
    cursors.load()
    replayed, already, impossible = [], [], []
    sent: set[tuple[Any, ...]] = set()
    try:
        for record in records:
            letter = record.letter
            source = letter["source_topic"]
            if not source or not letter["payload"]:
                impossible.append(record.id)
                continue
            partition = {"dead_letter_id": record.id}
            if not again and cursors.get(REPLAY_CONNECTOR, partition):
                already.append(record.id)
                continue
            origin = (source, letter["source_partition"], letter["source_offset"])
            if origin not in sent:  # several bad rows of one record: send the record once
                producer.send_bytes(source, letter["key"], letter["payload"])
                producer.flush()
                sent.add(origin)
            cursors.put(REPLAY_CONNECTOR, partition,
                        {"replayed_at": datetime.now(timezone.utc).isoformat(),
                         "dlq_partition": record.dlq_partition, "dlq_offset": record.dlq_offset})
            replayed.append(record.id)
    finally:
        producer.close()
    return ReplayOutcome(replayed, already, impossible)
