"""Pos Indonesia's office network: KCU, KC and KCP post offices, agen pos, drop points.

The office API answers pages ``{"data": [office, ...], "next": "<token>", "has_more":
bool}``; an office is ``{officeCode, officeName, officeType, address, postalCode, city,
province, latitude, longitude, status}``. Quirks: coordinates as text (sometimes with a
decimal comma) or missing, office types spelled in full or abbreviated, ``status`` as
``AKTIF``/``TIDAK AKTIF``.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from lintas.connectors.common import load_json, text
from lintas.connectors.model import Problem
from lintas.connectors.network import NetworkResult, Node, node_kind, read_coordinate
from lintas.core.errors import PayloadError

__all__ = ["parse_network"]

PARTNER = "pos"


def parse_network(payload: bytes | str | dict[str, Any], *, updated_at: datetime) -> NetworkResult:
    """Nodes of one page of the Pos office API."""
    body = load_json(payload, PARTNER)
    if not isinstance(body, dict) or not isinstance(body.get("data"), list):
        if isinstance(body, dict):
            keys = ", ".join(sorted(map(str, body))[:6])
        else:
            keys = type(body).__name__
        raise PayloadError(
            f"{PARTNER}: not a Pos office page: expected a 'data' list, found: {keys}"
        )
    result = NetworkResult()
    for index, row in enumerate(body["data"]):
        if not isinstance(row, dict):
            result.problems.append(
                Problem("InvalidNode", f"{PARTNER}: row {index}: not an object", index)
            )
            continue
        code = text(row.get("officeCode"))
        name = text(row.get("officeName"))
        if not code or not name:
            result.problems.append(
                Problem(
                    "InvalidNode", f"{PARTNER}: row {index}: no officeCode or officeName", index
                )
            )
            continue
        code = code.zfill(5) if code.isdigit() and len(code) < 5 else code
        postal = text(row.get("postalCode")) or (
            code if code.isdigit() and len(code) == 5 else None
        )
        result.nodes.append(Node(
            partner=PARTNER,
            source_id=code,
            kind=node_kind(row.get("officeType")),
            name=" ".join(name.split()),
            updated_at=updated_at,
            address=text(row.get("address")),
            postal_code=postal if postal and postal.isdigit() and len(postal) == 5 else None,
            city=text(row.get("city")),
            latitude=read_coordinate(row.get("latitude"), -11.5, 6.5),
            longitude=read_coordinate(row.get("longitude"), 94.0, 141.5),
            active=(text(row.get("status")) or "AKTIF").upper() != "TIDAK AKTIF",
        ))
    return result
