"""The JNE tracing API (username and API key): the spec of its client.

Endpoints, relative to the partner's base URL:

- ``POST /tracing/api/list/v1/cnote/<AWB>`` — form ``username``, ``api_key`` -> the
  tracking body as JNE sends it.
- ``GET /tracing/api/list/v1/changes?since=<token>&limit=<n>`` — cnote numbers whose
  tracking changed, oldest change first (see :mod:`lintas.connectors.runtime.feed`); the same
  username and API key as HTTP Basic.
"""

from __future__ import annotations

from lintas.connectors.runtime.auth import FormCredentials, HttpBasic
from lintas.connectors.runtime.client import Api, Call, PathSegment

API = Api(
    "jne",
    auth=HttpBasic(),
    headers={"Accept": "application/json"},
    track=Call("POST", "/tracing/api/list/v1/cnote", number_in=PathSegment(),
               auth=FormCredentials({"username": "username", "api_key": "api_key"})),
    changes=Call("GET", "/tracing/api/list/v1/changes"),
)
