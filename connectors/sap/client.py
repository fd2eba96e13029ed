"""HTTP client of the SAP Express tracking API (API key header).

Every request carries the account's key (``LINTAS_SAP__API_KEY``) in the ``api_key``
header. Endpoints, relative to the partner's base URL:

- ``GET /shipment/tracking/awb?awb_no=<awb>`` -> the tracking body as SAP sends it (HTTP
  200 with an empty array when the AWB is not known yet).
- ``GET /shipment/tracking/changes?since=<token>&limit=<n>`` — AWBs whose tracking
  changed, oldest change first (see :mod:`lintas.connectors.runtime.feed`).
"""

from __future__ import annotations

from typing import Any

import httpx

from lintas.connectors.runtime.http import RateLimiter, check_response, with_retries
from lintas.core.errors import FatalError
from lintas.core.settings import PartnerCredentials

__all__ = ["SapClient"]

PARTNER = "sap"


class SapClient:
    """Talks to the SAP Express API; every call is rate limited and retried when retriable."""

    partner = PARTNER
    tracking_path = "/shipment/tracking/awb"
    changes_path = "/shipment/tracking/changes"

    def __init__(
        self,
        credentials: PartnerCredentials,
        *,
        transport: httpx.BaseTransport | None = None,
        timeout: float = 15.0,
    ) -> None:
        if not credentials.base_url:
            raise FatalError("sap: no API address; set LINTAS_SAP__BASE_URL")
        if credentials.api_key is None:
            raise FatalError("sap: no API key; set LINTAS_SAP__API_KEY")
        headers = {"api_key": credentials.api_key.get_secret_value()}
        self._http = httpx.Client(base_url=credentials.base_url, timeout=timeout,
                                  transport=transport, headers=headers)
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

    def track(self, awb: str) -> httpx.Response:
        """The tracking body of one AWB, exactly as SAP sent it."""
        return self._get(self.tracking_path, {"awb_no": awb})

    def changes(self, since: str | None, limit: int = 100) -> dict[str, Any]:
        """One page of the change feed."""
        params: dict[str, Any] = {"limit": limit}
        if since:
            params["since"] = since
        return self._get(self.changes_path, params).json()
