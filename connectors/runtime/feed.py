"""The pull source most partners share: follow a change feed of tracking numbers, fetch
each one's tracking answer, hand it over byte for byte.

A partner client provides ``changes(since, limit)`` (a page ``{"changes":
[{"tracking_number": ...}], "next": ..., "has_more": ...}``) and ``track(number)`` (the
partner's HTTP response). The change feed is what lintas asks of a partner to know what
to poll; a partner without one is polled from a watch list of registered numbers.
"""

from __future__ import annotations

from typing import Any, Protocol

import httpx

from lintas.connectors.runtime.poll import Fetched, Page
from lintas.core.errors import SkippableError

__all__ = ["ChangeFeedSource", "NetworkFeedSource", "TrackingClient"]


class TrackingClient(Protocol):
    """What a partner's HTTP client offers a :class:`ChangeFeedSource`."""

    @property
    def partner(self) -> str: ...

    @property
    def tracking_path(self) -> str: ...

    def changes(self, since: str | None, limit: int) -> dict[str, Any]: ...

    def track(self, tracking_number: str) -> httpx.Response: ...

    def close(self) -> None: ...


class ChangeFeedSource:
    """Pull source over a :class:`TrackingClient`; its cursor is the feed position."""

    def __init__(
        self,
        client: TrackingClient,
        *,
        page_size: int = 100,
        source_partition: dict[str, Any] | None = None,
    ) -> None:
        self.client = client
        self.partner = client.partner
        self.name = f"{client.partner}-tracking"
        self.page_size = page_size
        self.source_partition = source_partition or {"feed": "tracking-changes"}

    def fetch(self, cursor: dict[str, Any] | None) -> Page:
        since = (cursor or {}).get("since")
        feed = self.client.changes(since, self.page_size)
        items = []
        for change in feed.get("changes", []):
            number = str(change["tracking_number"])
            key = f"{self.partner}:{number}"
            try:
                response = self.client.track(number)
            except SkippableError as exc:
                items.append(Fetched(key, number, self.client.tracking_path, error=exc))
                continue
            items.append(
                Fetched(
                    key=key,
                    request_key=number,
                    source=self.client.tracking_path,
                    payload=response.content,
                    attributes={"http_status": str(response.status_code)},
                )
            )
        pending = feed.get("pending")
        return Page(
            items, {"since": feed.get("next", since)}, bool(feed.get("has_more")),
            int(pending) if isinstance(pending, (int, str)) and str(pending).isdigit() else None,
        )


class NetworkFeedSource:
    """Pull source over a partner's paged network API: each page is one RawRecord of kind
    ``network``, keyed ``<partner>:network``; the cursor is the page token."""

    def __init__(self, client: Any, *, source_partition: dict[str, Any] | None = None) -> None:
        self.client = client
        self.partner = client.partner
        self.name = f"{client.partner}-network"
        self.source_partition = source_partition or {"feed": "network"}

    def fetch(self, cursor: dict[str, Any] | None) -> Page:
        since = (cursor or {}).get("since")
        response = self.client.network(since)
        try:
            page = response.json()
            nxt, more = page.get("next", since), bool(page.get("has_more"))
        except (ValueError, AttributeError):  # the normalize step reports the payload
            nxt, more = since, False
        item = Fetched(
            key=f"{self.partner}:network",
            request_key=None,
            source=self.client.network_path,
            payload=response.content,
            kind="network",
            attributes={"http_status": str(response.status_code), "page": str(since or "0")},
        )
        return Page([item], {"since": nxt}, more)
