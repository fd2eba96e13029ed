"""The whole worker over fresh records, as one process and as two in one group.

The processes start first and are waited for until the group is stable with every one of
them holding partitions and done restoring its tables, and has caught up with what the
topics already held; only then are the records produced. So a rebalance or a table
restore counts for no figure, and one worker and two are timed the same way: the views'
broker timestamps, from the first view of these records to the last (one view per new
event, so the view rate is the chain's event rate).
"""

from __future__ import annotations

import subprocess
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bench.probe import (
    WORKER_TOPICS,
    check_alive,
    cpu_seconds,
    group_members,
    remaining,
    span_rate_of,
    start_worker,
    stop_workers,
    wait_committed,
)
from lintas.core.topics import SHIPMENT_EVENTS, SHIPMENTS, raw_topic
from lintas.kafka.connection import KafkaConnection

__all__ = ["ChainRate", "chain_pass"]

GROUP = "lintas"
ASSIGNED = "Setting newly assigned partitions"
RESTORED = "Recovery complete"


@dataclass(frozen=True)
class ChainRate:
    records_per_s: float  # raw records through normalize, in the whole worker
    events_per_s: float  # events through the reconcile chain (views written)
    cpu_ms_per_event: float  # every process's CPU, per event, while the records ran


def chain_pass(kafka: KafkaConnection, work: Path, workers: int,
               produce: Callable[[], set[bytes]], expected_events: int) -> ChainRate:
    """Run ``workers`` worker processes in the usual group, produce the records once they
    are all ready, and measure them through to the views."""
    logs = [work / f"worker-{workers}-{i}.log" for i in range(workers)]
    processes = [start_worker(kafka, work / f"worker-{i}", log,
                              LINTAS_WORKER_LOGLEVEL="info")  # its assignments and restores
                 for i, log in enumerate(logs)]
    topics = (raw_topic("pos"), *WORKER_TOPICS)
    try:
        _wait_ready(kafka, processes, logs)
        cpu = sum(cpu_seconds(p.pid) for p in processes)
        started_ms = time.time() * 1000
        keys = produce()
        wait_committed(kafka, GROUP, topics, processes, logs, 900)
        cpu = sum(cpu_seconds(p.pid) for p in processes) - cpu
    finally:
        stop_workers(processes)

    def ours(message: Any) -> bool:
        return message.key in keys and message.timestamp >= started_ms

    events, event_rate = span_rate_of(kafka, SHIPMENT_EVENTS, ours)
    if events < expected_events:
        raise RuntimeError(f"only {events} of {expected_events} events were produced")
    _views, view_rate = span_rate_of(kafka, SHIPMENTS, ours)
    return ChainRate(event_rate * len(keys) / events, view_rate,
                     cpu * 1000 / expected_events)


def _restored(log: Path) -> bool:
    """Whether the worker writing ``log`` restored its tables after its last assignment."""
    text = log.read_text(errors="replace")
    assigned = text.rfind(ASSIGNED)
    return assigned >= 0 and text.find(RESTORED, assigned) >= 0


def _wait_ready(kafka: KafkaConnection, processes: list[subprocess.Popen[bytes]],
                logs: list[Path]) -> None:
    """Until the group is stable with every process in it, their tables restored, and
    nothing left of what the raw topic already held (a new group reads it from the start:
    the earlier passes' records are not this pass's)."""
    deadline = time.monotonic() + 900
    topics = (raw_topic("pos"), *WORKER_TOPICS)
    while True:
        check_alive(processes, logs, deadline)
        state, members = group_members(kafka, GROUP)
        if (state == "Stable" and members == len(processes) and all(map(_restored, logs))
                and not any(remaining(kafka, GROUP, topics).values())):
            return
        time.sleep(1)
