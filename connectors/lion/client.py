"""HTTP client of the Lion Parcel tracking API (HTTP Basic with an API key).

Every request carries HTTP Basic credentials: the account's username
(``LINTAS_LION__USERNAME``) and its API key (``LINTAS_LION__API_KEY``). Endpoints,
relative to the partner's base URL:

- ``GET /v3/stt/track?q=<stt>`` -> the tracking body as Lion sends it (HTTP 200 with
  ``stt: null`` when the STT is not known yet).
- ``GET /v3/stt/changes?since=<token>&limit=<n>`` — STT numbers whose tracking changed,
  oldest change first (see :mod:`lintas.connectors.runtime.feed`).
"""

from __future__ import annotations

from typing import Any

import httpx

from lintas.connectors.runtime.http import RateLimiter, check_response, with_retries
from lintas.core.errors import FatalError
from lintas.core.settings import PartnerCredentials

__all__ = ["LionClient"]

PARTNER = "lion"


class LionClient:
    """Talks to the Lion Parcel API; every call is rate limited and retried when retriable."""

    partner = PARTNER
    tracking_path = "/v3/stt/track"
    changes_path = "/v3/stt/changes"

    def __init__(
        self,
        credentials: PartnerCredentials,
        *,
        transport: httpx.BaseTransport | None = None,
        timeout: float = 15.0,
    ) -> None:
        if not credentials.base_url:
            raise FatalError("lion: no API address; set LINTAS_LION__BASE_URL")
        if not credentials.username or credentials.api_key is None:
            raise FatalError(
                "lion: no API account; set LINTAS_LION__USERNAME and LINTAS_LION__API_KEY"
            )
        auth = httpx.BasicAuth(credentials.username, credentials.api_key.get_secret_value())
        self._http = httpx.Client(base_url=credentials.base_url, timeout=timeout,
                                  transport=transport, auth=auth)
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

    def track(self, stt: str) -> httpx.Response:
        """The tracking body of one STT number, exactly as Lion sent it."""
        return self._get(self.tracking_path, {"q": stt})

    def changes(self, since: str | None, limit: int = 100) -> dict[str, Any]:
        """One page of the change feed."""
        params: dict[str, Any] = {"limit": limit}
        if since:
            params["since"] = since
        return self._get(self.changes_path, params).json()
