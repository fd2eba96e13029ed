"""Push partners' webhooks to the ingest at a steady rate, as the partners send them."""

from __future__ import annotations

import queue
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from importlib import import_module

import httpx

from lintas.connectors.registry import PARTNERS
from lintas.connectors.runtime.http import RateLimiter
from lintas.connectors.sandboxes.scenario import Entry
from lintas.connectors.signing import signature_headers

__all__ = ["PushTally", "WebhookPusher", "webhook_bodies"]

#: answers after which a partner sends the same webhook again
RETRYABLE = frozenset({409, 429, 502, 503, 504})


def webhook_bodies(entry: Entry) -> list[bytes]:
    """The exact bodies of an entry's POSTs, in sending order (its partner's sandbox)."""
    sandbox = import_module(PARTNERS[entry.partner].sandbox or "")
    return list(sandbox.webhooks(entry))


@dataclass
class PushTally:
    """What the ingest answered."""

    #: every answer, by HTTP status ("error" when none came)
    answers: Counter[str] = field(default_factory=Counter)
    #: webhooks sent until the ingest answered for good (202, 200 or 400)
    webhooks: int = 0
    #: record id -> key of every webhook answered 202 or 200 (duplicate)
    acknowledged: dict[str, str] = field(default_factory=dict)
    #: 503 answers without a Retry-After header
    without_retry_after: int = 0
    #: monotonic times of the 503 answers
    refused_at: list[float] = field(default_factory=list)
    #: entries whose webhooks were all answered for good
    completed: list[Entry] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def add(self, status: str, record_id: str | None = None, key: str = "",
            retry_after: str | None = None) -> None:
        with self._lock:
            self.answers[status] += 1
            if record_id is not None:
                self.acknowledged[record_id] = key
            if status == "503":
                self.refused_at.append(time.monotonic())
                if not retry_after:
                    self.without_retry_after += 1

    def final(self) -> None:
        with self._lock:
            self.webhooks += 1

    def complete(self, entry: Entry) -> None:
        with self._lock:
            self.completed.append(entry)

    def unexpected(self) -> dict[str, int]:
        """Answers a partner should never get: anything but 202, 200, 400 (a spoilt
        webhook), 409 (the same request in flight) and 503."""
        return {s: n for s, n in self.answers.items()
                if s not in ("202", "200", "400", "409", "503")}


class WebhookPusher:
    """Sends every webhook of ``entries`` to the ingest at ``url``, ``rate`` a second over
    ``threads`` senders; each entry's webhooks in order. A webhook the ingest refuses for
    now (503, 409) or does not answer is sent again after its Retry-After (at most
    ``max_wait`` seconds), freshly signed, until the ingest answers for good."""

    def __init__(self, url: str, secret: str, entries: Iterable[Entry], *, rate: float,
                 threads: int = 4, timeout: float = 60.0, max_wait: float = 5.0) -> None:
        self.url = url.rstrip("/")
        self.secret = secret
        self.tally = PushTally()
        self.timeout = timeout
        self.max_wait = max_wait
        self._limit = RateLimiter(rate)
        self._queue: queue.Queue[Entry] = queue.Queue()
        for entry in entries:
            self._queue.put(entry)
        self._stop = threading.Event()
        self._threads = [threading.Thread(target=self._run, name=f"pusher-{n}", daemon=True)
                         for n in range(threads)]

    def start(self) -> WebhookPusher:
        for thread in self._threads:
            thread.start()
        return self

    @property
    def done(self) -> bool:
        """Whether every entry was sent and answered for good."""
        return not any(t.is_alive() for t in self._threads)

    def stop(self, timeout: float = 90.0) -> None:
        self._stop.set()
        for thread in self._threads:
            thread.join(timeout)

    def _run(self) -> None:
        with httpx.Client(timeout=self.timeout) as client:
            while not self._stop.is_set():
                try:
                    entry = self._queue.get_nowait()
                except queue.Empty:
                    return
                self.send_entry(client, entry, self._limit.acquire)

    def send_entry(self, client: httpx.Client, entry: Entry,
                   pace: Callable[[], None] = lambda: None) -> None:
        """Send ``entry``'s webhooks in order, each until the ingest answers for good."""
        url = f"{self.url}/v1/webhooks/{entry.partner}"
        for body in webhook_bodies(entry):
            pace()
            while not self._stop.is_set():
                wait = self._post(client, url, body, entry.key)
                if wait is None:
                    self.tally.final()
                    break
                self._stop.wait(wait)
        if not self._stop.is_set():
            self.tally.complete(entry)

    def _post(self, client: httpx.Client, url: str, body: bytes, key: str) -> float | None:
        """None once the ingest answered for good; else how long to wait before again."""
        headers = {"Content-Type": "application/json",
                   **signature_headers(self.secret, int(time.time()), body)}
        try:
            response = client.post(url, content=body, headers=headers)
        except httpx.TransportError:
            self.tally.add("error")
            return 1.0
        status = response.status_code
        retry_after = response.headers.get("Retry-After")
        record_id = None
        if status in (200, 202):
            record_id = response.json().get("record_id")
        self.tally.add(str(status), record_id, key, retry_after)
        if status in (200, 202, 400):
            return None
        try:
            wait = float(retry_after) if retry_after else 1.0
        except ValueError:
            wait = 1.0
        return min(wait, self.max_wait)
