"""Running partner sandboxes: ASGI apps served by uvicorn on 127.0.0.1, in a thread.

Each partner package has a ``sandbox`` module whose ``create_app(seed, ...)`` returns a
Starlette app serving realistic payloads with the partner's quirks, and an
``/sandbox/expectations`` document saying what a correct pipeline makes of them.
"""

from __future__ import annotations

import socket
import threading
import time
from dataclasses import dataclass
from typing import Any

import uvicorn

__all__ = ["RunningServer", "free_port", "serve_in_thread"]


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
