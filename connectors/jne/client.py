"""HTTP client of the JNE tracing API (username and API key).

Endpoints, relative to the partner's base URL:

- ``POST /tracing/api/list/v1/cnote/<AWB>`` — form ``username``, ``api_key`` -> the
  tracking body as JNE sends it.
- ``GET /tracing/api/list/v1/changes?since=<token>&limit=<n>`` — cnote numbers whose
  tracking changed, oldest change first (see :mod:`lintas.connectors.runtime.feed`); the same
  username and API key as HTTP Basic.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

import httpx

from lintas.connectors.runtime.http import RateLimiter, check_response, with_retries
from lintas.core.errors import FatalError
from lintas.core.settings import PartnerCredentials

__all__ = ["JneClient"]

PARTNER = "jne"


class JneClient:
    """Talks to the JNE API; every call is rate limited and retried when retriable."""

    partner = PARTNER
    tracking_path = "/tracing/api/list/v1/cnote"
    changes_path = "/tracing/api/list/v1/changes"

    def __init__(
        self,
        credentials: PartnerCredentials,
        *,
        transport: httpx.BaseTransport | None = None,
        timeout: float = 15.0,
    ) -> None:
        if not credentials.base_url:
            raise FatalError("jne: no API address; set LINTAS_JNE__BASE_URL")
        if not credentials.username or credentials.api_key is None:
            raise FatalError("jne: no API user; set LINTAS_JNE__USERNAME and LINTAS_JNE__API_KEY")
        self._username = credentials.username
        self._api_key = credentials.api_key
        self._http = httpx.Client(base_url=credentials.base_url, timeout=timeout,
                                  transport=transport, headers={"Accept": "application/json"})
        self._limiter = RateLimiter(credentials.rate_per_second,
                                    burst=max(1, int(credentials.rate_per_second)))

    def close(self) -> None:
        """Release the connection pool."""
        self._http.close()

    def _call(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        def call() -> httpx.Response:
            self._limiter.acquire()
            return check_response(self._http.request(method, path, **kwargs), PARTNER)

        return with_retries(call)

    def track(self, cnote: str) -> httpx.Response:
        """The tracking body of one cnote number, exactly as JNE sent it."""
        form = {"username": self._username, "api_key": self._api_key.get_secret_value()}
        return self._call("POST", f"{self.tracking_path}/{quote(cnote, safe='')}", data=form)

    def changes(self, since: str | None, limit: int = 100) -> dict[str, Any]:
        """One page of the change feed."""
        params: dict[str, Any] = {"limit": limit}
        if since:
            params["since"] = since
        auth = (self._username, self._api_key.get_secret_value())
        return self._call("GET", self.changes_path, params=params, auth=auth).json()
