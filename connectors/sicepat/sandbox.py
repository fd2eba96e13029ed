"""A sandbox of the SiCepat tracking API on 127.0.0.1, serving
:mod:`lintas.connectors.sicepat.scenarios`.

Routes, all behind the ``api-key`` header: ``GET /customer/waybill?waybill=<number>``,
``GET /customer/waybill/changes`` (the change feed) and ``GET /sandbox/expectations``.
Like SiCepat, an unknown waybill is an HTTP 200 whose body says ``code: 400``.
"""

from __future__ import annotations

import json

from lintas.connectors.sandboxes.api import PullSandbox, QueryParam, TrackingApi
from lintas.connectors.sandboxes.auth import Headers
from lintas.connectors.sicepat.scenarios import build_catalog

__all__ = ["create_app"]


def _status(code: int, description: str) -> bytes:
    return json.dumps({"sicepat": {"status": {"code": code, "description": description}}}).encode()


API = TrackingApi(
    "GET", "/customer/waybill", QueryParam("waybill", missing=_status(400, "waybill is required")),
    feed="/customer/waybill/changes",
    auth=Headers({"api-key": "api_key"}),
    not_found=_status(400, "Data tidak ditemukan"),
    refused=_status(401, "Unauthorized, invalid api-key"),
    unavailable=_status(503, "Service Unavailable"),
)

create_app = PullSandbox(API, build_catalog)
