"""The SAP Express tracking API (API key header): the spec of its client.

Every request carries the account's key (``LINTAS_SAP__API_KEY``) in the ``api_key``
header. Endpoints, relative to the partner's base URL:

- ``GET /shipment/tracking/awb?awb_no=<awb>`` -> the tracking body as SAP sends it (HTTP
  200 with an empty array when the AWB is not known yet).
- ``GET /shipment/tracking/changes?since=<token>&limit=<n>`` — AWBs whose tracking
  changed, oldest change first (see :mod:`lintas.connectors.runtime.feed`).
"""

from __future__ import annotations

from lintas.connectors.runtime.auth import Headers
from lintas.connectors.runtime.client import Api, Call, Query

API = Api(
    "sap",
    auth=Headers({"api_key": "api_key"}),
    track=Call("GET", "/shipment/tracking/awb", number_in=Query("awb_no")),
    changes=Call("GET", "/shipment/tracking/changes"),
)
