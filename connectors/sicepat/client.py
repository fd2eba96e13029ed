"""HTTP client of the SiCepat tracking API (``api-key`` header).

Endpoints, relative to the partner's base URL:

- ``GET /customer/waybill?waybill=<number>`` -> the tracking body as SiCepat sends it.
- ``GET /customer/waybill/changes?since=<token>&limit=<n>`` — waybills whose tracking
  changed, oldest change first (see :mod:`lintas.connectors.runtime.feed`).
"""

from __future__ import annotations

from typing import Any

import httpx

from lintas.connectors.runtime.http import RateLimiter, check_response, with_retries
from lintas.core.errors import FatalError
from lintas.core.settings import PartnerCredentials

__all__ = ["SicepatClient"]

PARTNER = "sicepat"


class SicepatClient:
    """Talks to the SiCepat API; every call is rate limited and retried when retriable."""

    partner = PARTNER
    tracking_path = "/customer/waybill"
    changes_path = "/customer/waybill/changes"

    def __init__(
        self,
        credentials: PartnerCredentials,
        *,
        transport: httpx.BaseTransport | None = None,
        timeout: float = 15.0,
    ) -> None:
        if not credentials.base_url:
            raise FatalError("sicepat: no API address; set LINTAS_SICEPAT__BASE_URL")
        if credentials.api_key is None:
            raise FatalError("sicepat: no API key; set LINTAS_SICEPAT__API_KEY")
        self._http = httpx.Client(
            base_url=credentials.base_url, timeout=timeout, transport=transport,
            headers={"api-key": credentials.api_key.get_secret_value(),
                     "Accept": "application/json"},
        )
        self._limiter = RateLimiter(credentials.rate_per_second,
                                    burst=max(1, int(credentials.rate_per_second)))

    def close(self) -> None:
        """Release the connection pool."""
        self._http.close()

    def _get(self, path: str, params: dict[str, Any]) -> httpx.Response:
        def call() -> httpx.Response:
            self._limiter.acquire()
            return check_response(self._http.get(path, params=params), PARTNER)

        return with_retries(call)

    def track(self, waybill: str) -> httpx.Response:
        """The tracking body of one waybill, exactly as SiCepat sent it."""
        return self._get(self.tracking_path, {"waybill": waybill})

    def changes(self, since: str | None, limit: int = 100) -> dict[str, Any]:
        """One page of the change feed."""
        params: dict[str, Any] = {"limit": limit}
        if since:
            params["since"] = since
        return self._get(self.changes_path, params).json()
