"""In-process Prometheus metrics of the view sink and the worker, and the server that
exposes them.

``lintas sink --metrics-port 9309`` and ``lintas worker --metrics-port 9310`` serve them
(with the process metrics of prometheus-client) at ``/metrics``; port 0 (the default)
serves nothing, and the metrics are then only kept in memory.

- ``lintas_sink_commit_seconds`` (histogram): time to write one batch and its offsets in one
  database transaction (``ViewStore.apply``).
- ``lintas_sink_records_total{topic}`` (counter): records written, by source topic.
- ``lintas_events_unmapped_status_total{partner}`` (counter, worker): events whose raw
  status no line of the partner's status table lists (canonical status ``unknown``): a
  table to extend (``lintas partners crosswalk``, the event keeps its raw code).
- ``lintas_agent_poison_records_total{agent,error}`` (counter, worker): records an agent
  sent to the DLQ because processing them raised (the agent went on).
- ``lintas_table_keys{table}`` (gauge, worker): keys the worker holds in each of its tables
  (active and standby partitions), read at each scrape; with the closing horizon it stays
  flat under a steady load instead of growing with history.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from prometheus_client import REGISTRY, Counter, Histogram, start_http_server
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

__all__ = [
    "CLOSED",
    "FORGOTTEN",
    "POISON_RECORDS",
    "REOPENED",
    "SINK_COMMIT_SECONDS",
    "SINK_RECORDS",
    "UNMAPPED_STATUSES",
    "observe_sink_batch",
    "start_metrics_server",
    "watch_tables",
]

SINK_COMMIT_SECONDS = Histogram(
    "lintas_sink_commit_seconds",
    "Seconds to write one sink batch and its offsets in one database transaction.",
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0),
)
SINK_RECORDS = Counter(
    "lintas_sink_records", "Records the view sink wrote, by source topic.", ["topic"]
)

UNMAPPED_STATUSES = Counter(
    "lintas_events_unmapped_status",
    "Events whose raw status the partner's status table does not list, by partner.",
    ["partner"],
)

POISON_RECORDS = Counter(
    "lintas_agent_poison_records",
    "Records an agent sent to the DLQ because processing them raised, by agent and error.",
    ["agent", "error"],
)

CLOSED = Counter(
    "lintas_shipments_closed",
    "Shipments that left the worker's tables, terminal and quiet (their state archived).",
)
REOPENED = Counter(
    "lintas_shipments_reopened",
    "Closed shipments a late event reopened from the archive.",
)
FORGOTTEN = Counter(
    "lintas_closed_markers_forgotten",
    "Markers of closed shipments and legs dropped once the archive no longer keeps them.",
    ["kind"],
)


def observe_sink_batch(batch: Mapping[Any, Iterable[Any]], seconds: float) -> None:
    """Record one committed batch (``{TopicPartition: [records]}``) that took ``seconds``."""
    SINK_COMMIT_SECONDS.observe(seconds)
    for tp, records in batch.items():
        SINK_RECORDS.labels(tp.topic).inc(sum(1 for _ in records))


class _TableKeys(Collector):
    """``lintas_table_keys``: the length of each table, taken when scraped."""

    def __init__(self, tables: Mapping[str, Any]) -> None:
        self.tables = dict(tables)

    def collect(self) -> Iterable[GaugeMetricFamily]:
        family = GaugeMetricFamily("lintas_table_keys", "Keys the worker holds in a table "
                                   "(active and standby partitions).", labels=["table"])
        for name, table in self.tables.items():
            family.add_metric([name], float(len(table)))
        yield family


def watch_tables(tables: Mapping[str, Any]) -> None:
    """Export the size of each of ``tables`` (name -> a Faust table, or any sized mapping)
    as ``lintas_table_keys{table=name}``."""
    REGISTRY.register(_TableKeys(tables))


def start_metrics_server(port: int, host: str = "127.0.0.1") -> Any:
    """Serve this process's metrics on ``host:port`` from a daemon thread; return the HTTP
    server (``.shutdown()`` stops it; ``None`` with prometheus-client releases before 0.20.0,
    whose helper returned nothing)."""
    started = start_http_server(port, addr=host, registry=REGISTRY)
    return started[0] if started else None
