"""A sandbox of the SAP Express API on 127.0.0.1, serving :mod:`lintas.connectors.sap.scenarios`.

Routes: ``GET /shipment/tracking/awb?awb_no=<awb>``, ``GET /shipment/tracking/changes``
(the change feed) and ``GET /sandbox/expectations``. Partner routes want the account's key
in the ``api_key`` header and answer 401 without it. An AWB the sandbox does not know gets
SAP's "not found": HTTP 200 with an empty array.
"""

from __future__ import annotations

from lintas.connectors.sandboxes.api import PullSandbox, QueryParam, TrackingApi, compact_json
from lintas.connectors.sandboxes.auth import Headers
from lintas.connectors.sap.scenarios import build_catalog

__all__ = ["create_app"]


def _error(message: str) -> bytes:
    return compact_json({"status": "error", "message": message})


API = TrackingApi(
    "GET", "/shipment/tracking/awb", QueryParam("awb_no", missing=_error("awb_no is required")),
    feed="/shipment/tracking/changes",
    auth=Headers({"api_key": "api_key"}),
    not_found=b"[]",
    refused=_error("Invalid api key"),
    unavailable=_error("Service Unavailable"),
)

create_app = PullSandbox(API, build_catalog)
