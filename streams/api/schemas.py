"""The JSON Schemas (OpenAPI 3.1, JSON Schema 2020-12) of what the read API answers.

Enumerations come from where lintas defines them: statuses from
:mod:`lintas.schemas.statuses`, outlet kinds from the NetworkNode Avro schema.
"""

from __future__ import annotations

from typing import Any

from lintas.schemas.statuses import Status
from lintas.streams.view.queries import node_kinds

__all__ = ["component_schemas"]

Schema = dict[str, Any]


def _ref(name: str) -> Schema:
    return {"$ref": f"#/components/schemas/{name}"}


def _obj(properties: dict[str, Schema], *, optional: tuple[str, ...] = (),
         description: str | None = None) -> Schema:
    schema: Schema = {
        "type": "object",
        "required": [name for name in properties if name not in optional],
        "properties": properties,
    }
    if description:
        schema["description"] = description
    return schema


def _nullable(type_: str, **extra: Any) -> Schema:
    return {"type": [type_, "null"], **extra}


def _array(items: Schema) -> Schema:
    return {"type": "array", "items": items}


STRING: Schema = {"type": "string"}
TIME: Schema = {"type": "string", "format": "date-time", "description": "ISO 8601, UTC"}
COUNT: Schema = {"type": "integer", "minimum": 0}
RATIO: Schema = {"type": ["number", "null"], "minimum": 0, "maximum": 1,
                 "description": "served / total, 4 decimals; null when total is 0"}


def _shipment_properties() -> dict[str, Schema]:
    return {
        "shipment_id": {"type": "string",
                        "description": "partner:tracking_number of the leg it started on"},
        "status": _ref("Status"),
        "aftership_tag": STRING,
        "delivered_at": _nullable("string", format="date-time"),
        "origin_region": _nullable("string", description="Kemendagri code"),
        "destination_region": _nullable("string", description="Kemendagri code"),
        "first_event_at": TIME,
        "last_event_at": TIME,
        "event_count": COUNT,
        "anomalies": _array(_ref("Anomaly")),
        "updated_at": {**TIME, "description": "when the view last wrote this shipment"},
        "legs": _array(_ref("Leg")),
    }


def _shipment_schemas() -> dict[str, Schema]:
    summary = _shipment_properties()
    return {
        "Status": {"type": "string", "enum": [s.value for s in Status]},
        "Anomaly": _obj({
            "kind": {"type": "string", "description": "status_regression, conflicting_terminals,"
                     " event_after_terminal, or stale (decided at read time)"},
            "detail": STRING,
            "event_ids": _array(STRING),
        }),
        "Leg": _obj({
            "partner": STRING,
            "tracking_number": STRING,
            "link_method": {"type": "string", "enum": ["origin", "explicit", "heuristic"]},
            "confidence": {"type": "number", "minimum": 0, "maximum": 1},
        }),
        "TimelineEntry": _obj({
            "event_id": STRING,
            "partner": STRING,
            "tracking_number": STRING,
            "status": _ref("Status"),
            "raw_status": STRING,
            "raw_text": STRING,
            "occurred_at": TIME,
            "utc_offset": {"type": "string", "description": "local offset, like +07:00"},
            "location_name": _nullable("string"),
        }),
        "ShipmentSummary": _obj(summary, description="A shipment without its timeline."),
        "Shipment": _obj({**summary, "timeline": _array(_ref("TimelineEntry"))}),
        "ShipmentPage": _obj({
            "region": _ref("Region"),
            "items": _array(_ref("ShipmentSummary")),
            "next_cursor": _nullable("string", description="pass as cursor for the next page"),
        }, optional=("region",)),
    }


def _point_schemas() -> dict[str, Schema]:
    kind = _ref("ServicePointKind")
    return {
        "ServicePointKind": {"type": "string", "enum": list(node_kinds())},
        "ServicePointSource": _obj({
            "node_id": STRING,
            "partner": STRING,
            "source_id": STRING,
            "name": STRING,
            "kind": kind,
            "score": {"type": "number", "minimum": 0, "maximum": 1},
        }),
        "ServicePoint": _obj({
            "service_point_id": STRING,
            "name": STRING,
            "kind": kind,
            "region_code": _nullable("string"),
            "region_name": _nullable("string"),
            "province_name": _nullable("string"),
            "postal_code": _nullable("string"),
            "latitude": _nullable("number"),
            "longitude": _nullable("number"),
            "active": {"type": "boolean"},
            "updated_at": TIME,
            "partners": _array(STRING),
            "sources": _array(_ref("ServicePointSource")),
            "distance_m": {"type": "number", "minimum": 0,
                           "description": "metres from near (only in answers to near)"},
        }, optional=("distance_m",)),
        "ServicePointPage": _obj({
            "region": _ref("Region"),
            "near": _obj({"latitude": {"type": "number"}, "longitude": {"type": "number"},
                          "radius_m": {"type": "number"}}),
            "items": _array(_ref("ServicePoint")),
            "next_cursor": _nullable("string"),
        }, optional=("region", "near")),
    }


def _tally(key: str) -> Schema:
    return _obj({key: STRING, "active": COUNT, "inactive": COUNT, "total": COUNT})


def _coverage_schemas() -> dict[str, Schema]:
    return {
        "Region": _obj({
            "code": STRING,
            "name": STRING,
            "type": {"type": "string", "description": "provinsi, kota, kabupaten, kecamatan, "
                     "desa or kelurahan"},
            "level": {"type": "integer", "minimum": 1, "maximum": 4},
            "province": _nullable("string"),
        }),
        "Village": _obj({
            "code": STRING,
            "name": STRING,
            "type": {"type": "string", "description": "desa or kelurahan"},
            "district": _nullable("string", description="the kecamatan"),
            "postal_code": STRING,
        }),
        "Coverage": _obj({
            "region": _ref("Region"),
            "service_points": _obj({
                "total": COUNT,
                "active": COUNT,
                "inactive": COUNT,
                "multi_partner": {**COUNT, "description": "active points of several partners"},
                "without_postal_code": COUNT,
                "by_partner": _array(_tally("partner")),
                "by_kind": _array(_tally("kind")),
            }),
            "postal_codes": _obj({
                "total": COUNT,
                "served_count": COUNT,
                "not_served_count": COUNT,
                "served_ratio": RATIO,
                "served": _array(STRING),
                "not_served": _array(STRING),
                "not_in_region": {**_array(STRING), "description": "postal codes of service "
                                  "points that no village of the region uses"},
            }),
            "villages": _obj({
                "total": COUNT,
                "served_count": COUNT,
                "not_served_count": COUNT,
                "served_ratio": RATIO,
                "served": _array(_ref("Village")),
                "not_served": _array(_ref("Village")),
            }),
        }),
    }


def component_schemas() -> dict[str, Schema]:
    """Every schema the document's ``components.schemas`` holds."""
    return {
        **_shipment_schemas(),
        **_point_schemas(),
        **_coverage_schemas(),
        "Health": _obj({"status": {"type": "string", "enum": ["ok", "unavailable"]}}),
        "Error": _obj({
            "error": {"type": "string", "description": "what went wrong, for people"},
            "parameter": {"type": "string", "description": "the parameter to fix (400)"},
            "candidates": {**_array({"type": "object"}),
                           "description": "what an ambiguous name or number could mean (409)"},
        }, optional=("parameter", "candidates")),
    }
