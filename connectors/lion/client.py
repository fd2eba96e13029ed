"""The Lion Parcel tracking API (HTTP Basic with an API key): the spec of its client.

Every request carries HTTP Basic credentials: the account's username
(``LINTAS_LION__USERNAME``) and its API key (``LINTAS_LION__API_KEY``). Endpoints,
relative to the partner's base URL:

- ``GET /v3/stt/track?q=<stt>`` -> the tracking body as Lion sends it (HTTP 200 with
  ``stt: null`` when the STT is not known yet).
- ``GET /v3/stt/changes?since=<token>&limit=<n>`` — STT numbers whose tracking changed,
  oldest change first (see :mod:`lintas.connectors.runtime.feed`).
"""

from __future__ import annotations

from lintas.connectors.runtime.auth import HttpBasic
from lintas.connectors.runtime.client import Api, Call, Query

API = Api(
    "lion",
    auth=HttpBasic(what="API account"),
    track=Call("GET", "/v3/stt/track", number_in=Query("q")),
    changes=Call("GET", "/v3/stt/changes"),
)
