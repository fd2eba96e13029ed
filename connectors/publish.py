"""The publisher SDK: members who publish straight to Kafka in the standard format.

    from lintas.connectors.publish import Publisher
    kafka = KafkaConnection("broker:9092", "SASL_SSL", username="member-asperindo-0042",
                            password=SecretStr("..."))     # what `lintas members add` printed
    with Publisher(kafka, member="asperindo-0042") as publisher:
        result = publisher.publish_file("today.csv")          # JSON lines, CSV or Avro
        result = publisher.publish_rows([{"tracking_number": "KN1", ...}])

Every file is checked with the same parser the pipeline runs. Rows are grouped by
tracking number and each group goes to the member's own topic
``lintas.raw.member.<member>`` (the only one its credentials may write: the broker, not
the payload, says who sent it) as one RawRecord (JSON lines), keyed
``standard:<tracking number>`` so a shipment's rows stay in order on one partition. A row
naming another courier is refused here, before it is sent. Nothing is sent when the file is
not in the format; rows the parser refuses are reported and, unless ``allow_bad_rows``,
keep the whole file back. :meth:`publish_*` returns only after the broker acknowledged
every record; given a :class:`~lintas.core.progress.Progress`, it reports reading the file
(bytes), checking its rows and sending its shipments.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from lintas.connectors.runtime.producer import RawProducer, raw_record
from lintas.connectors.standard import parse_tracking
from lintas.connectors.standard.decode import read_rows
from lintas.connectors.standard.write import to_jsonl
from lintas.connectors.tracking import normalize_tracking_number
from lintas.core.errors import PayloadError
from lintas.core.progress import NO_PROGRESS, Progress
from lintas.core.topics import member_topic
from lintas.kafka.connection import KafkaConnection

__all__ = ["PublishResult", "Publisher"]

PARTNER = "standard"


@dataclass
class PublishResult:
    """What one call published, and what it refused."""

    records: int = 0
    tracking_numbers: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    published: bool = False


class Publisher:
    """Publishes standard-format rows for one member."""

    def __init__(self, kafka: KafkaConnection, *, member: str,
                 producer: RawProducer | None = None) -> None:
        self.member = member
        self.topic = member_topic(member)
        self._producer = producer or RawProducer(kafka, client_id=f"lintas-publisher-{member}")
        self._owns_producer = producer is None

    def __enter__(self) -> Publisher:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    def close(self) -> None:
        if self._owns_producer:
            self._producer.close()

    def publish_file(self, path: str | Path, *, allow_bad_rows: bool = False,
                     progress: Progress = NO_PROGRESS) -> PublishResult:
        """Check and publish one file (JSON lines, CSV or Avro). ``progress`` hears of
        reading it (bytes), checking its rows and sending its shipments."""
        path = Path(path)
        progress.phase(f"reading {path.name}", total=path.stat().st_size, unit="bytes")
        data = path.read_bytes()
        _encoding, rows = read_rows(data)
        progress.update(len(data), rows=len(rows))
        good = [row.values for row in rows if row.values is not None]
        result = PublishResult(problems=[f"{PARTNER}: {row.where}: {row.error}" for row in rows
                                         if row.error is not None])
        return self._publish(good, result, allow_bad_rows, source=path.name, progress=progress)

    def publish_rows(self, rows: Iterable[Mapping[str, Any]], *, allow_bad_rows: bool = False,
                     progress: Progress = NO_PROGRESS) -> PublishResult:
        """Check and publish rows given as mappings (field name -> value)."""
        return self._publish([dict(r) for r in rows], PublishResult(), allow_bad_rows,
                             source="sdk", progress=progress)

    def _publish(self, rows: list[dict[str, Any]], result: PublishResult, allow_bad_rows: bool,
                 source: str, progress: Progress) -> PublishResult:
        groups: dict[str, list[dict[str, Any]]] = {}
        for row in rows:
            courier = str(row.get("courier") or self.member).lower()
            if courier != self.member:
                result.problems.append(f"{PARTNER}: courier {courier!r} is not {self.member!r}, "
                                       "the member these credentials belong to")
                continue
            row["courier"] = self.member
            number = normalize_tracking_number(row.get("tracking_number") or "")
            groups.setdefault(number, []).append(row)
        payloads = self._check(groups, result, progress)
        if not payloads or (result.problems and not allow_bad_rows):
            return result
        self._send(payloads, source, progress)
        result.records = len(payloads)
        result.tracking_numbers = sorted(payloads)
        result.published = True
        return result

    def _check(self, groups: dict[str, list[dict[str, Any]]], result: PublishResult,
               progress: Progress) -> dict[str, bytes]:
        """Each tracking number's rows as one payload, for the numbers the parser takes."""
        progress.phase("checking", total=sum(len(g) for g in groups.values()), unit="rows")
        payloads, checked = {}, 0
        for number, group in groups.items():
            checked += len(group)
            payload = to_jsonl(group)
            try:
                parsed = parse_tracking(payload)
            except PayloadError as exc:
                result.problems.append(str(exc))
            else:
                result.problems += [p.message for p in parsed.problems]
                if number and parsed.events:
                    payloads[number] = payload
            progress.update(checked, shipments=len(payloads), problems=len(result.problems))
        return payloads

    def _send(self, payloads: dict[str, bytes], source: str, progress: Progress) -> None:
        """One record per shipment to the member's topic; returns once all are acknowledged."""
        progress.phase("sending", total=len(payloads), unit="shipments")
        for sent, (number, payload) in enumerate(payloads.items(), start=1):
            self._producer.send(raw_record(
                partner=PARTNER, kind="file", connector="publisher", source=source,
                payload=payload, request_key=number, content_type="application/x-ndjson",
                attributes={"member": self.member},
            ), f"{PARTNER}:{number}", topic=self.topic)
            progress.update(sent)
        self._producer.flush()
