"""The AnterAja tracking API (access key headers): the spec of its client.

Every request carries two headers: ``access-key-id`` (``LINTAS_ANTERAJA__CLIENT_ID``) and
``secret-access-key`` (``LINTAS_ANTERAJA__API_KEY``). Endpoints, relative to the partner's
base URL:

- ``POST /order/tracking`` — ``{"waybill_no": "<waybill>"}`` -> the tracking body as
  AnterAja sends it (HTTP 200 with ``history: null`` when the waybill is not known yet).
- ``GET /order/tracking/changes?since=<token>&limit=<n>`` — waybills whose tracking
  changed, oldest change first (see :mod:`lintas.connectors.runtime.feed`).
"""

from __future__ import annotations

from lintas.connectors.runtime.auth import Headers
from lintas.connectors.runtime.client import Api, Call, JsonField

API = Api(
    "anteraja",
    auth=Headers({"access-key-id": "client_id", "secret-access-key": "api_key"},
                 what="access key"),
    track=Call("POST", "/order/tracking", number_in=JsonField("waybill_no")),
    changes=Call("GET", "/order/tracking/changes"),
)
