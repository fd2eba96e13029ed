"""A sandbox of the JNE tracing API on 127.0.0.1, serving :mod:`lintas.connectors.jne.scenarios`.

Routes: ``POST /tracing/api/list/v1/cnote/{awb}`` (form fields ``username`` and
``api_key``, as JNE has it), ``GET /tracing/api/list/v1/changes`` (the change feed lintas
asks of JNE; the same username and API key as HTTP Basic, so the key never rides in a
URL) and ``GET /sandbox/expectations``.
"""

from __future__ import annotations

from lintas.connectors.jne.scenarios import build_catalog
from lintas.connectors.sandboxes.api import PathParam, PullSandbox, TrackingApi, compact_json
from lintas.connectors.sandboxes.auth import FormFields, HttpBasic

__all__ = ["create_app"]


def _error(message: str) -> bytes:
    return compact_json({"error": message, "status": False})


API = TrackingApi(
    "POST", "/tracing/api/list/v1/cnote/{awb}", PathParam("awb"),
    feed="/tracing/api/list/v1/changes",
    auth=FormFields({"username": "username", "api_key": "api_key"}),
    feed_auth=HttpBasic(user="username", password="api_key"),
    not_found=b'{"error": "Cnote No. Not Found.", "status": false}',
    refused=_error("Invalid Username or API Key."),
    unavailable=_error("Service Temporarily Unavailable"),
)

create_app = PullSandbox(API, build_catalog)
