"""The J&T Express tracking API (HTTP Basic with username and API key): the spec of its client.

Endpoints, relative to the partner's base URL:

- ``POST /jandt_track/track`` — ``{"awb": "<AWB>", "eccompanyid": "<username>"}`` -> the
  tracking body as J&T sends it (in Indonesian, J&T's default; ``lang`` asks otherwise).
- ``GET /jandt_track/track/changes?since=<token>&limit=<n>`` — AWBs whose tracking
  changed, oldest change first (see :mod:`lintas.connectors.runtime.feed`).
"""

from __future__ import annotations

from lintas.connectors.runtime.auth import HttpBasic
from lintas.connectors.runtime.client import Api, Call, JsonField

API = Api(
    "jnt",
    auth=HttpBasic(),
    track=Call("POST", "/jandt_track/track", number_in=JsonField("awb"),
               from_credentials={"eccompanyid": "username"}, options=("lang",)),
    changes=Call("GET", "/jandt_track/track/changes"),
)
