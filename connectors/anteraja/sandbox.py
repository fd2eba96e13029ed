"""A sandbox of the AnterAja API on 127.0.0.1, serving :mod:`lintas.connectors.anteraja.scenarios`.

Routes: ``POST /order/tracking`` (``{"waybill_no": ...}``), ``GET /order/tracking/changes``
(the change feed) and ``GET /sandbox/expectations``. Every partner route wants the
``access-key-id`` and ``secret-access-key`` headers and answers 401 without them. A waybill
the sandbox does not know gets AnterAja's "not found": HTTP 200 with ``history: null``.
"""

from __future__ import annotations

import json

from lintas.connectors.anteraja.scenarios import build_catalog
from lintas.connectors.sandboxes.api import JsonField, PullSandbox, TrackingApi, compact_json
from lintas.connectors.sandboxes.auth import Headers

__all__ = ["create_app"]


def _answer(status: int, info: str) -> bytes:
    return compact_json({"status": status, "info": info, "content": None})


def _not_found(waybill: str) -> bytes:
    content = {"waybill_no": waybill, "history": None, "order": None}
    return json.dumps({"status": 200, "info": "OK", "content": content}).encode()


API = TrackingApi(
    "POST", "/order/tracking",
    JsonField("waybill_no", missing=_answer(400, 'body must be {"waybill_no": "..."}')),
    feed="/order/tracking/changes",
    auth=Headers({"access-key-id": "client_id", "secret-access-key": "api_key"}),
    not_found=_not_found,
    refused=_answer(401, "Unauthorized"),
    unavailable=_answer(503, "Service Unavailable"),
)

create_app = PullSandbox(API, build_catalog)
