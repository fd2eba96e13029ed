"""A sandbox of the TIKI API on 127.0.0.1, serving :mod:`lintas.connectors.tiki.scenarios`.

Routes: ``POST /connote/history`` (form field ``cnno``), ``GET /connote/changes`` (the
change feed) and ``GET /sandbox/expectations``. Partner routes want the account's access
token in the ``x-access-token`` header and answer 401 without it. A connote the sandbox
does not know gets TIKI's "not found": HTTP 200 with an empty ``response``.
"""

from __future__ import annotations

from lintas.connectors.sandboxes.api import FormField, PullSandbox, TrackingApi, compact_json
from lintas.connectors.sandboxes.auth import Headers
from lintas.connectors.tiki.scenarios import build_catalog

__all__ = ["create_app"]


def _answer(status: int, message: str) -> bytes:
    return compact_json({"status": status, "message": message, "response": None})


API = TrackingApi(
    "POST", "/connote/history", FormField("cnno", missing=_answer(400, "CNNO IS REQUIRED")),
    feed="/connote/changes",
    auth=Headers({"x-access-token": "api_key"}),
    not_found=b'{"status": 200, "message": "DATA NOT FOUND", "response": []}',
    refused=_answer(401, "INVALID TOKEN"),
    unavailable=_answer(503, "SERVICE UNAVAILABLE"),
)

create_app = PullSandbox(API, build_catalog)
