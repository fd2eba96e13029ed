"""A sandbox of the Lion Parcel API on 127.0.0.1, serving :mod:`lintas.connectors.lion.scenarios`.

Routes: ``GET /v3/stt/track?q=<stt>``, ``GET /v3/stt/changes`` (the change feed) and
``GET /sandbox/expectations``. Partner routes want HTTP Basic with the account's username
and API key and answer 401 without them. An STT the sandbox does not know gets Lion's
"not found": HTTP 200 with ``stt: null``.
"""

from __future__ import annotations

from lintas.connectors.lion.scenarios import build_catalog
from lintas.connectors.sandboxes.api import PullSandbox, QueryParam, TrackingApi, compact_json
from lintas.connectors.sandboxes.auth import HttpBasic

__all__ = ["create_app"]


def _error(message: str) -> bytes:
    return compact_json({"success": False, "message": message})


API = TrackingApi(
    "GET", "/v3/stt/track",
    QueryParam("q", missing=_error("parameter q (STT number) is required")),
    feed="/v3/stt/changes",
    auth=HttpBasic(user="username", password="api_key"),
    not_found=b'{"stt": null, "history": null, "message": "STT tidak ditemukan"}',
    refused=_error("Unauthorized"),
    unavailable=_error("Service Unavailable"),
)

create_app = PullSandbox(API, build_catalog)
