"""``python -m bench.soak``: a month of the national mix through one worker, and whether its
memory and tables stay flat.

Each simulated day is the load generator's national mix (every partner, duplicates, late
and swapped webhooks, hand-overs) starting that day, sent as fast as the producer goes;
the worker then catches up, and the bench reads its Prometheus metrics: resident memory
(``process_resident_memory_bytes``), keys per table (``lintas_table_keys``) and shipments
closed (``lintas_shipments_closed_total``). Event time moves a day per simulated day, so
the closing horizon (``LINTAS_CLOSE_AFTER_DAYS``, 14 by default) starts taking terminal,
quiet shipments out of the tables half-way through: from then on, what the tables hold
should stop growing while the history keeps growing.

A private broker is started for the run (six partitions a topic) and stopped at the end.
No network pages are sent: the service-point tables hold the network, not history.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from dataclasses import replace
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

from bench.probe import PARTITIONS, WORKER_TOPICS, start_worker, stop_workers, wait_committed
from lintas.connectors.registry import PARTNERS
from lintas.connectors.runtime.producer import RawProducer, raw_record
from lintas.connectors.sandboxes import free_port
from lintas.core.settings import get_settings
from lintas.core.topics import catalog, raw_topic
from lintas.demo.loadgen import LoadOptions, RateProfile, plan
from lintas.demo.loadgen.mix import MixSettings
from lintas.kafka.admin import ensure_topics
from lintas.kafka.broker import LocalBroker
from lintas.kafka.connection import KafkaConnection

__all__ = ["render", "soak"]

#: The first simulated day (a fixed past date: the run is the same every time).
FIRST_DAY = datetime(2026, 3, 2, tzinfo=timezone.utc)


def _send_day(kafka: KafkaConnection, day: int, payloads_per_day: int) -> tuple[int, int]:
    """Produce one simulated day's mix; (payloads, parcels)."""
    options = LoadOptions(RateProfile(1000.0), count=payloads_per_day, seed=day + 1,
                          start=FIRST_DAY + timedelta(days=day),
                          mix=replace(MixSettings(), network_every=0))
    mix, payloads, _times = plan(options)
    producer = RawProducer(kafka, client_id="bench-soak")
    try:
        for payload in payloads:
            producer.send(raw_record(
                partner=payload.partner, kind=payload.kind, connector="bench", source="bench",
                payload=payload.body, request_key=payload.request_key,
                content_type=payload.content_type, received_at=datetime.now(timezone.utc)),
                payload.key)
        producer.flush()
    finally:
        producer.close()
    return len(payloads), len(mix.parcels)


def _metrics(port: int) -> dict[str, float]:
    """The worker's resident memory (MB), table keys and shipments closed."""
    import httpx
    from prometheus_client.parser import text_string_to_metric_families

    text = httpx.get(f"http://127.0.0.1:{port}/metrics", timeout=10).text
    out: dict[str, float] = {}
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            if sample.name == "process_resident_memory_bytes":
                out["rss_mb"] = sample.value / 2**20
            elif sample.name == "lintas_table_keys":
                out[sample.labels["table"]] = sample.value
            elif sample.name == "lintas_shipments_closed_total":
                out["closed"] = sample.value
    return out


def soak(days: int, payloads_per_day: int, work: Path,
         progress: Any = lambda _: None) -> list[dict[str, float]]:
    """Run the soak; one row of figures per simulated day."""
    settings = get_settings()
    broker = LocalBroker(work / "kafka", settings.cache_dir, version=settings.kafka_version,
                         port=free_port(), controller_port=free_port(), heap=settings.kafka_heap)
    broker.start()
    rows: list[dict[str, float]] = []
    try:
        kafka = broker.connection()
        ensure_topics(kafka, catalog(sorted(PARTNERS), PARTITIONS))
        port = free_port()
        log = work / "worker.log"
        worker = start_worker(kafka, work / "worker", log, "--metrics-port", str(port))
        topics = (*(raw_topic(p) for p in sorted(PARTNERS)), *WORKER_TOPICS)
        try:
            sent = parcels = 0
            for day in range(days):
                payloads, new = _send_day(kafka, day, payloads_per_day)
                sent, parcels = sent + payloads, parcels + new
                wait_committed(kafka, "lintas", topics, [worker], [log], 1800)
                rows.append({"day": day + 1, "payloads": sent, "parcels": parcels,
                             **_metrics(port)})
                progress(rows[-1])
        finally:
            stop_workers([worker])
    finally:
        broker.stop()
    return rows


def render(rows: list[dict[str, float]]) -> str:
    tables = sorted({k for row in rows for k in row} - {"day", "payloads", "parcels",
                                                        "rss_mb", "closed"})
    head = f"{'day':>3} {'payloads':>9} {'parcels':>8} {'RSS MB':>7} {'closed':>7} " + \
        " ".join(f"{t:>16}" for t in tables)
    lines = [head]
    for row in rows:
        lines.append(f"{row['day']:>3.0f} {row['payloads']:>9.0f} {row['parcels']:>8.0f} "
                     f"{row.get('rss_mb', 0):>7.0f} {row.get('closed', 0):>7.0f} " +
                     " ".join(f"{row.get(t, 0):>16.0f}" for t in tables))
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.soak", description=__doc__)
    parser.add_argument("--days", type=int, default=30)
    parser.add_argument("--payloads-per-day", type=int, default=1000)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="lintas-bench-soak-") as work:
        rows = soak(args.days, args.payloads_per_day, Path(work), progress=lambda row: print(
            f"… day {row['day']:.0f}: RSS {row.get('rss_mb', 0):.0f} MB", file=sys.stderr,
            flush=True))
    print(json.dumps(rows, indent=2) if args.json else render(rows))


if __name__ == "__main__":
    main()
