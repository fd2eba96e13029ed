"""Service points at national scale (``python -m bench.servicepoints``, part of ``make bench``).

1. **convergence** — the whole national network of :mod:`bench.network` (about 59,500 Pos
   and 30,000 courier outlets) is produced as NetworkNode records to
   ``lintas.network-nodes.v1`` on a private broker; then a worker running only
   ``place_outlets`` and ``match_service_points`` starts, and the benchmark reads
   ``lintas.service-points.v1`` until the topic holds exactly the expected service points
   (those :func:`~lintas.streams.servicepoints.match_outlets` finds over the whole network
   in one process). Reported: seconds from the worker's start, and from its first to its
   last service point (broker timestamps).
2. **one update** — in the regency with the most outlets, the same outlet updates (a name
   reworded, coordinates moved a few metres) applied to the regency matcher as it was
   (:mod:`bench.regency_matcher`) and to today's tile matcher holding the whole network:
   CPU time and bytes of state read per update, medians, and their ratio.
"""

from __future__ import annotations

import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bench.network import describe, national_network
from bench.regency_matcher import RegencyMatcher
from lintas.connectors.regions import region_names
from lintas.streams.outlets import OutletNetwork
from lintas.streams.servicepoints import match_outlets

__all__ = ["render", "run_service_points"]

PARTITIONS = 3
_DEADLINE_S = 1800


class _Counting(dict[str, bytes]):
    """A table that counts the bytes of state read."""

    read = 0

    def get(self, key: str, default: Any = None) -> Any:  # type: ignore[override]
        value = super().get(key, default)
        self.read += len(value or b"")
        return value


def update_cost(nodes: list[dict[str, Any]], updates: int = 25,
                seed: int = 7) -> dict[str, Any]:
    """CPU ms and state bytes read per outlet update in the densest regency, before (the
    regency matcher) and after (tiles)."""
    counts: dict[str, int] = {}
    for node in nodes:
        counts[node["region_code"]] = counts.get(node["region_code"], 0) + 1
    region = max(counts, key=lambda k: counts[k])
    members = [n for n in nodes if n["region_code"] == region]
    network = OutletNetwork()
    network.tiles = _Counting()
    network.matcher.table = network.tiles
    network.points((n["node_id"], n) for n in nodes)
    before = RegencyMatcher()
    before.load(region, members)
    rng = random.Random(seed)
    picks = rng.sample([n for n in members if n["latitude"] is not None], updates)
    times: dict[str, list[float]] = {"before": [], "after": []}
    read: dict[str, list[int]] = {"before": [], "after": []}
    for i, node in enumerate(picks):
        changed = dict(node, name=f"{node['name']} BARU",
                       latitude=round(node["latitude"] + rng.uniform(-5e-5, 5e-5), 6))
        read["before"].append(len(before.table[region]))
        start = time.process_time()
        before.apply(changed, len(nodes) + i)
        times["before"].append((time.process_time() - start) * 1000)
        network.tiles.read = 0
        start = time.process_time()
        network.apply(node["node_id"], changed, len(nodes) + i)
        times["after"].append((time.process_time() - start) * 1000)
        read["after"].append(network.tiles.read)
    before_ms, after_ms = statistics.median(times["before"]), statistics.median(times["after"])
    return {"regency": region, "regency_name": region_names(region)[0],
            "regency_outlets": len(members), "updates": updates,
            "before_ms": before_ms, "after_ms": after_ms, "speedup": before_ms / after_ms,
            "before_state_bytes": statistics.median(read["before"]),
            "after_state_bytes": statistics.median(read["after"]),
            "largest_state_entry_bytes": max(len(v) for v in network.tiles.values())}


def _produce(kafka: Any, nodes: list[dict[str, Any]]) -> None:
    from kafka import KafkaProducer

    from lintas.core.topics import NETWORK_NODES
    from lintas.schemas.codec import codec

    encode = codec("NetworkNode").encode
    producer = KafkaProducer(**kafka.kafka_python(), acks="all", linger_ms=20)
    for node in nodes:
        producer.send(NETWORK_NODES, key=node["node_id"].encode(), value=encode(node))
    producer.flush()
    producer.close()


def _follow(kafka: Any, expected: dict[str, Any], worker: subprocess.Popen[bytes],
            progress: Callable[[str], None]) -> tuple[float, float]:
    """(seconds until the topic holds exactly ``expected``, span of the points' broker
    timestamps)."""
    from kafka import KafkaConsumer, TopicPartition

    from lintas.core.topics import SERVICE_POINTS
    from lintas.schemas.codec import codec

    decode = codec("ServicePoint").decode
    consumer = KafkaConsumer(**kafka.kafka_python(), enable_auto_commit=False, group_id=None)
    consumer.assign([TopicPartition(SERVICE_POINTS, p) for p in range(PARTITIONS)])
    wrong = set(expected)
    start, stamps, last_report = time.monotonic(), [], 0.0
    try:
        while wrong:
            if worker.poll() is not None or time.monotonic() - start > _DEADLINE_S:
                raise RuntimeError(f"not converged: {len(wrong)} service points differ")
            for records in consumer.poll(timeout_ms=1000, max_records=5000).values():
                for record in records:
                    key = record.key.decode()
                    value = decode(record.value) if record.value is not None else None
                    stamps.append(record.timestamp)
                    if value == expected.get(key):
                        wrong.discard(key)
                    else:
                        wrong.add(key)
            if time.monotonic() - last_report > 15:
                last_report = time.monotonic()
                progress(f"{len(expected) - len(wrong)} of {len(expected)} service points")
        return time.monotonic() - start, (max(stamps) - min(stamps)) / 1000
    finally:
        consumer.close()


def convergence(nodes: list[dict[str, Any]], expected: dict[str, Any], work: Path,
                progress: Callable[[str], None]) -> dict[str, Any]:
    """Feed the network to a private broker, run the worker, time its convergence."""
    from lintas.connectors.registry import PARTNERS
    from lintas.connectors.sandboxes import free_port
    from lintas.core.settings import get_settings
    from lintas.core.topics import catalog
    from lintas.kafka.admin import ensure_topics
    from lintas.kafka.broker import LocalBroker

    settings = get_settings()
    broker = LocalBroker(work / "kafka", settings.cache_dir, version=settings.kafka_version,
                         port=free_port(), controller_port=free_port(), heap=settings.kafka_heap)
    progress(f"starting a private Kafka {settings.kafka_version} broker")
    broker.start()
    try:
        kafka = broker.connection()
        ensure_topics(kafka, catalog(sorted(PARTNERS), PARTITIONS))
        progress(f"producing {len(nodes)} NetworkNode records")
        _produce(kafka, nodes)
        env = dict(os.environ, **kafka.environment(), LINTAS_HOME=str(work / "worker"),
                   LINTAS_APP_ID="bench-service-points", LINTAS_TOPIC_PARTITIONS=str(PARTITIONS),
                   LINTAS_WORKER_AGENTS="place_outlets,match_service_points")
        with open(work / "worker.log", "ab") as log:
            worker = subprocess.Popen([sys.executable, "-m", "lintas", "worker"], env=env,
                                      stdout=log, stderr=subprocess.STDOUT,
                                      start_new_session=True)
        progress("worker started; following lintas.service-points.v1")
        try:
            seconds, span = _follow(kafka, expected, worker, progress)
        finally:
            worker.terminate()
            worker.wait(30)
    finally:
        broker.stop()
    return {"converged_s": seconds, "points_span_s": span, "partitions": PARTITIONS}


def run_service_points(*, seed: int = 1, scale: float = 1.0, broker: bool = True,
                       progress: Callable[[str], None] = lambda _: None) -> dict[str, Any]:
    """Measure and return the report (see the module doc)."""
    progress("generating the national network")
    nodes = national_network(seed, scale)
    report: dict[str, Any] = {"network": describe(nodes)}
    progress("matching it in one process (match_outlets over the whole network)")
    start = time.process_time()
    expected = match_outlets(nodes, regions={n["region_code"]: region_names(n["region_code"])
                                             for n in nodes})
    report["match_outlets_s"] = time.process_time() - start
    start = time.process_time()
    tiles = OutletNetwork()
    streamed = tiles.points((n["node_id"], n) for n in nodes)
    report["tiles_in_process_s"] = time.process_time() - start
    report["service_points"] = len(expected)
    report["shared_points"] = sum(len(p["sources"]) > 1 for p in expected.values())
    report["tiles_differ"] = sum(streamed.get(k) != p for k, p in expected.items()) + len(
        set(streamed) - set(expected))
    progress("one outlet update in the densest regency, before and after")
    report["update"] = update_cost(nodes)
    if broker:
        work = Path(tempfile.mkdtemp(prefix="lintas-bench-sp-"))
        report["convergence"] = convergence(nodes, expected, work, progress)
    return report


def render(report: dict[str, Any]) -> str:
    """The report as the lines docs/benchmarks.md quotes."""
    net, update = report["network"], report["update"]
    lines = [
        f"national network          {net['nodes']} outlets ({net['pos']} Pos, "
        f"{net['couriers']} couriers) in {net['regencies']} regencies, largest "
        f"{net['largest_regency']}, median {net['median_regency']}",
        f"service points            {report['service_points']} "
        f"({report['shared_points']} listed by several partners); tiles differ from "
        f"match_outlets on {report['tiles_differ']}",
        f"in one process            match_outlets {report['match_outlets_s']:.1f} s, "
        f"tiles {report['tiles_in_process_s']:.1f} s",
        f"one update in {update['regency']} ({update['regency_outlets']} outlets): "
        f"before {update['before_ms']:.1f} ms, {update['before_state_bytes']:.0f} B read; "
        f"after {update['after_ms']:.2f} ms, {update['after_state_bytes']:.0f} B read; "
        f"{update['speedup']:.0f}x",
    ]
    if "convergence" in report:
        c = report["convergence"]
        lines.append(f"worker convergence        {c['converged_s']:.0f} s from its start "
                     f"({c['points_span_s']:.0f} s first to last point, "
                     f"{c['partitions']} partitions)")
    return "\n".join(lines)


if __name__ == "__main__":
    import argparse
    import json

    parser = argparse.ArgumentParser(prog="python -m bench.servicepoints", description=__doc__)
    parser.add_argument("--scale", type=float, default=1.0, help="share of the national network")
    parser.add_argument("--no-broker", action="store_true", help="skip the worker run")
    parser.add_argument("--json", action="store_true", help="print the report as JSON")
    args = parser.parse_args()
    result = run_service_points(scale=args.scale, broker=not args.no_broker,
                                progress=lambda s: print(f"… {s}", file=sys.stderr, flush=True))
    print(json.dumps(result, indent=2) if args.json else render(result))
