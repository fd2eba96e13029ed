"""What the bench reads about a running worker: its group's remaining records, its CPU
time, and the broker timestamps of what it wrote."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from bench.timing import end_offsets
from lintas.core.topics import SHIPMENT_EVENTS
from lintas.kafka.admin import read_all
from lintas.kafka.connection import KafkaConnection
from lintas.streams.pipeline import (
    HANDOVER_MATCHES,
    LEG_MESSAGES,
    REGION_SUMMARIES,
    SHIPMENT_LEGS,
)

__all__ = ["PARTITIONS", "WORKER_TOPICS", "check_alive", "cpu_seconds", "group_members",
           "produced", "remaining", "span_rate_of", "start_worker", "stop_workers",
           "wait_committed"]

#: Partitions of every topic of the bench's broker (the scale-out pass runs two workers).
PARTITIONS = 6
#: What the whole worker's group must have committed to the end before it is done.
WORKER_TOPICS = (SHIPMENT_EVENTS, LEG_MESSAGES, REGION_SUMMARIES, HANDOVER_MATCHES,
                 SHIPMENT_LEGS)


def remaining(kafka: KafkaConnection, group: str, topics: tuple[str, ...]) -> dict[str, int]:
    """Records of each of ``topics`` that ``group`` has not committed yet (-1 each while
    the broker has no coordinator for the group yet)."""
    from kafka import KafkaAdminClient, KafkaConsumer, TopicPartition
    from kafka.errors import CoordinatorNotAvailableError

    admin = KafkaAdminClient(**kafka.kafka_python())
    consumer = KafkaConsumer(**kafka.kafka_python())
    try:
        try:
            committed = admin.list_group_offsets(group).get(group, {})
        except CoordinatorNotAvailableError:
            return dict.fromkeys(topics, -1)
        tps = [TopicPartition(t, p) for t in topics for p in range(PARTITIONS)]
        end = consumer.end_offsets(tps)
        left = dict.fromkeys(topics, 0)
        for tp in tps:
            done = committed[tp].offset if tp in committed else 0
            left[tp.topic] += max(0, end[tp] - max(0, done))
        return left
    finally:
        admin.close()
        consumer.close()


def group_members(kafka: KafkaConnection, group: str) -> tuple[str, int]:
    """(state, members) of consumer group ``group``."""
    from kafka import KafkaAdminClient

    admin = KafkaAdminClient(**kafka.kafka_python())
    try:
        description = admin.describe_groups([group])[group]
        return str(description.get("group_state")), len(description.get("members") or ())
    finally:
        admin.close()


def cpu_seconds(pid: int) -> float:
    """User and system CPU seconds of process ``pid`` so far (every thread)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def produced(kafka: KafkaConnection, topic: str) -> int:
    """Records written to ``topic`` so far."""
    return sum(end_offsets(kafka, topic).values())


def span_rate_of(kafka: KafkaConnection, topic: str,
                 keep: Callable[[Any], bool]) -> tuple[int, float]:
    """(records of ``topic`` kept, records per second over their broker timestamps)."""
    stamps = [m.timestamp for m in read_all(kafka, topic) if keep(m)]
    if len(stamps) < 2:
        return len(stamps), float("nan")
    span = (max(stamps) - min(stamps)) / 1000
    return len(stamps), len(stamps) / span if span > 0 else float("inf")


def start_worker(kafka: KafkaConnection, home: Path, log: Path, *args: str,
                 **env: str) -> subprocess.Popen[bytes]:
    """``lintas worker [args]`` as a child of the bench: connected as ``kafka``, on the
    bench's partitions, its state under ``home``, its output appended to ``log``; ``env``
    adds settings."""
    environment = dict(os.environ, **kafka.environment(),
                       LINTAS_TOPIC_PARTITIONS=str(PARTITIONS), LINTAS_HOME=str(home), **env)
    with open(log, "ab") as out:
        return subprocess.Popen([sys.executable, "-m", "lintas", "worker", *args],
                                env=environment, stdout=out, stderr=subprocess.STDOUT,
                                start_new_session=True)


def stop_workers(workers: Sequence[subprocess.Popen[bytes]]) -> None:
    for worker in workers:
        worker.terminate()
    for worker in workers:
        worker.wait(30)


def check_alive(workers: Sequence[subprocess.Popen[bytes]], logs: Sequence[Path],
                deadline: float) -> None:
    """RuntimeError (pointing at ``logs``) when a worker exited or ``deadline`` passed."""
    if any(w.poll() is not None for w in workers) or time.monotonic() > deadline:
        raise RuntimeError(f"the workers did not process the records; see {list(logs)}")


def wait_committed(kafka: KafkaConnection, group: str, topics: tuple[str, ...],
                   workers: Sequence[subprocess.Popen[bytes]], logs: Sequence[Path],
                   timeout: float) -> None:
    """Until ``group`` has committed ``topics`` to their ends (see :func:`check_alive`)."""
    deadline = time.monotonic() + timeout
    while any(remaining(kafka, group, topics).values()):
        check_alive(workers, logs, deadline)
        time.sleep(1)
