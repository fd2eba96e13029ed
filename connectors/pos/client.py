"""The Pos Indonesia tracking API (OAuth2 client credentials): the spec of its client.

Endpoints, relative to the partner's base URL:

- ``POST /oauth2/token`` — client-credentials grant, HTTP Basic with client id/secret.
- ``POST /v1/tracking`` — ``{"barcode": "<AWB>"}`` -> the tracking body as Pos sends it.
- ``GET /v1/tracking/changes?since=<token>&limit=<n>`` — barcodes whose tracking changed,
  oldest change first (see :mod:`lintas.connectors.runtime.feed`).
- ``GET /v1/offices?since=<token>&limit=<n>`` — one page of the office network, as Pos
  sends it.
"""

from __future__ import annotations

from lintas.connectors.runtime.auth import OAuth2ClientCredentials
from lintas.connectors.runtime.client import Api, Call, JsonField

API = Api(
    "pos",
    auth=OAuth2ClientCredentials(token_path="/oauth2/token"),
    track=Call("POST", "/v1/tracking", number_in=JsonField("barcode")),
    changes=Call("GET", "/v1/tracking/changes"),
    network=Call("GET", "/v1/offices"),
)
