"""Throughput ratios measured in one run on one broker.

Every topic has six partitions. Each run produces the same number of Pos tracking
payloads to ``lintas.raw.pos``, then:

1. **work** — in this process, the CPU time of the normalize work alone per payload
   (the least of three passes after a warm-up):
   :func:`~lintas.streams.normalize.normalize_record` (decode the RawRecord, parse,
   statuses, zones, masking) and fastavro encoding of the events it gives.
2. **copy** — a bare aiokafka consume->produce loop copies exactly those records to
   another topic (:func:`bench.loops.copy_records`).
3. **no framework** — the normalize work with bare aiokafka (consume, normalize, encode,
   produce, commit after the acknowledgements; :func:`bench.loops.normalize_records`).
4. **Quix Streams** — the same work as an idiomatic Quix Streams application
   (:mod:`bench.quix`; left out when Quix Streams is not installed).
5. **normalize agent** — the lintas worker (Faust) running only the normalize agent, in a
   group of its own, over the same records.
6. **whole worker, one process and two** — the usual worker (every agent) in the usual
   group over fresh records, first as one process, then as two on this one machine
   (:mod:`bench.scaleout`); the reconcile chain's rate is its views' rate (one view per
   new event), and the report gives what the second process adds.
7. **sink** — the view sink writes every view of ``lintas.shipments.v1`` into a fresh
   SQLite view in batches; its rate is views / time from the first batch to the last.

Every Kafka pass is timed the same way (:mod:`bench.timing`): the records it consumed over
the span of the broker timestamps of what it produced, so start-up and the last flush
count for none of them. Each also gives its CPU time per record: the loops' process time
(they run in this process), the worker's user and system time from the first event it
produces to the end (``/proc``), so again without start-up. On a machine shared with other work the
rates move with that work; CPU per record much less, so the CPU ratio of the agent to the
no-framework loop is the steadier of the two.

Ratios are taken inside each run; the report gives medians over the runs, plus fastavro
against the avro package (:mod:`bench.codec_bench`). A private broker is started for the
run (from the same Maven Central jars) and stopped at the end.
"""

from __future__ import annotations

import asyncio
import functools
import statistics
import subprocess
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bench import loops, quix
from bench.codec_bench import codec_ratios
from bench.probe import (
    PARTITIONS,
    cpu_seconds,
    produced,
    remaining,
    span_rate_of,
    start_worker,
    stop_workers,
)
from bench.scaleout import chain_pass
from bench.timing import end_offsets, span_rate
from lintas.connectors.pos.scenarios import build_catalog
from lintas.connectors.registry import PARTNERS
from lintas.connectors.runtime.producer import RawProducer, raw_record
from lintas.connectors.sandboxes import free_port
from lintas.core.settings import get_settings
from lintas.core.topics import SHIPMENT_EVENTS, SHIPMENTS, TopicSpec, catalog, raw_topic
from lintas.kafka.admin import ensure_topics
from lintas.kafka.broker import LocalBroker
from lintas.kafka.connection import KafkaConnection
from lintas.schemas.codec import codec
from lintas.streams.normalize import normalize_record

__all__ = ["render", "run_bench"]

COPY_TOPIC = "bench.copy-out"
PLAIN_TOPIC = "bench.plain-out"
QUIX_TOPIC = "bench.quix-out"
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
        producer.send(_raw(barcode, body), key)
        keys.add(key.encode())
    producer.flush()
    producer.close()
    return keys


def _raw(barcode: str, body: bytes) -> dict[str, Any]:
    return raw_record(partner="pos", kind="tracking", connector="bench", source="bench",
                      payload=body, request_key=barcode)


def _normalize_all(raws: list[bytes]) -> tuple[int, list[dict[str, Any]]]:
    """normalize_record and fastavro encoding over ``raws``: (events, the first 200)."""
    events, nodes = codec("ShipmentEvent"), codec("NetworkNode")
    expected = 0
    sample: list[dict[str, Any]] = []
    for raw in raws:
        out = normalize_record(raw, topic=raw_topic("pos"), partition=0, offset=0)
        for record in out.events:
            events.encode(record)
        for node in out.nodes:
            nodes.encode(node)
        expected += len(out.events)
        if len(sample) < 200:
            sample += out.events
    return expected, sample[:200]


def _work(bodies: list[tuple[str, bytes]]) -> tuple[int, float, list[dict[str, Any]]]:
    """(events the bodies give, CPU ms per payload of normalize_record and encoding its
    events, the first 200 events), measured in this process: after a warm-up, the least
    of three passes (the machine's other work only ever adds to it)."""
    raws = [codec("RawRecord").encode(_raw(barcode, body)) for barcode, body in bodies]
    _normalize_all(raws[:50])
    cpu = []
    for _ in range(3):
        started = time.process_time()
        expected, sample = _normalize_all(raws)
        cpu.append(time.process_time() - started)
    return expected, min(cpu) * 1000 / max(1, len(raws)), sample


def _wait_caught_up(kafka: KafkaConnection, worker: subprocess.Popen[bytes], group: str,
                    topics: tuple[str, ...], per_record: float, log: Path) -> float:
    """Wait until ``group`` committed ``topics`` to their ends; return the worker's CPU
    ms per raw record from the first event it produced to the end (start-up not counted),
    counting records by the events produced (``per_record`` events each)."""
    deadline = time.monotonic() + 900
    before = produced(kafka, SHIPMENT_EVENTS)
    first: tuple[float, int] | None = None
    while True:
        cpu, events = cpu_seconds(worker.pid), produced(kafka, SHIPMENT_EVENTS)
        if first is None and events > before:
            first = (cpu, events)
        if not any(remaining(kafka, group, topics).values()):
            break
        if worker.poll() is not None or time.monotonic() > deadline:
            raise RuntimeError(f"the worker did not process the records; see {log}")
        time.sleep(1)
    if first is None or events <= first[1]:
        return float("nan")
    return (cpu - first[0]) * 1000 * per_record / (events - first[1])


def _loop_rate(kafka: KafkaConnection, loop: Any, out: str, start: dict[int, int],
               end: dict[int, int]) -> tuple[float, float]:
    """(raw records per second, CPU ms per raw record) of one of :mod:`bench.loops` over
    [start, end); it runs in this process."""
    before = end_offsets(kafka, out)
    records = sum(end[p] - start[p] for p in start)
    cpu = time.process_time()
    asyncio.run(loop(kafka, raw_topic("pos"), start, end, out))
    cpu_ms = (time.process_time() - cpu) * 1000 / max(1, records)
    return span_rate(kafka, out, before, records), cpu_ms


def _quix_rate(kafka: KafkaConnection, work: Path, records: int,
               expected_events: int) -> tuple[float, float]:
    """(raw records per second, CPU ms per raw record) of the normalize work as a Quix
    Streams application in this process (NaN without Quix Streams), over the records its
    group has not read yet: exactly this run's."""
    if not quix.available():
        return float("nan"), float("nan")
    before = end_offsets(kafka, QUIX_TOPIC)
    cpu = time.process_time()
    quix.normalize_with_quix(kafka, raw_topic("pos"), expected_events, QUIX_TOPIC, "bench-quix",
                             work / "quix-state")
    cpu_ms = (time.process_time() - cpu) * 1000 / max(1, records)
    # its rows are events: the record rate is the event rate over the events per record
    return span_rate(kafka, QUIX_TOPIC, before, records), cpu_ms


def _agent_pass(kafka: KafkaConnection, home: Path, keys: set[bytes],
                expected_events: int) -> tuple[float, float]:
    """(raw records/s, CPU ms per raw record) of a worker running only the normalize agent,
    in a group of its own, over records already on the raw topic. The CPU is counted from
    the first event the worker produced on."""
    group = "bench-normalize"
    started_ms = time.time() * 1000
    log = home / "worker.log"
    worker = start_worker(kafka, home / "normalize", log,
                          LINTAS_WORKER_AGENTS="normalize_records", LINTAS_APP_ID=group)
    try:
        cpu_ms = _wait_caught_up(kafka, worker, group, (raw_topic("pos"),),
                                 expected_events / len(keys), log)
    finally:
        stop_workers([worker])

    def ours(message: Any) -> bool:  # this pass's records only
        return message.key in keys and message.timestamp >= started_ms

    events, event_rate = span_rate_of(kafka, SHIPMENT_EVENTS, ours)
    return event_rate * len(keys) / max(1, events), cpu_ms


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


def _one_run(kafka: KafkaConnection, work: Path, run: int, records: int,
             payloads: list[tuple[str, bytes]],
             progress: Callable[[str], None]) -> dict[str, Any]:
    """Every figure of one run over ``records`` raw records (see the module doc)."""
    bodies = _bodies(run, records, payloads)
    expected, work_cpu, sample = _work(bodies)
    start = end_offsets(kafka, raw_topic("pos"))
    keys = _produce(kafka, bodies)
    end = end_offsets(kafka, raw_topic("pos"))
    progress(f"run {run + 1}: copy of {records} records")
    copy, copy_cpu = _loop_rate(kafka, loops.copy_records, COPY_TOPIC, start, end)
    progress(f"run {run + 1}: the normalize work with bare aiokafka")
    plain, plain_cpu = _loop_rate(kafka, loops.normalize_records, PLAIN_TOPIC, start, end)
    progress(f"run {run + 1}: the normalize work as a Quix Streams application")
    quix_rate, quix_cpu = _quix_rate(kafka, work, records, expected)
    progress(f"run {run + 1}: normalize agent alone on {records} records")
    agent, agent_cpu = _agent_pass(kafka, work, keys, expected)
    chain = {}
    for workers in (1, 2):
        progress(f"run {run + 1}: the whole worker, {workers} process(es), on fresh records")
        fresh = _bodies(run + 10 * workers, records, payloads)
        chain[workers] = chain_pass(kafka, work, workers, functools.partial(_produce, kafka, fresh),
                                    expected)
    progress(f"run {run + 1}: view sink")
    sink = _sink_rate(kafka, work, run)
    return {"work_cpu_ms": work_cpu, "copy": copy, "plain": plain, "agent": agent,
            "worker": chain[1].records_per_s, "reconcile": chain[1].events_per_s,
            "reconcile_2": chain[2].events_per_s,
            "second_worker_adds": chain[2].events_per_s / chain[1].events_per_s - 1,
            "chain_cpu_ms": chain[1].cpu_ms_per_event, "sink": sink,
            "copy_cpu_ms": copy_cpu, "plain_cpu_ms": plain_cpu, "agent_cpu_ms": agent_cpu,
            "quix": quix_rate, "quix_cpu_ms": quix_cpu, "agent_over_quix": agent / quix_rate,
            "quix_cpu_over_agent_cpu": quix_cpu / agent_cpu,
            "agent_over_plain": agent / plain, "agent_over_copy": agent / copy,
            "plain_over_copy": plain / copy, "plain_cpu_over_agent_cpu": plain_cpu / agent_cpu,
            "events_per_record": expected / records, "sample": sample}


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
                              TopicSpec(COPY_TOPIC, "", "", PARTITIONS),
                              TopicSpec(PLAIN_TOPIC, "", "", PARTITIONS),
                              TopicSpec(QUIX_TOPIC, "", "", PARTITIONS)])
        payloads = _payloads()
        results = []
        for run in range(runs):
            progress(f"run {run + 1}/{runs}")
            results.append(_one_run(kafka, work, run, records, payloads, progress))
        progress("codecs: fastavro against avro")
        codecs = codec_ratios(results[0]["sample"])
    finally:
        broker.stop()
    report: dict[str, Any] = {"records_per_run": records, "runs": runs,
                              "kafka_version": settings.kafka_version, **codecs}
    for name in [k for k in results[0] if k != "sample"]:
        report[f"{name}_per_run"] = [r[name] for r in results]
        report[name] = statistics.median(r[name] for r in results)
    return report


def render(report: dict[str, Any]) -> str:
    """The report as the lines docs/benchmarks.md quotes (medians over the runs; every
    ratio taken inside each run). Rates are wall clock and move with whatever else the
    machine runs; CPU per record much less so."""
    r = report
    return "\n".join([
        f"records per run: {r['records_per_run']}, runs: {r['runs']} (medians), "
        f"Kafka {r['kafka_version']}, {r['events_per_record']:.1f} events per record",
        "                                 records/s   CPU ms/record",
        f"normalize work, in process      {'':>9}   {r['work_cpu_ms']:8.3f}",
        f"bare aiokafka copy              {r['copy']:9.0f}   {r['copy_cpu_ms']:8.3f}",
        f"no framework (aiokafka)         {r['plain']:9.0f}   {r['plain_cpu_ms']:8.3f}",
        f"Quix Streams application        {r['quix']:9.0f}   {r['quix_cpu_ms']:8.3f}",
        f"normalize agent (Faust)         {r['agent']:9.0f}   {r['agent_cpu_ms']:8.3f}",
        f"  agent / no framework, rate    {r['agent_over_plain']:9.3f}",
        f"  agent / no framework, by CPU  {r['plain_cpu_over_agent_cpu']:9.3f}",
        f"  agent / Quix Streams, rate    {r['agent_over_quix']:9.3f}",
        f"  agent / Quix Streams, by CPU  {r['quix_cpu_over_agent_cpu']:9.3f}",
        f"  agent / copy, rate            {r['agent_over_copy']:9.3f}",
        f"  no framework / copy, rate     {r['plain_over_copy']:9.3f}",
        f"whole worker (every agent)      {r['worker']:9.0f}",
        f"reconcile chain, 1 worker       {r['reconcile']:9.0f} events/s   "
        f"{r['chain_cpu_ms']:8.3f} per event",
        f"reconcile chain, 2 workers      {r['reconcile_2']:9.0f} events/s",
        f"  the second worker adds        {r['second_worker_adds']:9.2f}x of the first",
        f"view sink (SQLite)              {r['sink']:9.0f} views/s",
        f"fastavro / avro encode          {r['encode_ratio']:9.1f}x "
        f"({r['fastavro_encode_per_s']:.0f} vs {r['avro_encode_per_s']:.0f} records/s)",
        f"fastavro / avro decode          {r['decode_ratio']:9.1f}x "
        f"({r['fastavro_decode_per_s']:.0f} vs {r['avro_decode_per_s']:.0f} records/s)",
    ])
