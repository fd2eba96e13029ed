"""HTTP client of the Pos Indonesia tracking API (OAuth2 client credentials).

Endpoints, relative to the partner's base URL:

- ``POST /oauth2/token`` — client-credentials grant, HTTP Basic with client id/secret.
- ``POST /v1/tracking`` — ``{"barcode": "<AWB>"}`` -> the tracking body as Pos sends it.
- ``GET /v1/tracking/changes?since=<token>&limit=<n>`` — barcodes whose tracking changed,
  oldest change first (see :mod:`lintas.connectors.runtime.feed`).
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

import httpx

from lintas.connectors.runtime.http import RateLimiter, check_response, with_retries
from lintas.core.errors import FatalError
from lintas.core.settings import PartnerCredentials

__all__ = ["PosClient"]

PARTNER = "pos"


@dataclass
class _Token:
    value: str
    expires_at: float


class PosClient:
    """Talks to the Pos API; every call is rate limited and retried when retriable."""

    partner = PARTNER
    tracking_path = "/v1/tracking"
    network_path = "/v1/offices"

    def __init__(
        self,
        credentials: PartnerCredentials,
        *,
        transport: httpx.BaseTransport | None = None,
        timeout: float = 15.0,
    ) -> None:
        if not credentials.base_url:
            raise FatalError("pos: no API address; set LINTAS_POS__BASE_URL")
        if not credentials.client_id or credentials.client_secret is None:
            raise FatalError(
                "pos: no OAuth2 client; set LINTAS_POS__CLIENT_ID and LINTAS_POS__CLIENT_SECRET"
            )
        self._credentials = credentials
        self._http = httpx.Client(
            base_url=credentials.base_url, timeout=timeout, transport=transport
        )
        self._limiter = RateLimiter(
            credentials.rate_per_second, burst=max(1, int(credentials.rate_per_second))
        )
        self._token: _Token | None = None

    def close(self) -> None:
        self._http.close()

    def _fetch_token(self) -> _Token:
        secret = self._credentials.client_secret
        assert secret is not None
        response = self._http.post(
            "/oauth2/token",
            data={"grant_type": "client_credentials"},
            auth=(self._credentials.client_id or "", secret.get_secret_value()),
        )
        check_response(response, PARTNER)
        body = response.json()
        expires_at = time.monotonic() + float(body.get("expires_in", 3600)) - 30
        return _Token(body["access_token"], expires_at)

    def _authorized(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        def call() -> httpx.Response:
            self._limiter.acquire()
            if self._token is None or self._token.expires_at < time.monotonic():
                self._token = self._fetch_token()
            response = self._http.request(
                method, path, headers={"Authorization": f"Bearer {self._token.value}"}, **kwargs
            )
            if response.status_code == 401:  # token revoked or expired early: once more
                self._token = self._fetch_token()
                response = self._http.request(
                    method, path, headers={"Authorization": f"Bearer {self._token.value}"}, **kwargs
                )
            return check_response(response, PARTNER)

        return with_retries(call)

    def track(self, barcode: str) -> httpx.Response:
        """The tracking body of one barcode, exactly as Pos sent it."""
        return self._authorized("POST", "/v1/tracking", json={"barcode": barcode})

    def changes(self, since: str | None, limit: int = 100) -> dict[str, Any]:
        """One page of the change feed."""
        params: dict[str, Any] = {"limit": limit}
        if since:
            params["since"] = since
        return self._authorized("GET", "/v1/tracking/changes", params=params).json()

    def network(self, since: str | None, limit: int = 20) -> httpx.Response:
        """One page of the office network, exactly as Pos sent it."""
        params: dict[str, Any] = {"limit": limit}
        if since:
            params["since"] = since
        return self._authorized("GET", "/v1/offices", params=params)
