"""The SiCepat tracking API (``api-key`` header): the spec of its client.

Endpoints, relative to the partner's base URL:

- ``GET /customer/waybill?waybill=<number>`` -> the tracking body as SiCepat sends it.
- ``GET /customer/waybill/changes?since=<token>&limit=<n>`` — waybills whose tracking
  changed, oldest change first (see :mod:`lintas.connectors.runtime.feed`).
"""

from __future__ import annotations

from lintas.connectors.runtime.auth import Headers
from lintas.connectors.runtime.client import Api, Call, Query

API = Api(
    "sicepat",
    auth=Headers({"api-key": "api_key"}),
    headers={"Accept": "application/json"},
    track=Call("GET", "/customer/waybill", number_in=Query("waybill")),
    changes=Call("GET", "/customer/waybill/changes"),
)
