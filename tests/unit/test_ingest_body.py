"""How the ingest reads a body: refused as soon as it passes the limit, streamed or not.

Driven at the ASGI level, so the test sees exactly how much of the body the app pulled.
No record is produced in these cases, so the producer is never reached.
"""

from __future__ import annotations

import asyncio
import json
from typing import Any

from pydantic import SecretStr

from lintas.connectors.ingest import MAX_BODY_BYTES, create_ingest_app
from lintas.core.settings import PartnerCredentials

CHUNK = 64 * 1024


class _Unreachable:
    async def acknowledged(self, *_: Any, **__: Any) -> None:
        raise AssertionError("nothing should be produced")


def _call(headers: list[tuple[bytes, bytes]], chunks: int) -> tuple[int, dict[str, Any], int]:
    """(status, JSON answer, chunks the app pulled) of one POST to the ninja endpoint."""
    app = create_ingest_app(lambda _: PartnerCredentials(api_key=SecretStr("token")),
                            _Unreachable())  # type: ignore[arg-type]
    pulled = 0
    sent: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        nonlocal pulled
        pulled += 1
        return {"type": "http.request", "body": b"x" * CHUNK, "more_body": pulled < chunks}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1",
             "method": "POST", "scheme": "http", "path": "/v1/webhooks/ninja",
             "raw_path": b"/v1/webhooks/ninja", "query_string": b"", "root_path": "",
             "headers": [(b"authorization", b"Bearer token"), *headers],
             "client": ("127.0.0.1", 1), "server": ("127.0.0.1", 80)}
    asyncio.run(app(scope, receive, send))
    status = next(m["status"] for m in sent if m["type"] == "http.response.start")
    body = b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body")
    return status, json.loads(body), pulled


def test_a_chunked_body_is_refused_once_it_passes_the_limit_not_after_reading_it_all():
    status, answer, pulled = _call([], chunks=160)  # 10 MiB, no Content-Length
    assert status == 413 and "larger than" in answer["error"]
    assert pulled == MAX_BODY_BYTES // CHUNK + 1


def test_a_declared_length_over_the_limit_is_refused_before_reading():
    status, _, pulled = _call([(b"content-length", str(10 * 2**20).encode())], chunks=160)
    assert status == 413 and pulled == 0


def test_a_content_length_that_is_no_number_is_no_server_error():
    status, answer, _ = _call([(b"content-length", b"lots")], chunks=1)
    assert status == 400 and answer["error"].startswith("ninja: ")
