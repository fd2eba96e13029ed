"""Running partner sandboxes: ASGI apps served by uvicorn on 127.0.0.1, in a thread.

Each pull partner package has a ``sandbox`` module whose ``create_app(seed, ...)`` returns
a Starlette app serving realistic payloads with the partner's quirks, and an
``/sandbox/expectations`` document saying what a correct pipeline makes of them; the app is
the partner's :class:`~lintas.connectors.sandboxes.api.TrackingApi` description served by
:func:`~lintas.connectors.sandboxes.api.tracking_app`. A push partner's ``sandbox`` module
sends instead, through :class:`~lintas.connectors.sandboxes.webhooks.WebhookSender`.
"""

from __future__ import annotations

import inspect
import socket
import threading
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import uvicorn

__all__ = ["Catalog", "RunningServer", "feed_routes", "free_port", "serve_in_thread"]


def free_port(host: str = "127.0.0.1") -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        return int(sock.getsockname()[1])


@dataclass
class RunningServer:
    """A uvicorn server running in a background thread."""

    server: uvicorn.Server
    thread: threading.Thread
    url: str

    def stop(self, timeout: float = 10.0) -> None:
        self.server.should_exit = True
        self.thread.join(timeout)


def serve_in_thread(app: Any, host: str = "127.0.0.1", port: int | None = None,
                    timeout: float = 15.0) -> RunningServer:
    """Serve ``app`` on ``host:port`` (a free port when None) until stopped."""
    port = port or free_port(host)
    config = uvicorn.Config(app, host=host, port=port, log_level="warning", access_log=False,
                            lifespan="off")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, name=f"sandbox-{port}", daemon=True)
    thread.start()
    deadline = time.monotonic() + timeout
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError(f"sandbox server did not start on {host}:{port}")
        time.sleep(0.05)
    return RunningServer(server, thread, f"http://{host}:{port}")


class Catalog:
    """A sandbox's tracking numbers, the change feed over them and the flaky-answer count."""

    def __init__(self, entries: list[Any]) -> None:
        self.entries = list(entries)
        self.by_number = {e.tracking_number: e for e in self.entries}
        self._calls: dict[str, int] = {}
        self._lock = threading.Lock()

    def lookup(self, tracking_number: str) -> tuple[Any | None, bool]:
        """(entry or None, whether to answer HTTP 503 this time)."""
        entry = self.by_number.get(tracking_number)
        if entry is None:
            return None, False
        with self._lock:
            self._calls[tracking_number] = self._calls.get(tracking_number, 0) + 1
            attempt = self._calls[tracking_number]
        return entry, attempt <= entry.fail_first

    def position(self, token: str | None) -> int:
        """Feed position of a ``since`` token: a position, or ``from:<ISO date>`` for a
        backfill (every sandbox entry changed within the last days, so a backfill from
        any earlier date starts at the beginning)."""
        if not token:
            return 0
        if token.startswith("from:"):
            datetime.fromisoformat(token[5:])  # a bad date is a bad request
            return 0
        return int(token)

    def page(self, since: int, limit: int) -> dict[str, Any]:
        """One page of the change feed: tracking numbers after position ``since``."""
        chunk = self.entries[since : since + limit]
        nxt = since + len(chunk)
        return {
            "changes": [
                {"tracking_number": e.tracking_number, "seq": since + i + 1}
                for i, e in enumerate(chunk)
            ],
            "next": str(nxt),
            "has_more": nxt < len(self.entries),
            "pending": len(self.entries) - nxt,
        }


def feed_routes(
    path: str, catalog: Catalog, authorized: Callable[[Any], bool | Awaitable[bool]]
) -> list[Any]:
    """``GET <path>`` (the change feed, when ``authorized(request)``, a plain or an async
    check) and ``GET /sandbox/expectations``."""
    from starlette.requests import Request
    from starlette.responses import JSONResponse, Response
    from starlette.routing import Route

    async def changes(request: Request) -> Response:
        admitted = authorized(request)
        if inspect.isawaitable(admitted):
            admitted = await admitted
        if not admitted:
            return JSONResponse({"error": "unauthorized"}, status_code=401)
        try:
            since = catalog.position(request.query_params.get("since"))
            limit = min(500, max(1, int(request.query_params.get("limit", "100"))))
        except ValueError:
            return JSONResponse(
                {"error": "since must be a position or from:<ISO date>; limit an integer"},
                status_code=400,
            )
        return JSONResponse(catalog.page(since, limit))

    async def expectations(_: Request) -> Response:
        return JSONResponse({"entries": [e.expectation() for e in catalog.entries]})

    return [
        Route(path, changes, methods=["GET"]),
        Route("/sandbox/expectations", expectations, methods=["GET"]),
    ]
