"""The OpenAPI 3.1 document of the read API, assembled from the route table."""

from __future__ import annotations

from functools import cache
from typing import Any

from lintas.streams.api.routes import ENDPOINTS, SCOPE, Endpoint
from lintas.streams.api.schemas import component_schemas

__all__ = ["API_VERSION", "openapi_document"]

API_VERSION = "1.0.0"

_REASONS = {400: "A parameter is malformed or out of range; parameter names it.",
            401: "No bearer token, or one that is not valid or was revoked.",
            403: f"The bearer token's scope is not {SCOPE}.",
            404: "Nothing matches.",
            409: "The name or number is ambiguous; candidates lists what it could mean.",
            503: "The view database cannot be read."}

_DESCRIPTION = """\
Read-only access to lintas's shared view of parcels and service points across Indonesia's
postal and courier network: shipments reconciled from every partner's events, service
points unified across partners' outlet networks, and coverage per regency or city.

Every request but /healthz needs a bearer token of scope view:read
(Authorization: Bearer <token>), from `lintas tokens create --scope view:read`.

Datetimes are ISO 8601 in UTC. Listings are paged with limit and an opaque cursor.
Every error answers {"error": "<why>"}.
"""
_SECURITY_SCHEME = "bearer"


def _json(schema: dict[str, Any], description: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def _operation(endpoint: Endpoint) -> dict[str, Any]:
    ok = ({"$ref": f"#/components/schemas/{endpoint.response}"} if endpoint.response
          else {"type": "object"})
    responses = {"200": _json(ok, endpoint.summary)}
    for status in endpoint.errors if endpoint.public else (401, 403, *endpoint.errors):
        schema = ({"$ref": "#/components/schemas/Health"} if endpoint.response == "Health"
                  else {"$ref": "#/components/schemas/Error"})
        responses[str(status)] = _json(schema, _REASONS[status])
    operation: dict[str, Any] = {
        "operationId": endpoint.operation_id,
        "summary": endpoint.summary,
        "description": endpoint.description,
        "tags": [endpoint.tag],
        "responses": responses,
    }
    if endpoint.public:
        operation["security"] = []
    if endpoint.parameters:
        operation["parameters"] = [
            {"name": p.name, "in": p.location, "required": p.required,
             "description": p.description, "schema": p.schema}
            for p in endpoint.parameters
        ]
    return operation


@cache
def openapi_document() -> dict[str, Any]:
    """The whole document (the same object on every call: do not change it)."""
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "lintas read API",
            "version": API_VERSION,
            "summary": "Shipments, service points and coverage from the lintas view.",
            "description": _DESCRIPTION,
            "license": {"name": "Apache-2.0", "identifier": "Apache-2.0"},
        },
        "tags": [{"name": name} for name in dict.fromkeys(e.tag for e in ENDPOINTS)],
        "paths": {e.path: {"get": _operation(e)} for e in ENDPOINTS},
        "security": [{_SECURITY_SCHEME: []}],
        "components": {
            "schemas": component_schemas(),
            "securitySchemes": {_SECURITY_SCHEME: {
                "type": "http", "scheme": "bearer",
                "description": f"A lintas token of scope {SCOPE}."}},
        },
    }
