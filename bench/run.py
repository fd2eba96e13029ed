"""Throughput ratios measured in one run on one broker.

Each run produces the same number of Pos tracking payloads to ``lintas.raw.pos``, then:

1. **copy** — a bare aiokafka consume->produce loop copies exactly those records to
   another topic (acks=all); its rate is records / (last acknowledgement - first fetch).
2. **normalize** — the lintas worker (Faust) processes the same records; its rate is
   records / (time span of the events it produced, by their broker timestamps), so
   worker start-up is not counted. The reconcile agents (collect, link, assemble) run in
   the same worker; their rate is events / span of the views they produced.
3. **sink** — the view sink writes every view of ``lintas.shipments.v1`` into a fresh
   SQLite view in batches; its rate is views / time from the first batch to the last.

The report gives medians over the runs and the ratio normalize/copy, plus fastavro
against the avro package (:mod:`bench.codec_bench`). A private broker is started for the
run (from the same Maven Central jars) and stopped at the end.
"""

from __future__ import annotations

import asyncio
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bench.codec_bench import codec_ratios
from lintas.connectors.pos.scenarios import build_catalog
from lintas.connectors.registry import PARTNERS
from lintas.connectors.runtime.producer import RawProducer, raw_record
from lintas.connectors.sandboxes import free_port
from lintas.core.settings import get_settings
from lintas.core.topics import SHIPMENT_EVENTS, SHIPMENTS, TopicSpec, catalog, raw_topic
from lintas.kafka.admin import ensure_topics, read_all
from lintas.kafka.broker import LocalBroker
from lintas.kafka.connection import KafkaConnection
from lintas.schemas.codec import codec
from lintas.streams.normalize import normalize_record
from lintas.streams.pipeline import LEG_UPDATES, SHIPMENT_LEGS

__all__ = ["render", "run_bench"]

COPY_TOPIC = "bench.copy-out"
PARTITIONS = 3


def _payloads() -> list[tuple[str, bytes]]:
    """(barcode, body) of realistic Pos tracking answers with events."""
    entries = build_catalog(99, rounds=3)
    return [(e.tracking_number, e.body) for e in entries if e.outcome == "shipment"]


def _bodies(run: int, count: int, payloads: list[tuple[str, bytes]]) -> list[tuple[str, bytes]]:
    """``count`` bodies, each under a barcode of its own."""
    out = []
    for i in range(count):
        barcode, body = payloads[i % len(payloads)]
        fresh = f"P{run:02d}{i:011d}"
        out.append((fresh, body.replace(barcode.encode(), fresh.encode())))
    return out


def _produce(kafka: KafkaConnection, bodies: list[tuple[str, bytes]]) -> set[bytes]:
    producer = RawProducer(kafka, client_id="bench-producer")
    keys = set()
    for barcode, body in bodies:
        key = f"pos:{barcode}"
        producer.send(raw_record(partner="pos", kind="tracking", connector="bench", source="bench",
                                 payload=body, request_key=barcode), key)
        keys.add(key.encode())
    producer.flush()
    producer.close()
    return keys


def _caught_up(kafka: KafkaConnection, group: str, topics: tuple[str, ...]) -> bool:
    from kafka import KafkaAdminClient, KafkaConsumer

    admin = KafkaAdminClient(**kafka.kafka_python())
    consumer = KafkaConsumer(**kafka.kafka_python())
    try:
        committed = admin.list_group_offsets(group).get(group, {})
        tps = [tp for tp in committed if tp.topic in topics]
        if {tp.topic for tp in tps} != set(topics):
            return False
        end = consumer.end_offsets(tps)
        return all(committed[tp].offset >= end[tp] for tp in tps)
    finally:
        admin.close()
        consumer.close()


def _end_offsets(kafka: KafkaConnection, topic: str) -> dict[int, int]:
    from kafka import KafkaConsumer, TopicPartition

    consumer = KafkaConsumer(**kafka.kafka_python())
    try:
        tps = [TopicPartition(topic, p) for p in range(PARTITIONS)]
        return {tp.partition: offset for tp, offset in consumer.end_offsets(tps).items()}
    finally:
        consumer.close()


async def _copy(kafka: KafkaConnection, start: dict[int, int], end: dict[int, int]) -> float:
    """Records per second of a bare aiokafka consume->produce copy of [start, end)."""
    from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition

    consumer = AIOKafkaConsumer(**kafka.aiokafka(), enable_auto_commit=False,
                                group_id=None)
    producer = AIOKafkaProducer(**kafka.aiokafka(), acks="all", linger_ms=5)
    await consumer.start()
    await producer.start()
    try:
        tps = [TopicPartition(raw_topic("pos"), p) for p in start]
        consumer.assign(tps)
        for tp in tps:
            consumer.seek(tp, start[tp.partition])
        remaining = sum(end[p] - start[p] for p in start)
        total = remaining
        first = None
        while remaining > 0:
            batch = await consumer.getmany(timeout_ms=1000)
            if first is None and batch:
                first = time.perf_counter()
            for tp, messages in batch.items():
                for message in messages:
                    if message.offset >= end[tp.partition]:
                        continue
                    await producer.send(COPY_TOPIC, message.value, key=message.key,
                                        partition=tp.partition)
                    remaining -= 1
        await producer.flush()
        return total / (time.perf_counter() - (first or time.perf_counter()))
    finally:
        await producer.stop()
        await consumer.stop()


def _span_rate(kafka: KafkaConnection, topic: str,
               keep: Callable[[Any], bool]) -> tuple[int, float]:
    """(records kept, records per second over their broker timestamps)."""
    stamps = [m.timestamp for m in read_all(kafka, topic) if keep(m)]
    if len(stamps) < 2:
        return len(stamps), float("nan")
    span = (max(stamps) - min(stamps)) / 1000
    return len(stamps), len(stamps) / span if span > 0 else float("inf")


def _worker_pass(kafka: KafkaConnection, home: Path, keys: set[bytes], expected_events: int,
                 progress: Callable[[str], None], *, only_normalize: bool = False,
                 ) -> tuple[float, float]:
    """(raw records/s through normalize, events/s through reconcile) of a worker running
    every agent, or only the normalize agent (its own group; reconcile then NaN)."""
    env = dict(os.environ, **kafka.environment(), LINTAS_HOME=str(home))
    group = "lintas"
    topics: tuple[str, ...] = (raw_topic("pos"), SHIPMENT_EVENTS, LEG_UPDATES, SHIPMENT_LEGS)
    if only_normalize:
        group = "bench-normalize"
        topics = (raw_topic("pos"),)
        env.update(LINTAS_WORKER_AGENTS="normalize_records", LINTAS_APP_ID=group,
                   LINTAS_HOME=str(home / "normalize"))
    started_ms = time.time() * 1000
    log = open(home / "worker.log", "ab")
    worker = subprocess.Popen([sys.executable, "-m", "lintas", "worker"], env=env, stdout=log,
                              stderr=subprocess.STDOUT, start_new_session=True)
    log.close()
    try:
        deadline = time.monotonic() + 900
        time.sleep(5)
        while not _caught_up(kafka, group, topics):
            if worker.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(
                    f"the worker did not process the records; see {home / 'worker.log'}")
            progress("waiting for the worker to catch up")
            time.sleep(2)
    finally:
        worker.terminate()
        worker.wait(30)
    def ours(message: Any) -> bool:  # this pass's records only
        return message.key in keys and message.timestamp >= started_ms

    events, event_rate = _span_rate(kafka, SHIPMENT_EVENTS, ours)
    if only_normalize:
        return event_rate * len(keys) / max(1, events), float("nan")
    if events < expected_events:
        raise RuntimeError(f"only {events} of {expected_events} events were produced")
    normalize_rate = event_rate * len(keys) / events
    _views, view_rate = _span_rate(kafka, SHIPMENTS, ours)
    # One view per new event: the reconcile rate in events is its view rate.
    return normalize_rate, view_rate


def _sink_rate(kafka: KafkaConnection, work: Path, run: int) -> float:
    """Views per second the view sink writes into a fresh SQLite view, reading the whole
    lintas.shipments.v1 topic (idle time at the end not counted)."""
    from lintas.streams.view.sink import ViewSink
    from lintas.streams.view.store import open_store

    store = open_store(f"sqlite:///{work / f'sink-bench-{run}.db'}")
    sink = ViewSink(store, kafka, group_id=f"bench-sink-{run}-{time.time_ns()}",
                    topics=(SHIPMENTS,))
    done = {"records": 0, "first": None, "last": None}

    def on_batch(result: Any, _elapsed: float) -> None:
        now = time.perf_counter()
        done["first"] = done["first"] or now - _elapsed
        done["last"] = now
        done["records"] += result.records

    sink.on_batch = on_batch
    sink.run(idle_timeout=5.0)
    store.close()
    if not done["records"] or done["first"] is None:
        return float("nan")
    return done["records"] / max(1e-6, done["last"] - done["first"])


def run_bench(*, records: int = 3000, runs: int = 3,
              progress: Callable[[str], None] = lambda _: None) -> dict[str, Any]:
    """Measure and return the report (see the module doc)."""
    settings = get_settings()
    work = Path(tempfile.mkdtemp(prefix="lintas-bench-"))
    broker = LocalBroker(work / "kafka", settings.cache_dir, version=settings.kafka_version,
                         port=free_port(), controller_port=free_port(), heap=settings.kafka_heap)
    progress(f"starting a private Kafka {settings.kafka_version} broker")
    broker.start()
    try:
        kafka = broker.connection()
        ensure_topics(kafka, [*catalog(sorted(PARTNERS), PARTITIONS),
                                  TopicSpec(COPY_TOPIC, "", "", PARTITIONS)])
        payloads = _payloads()
        copy_rates: list[float] = []
        normalize_rates: list[float] = []
        ratios: list[float] = []
        worker_rates: list[float] = []
        reconcile_rates: list[float] = []
        sink_rates: list[float] = []
        sample_events: list[dict[str, Any]] = []
        for run in range(runs):
            bodies = _bodies(run, records, payloads)
            start = _end_offsets(kafka, raw_topic("pos"))
            keys = _produce(kafka, bodies)
            end = _end_offsets(kafka, raw_topic("pos"))
            expected = 0
            for barcode, body in bodies:
                out = normalize_record(codec("RawRecord").encode(raw_record(
                    partner="pos", kind="tracking", connector="bench", source="bench",
                    payload=body, request_key=barcode)))
                expected += len(out.events)
                if len(sample_events) < 200:
                    sample_events += out.events
            progress(f"run {run + 1}/{runs}: copy of {records} records")
            copy_rates.append(asyncio.run(_copy(kafka, start, end)))
            progress(f"run {run + 1}/{runs}: normalize agent alone on {records} records")
            n_rate, _ = _worker_pass(kafka, work, keys, expected, progress,
                                     only_normalize=True)
            normalize_rates.append(n_rate)
            ratios.append(n_rate / copy_rates[-1])
            progress(f"run {run + 1}/{runs}: the whole worker on the same records")
            worker_rate, r_rate = _worker_pass(kafka, work, keys, expected, progress)
            worker_rates.append(worker_rate)
            reconcile_rates.append(r_rate)
            progress(f"run {run + 1}/{runs}: view sink")
            sink_rates.append(_sink_rate(kafka, work, run))
        progress("codecs: fastavro against avro")
        codecs = codec_ratios(sample_events[:200])
    finally:
        broker.stop()
    return {
        "records_per_run": records,
        "runs": runs,
        "kafka_version": settings.kafka_version,
        "copy_records_per_s": copy_rates,
        "normalize_records_per_s": normalize_rates,
        "reconcile_events_per_s": reconcile_rates,
        "median_copy_records_per_s": statistics.median(copy_rates),
        "median_normalize_records_per_s": statistics.median(normalize_rates),
        "median_reconcile_events_per_s": statistics.median(reconcile_rates),
        "worker_records_per_s": worker_rates,
        "median_worker_records_per_s": statistics.median(worker_rates),
        "normalize_over_copy_per_run": ratios,
        "sink_views_per_s": sink_rates,
        "median_sink_views_per_s": statistics.median(sink_rates),
        "normalize_over_copy": statistics.median(ratios),
        **codecs,
    }


def render(report: dict[str, Any]) -> str:
    """The report as the lines docs/benchmarks.md quotes."""
    return "\n".join([
        f"records per run: {report['records_per_run']}, runs: {report['runs']} (medians), "
        f"Kafka {report['kafka_version']}",
        f"bare aiokafka copy        {report['median_copy_records_per_s']:10.0f} records/s",
        f"normalize agent (Faust)   {report['median_normalize_records_per_s']:10.0f} records/s",
        f"  ratio normalize / copy  {report['normalize_over_copy']:10.3f} (median of runs)",
        f"whole worker (6 agents)   {report['median_worker_records_per_s']:10.0f} records/s",
        f"reconcile agents (Faust)  {report['median_reconcile_events_per_s']:10.0f} events/s",
        f"view sink (SQLite)        {report['median_sink_views_per_s']:10.0f} views/s",
        f"fastavro / avro encode    {report['encode_ratio']:10.1f}x "
        f"({report['fastavro_encode_per_s']:.0f} vs {report['avro_encode_per_s']:.0f} records/s)",
        f"fastavro / avro decode    {report['decode_ratio']:10.1f}x "
        f"({report['fastavro_decode_per_s']:.0f} vs {report['avro_decode_per_s']:.0f} records/s)",
    ])
