"""Pull sandboxes whose change feed grows while the load runs."""

from __future__ import annotations

import json
import threading
import time
from typing import Any
from urllib.parse import parse_qs, urlencode

__all__ = ["ReleasedFeed"]


class ReleasedFeed:
    """An ASGI wrapper over a pull partner's sandbox: its change feed lists only the
    entries released so far, ``rate`` a second from :meth:`go`, so that the connector
    polling it sees a steady trickle of new tracking numbers.

    Past the released entries the feed answers an empty page itself (without looking at
    the token: the sandbox checks it on every other call). It counts the feed pages and
    tracking calls it served, by second, to show how often a connector asked.
    """

    def __init__(self, app: Any, feed_path: str, track_path: str, total: int,
                 rate: float) -> None:
        self.app = app
        self.feed_path = feed_path
        self.track_path = track_path
        self.total = total
        self.rate = rate
        self._started: float | None = None
        self._lock = threading.Lock()
        #: monotonic times of the feed pages and of the tracking calls served
        self.pages: list[float] = []
        self.tracks: list[float] = []

    def go(self) -> None:
        """Start releasing entries."""
        self._started = time.monotonic()

    def released(self) -> int:
        """How many entries the feed lists now."""
        if self._started is None:
            return 0
        return min(self.total, int((time.monotonic() - self._started) * self.rate))

    @property
    def done(self) -> bool:
        """Whether every entry is released."""
        return self.released() >= self.total

    def calls_between(self, start: float, end: float) -> tuple[int, int]:
        """(feed pages, tracking calls) served between two monotonic times."""
        with self._lock:
            return (sum(1 for t in self.pages if start <= t < end),
                    sum(1 for t in self.tracks if start <= t < end))

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] == "http":
            path = scope["path"]
            if path == self.track_path or path.startswith(f"{self.track_path}/"):
                with self._lock:
                    self.tracks.append(time.monotonic())
            elif path == self.feed_path:
                with self._lock:
                    self.pages.append(time.monotonic())
                query = {k: v[-1] for k, v in parse_qs(scope["query_string"].decode()).items()}
                since = int(query.get("since") or 0) if (query.get("since") or "0").isdigit() \
                    else 0
                room = self.released() - since
                if room <= 0:
                    await _empty_page(send, since)
                    return
                limit = int(query.get("limit", "100")) if query.get("limit", "").isdigit() \
                    else 100
                query["limit"] = str(min(limit, room))
                scope = {**scope, "query_string": urlencode(query).encode()}
        await self.app(scope, receive, send)


async def _empty_page(send: Any, since: int) -> None:
    body = json.dumps({"changes": [], "next": str(since), "has_more": False,
                       "pending": 0}).encode()
    await send({"type": "http.response.start", "status": 200,
                "headers": [(b"content-type", b"application/json"),
                            (b"content-length", str(len(body)).encode())]})
    await send({"type": "http.response.body", "body": body})
