"""``lintas replay`` at size: is it linear, and how much memory does it hold?

    python -m bench.replay [--payloads 30000] [--times 10] [--json]

On a private broker (3 partitions) it sends ``--payloads`` payloads of the load
generator's national mix (every partner in its own format, hand-overs, re-polls,
duplicates) to the raw topics, runs ``lintas replay --json`` in a child process, then sends
``--times - 1`` times as many again (other parcels: another seed) and replays everything.
For each replay it reports raw records, events, shipments, wall seconds, CPU seconds and
the child's peak RSS (``ru_maxrss``), and the ratio the goal asks for: 10 times the events in
at most 11 times the time.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

from lintas.connectors.access import prepare_broker
from lintas.connectors.runtime.producer import RawProducer, raw_record
from lintas.connectors.sandboxes import free_port
from lintas.core.settings import get_settings
from lintas.demo.loadgen import NationalMix
from lintas.kafka.broker import LocalBroker
from lintas.kafka.connection import KafkaConnection
from lintas.kafka.principals import principal_name

START = datetime(2026, 3, 20, 6, 0, tzinfo=timezone.utc)


def _send(kafka: KafkaConnection, seed: int, count: int) -> int:
    """Send ``count`` payloads of the mix of ``seed`` (and what the parcels begun still
    send); how many were sent."""
    mix = NationalMix(seed, start=START + timedelta(days=seed % 300))
    stream = mix.payloads()
    producer = RawProducer(kafka, client_id="bench-replay")
    sent = 0
    try:
        for payload in (next(stream) for _ in range(count)):
            _one(producer, payload)
            sent += 1
        mix.drain()
        for payload in stream:
            _one(producer, payload)
            sent += 1
        producer.flush()
    finally:
        producer.close()
    return sent


def _one(producer: RawProducer, payload: Any) -> None:
    record = raw_record(partner=payload.partner, kind=payload.kind, connector="bench",
                        source="bench", payload=payload.body, request_key=payload.request_key,
                        content_type=payload.content_type)
    producer.send(record, payload.key)


def _replay(broker: LocalBroker, work: Path, name: str) -> dict[str, Any]:
    """Run ``lintas replay --json`` as the ops principal: its summary, wall and CPU seconds
    and peak RSS."""
    env = {**os.environ, **broker.connection(principal_name("ops")).environment(),
           "LINTAS_HOME": str(work / "home")}
    database = f"sqlite:///{work / f'{name}.db'}"
    started = time.monotonic()
    with open(work / f"{name}.out", "wb") as out, open(work / f"{name}.err", "wb") as err:
        child = subprocess.Popen([sys.executable, "-m", "lintas", "replay", "--database",
                                  database, "--json"], env=env, stdout=out, stderr=err)
        _pid, status, usage = os.wait4(child.pid, 0)
    seconds = time.monotonic() - started
    if os.waitstatus_to_exitcode(status) != 0:
        raise RuntimeError(f"replay failed: {(work / f'{name}.err').read_text()[-2000:]}")
    summary = json.loads((work / f"{name}.out").read_text())
    return {**summary, "seconds": round(seconds, 1),
            "cpu_seconds": round(usage.ru_utime + usage.ru_stime, 1),
            "peak_rss_mb": round(usage.ru_maxrss / 1024)}


def run(payloads: int, times: int, work: Path) -> dict[str, Any]:
    settings = get_settings()
    broker = LocalBroker(work / "kafka", settings.cache_dir, version=settings.kafka_version,
                         port=free_port(), controller_port=free_port(), heap="512m")
    broker.start()
    try:
        prepare_broker(broker.connection(), broker.principals.ensure(), app_id="lintas",
                       partitions=3)
        kafka = broker.connection()
        small_sent = _send(kafka, 1, payloads)
        small = _replay(broker, work, "small")
        large_sent = small_sent + _send(kafka, 2, payloads * (times - 1))
        large = _replay(broker, work, "large")
    finally:
        broker.stop()
        broker.delete_data()
    return {"date": datetime.now(timezone.utc).date().isoformat(),
            "small": {"payloads": small_sent, **small},
            "large": {"payloads": large_sent, **large},
            "events_ratio": round(large["events"] / max(1, small["events"]), 2),
            "time_ratio": round(large["seconds"] / max(0.1, small["seconds"]), 2)}


def render(report: dict[str, Any]) -> str:
    rows = [f"{name:5}  {r['payloads']:>9,} payloads  {r['raw_records']:>9,} raw  "
            f"{r['events']:>10,} events  {r['shipments']:>9,} shipments  "
            f"{r['seconds']:>7.1f} s  {r['cpu_seconds']:>7.1f} s CPU  {r['peak_rss_mb']:>6,} MB"
            for name in ("small", "large") for r in [report[name]]]
    return "\n".join([*rows, f"events x{report['events_ratio']} in time x{report['time_ratio']}"])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--payloads", type=int, default=30000)
    parser.add_argument("--times", type=int, default=10)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="lintas-bench-replay-") as work:
        report = run(args.payloads, args.times, Path(work))
    print(json.dumps(report, indent=2) if args.json else render(report))


if __name__ == "__main__":
    main()
