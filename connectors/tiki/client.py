"""The TIKI tracking API (access token header): the spec of its client.

Every request carries the account's access token (``LINTAS_TIKI__API_KEY``) in the
``x-access-token`` header. Endpoints, relative to the partner's base URL:

- ``POST /connote/history`` — form ``cnno=<connote>`` -> the tracking body as TIKI sends
  it (HTTP 200 with an empty ``response`` when the connote is not known yet).
- ``GET /connote/changes?since=<token>&limit=<n>`` — connotes whose tracking changed,
  oldest change first (see :mod:`lintas.connectors.runtime.feed`).
"""

from __future__ import annotations

from lintas.connectors.runtime.auth import Headers
from lintas.connectors.runtime.client import Api, Call, FormField

API = Api(
    "tiki",
    auth=Headers({"x-access-token": "api_key"}, what="access token"),
    track=Call("POST", "/connote/history", number_in=FormField("cnno")),
    changes=Call("GET", "/connote/changes"),
)
