"""Where an outlet lives for matching: a grid of tiles, each cut into small cells.

Two outlets can only match when they are within :data:`~lintas.streams.servicepoints.REACH_METRES`
of each other, so an outlet's neighbours are found near it, never elsewhere in its regency:

- a **cell** is :data:`CELL_DEGREES` square (about 220 m): every neighbour of an outlet lies
  in its cell or the cells around it, and one cell's outlets are one entry of state;
- a **tile** is :data:`TILE_CELLS` x :data:`TILE_CELLS` cells (about 5.5 km): the key the
  matcher's messages and state are partitioned by. A tile holds the outlets inside it and,
  as read-only copies, those within :data:`HALO_METRES` of its edge, so that it sees every
  neighbour of its own outlets and the service points they form.

An outlet without coordinates can match nothing (0.2 for the postal code plus 0.3 for the
name stay under the threshold): it is kept under its postal code (else its regency) and
the core of its name instead of a tile.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from lintas.streams.servicepoints import REACH_METRES, name_core

__all__ = ["CELL_DEGREES", "HALO_METRES", "TILE_CELLS", "holders", "home", "interior",
           "located", "neighbour_cells", "tile_bounds"]

CELL_DEGREES = 0.002
TILE_CELLS = 25
HALO_METRES = 400.0
_METRES_PER_DEGREE = 111_320.0
assert CELL_DEGREES * _METRES_PER_DEGREE > REACH_METRES, "neighbours must be in adjacent cells"
assert HALO_METRES > REACH_METRES, "a tile must see the neighbours of its own outlets"


def located(node: Mapping[str, Any]) -> bool:
    """Whether the node has both coordinates."""
    return node.get("latitude") is not None and node.get("longitude") is not None


def _cell(node: Mapping[str, Any]) -> tuple[int, int]:
    return (math.floor(node["latitude"] / CELL_DEGREES),
            math.floor(node["longitude"] / CELL_DEGREES))


def _tile_of(cy: int, cx: int) -> str:
    return f"t:{cy // TILE_CELLS}:{cx // TILE_CELLS}"


def home(node: Mapping[str, Any]) -> tuple[str, str]:
    """(tile, cell) the node belongs to; for a node without coordinates ``u:<postal code
    or regency>`` and ``n:<the core of its name>``."""
    if located(node):
        cy, cx = _cell(node)
        return _tile_of(cy, cx), f"c:{cy}:{cx}"
    bucket = node.get("postal_code") or node.get("region_code") or "-"
    return f"u:{bucket}", f"n:{name_core(node['name'])}"


def _degrees(metres: float, latitude: float) -> tuple[float, float]:
    """``metres`` as (degrees of latitude, degrees of longitude) at ``latitude``."""
    lat = metres / _METRES_PER_DEGREE
    return lat, lat / max(0.01, math.cos(math.radians(latitude)))


def holders(node: Mapping[str, Any]) -> list[str]:
    """Every tile that holds the node: its home first, then the tiles within the halo."""
    tile, _ = home(node)
    if not located(node):
        return [tile]
    dlat, dlon = _degrees(HALO_METRES, node["latitude"])
    size = CELL_DEGREES * TILE_CELLS
    out = [tile]
    for ty in range(math.floor((node["latitude"] - dlat) / size),
                    math.floor((node["latitude"] + dlat) / size) + 1):
        for tx in range(math.floor((node["longitude"] - dlon) / size),
                        math.floor((node["longitude"] + dlon) / size) + 1):
            key = f"t:{ty}:{tx}"
            if key != tile:
                out.append(key)
    return out


def neighbour_cells(node: Mapping[str, Any]) -> list[str]:
    """The cells where the node's possible matches are (its own first)."""
    _, cell = home(node)
    if not located(node):
        return [cell]
    cy, cx = _cell(node)
    _, dlon = _degrees(REACH_METRES, node["latitude"])
    span = math.ceil(dlon / CELL_DEGREES)
    return [cell] + [f"c:{cy + dy}:{cx + dx}" for dy in (-1, 0, 1)
                     for dx in range(-span, span + 1) if (dy, dx) != (0, 0)]


def tile_bounds(tile: str) -> tuple[float, float, float, float]:
    """(south, west, north, east) of a tile."""
    _, ty, tx = tile.split(":")
    size = CELL_DEGREES * TILE_CELLS
    return int(ty) * size, int(tx) * size, (int(ty) + 1) * size, (int(tx) + 1) * size


def interior(node: Mapping[str, Any], tile: str) -> bool:
    """Whether ``tile`` sees every possible match of the node: the node lies within
    :data:`HALO_METRES` minus :data:`REACH_METRES` of the tile. A service point whose sources
    all do is the same in the tile as in the whole network."""
    if not located(node) or not tile.startswith("t:"):
        return True
    south, west, north, east = tile_bounds(tile)
    dlat, dlon = _degrees(HALO_METRES - REACH_METRES, node["latitude"])
    return (south - dlat <= node["latitude"] <= north + dlat
            and west - dlon <= node["longitude"] <= east + dlon)
