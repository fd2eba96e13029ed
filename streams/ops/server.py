"""The ops server: Prometheus metrics, JSON for the dashboard, and the dashboard itself.

Routes (``lintas ops serve``, 127.0.0.1:9308 by default):

============== ==============================================================
``/``          the live dashboard (``static/index.html``, plain HTML and JS)
``/metrics``   Prometheus text format of the latest collection
``/api/snapshot`` the latest collection as JSON, with the collection status
``/api/series``   the dashboard's chart series (lag, throughput, DLQ, freshness)
``/healthz``   200 when the latest collection succeeded, else 503
============== ==============================================================

``/metrics`` and ``/api/...`` need a bearer token of scope ``ops:read``
(:mod:`lintas.streams.httpauth`); ``/healthz`` says only ``{"status": ...}`` and is open,
and so are the dashboard's page and static files, which hold no data: the page takes its
token from the URL's fragment (``/#token=...``, which a browser never sends), keeps it in
the tab's session storage and sends it as a header with every request for data.

Collections run in a background thread (:class:`lintas.streams.ops.collector.OpsPoller`); every
request serves the latest one, so a scrape never waits for the broker.
"""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from lintas.core.errors import ConfigurationError
from lintas.core.tokens import TokenStore
from lintas.streams.httpauth import BearerAuth
from lintas.streams.ops.collector import OpsPoller
from lintas.streams.ops.exposition import render_metrics

__all__ = ["OPEN_PATHS", "SCOPE", "STATIC_DIR", "BackgroundServer", "create_app"]

#: The token scope of everything but the open paths.
SCOPE = "ops:read"
#: What anyone may fetch: the health answer, the dashboard's page and its static files.
OPEN_PATHS = ("/healthz", "/", "/static/*")

STATIC_DIR = Path(__file__).resolve().parent / "static"

# The text format every Prometheus server reads (2.x and 3.x alike).
_METRICS_CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"


def create_app(poller: OpsPoller, *, tokens: TokenStore, run_poller: bool = True) -> Starlette:
    """The ops server's app around ``poller``, its data open to bearers of an ``ops:read``
    token of ``tokens``; the app starts and stops the poller with itself unless
    ``run_poller`` is false (the caller drives it)."""
    index = STATIC_DIR / "index.html"
    if not index.is_file():
        raise ConfigurationError(
            f"the dashboard's files are missing from {STATIC_DIR}: reinstall lintas")

    async def dashboard(request: Request) -> Response:
        return FileResponse(index, headers={"Cache-Control": "no-cache"})

    async def metrics(request: Request) -> Response:
        snapshot, status = poller.state()
        return Response(render_metrics(snapshot, status, time.time()),
                        media_type=_METRICS_CONTENT_TYPE)

    async def api_snapshot(request: Request) -> Response:
        snapshot, status = poller.state()
        now = time.time()
        return JSONResponse({
            "now": now,
            "interval_seconds": poller.interval,
            "status": status.to_dict(),
            "snapshot": None if snapshot is None else snapshot.to_dict(now),
        })

    async def api_series(request: Request) -> Response:
        return JSONResponse(poller.series.to_dict())

    async def healthz(request: Request) -> Response:
        if poller.status.last_ok:
            return JSONResponse({"status": "ok"})
        return JSONResponse({"status": "unavailable"}, status_code=503)

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        if run_poller:
            poller.start()
        try:
            yield
        finally:
            if run_poller:
                poller.stop()

    return Starlette(
        routes=[
            Route("/", dashboard),
            Route("/metrics", metrics),
            Route("/api/snapshot", api_snapshot),
            Route("/api/series", api_series),
            Route("/healthz", healthz),
            Mount("/static", StaticFiles(directory=STATIC_DIR), name="static"),
        ],
        middleware=[Middleware(BearerAuth, tokens=tokens, scope=SCOPE, open_paths=OPEN_PATHS)],
        lifespan=lifespan,
    )


class BackgroundServer:
    """Serves an app with uvicorn in a thread: ``with BackgroundServer(app, port=p) as s``.

    For tests and for embedding the ops server in another command.
    """

    def __init__(self, app: Any, *, host: str = "127.0.0.1", port: int) -> None:
        import uvicorn

        self.host = host
        self.port = port
        self._server = uvicorn.Server(
            uvicorn.Config(app, host=host, port=port, log_level="warning", lifespan="on"))
        self._thread = threading.Thread(target=self._server.run, name="lintas-ops-server",
                                        daemon=True)

    @property
    def url(self) -> str:
        """The server's base URL."""
        return f"http://{self.host}:{self.port}"

    def start(self, timeout: float = 30.0) -> None:
        """Start serving; return once the server accepts connections."""
        self._thread.start()
        deadline = time.monotonic() + timeout
        while not self._server.started:
            if not self._thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError(f"the ops server did not start on {self.url}")
            time.sleep(0.05)

    def stop(self, timeout: float = 30.0) -> None:
        """Stop serving (the app's lifespan stops its poller)."""
        self._server.should_exit = True
        self._thread.join(timeout)

    def __enter__(self) -> BackgroundServer:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

