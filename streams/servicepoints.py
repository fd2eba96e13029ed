"""Unifying outlets across partners into service points: a pure function per region.

The same shop can be an agen pos and a JNE agent; each partner's network feed names it
differently, gives its own id and coordinates a few metres apart. Two nodes of different
partners in one regency are the same place when their score reaches :data:`THRESHOLD`:

    score = 0.5 * nearness + 0.2 * same postal code + 0.3 * name similarity

``nearness`` is 1 at the same spot and falls to 0 at :data:`FAR_METRES`; without
coordinates on both sides it is 0 and the postal code and name must carry the match.
``name similarity`` compares the names with the partners' own words (AGEN POS, JNE, KCP,
…) removed. Matched nodes form a service point (transitively); its id is
``sp:<smallest node id>`` and every source keeps its best score.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from rapidfuzz import fuzz

__all__ = ["FAR_METRES", "REACH_METRES", "THRESHOLD", "match_outlets", "name_core", "pair_score",
           "service_point"]

THRESHOLD = 0.7
FAR_METRES = 300.0
#: The farthest apart two nodes can be and still match: with the same postal code and the
#: same name (0.5), nearness must bring the rest; scores are rounded to 0.001.
REACH_METRES = FAR_METRES * (1 - (THRESHOLD - 0.5 - 0.0005) / 0.5)

_PARTNER_WORDS = re.compile(
    r"\b(AGEN(T)?|POS|KANTOR|CABANG|PEMBANTU|KCU|KCP|KC|DROP ?POINT|DP|JNE|J&T|JNT|EXPRESS|"
    r"SICEPAT|ANTERAJA|LION|PARCEL|TIKI|SAP|NINJA|XPRESS|ID|GERAI|OUTLET|MITRA|COUNTER|LOKET)\b"
)
_KIND_RANK = {"regional_office": 0, "branch_office": 1, "sub_branch_office": 2, "hub": 3,
              "counter": 4, "agent": 5, "drop_point": 6, "locker": 7, "other": 8}


def name_core(name: str) -> str:
    """An outlet name without the partners' words, for comparison."""
    core = _PARTNER_WORDS.sub(" ", name.upper().replace(".", " "))
    return " ".join(core.split())


def _metres(a: Mapping[str, Any], b: Mapping[str, Any]) -> float | None:
    if None in (a.get("latitude"), a.get("longitude"), b.get("latitude"), b.get("longitude")):
        return None
    lat1, lon1, lat2, lon2 = map(math.radians, (a["latitude"], a["longitude"],
                                                 b["latitude"], b["longitude"]))
    h = (
        math.sin((lat2 - lat1) / 2) ** 2
        + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    )
    return 2 * 6_371_000 * math.asin(math.sqrt(h))


def pair_score(a: Mapping[str, Any], b: Mapping[str, Any]) -> float:
    """How likely two nodes are one outlet (0..1)."""
    distance = _metres(a, b)
    nearness = 0.0 if distance is None else max(0.0, 1 - distance / FAR_METRES)
    postal = 1.0 if a.get("postal_code") and a.get("postal_code") == b.get("postal_code") else 0.0
    names = fuzz.token_set_ratio(name_core(a["name"]), name_core(b["name"])) / 100
    return round(0.5 * nearness + 0.2 * postal + 0.3 * names, 3)


_CELL = 0.004  # degrees, about 440 m: neighbours within FAR_METRES share a 3x3 block


def _candidate_pairs(items: list[Mapping[str, Any]]) -> set[tuple[str, str]]:
    """Pairs worth scoring: same postal code, or coordinates in neighbouring cells."""
    blocks: dict[tuple[Any, ...], list[str]] = {}
    for node in items:
        if node.get("postal_code"):
            blocks.setdefault(("postal", node["postal_code"]), []).append(node["node_id"])
        if node.get("latitude") is not None and node.get("longitude") is not None:
            cell = (math.floor(node["latitude"] / _CELL), math.floor(node["longitude"] / _CELL))
            blocks.setdefault(("cell", *cell), []).append(node["node_id"])
    pairs: set[tuple[str, str]] = set()
    for key, members in blocks.items():
        neighbours = list(members)
        if key[0] == "cell":
            for dy in (-1, 0, 1):
                for dx in (-1, 0, 1):
                    if (dy, dx) != (0, 0):
                        neighbours += blocks.get(("cell", key[1] + dy, key[2] + dx), [])
        for a in members:
            for b in neighbours:
                if a < b:
                    pairs.add((a, b))
                elif b < a:
                    pairs.add((b, a))
    return pairs


def _union(items: list[Mapping[str, Any]]) -> tuple[dict[str, str], dict[str, float]]:
    """(node id -> the id its group is rooted at, node id -> its best match score): nodes
    of different partners whose pair scores at least :data:`THRESHOLD` share a group."""
    parent = {n["node_id"]: n["node_id"] for n in items}
    best: dict[str, float] = {}

    def find(x: str) -> str:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    by_id = {n["node_id"]: n for n in items}
    for left, right in sorted(_candidate_pairs(items)):
        a, b = by_id[left], by_id[right]
        if a["partner"] == b["partner"]:
            continue
        score = pair_score(a, b)
        if score >= THRESHOLD:
            ra, rb = find(left), find(right)
            if ra != rb:
                parent[max(ra, rb)] = min(ra, rb)
            for node in (left, right):
                best[node] = max(best.get(node, 0.0), score)
    return {node: find(node) for node in parent}, best


def _mean(members: Sequence[Mapping[str, Any]], field: str) -> float | None:
    located = [n[field] for n in members if n.get("latitude") is not None]
    return round(sum(located) / len(located), 6) if located else None


def service_point(
    members: Sequence[Mapping[str, Any]], best: Mapping[str, float],
    regions: Mapping[str, tuple[str | None, str | None]],
) -> dict[str, Any]:
    """The ServicePoint record of one group of matched nodes (in node id order), with each
    node's best match score and the names of regions."""
    anchor = min(members, key=lambda n: (_KIND_RANK.get(n["kind"], 9), n["node_id"]))
    region = anchor.get("region_code")
    names = regions.get(region or "", (None, None))
    return {
        "service_point_id": f"sp:{min(n['node_id'] for n in members)}",
        "name": anchor["name"],
        "kind": anchor["kind"],
        "region_code": region,
        "region_name": names[0],
        "province_name": names[1],
        "postal_code": anchor.get("postal_code") or next(
            (n["postal_code"] for n in members if n.get("postal_code")), None),
        "latitude": _mean(members, "latitude"),
        "longitude": _mean(members, "longitude"),
        "active": any(n.get("active", True) for n in members),
        "sources": [
            {"node_id": n["node_id"], "partner": n["partner"], "source_id": n["source_id"],
             "name": n["name"], "kind": n["kind"],
             "score": 1.0 if n is anchor or len(members) == 1 else best.get(n["node_id"], 0.0)}
            for n in members
        ],
        "updated_at": max(n["updated_at"] for n in members),
    }


def match_outlets(
    nodes: Iterable[Mapping[str, Any]],
    *,
    regions: Mapping[str, tuple[str | None, str | None]] | None = None,
) -> dict[str, dict[str, Any]]:
    """Service points (ServicePoint records by id) of the nodes of one region.

    ``regions`` maps a region code to (regency name, province name) for enrichment. A
    service point's ``updated_at`` is the newest of its sources'.
    """
    items = sorted(nodes, key=lambda n: n["node_id"])
    roots, best = _union(items)
    groups: dict[str, list[Mapping[str, Any]]] = {}
    for node in items:
        groups.setdefault(roots[node["node_id"]], []).append(node)
    points = (service_point(members, best, regions or {}) for members in groups.values())
    return {point["service_point_id"]: point for point in points}
