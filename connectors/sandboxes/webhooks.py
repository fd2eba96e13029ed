"""The webhook sender of push partners' sandboxes: it POSTs a catalog's webhooks to lintas.

A push partner's sandbox sends rather than serves. Its ``deliver`` is a
:class:`WebhookSender`: it posts every webhook body of every entry, in the entry's order, to
``<ingest_url>/v1/webhooks/<partner>``, signed as :mod:`lintas.connectors.signing`
describes, and returns the HTTP status of each POST. The partner says what its webhooks
are on the wire: the ``webhooks(entry)`` function the sender is built with.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass

import httpx
from pydantic import SecretStr

from lintas.connectors.sandboxes.scenario import Entry
from lintas.connectors.signing import signature_headers
from lintas.core.errors import RetriableError

__all__ = ["WebhookSender", "one_post_per_element"]


def one_post_per_element(entry: Entry) -> list[bytes]:
    """Bodies of an entry that records one JSON object per POST: the exact bytes in
    ``extra["webhooks"]`` when the scenario wrote them, else each element of the entry's
    JSON array body, written without spaces."""
    wire = entry.extra.get("webhooks")
    if wire is not None:
        return [bytes(body) for body in wire]
    return [json.dumps(body, separators=(",", ":")).encode() for body in json.loads(entry.body)]


def _clock(now: float | Callable[[], float] | None) -> Callable[[], float]:
    if callable(now):
        return now
    if now is None:
        return time.time
    fixed = float(now)
    return lambda: fixed


@dataclass(frozen=True)
class WebhookSender:
    """``deliver(entries, ingest_url, secret, *, client=None, now=None)`` of one partner."""

    partner: str
    #: the exact bodies of an entry's POSTs, in sending order
    webhooks: Callable[[Entry], list[bytes]]

    def __call__(
        self,
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
        url = f"{ingest_url.rstrip('/')}/v1/webhooks/{self.partner}"
        clock = _clock(now)
        http = client or httpx.Client(timeout=10.0)
        codes: list[int] = []
        try:
            for entry in entries:
                for body in self.webhooks(entry):
                    headers = {"Content-Type": "application/json",
                               **signature_headers(key, int(clock()), body)}
                    try:
                        response = http.post(url, content=body, headers=headers)
                    except httpx.TransportError as exc:
                        raise RetriableError(
                            f"{self.partner}: cannot reach the ingest at {url}: {exc}"
                        ) from exc
                    codes.append(response.status_code)
        finally:
            if client is None:
                http.close()
        return codes
