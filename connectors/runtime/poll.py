"""The poll loop every pull connector runs: fetch a page, produce it, wait for the
broker's acknowledgement, then move the cursor. A small state machine in the manner of
bytewax sources: next page, snapshot (the cursor), resume.
"""

from __future__ import annotations

import logging
import random
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any, Protocol

from lintas.connectors.runtime.producer import RawProducer, raw_record
from lintas.core.deadletters import Failure, headers_for
from lintas.core.errors import BrokerError, FatalError, RetriableError, SkippableError
from lintas.core.topics import DLQ
from lintas.kafka.cursors import CursorStore, control_key, status_partition

__all__ = ["ConnectorStats", "Fetched", "Page", "PollingConnector", "Source"]

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Fetched:
    """One payload fetched from a partner, or the reason it could not be."""

    key: str
    request_key: str | None
    source: str
    payload: bytes = b""
    kind: str = "tracking"
    attributes: dict[str, str] = field(default_factory=dict)
    error: SkippableError | None = None


@dataclass(frozen=True)
class Page:
    """One page of a partner feed and the cursor after it."""

    items: list[Fetched]
    cursor: dict[str, Any]
    has_more: bool
    pending: int | None = None  # what the partner says is still waiting after this page


class Source(Protocol):
    """What a pull connector asks of a partner."""

    partner: str
    name: str
    source_partition: dict[str, Any]

    def fetch(self, cursor: dict[str, Any] | None) -> Page: ...


@dataclass
class ConnectorStats:
    """Counters of one connector run."""

    pages: int = 0
    records: int = 0
    skipped: int = 0
    retries: int = 0
    last_success: datetime | None = None
    last_error: str | None = None
    last_error_at: datetime | None = None
    pending: int | None = None
    state: str = "starting"


class PollingConnector:
    """Runs a :class:`Source` against Kafka with its cursor in ``lintas.connect-offsets``."""

    def __init__(
        self,
        source: Source,
        producer: RawProducer,
        cursors: CursorStore,
        *,
        interval: float = 5.0,
        max_backoff: float = 60.0,
        on_page: Callable[[Page, ConnectorStats], None] | None = None,
    ) -> None:
        self.source = source
        self.producer = producer
        self.cursors = cursors
        self.interval = interval
        self.max_backoff = max_backoff
        self.on_page = on_page
        self.stats = ConnectorStats()

    @property
    def cursor(self) -> dict[str, Any] | None:
        return self.cursors.get(self.source.name, self.source.source_partition)

    def _produce(self, page: Page) -> None:
        now = datetime.now(timezone.utc)
        for item in page.items:
            if item.error is not None:
                self.stats.skipped += 1
                failure = Failure("connect", type(item.error).__name__, str(item.error),
                                  self.source.partner)
                self.producer.send_bytes(
                    DLQ, item.key.encode(), item.payload,
                    headers=headers_for(failure, topic=None, partition=None, offset=None),
                )
                continue
            record = raw_record(
                partner=self.source.partner,
                kind=item.kind,
                connector=self.source.name,
                source=item.source,
                payload=item.payload,
                request_key=item.request_key,
                content_type=item.attributes.get("content_type", "application/json"),
                attributes=item.attributes,
                received_at=now,
            )
            self.producer.send(record, item.key)
        self.stats.records += self.producer.flush()

    def poll_once(self) -> int:
        """Fetch and produce pages until the feed has no more; return records produced."""
        before = self.stats.records
        while True:
            page = self.source.fetch(self.cursor)
            self._produce(page)  # returns only after the broker acknowledged
            if page.cursor != self.cursor:
                self.cursors.put(self.source.name, self.source.source_partition, page.cursor)
            committed = getattr(self.source, "committed", None)
            if committed is not None:
                committed(page)  # e.g. move dropped files away, now that they are safe
            self.stats.pages += 1
            self.stats.last_success = datetime.now(timezone.utc)
            self.stats.pending = (
                page.pending if page.pending is not None else (1 if page.has_more else 0)
            )
            if self.on_page:
                self.on_page(page, self.stats)
            if not page.has_more:
                return self.stats.records - before

    @property
    def paused(self) -> bool:
        control = self.cursors._cursors.get(control_key(self.source.name)) or {}
        return bool(control.get("paused"))

    def _report(self) -> None:
        """Write the connector's status beside its cursor (for `lintas connectors status`);
        while the broker is away the status waits for the next report."""
        def iso(moment: datetime | None) -> str | None:
            return moment.isoformat() if moment else None

        try:
            self.cursors.put(self.source.name, status_partition(self.source.source_partition), {
                "state": self.stats.state,
                "partner": self.source.partner,
                "last_success": iso(self.stats.last_success),
                "last_error": self.stats.last_error,
                "last_error_at": iso(self.stats.last_error_at),
                "records": self.stats.records,
                "pages": self.stats.pages,
                "skipped": self.stats.skipped,
                "pending": self.stats.pending,
                "updated_at": datetime.now(timezone.utc).isoformat(),
            })
        except BrokerError as exc:
            log.warning("%s: status not written: %s", self.source.name, exc)

    def _failed(self, exc: Exception) -> None:
        self.stats.last_error = str(exc)
        self.stats.last_error_at = datetime.now(timezone.utc)

    def backoff(self, failures: int, exc: Exception) -> float:
        """Seconds to wait after the ``failures``-th failure in a row: the interval,
        doubled at each failure up to :attr:`max_backoff`, with jitter, and never less than
        what the partner asked for (``retry_after``)."""
        ceiling = min(self.max_backoff, self.interval * 2 ** (failures - 1))
        wait = random.uniform(ceiling / 2, ceiling)
        asked = getattr(exc, "retry_after", None)
        return max(wait, min(asked, self.max_backoff)) if asked else wait

    def _step(self, once: bool) -> None:
        self.cursors.refresh()
        if self.paused and not once:
            self.stats.state = "paused"
        else:
            self.poll_once()
            self.stats.state = "running"

    def run(self, stop: threading.Event | None = None, *, once: bool = False) -> ConnectorStats:
        """Poll until ``stop`` is set (or one pass when ``once``). A paused connector (see
        `lintas connectors pause`) waits; retriable failures, and the broker being away,
        wait longer after each failure in a row (:meth:`backoff`) and try again from the
        cursor; a fatal one ends the run with the error."""
        stop = stop or threading.Event()
        failures = 0
        while not stop.is_set():
            wait = self.interval
            try:
                self._step(once)
                failures = 0
            except (RetriableError, BrokerError) as exc:
                if once and isinstance(exc, BrokerError):
                    raise
                failures += 1
                wait = self.backoff(failures, exc)
                self.stats.retries += 1
                self.stats.state = "retrying"
                self._failed(exc)
                log.warning("%s: %s; next try in %.1fs", self.source.name, exc, wait)
            except FatalError as exc:
                self.stats.state = "failed"
                self._failed(exc)
                self._report()
                raise
            self._report()
            if once:
                break
            stop.wait(wait)
        return self.stats
