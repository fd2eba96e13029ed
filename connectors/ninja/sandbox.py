"""A stand-in for Ninja Xpress's webhook sender: it POSTs the catalog's webhooks to lintas.

Ninja is a push partner, so its sandbox sends rather than serves. :func:`deliver` posts
every webhook body of every entry, in the entry's order, to
``<ingest_url>/v1/webhooks/ninja``, signed as :mod:`lintas.connectors.signing` describes, and
returns the HTTP status of each POST. What the pipeline should make of them stays in the
entries (:meth:`lintas.connectors.sandboxes.scenario.Entry.expectation`).
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterable

import httpx
from pydantic import SecretStr

from lintas.connectors.sandboxes.scenario import Entry
from lintas.connectors.signing import signature_headers
from lintas.core.errors import RetriableError

__all__ = ["deliver", "webhooks"]

PARTNER = "ninja"


def webhooks(entry: Entry) -> list[bytes]:
    """The exact bodies of an entry's POSTs, in sending order."""
    wire = entry.extra.get("webhooks")
    if wire is not None:
        return [bytes(body) for body in wire]
    return [json.dumps(body, separators=(",", ":")).encode() for body in json.loads(entry.body)]


def deliver(
    entries: Iterable[Entry],
    ingest_url: str,
    secret: str | SecretStr,
    *,
    client: httpx.Client | None = None,
    now: float | Callable[[], float] | None = None,
) -> list[int]:
    """POST every webhook of ``entries`` to the ingest; the HTTP status of each POST.

    ``now`` fixes the signing time (Unix seconds, or a clock to call); the wall clock by
    default. Raises :class:`RetriableError` when the ingest cannot be reached.
    """
    key = secret.get_secret_value() if isinstance(secret, SecretStr) else secret
    url = f"{ingest_url.rstrip('/')}/v1/webhooks/{PARTNER}"
    clock: Callable[[], float] = (
        now if callable(now) else (time.time if now is None else (lambda: float(now)))
    )
    http = client or httpx.Client(timeout=10.0)
    codes: list[int] = []
    try:
        for entry in entries:
            for body in webhooks(entry):
                headers = {"Content-Type": "application/json",
                           **signature_headers(key, int(clock()), body)}
                try:
                    response = http.post(url, content=body, headers=headers)
                except httpx.TransportError as exc:
                    raise RetriableError(
                        f"{PARTNER}: cannot reach the ingest at {url}: {exc}"
                    ) from exc
                codes.append(response.status_code)
    finally:
        if client is None:
            http.close()
    return codes
