"""The read-only HTTP API over the view: shipments, service points, coverage.

``create_app(view, tokens=...)`` gives the Starlette app, open to bearers of a
``view:read`` token; ``lintas api serve`` runs it. The OpenAPI 3.1 document is served at
``/openapi.json``; docs/read-api.md explains the semantics.
"""

from lintas.streams.api.app import create_app
from lintas.streams.api.openapi import API_VERSION, openapi_document

__all__ = ["API_VERSION", "create_app", "openapi_document"]
