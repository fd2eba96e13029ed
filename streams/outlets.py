"""The state machine behind the ``match_service_points`` agent, free of Kafka.

Outlets are grouped by regency (the repartition key); each region's state holds its
nodes and a digest of every service point last sent. A node update re-matches its region
with :func:`lintas.streams.servicepoints.match_outlets` and returns what changed: new or changed
service points, and ``None`` for ids that no longer exist (tombstones). A redelivery
after a restart (an offset already applied) sends the region's service points again.
"""

from __future__ import annotations

import hashlib
from typing import Any

from lintas.connectors.regions import region_names
from lintas.schemas.codec import codec
from lintas.streams.messages import decode_region, encode_region
from lintas.streams.servicepoints import match_outlets
from lintas.streams.tables import StateTable

__all__ = ["UNLOCATED", "OutletMatcher", "region_key"]

UNLOCATED = "unlocated"


def region_key(node: dict[str, Any]) -> str:
    """The repartition key of a node: its regency code, or ``unlocated``."""
    return (node.get("region_code") or UNLOCATED)[:5]


class OutletMatcher:
    """Keeps each region's outlets and service points."""

    def __init__(self, table: StateTable) -> None:
        self.table = table
        self._codec = codec("ServicePoint")

    def _digest(self, point: dict[str, Any]) -> str:
        return hashlib.blake2b(self._codec.encode(point), digest_size=12).hexdigest()

    def apply(self, node: dict[str, Any], offset: int) -> list[tuple[str, dict[str, Any] | None]]:
        """Take one NetworkNode; return (service point id, record or None) to send."""
        region = region_key(node)
        nodes, sent, last = decode_region(self.table.get(region))
        redelivery = offset <= last and nodes.get(node["node_id"]) == node
        nodes[node["node_id"]] = node
        names = {region: region_names(region)} if region != UNLOCATED else {}
        current = match_outlets(nodes.values(), regions=names)
        digests = {spid: self._digest(point) for spid, point in current.items()}
        out: list[tuple[str, dict[str, Any] | None]] = [
            (spid, None) for spid in sorted(sent) if spid not in current
        ]
        out += [(spid, current[spid]) for spid in sorted(current)
                if redelivery or sent.get(spid) != digests[spid]]
        self.table[region] = encode_region(list(nodes.values()), digests, max(offset, last))
        return out
