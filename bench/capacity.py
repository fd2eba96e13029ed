"""``python -m bench.capacity``: the pipeline's sustained rate and latency under the national
mix, with one worker and then two in the same group (docs/capacity.md).

A private broker (topics of six partitions), the view sink on SQLite and one worker are
started; then, for one worker and again after a second joins the group:

1. **warm-up** — a short load, so every agent has its partitions and the view its tables;
2. **burst** — ``--burst`` payloads sent far faster than the pipeline takes them: what it
   sustains is payloads / (last commit in the view - first append), the queue never empty;
3. **half rate** — ``--half-seconds`` of load at half that rate: latency from raw append to
   the view row's commit (p50, p99), and whether it stays flat (first third vs last third).

The ratio two workers / one is taken inside the one invocation, on the same broker.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from lintas.connectors.access import prepare_broker
from lintas.connectors.sandboxes import free_port
from lintas.core.settings import get_settings
from lintas.demo import ChildProcess
from lintas.demo.loadgen import LoadOptions, LoadReport, RateProfile, run_load
from lintas.kafka.broker import LocalBroker
from lintas.kafka.principals import Role, principal_name
from lintas.streams.view.store import open_store

__all__ = ["measure"]

PARTITIONS = 6


def _phase(broker: LocalBroker, view_url: str, options: LoadOptions) -> LoadReport:
    store = open_store(view_url)
    try:
        return run_load(lambda role: broker.connection(principal_name(role)), store, options)
    finally:
        store.close()


def _figures(report: LoadReport) -> dict[str, Any]:
    return {"payloads": report.payloads, "parcels": report.parcels, "settled": report.settled,
            "sustained_payloads_per_s": report.throughput_payloads,
            "sustained_events_per_s": report.throughput_events,
            "offered_per_s": report.offered_rate, "latency": report.latency,
            "latency_trend": report.latency_trend, "tail_seconds": report.tail_seconds}


def _one_size(broker: LocalBroker, view_url: str, seed: int, burst: int, half_seconds: float,
              progress: Callable[[str], None]) -> dict[str, Any]:
    progress("warm-up")
    _phase(broker, view_url, LoadOptions(RateProfile(20), count=200, seed=seed))
    progress(f"burst of {burst} payloads")
    top = _phase(broker, view_url, LoadOptions(RateProfile(5000), count=burst, seed=seed + 1,
                                               settle_timeout=180))
    rate = max(1.0, top.throughput_payloads / 2)
    progress(f"half rate: {rate:.1f} payloads/s for {half_seconds:.0f} s")
    half = _phase(broker, view_url, LoadOptions(RateProfile(rate), duration=half_seconds,
                                                seed=seed + 2, settle_timeout=180))
    return {"burst": _figures(top), "half_rate": _figures(half)}


def measure(*, workers: int = 2, burst: int = 3000, half_seconds: float = 60.0,
            progress: Callable[[str], None] = lambda _: None) -> dict[str, Any]:
    """Run the measurement (see the module doc) and return its figures."""
    settings = get_settings()
    work = Path(tempfile.mkdtemp(prefix="lintas-capacity-"))
    broker = LocalBroker(work / "kafka", settings.cache_dir, version=settings.kafka_version,
                         port=free_port(), controller_port=free_port(), heap=settings.kafka_heap)
    progress(f"starting a private Kafka {settings.kafka_version} broker ({PARTITIONS} partitions)")
    broker.start()
    view_url = f"sqlite:///{work / 'view.db'}"

    def env(role: Role, home: str) -> dict[str, str]:
        return {**os.environ, **broker.connection(principal_name(role)).environment(),
                "LINTAS_TOPIC_PARTITIONS": str(PARTITIONS), "LINTAS_DATABASE_URL": view_url,
                "LINTAS_HOME": str(work / home)}

    children: list[ChildProcess] = []
    report: dict[str, Any] = {"partitions": PARTITIONS, "cores": os.cpu_count(),
                              "load_average_at_start": os.getloadavg()}
    try:
        prepare_broker(broker.connection(), broker.principals.ensure(), app_id="lintas",
                       partitions=PARTITIONS)
        children.append(ChildProcess("sink", ["sink"], env("sink", "sink"), work))
        for size in range(1, workers + 1):
            children.append(ChildProcess(f"worker-{size}", ["worker"],
                                         env("worker", f"worker-{size}"), work))
            progress(f"{size} worker(s)")
            report[f"workers_{size}"] = _one_size(broker, view_url, 1000 * size, burst,
                                                  half_seconds, progress)
    finally:
        for child in children:
            child.stop()
        broker.stop()
    if workers >= 2:
        one, two = (report[f"workers_{n}"]["burst"]["sustained_payloads_per_s"] for n in (1, 2))
        report["two_over_one"] = round(two / one, 3) if one else None
    report["load_average_at_end"] = os.getloadavg()
    return report


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.capacity", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--workers", type=int, default=2, help="measure 1..N workers")
    parser.add_argument("--burst", type=int, default=3000, help="payloads in the burst")
    parser.add_argument("--half-seconds", type=float, default=60.0,
                        help="seconds of load at half the sustained rate")
    args = parser.parse_args()
    report = measure(workers=args.workers, burst=args.burst, half_seconds=args.half_seconds,
                     progress=lambda s: print(f"… {s}", file=sys.stderr, flush=True))
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
