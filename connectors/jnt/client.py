"""HTTP client of the J&T Express tracking API (HTTP Basic with username and API key).

Endpoints, relative to the partner's base URL:

- ``POST /jandt_track/track`` — ``{"awb": "<AWB>", "eccompanyid": "<username>"}`` -> the
  tracking body as J&T sends it (in Indonesian, J&T's default; ``lang`` asks otherwise).
- ``GET /jandt_track/track/changes?since=<token>&limit=<n>`` — AWBs whose tracking
  changed, oldest change first (see :mod:`lintas.connectors.runtime.feed`).
"""

from __future__ import annotations

from typing import Any

import httpx

from lintas.connectors.runtime.http import RateLimiter, check_response, with_retries
from lintas.core.errors import FatalError
from lintas.core.settings import PartnerCredentials

__all__ = ["JntClient"]

PARTNER = "jnt"


class JntClient:
    """Talks to the J&T API; every call is rate limited and retried when retriable."""

    partner = PARTNER
    tracking_path = "/jandt_track/track"
    changes_path = "/jandt_track/track/changes"

    def __init__(
        self,
        credentials: PartnerCredentials,
        *,
        transport: httpx.BaseTransport | None = None,
        timeout: float = 15.0,
        language: str | None = None,
    ) -> None:
        if not credentials.base_url:
            raise FatalError("jnt: no API address; set LINTAS_JNT__BASE_URL")
        if not credentials.username or credentials.api_key is None:
            raise FatalError("jnt: no API user; set LINTAS_JNT__USERNAME and LINTAS_JNT__API_KEY")
        self._username = credentials.username
        self._language = language
        auth = httpx.BasicAuth(credentials.username, credentials.api_key.get_secret_value())
        self._http = httpx.Client(base_url=credentials.base_url, timeout=timeout,
                                  transport=transport, auth=auth)
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

    def track(self, awb: str) -> httpx.Response:
        """The tracking body of one AWB, exactly as J&T sent it."""
        body: dict[str, Any] = {"awb": awb, "eccompanyid": self._username}
        if self._language:
            body["lang"] = self._language
        return self._call("POST", self.tracking_path, json=body)

    def changes(self, since: str | None, limit: int = 100) -> dict[str, Any]:
        """One page of the change feed."""
        params: dict[str, Any] = {"limit": limit}
        if since:
            params["since"] = since
        return self._call("GET", self.changes_path, params=params).json()
