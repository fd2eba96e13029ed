"""Outlets of a partner's network (post offices, agents, drop points, hubs) as NetworkNodes.

Partners describe their networks through an API (Pos) or a CSV drop (JNE, J&T, SiCepat).
Parsers return :class:`NetworkResult`; each node becomes a NetworkNode record
(``schemas/network_node.avsc``) keyed ``partner:source_id`` on
``lintas.network-nodes.v1``.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from lintas.connectors.common import text
from lintas.connectors.model import Problem
from lintas.connectors.regions import regency_for_office_code
from lintas.connectors.statuses import normalize_code
from lintas.connectors.timezones import format_offset, zone_for_postal_code, zone_for_region_code
from lintas.core.errors import PayloadError

__all__ = ["NODE_KINDS", "NetworkResult", "Node", "parse_csv_network", "read_coordinate"]

#: Words partners use for an outlet's type -> NetworkNode kind.
NODE_KINDS: dict[str, str] = {
    "KCU": "regional_office", "KANTOR CABANG UTAMA": "regional_office",
    "KC": "branch_office", "KANTOR CABANG": "branch_office",
    "KCP": "sub_branch_office", "KANTOR CABANG PEMBANTU": "sub_branch_office",
    "AGEN": "agent", "AGEN POS": "agent", "AGENT": "agent", "MITRA": "agent",
    "DROP POINT": "drop_point", "DROPPOINT": "drop_point", "DP": "drop_point",
    "GERAI": "counter", "COUNTER": "counter", "LOKET": "counter", "OUTLET": "counter",
    "HUB": "hub", "GATEWAY": "hub", "SORTATION": "hub", "WAREHOUSE": "hub",
    "LOCKER": "locker", "LOKER": "locker",
}

#: Values of an ``active`` column that mean the outlet is closed.
_INACTIVE = ("N", "NO", "0", "TIDAK", "TIDAK AKTIF", "INACTIVE", "FALSE")


def read_coordinate(value: Any, low: float, high: float) -> float | None:
    """A latitude/longitude from a number or text (comma decimals too); None if absent
    or out of range."""
    raw = text(value)
    if raw is None:
        return None
    try:
        number = float(raw.replace(",", "."))
    except ValueError:
        return None
    return number if low <= number <= high and number != 0.0 else None


@dataclass(slots=True)
class Node:
    """One outlet as one partner describes it."""

    partner: str
    source_id: str
    kind: str
    name: str
    updated_at: datetime
    address: str | None = None
    postal_code: str | None = None
    region_code: str | None = None
    city: str | None = None
    latitude: float | None = None
    longitude: float | None = None
    active: bool = True

    @property
    def node_id(self) -> str:
        return f"{self.partner}:{self.source_id}"

    def to_record(self) -> dict[str, Any]:
        region = self.region_code or regency_for_office_code(self.postal_code, self.city)
        zone = zone_for_postal_code(self.postal_code) or zone_for_region_code(region)
        return {
            "node_id": self.node_id,
            "partner": self.partner,
            "source_id": self.source_id,
            "kind": self.kind,
            "name": self.name,
            "address": self.address,
            "postal_code": self.postal_code,
            "region_code": region,
            "city": self.city,
            "latitude": self.latitude,
            "longitude": self.longitude,
            "utc_offset": format_offset(zone) if zone else None,
            "active": self.active,
            "updated_at": self.updated_at,
        }


@dataclass(slots=True)
class NetworkResult:
    """Everything one network payload yielded."""

    nodes: list[Node] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)


def node_kind(value: Any) -> str:
    """The NetworkNode kind of a partner's outlet type; ``other`` when unknown."""
    raw = normalize_code(value or "")
    return NODE_KINDS.get(raw) or next(
        (kind for word, kind in NODE_KINDS.items() if raw.startswith(word + " ")), "other"
    )


def parse_csv_network(
    payload: bytes | str,
    partner: str,
    columns: Mapping[str, str],
    *,
    updated_at: datetime,
) -> NetworkResult:
    """Nodes of a CSV drop whose header names the columns in ``columns`` (our field ->
    the partner's header). Required: ``source_id`` and ``name``."""
    if isinstance(payload, bytes):
        try:
            payload = payload.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise PayloadError(f"{partner}: network file is not UTF-8 text") from exc
    sample = payload[:4096]
    try:
        dialect: Any = csv.Sniffer().sniff(sample, delimiters=",;\t|")
    except csv.Error:
        dialect = csv.excel
    reader = csv.DictReader(io.StringIO(payload), dialect=dialect)
    header = {normalize_code(h): h for h in (reader.fieldnames or [])}
    wanted = {ours: header.get(normalize_code(theirs)) for ours, theirs in columns.items()}
    if not wanted.get("source_id") or not wanted.get("name"):
        found = ", ".join(reader.fieldnames or []) or "none"
        raise PayloadError(
            f"{partner}: not a {partner} network file: expected columns "
            f"{columns['source_id']!r} and {columns['name']!r}, found: {found}"
        )
    result = NetworkResult()
    for index, row in enumerate(reader):
        def get(field: str, row: dict[str, Any] = row) -> str | None:
            column = wanted.get(field)
            return text(row.get(column)) if column else None

        source_id, name = get("source_id"), get("name")
        if not source_id or not name:
            result.problems.append(
                Problem("InvalidNode", f"{partner}: row {index}: no id or name", index)
            )
            continue
        postal = get("postal_code")
        result.nodes.append(Node(
            partner=partner,
            source_id=source_id,
            kind=node_kind(get("kind")),
            name=" ".join(name.split()),
            updated_at=updated_at,
            address=get("address"),
            postal_code=postal if postal and postal.isdigit() and len(postal) == 5 else None,
            city=get("city"),
            latitude=read_coordinate(get("latitude"), -11.5, 6.5),
            longitude=read_coordinate(get("longitude"), 94.0, 141.5),
            active=normalize_code(get("active") or "Y") not in _INACTIVE,
        ))
    return result
