"""HTTP client of the AnterAja tracking API (access key headers).

Every request carries two headers: ``access-key-id`` (``LINTAS_ANTERAJA__CLIENT_ID``) and
``secret-access-key`` (``LINTAS_ANTERAJA__API_KEY``). Endpoints, relative to the partner's
base URL:

- ``POST /order/tracking`` — ``{"waybill_no": "<waybill>"}`` -> the tracking body as
  AnterAja sends it (HTTP 200 with ``history: null`` when the waybill is not known yet).
- ``GET /order/tracking/changes?since=<token>&limit=<n>`` — waybills whose tracking
  changed, oldest change first (see :mod:`lintas.connectors.runtime.feed`).
"""

from __future__ import annotations

from typing import Any

import httpx

from lintas.connectors.runtime.http import RateLimiter, check_response, with_retries
from lintas.core.errors import FatalError
from lintas.core.settings import PartnerCredentials

__all__ = ["AnterajaClient"]

PARTNER = "anteraja"


class AnterajaClient:
    """Talks to the AnterAja API; every call is rate limited and retried when retriable."""

    partner = PARTNER
    tracking_path = "/order/tracking"
    changes_path = "/order/tracking/changes"

    def __init__(
        self,
        credentials: PartnerCredentials,
        *,
        transport: httpx.BaseTransport | None = None,
        timeout: float = 15.0,
    ) -> None:
        if not credentials.base_url:
            raise FatalError("anteraja: no API address; set LINTAS_ANTERAJA__BASE_URL")
        if not credentials.client_id or credentials.api_key is None:
            raise FatalError("anteraja: no access key; set LINTAS_ANTERAJA__CLIENT_ID and "
                             "LINTAS_ANTERAJA__API_KEY")
        headers = {
            "access-key-id": credentials.client_id,
            "secret-access-key": credentials.api_key.get_secret_value(),
        }
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

    def track(self, waybill: str) -> httpx.Response:
        """The tracking body of one waybill, exactly as AnterAja sent it."""
        return self._request("POST", self.tracking_path, json={"waybill_no": waybill})

    def changes(self, since: str | None, limit: int = 100) -> dict[str, Any]:
        """One page of the change feed."""
        params: dict[str, Any] = {"limit": limit}
        if since:
            params["since"] = since
        return self._request("GET", self.changes_path, params=params).json()
