"""HTTP client of the TIKI tracking API (access token header).

Every request carries the account's access token (``LINTAS_TIKI__API_KEY``) in the
``x-access-token`` header. Endpoints, relative to the partner's base URL:

- ``POST /connote/history`` — form ``cnno=<connote>`` -> the tracking body as TIKI sends
  it (HTTP 200 with an empty ``response`` when the connote is not known yet).
- ``GET /connote/changes?since=<token>&limit=<n>`` — connotes whose tracking changed,
  oldest change first (see :mod:`lintas.connectors.runtime.feed`).
"""

from __future__ import annotations

from typing import Any

import httpx

from lintas.connectors.runtime.http import RateLimiter, check_response, with_retries
from lintas.core.errors import FatalError
from lintas.core.settings import PartnerCredentials

__all__ = ["TikiClient"]

PARTNER = "tiki"


class TikiClient:
    """Talks to the TIKI API; every call is rate limited and retried when retriable."""

    partner = PARTNER
    tracking_path = "/connote/history"
    changes_path = "/connote/changes"

    def __init__(
        self,
        credentials: PartnerCredentials,
        *,
        transport: httpx.BaseTransport | None = None,
        timeout: float = 15.0,
    ) -> None:
        if not credentials.base_url:
            raise FatalError("tiki: no API address; set LINTAS_TIKI__BASE_URL")
        if credentials.api_key is None:
            raise FatalError("tiki: no access token; set LINTAS_TIKI__API_KEY")
        headers = {"x-access-token": credentials.api_key.get_secret_value()}
        self._http = httpx.Client(base_url=credentials.base_url, timeout=timeout,
                                  transport=transport, headers=headers)
        self._limiter = RateLimiter(credentials.rate_per_second,
                                    burst=max(1, int(credentials.rate_per_second)))

    def close(self) -> None:
        """Release the connection pool."""
        self._http.close()

    def _request(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        def call() -> httpx.Response:
            self._limiter.acquire()
            return check_response(self._http.request(method, path, **kwargs), PARTNER)

        return with_retries(call)

    def track(self, connote: str) -> httpx.Response:
        """The tracking body of one connote, exactly as TIKI sent it."""
        return self._request("POST", self.tracking_path, data={"cnno": connote})

    def changes(self, since: str | None, limit: int = 100) -> dict[str, Any]:
        """One page of the change feed."""
        params: dict[str, Any] = {"limit": limit}
        if since:
            params["since"] = since
        return self._request("GET", self.changes_path, params=params).json()
