"""Service-point matching as it was before it went spatial (until November 2026): one
state entry per regency holding all its outlets, and every outlet update re-matching the
whole regency. Kept only so the benchmark can measure one update against it."""

from __future__ import annotations

import hashlib
import io
from functools import cache
from typing import Any

import fastavro

from lintas.connectors.regions import region_names
from lintas.schemas.codec import codec, load_schema
from lintas.streams.servicepoints import match_outlets

__all__ = ["RegencyMatcher"]


@cache
def _schema() -> Any:
    return fastavro.parse_schema({
        "type": "record", "name": "RegionOutlets", "namespace": "id.lintas.internal",
        "fields": [
            {"name": "nodes", "type": {"type": "array", "items": load_schema("NetworkNode")}},
            {"name": "points", "type": {"type": "map", "values": "string"}},
            {"name": "offset", "type": "long", "default": -1},
        ],
    })


class RegencyMatcher:
    """The regency's nodes and the digests of the points last sent, in one entry."""

    def __init__(self) -> None:
        self.table: dict[str, bytes] = {}
        self._codec = codec("ServicePoint")

    def _digest(self, point: dict[str, Any]) -> str:
        return hashlib.blake2b(self._codec.encode(point), digest_size=12).hexdigest()

    def _save(self, region: str, nodes: list[dict[str, Any]], sent: dict[str, str],
              offset: int) -> None:
        buffer = io.BytesIO()
        fastavro.schemaless_writer(buffer, _schema(),
                                   {"nodes": nodes, "points": sent, "offset": offset})
        self.table[region] = buffer.getvalue()

    def load(self, region: str, nodes: list[dict[str, Any]]) -> None:
        """Start from a regency that already holds ``nodes`` and sent their points."""
        points = match_outlets(nodes, regions={region: region_names(region)})
        self._save(region, nodes, {k: self._digest(p) for k, p in points.items()}, 0)

    def apply(self, node: dict[str, Any], offset: int) -> list[tuple[str, Any]]:
        """One node update, as ``match_service_points`` did it."""
        region = (node.get("region_code") or "unlocated")[:5]
        r: Any = fastavro.schemaless_reader(io.BytesIO(self.table[region]), _schema())
        nodes = {n["node_id"]: n for n in r["nodes"]}
        sent, last = dict(r["points"]), r["offset"]
        nodes[node["node_id"]] = node
        current = match_outlets(nodes.values(), regions={region: region_names(region)})
        digests = {spid: self._digest(point) for spid, point in current.items()}
        out: list[tuple[str, Any]] = [(spid, None) for spid in sorted(sent) if spid not in current]
        out += [(spid, current[spid]) for spid in sorted(current)
                if sent.get(spid) != digests[spid]]
        self._save(region, list(nodes.values()), digests, max(offset, last))
        return out
