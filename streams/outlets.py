"""The state machines behind ``place_outlets`` and ``match_service_points``, free of Kafka.

Matching is spatial (:mod:`lintas.streams.outletgrid`): an outlet's possible matches lie
within :data:`~lintas.streams.servicepoints.REACH_METRES`, so its neighbours are in its
cell and the cells around it, whatever the size of its regency.

:class:`OutletPlacer` (keyed by node id) remembers where each node is and sends it to every
tile that holds it (``place``), and ``drop`` to the tiles it left. :class:`OutletMatcher`
(keyed by tile) keeps a tile's nodes one cell per state entry. A node update re-matches
only the groups it was and is part of (found by scoring the nodes of the cells around each
member), and the tile sends the service points named by its own nodes that changed and
tombstones for those that no longer exist. A service point's id is ``sp:<smallest node id
of its group>``; it is sent by the tile holding that node as its own, which sees every
neighbour of every source within :data:`~lintas.streams.outletgrid.HALO_METRES` minus
``REACH_METRES`` of the tile: then the point is the one :func:`match_outlets` finds in the
whole network (:meth:`OutletMatcher.unverified` counts the groups that reach further).

A redelivery (a node version the state already holds) sends the points of the node's group
again, which a crash may have lost. :class:`OutletNetwork` runs both in one process
(replay, tests, the benchmark).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from lintas.connectors.regions import region_names
from lintas.schemas.codec import codec
from lintas.streams.messages import decode_outlet, encode_outlet
from lintas.streams.outletgrid import holders, home, interior, neighbour_cells
from lintas.streams.servicepoints import THRESHOLD, pair_score, service_point
from lintas.streams.tables import StateTable

__all__ = ["OutletMatcher", "OutletNetwork", "OutletPlacer", "Sent"]

#: (service point id, its record or None for a tombstone)
Sent = tuple[str, "dict[str, Any] | None"]


class OutletPlacer:
    """Sends each node to the tiles that hold it; keeps, per node id, where it was."""

    def __init__(self, table: StateTable) -> None:
        self.table = table

    def apply(self, node_id: str, node: dict[str, Any] | None,
              version: int) -> list[tuple[str, dict[str, Any]]]:
        """Take one NetworkNode (None: the node left its network); return (tile, message)."""
        data = self.table.get(node_id)
        before = decode_outlet("home", data) if data else None
        previous = before["cell"] if before else None
        old_tiles = before["tiles"] if before else []
        if before and before["version"] > version:
            return []  # an older record than the one applied
        out: list[tuple[str, dict[str, Any]]] = []
        tiles = holders(node) if node is not None else []
        moved = before is not None and node is not None and before["home"] != tiles[0]
        for tile in old_tiles:
            if tile not in tiles:
                out.append((tile, _message("drop", node_id, version, None, previous,
                                           deleted=node is None)))
        for tile in tiles:
            out.append((tile, _message("place", node_id, version, node, previous,
                                       home_moved=moved and tile == tiles[0])))
        if node is None:
            self.table.pop(node_id, None)
        else:
            self.table[node_id] = encode_outlet("home", {
                "version": version, "home": tiles[0], "cell": home(node)[1], "tiles": tiles})
        return out


def _message(kind: str, node_id: str, version: int, node: dict[str, Any] | None,
             previous: str | None, *, home_moved: bool = False,
             deleted: bool = False) -> dict[str, Any]:
    return {"kind": kind, "node_id": node_id, "version": version, "node": node,
            "previous_cell": previous, "home_moved": home_moved, "deleted": deleted}


@dataclass(slots=True)
class _Held:
    node: dict[str, Any]
    version: int
    sent: str | None  # digest of sp:<this node> as last sent by this tile


class _TileView:
    """The cells of one tile that a step reads, decoded once; changed ones written back."""

    def __init__(self, table: StateTable, tile: str) -> None:
        self.table, self.tile = table, tile
        self.cells: dict[str, dict[str, _Held]] = {}
        self.dirty: set[str] = set()

    def cell(self, cell: str) -> dict[str, _Held]:
        if cell not in self.cells:
            data = self.table.get(f"{self.tile}/{cell}")
            held = decode_outlet("cell", data)["nodes"] if data else []
            self.cells[cell] = {h["node"]["node_id"]: _Held(h["node"], h["version"], h["sent"])
                                for h in held}
        return self.cells[cell]

    def find(self, node_id: str, cell: str | None) -> _Held | None:
        return self.cell(cell).get(node_id) if cell else None

    def put(self, held: _Held) -> None:
        cell = home(held.node)[1]
        self.cell(cell)[held.node["node_id"]] = held
        self.dirty.add(cell)

    def remove(self, node_id: str, cell: str) -> None:
        self.cell(cell).pop(node_id, None)
        self.dirty.add(cell)

    def touch(self, held: _Held) -> None:
        self.dirty.add(home(held.node)[1])

    def neighbours(self, node: dict[str, Any]) -> Iterable[_Held]:
        for cell in neighbour_cells(node):
            yield from self.cell(cell).values()

    def owns(self, held: _Held) -> bool:
        return home(held.node)[0] == self.tile

    def save(self) -> None:
        for cell in sorted(self.dirty):
            nodes = [{"node": h.node, "version": h.version, "sent": h.sent}
                     for _, h in sorted(self.cells[cell].items())]
            if nodes:
                self.table[f"{self.tile}/{cell}"] = encode_outlet("cell", {"nodes": nodes})
            else:
                self.table.pop(f"{self.tile}/{cell}", None)


@dataclass
class _Group:
    members: dict[str, _Held]
    best: dict[str, float]


def _group(view: _TileView, start: _Held) -> _Group:
    """The nodes matched with ``start``, transitively, and each one's best score."""
    members = {start.node["node_id"]: start}
    best: dict[str, float] = {}
    frontier = [start]
    while frontier:
        held = frontier.pop()
        a = held.node
        for other in view.neighbours(a):
            b = other.node
            if b["partner"] == a["partner"]:
                continue
            left, right = (a, b) if a["node_id"] < b["node_id"] else (b, a)
            score = pair_score(left, right)
            if score < THRESHOLD:
                continue
            for node_id in (a["node_id"], b["node_id"]):
                best[node_id] = max(best.get(node_id, 0.0), score)
            if b["node_id"] not in members:
                members[b["node_id"]] = other
                frontier.append(other)
    return _Group(members, best)


class OutletMatcher:
    """Keeps each tile's nodes and sends the service points they name."""

    def __init__(self, table: StateTable) -> None:
        self.table = table
        self._codec = codec("ServicePoint")
        #: groups sent whose sources reach past what the tile sees (see the module doc)
        self.unverified = 0

    def _digest(self, point: dict[str, Any]) -> str:
        return hashlib.blake2b(self._codec.encode(point), digest_size=12).hexdigest()

    def apply(self, tile: str, message: dict[str, Any]) -> list[Sent]:
        """Take one OutletMessage for ``tile``; return the service points to send."""
        view = _TileView(self.table, tile)
        node_id, version, node = message["node_id"], message["version"], message["node"]
        old = view.find(node_id, message["previous_cell"])
        if old is not None and old.version > version:
            return []
        if message["kind"] == "drop":
            if old is None:  # already applied: a deleted node's tombstone may be lost
                return [(f"sp:{node_id}", None)] if message["deleted"] else []
            return self._drop(view, old, deleted=message["deleted"])
        assert node is not None
        again = old is not None and old.version == version and old.node == node
        before = _group(view, old).members if old is not None else {}
        if old is not None:
            view.remove(node_id, home(old.node)[1])
        held = _Held(node, version, old.sent if old is not None else None)
        view.put(held)
        out = self._rematch(view, [h for k, h in before.items() if k != node_id] + [held],
                            again=again)
        if message["home_moved"] and view.owns(held) and held.sent is None:
            out.append((f"sp:{node_id}", None))  # its old tile may have sent it
        view.save()
        return out

    def _drop(self, view: _TileView, old: _Held, *, deleted: bool) -> list[Sent]:
        node_id = old.node["node_id"]
        before = _group(view, old).members
        view.remove(node_id, home(old.node)[1])
        out = self._rematch(view, [h for k, h in before.items() if k != node_id], again=False)
        if old.sent is not None and deleted:
            out.append((f"sp:{node_id}", None))
        view.save()
        return out

    def _rematch(self, view: _TileView, nodes: list[_Held], *, again: bool) -> list[Sent]:
        """Group ``nodes`` anew; send what changed for the points this tile names."""
        out: list[Sent] = []
        done: set[str] = set()
        for start in sorted(nodes, key=lambda h: h.node["node_id"]):
            if start.node["node_id"] in done:
                continue
            group = _group(view, start)
            done |= set(group.members)
            anchor_id = min(group.members)
            for node_id, held in sorted(group.members.items()):
                if node_id != anchor_id and held.sent is not None:
                    if view.owns(held):
                        out.append((f"sp:{node_id}", None))
                    held.sent = None
                    view.touch(held)
            out += self._send(view, group, anchor_id, again=again)
        return out

    def _send(self, view: _TileView, group: _Group, anchor_id: str, *,
              again: bool) -> list[Sent]:
        anchor = group.members[anchor_id]
        if not view.owns(anchor):
            if anchor.sent is not None:  # its home moved: the new tile sends it now
                anchor.sent = None
                view.touch(anchor)
            return []
        members = [group.members[k].node for k in sorted(group.members)]
        if not all(interior(n, view.tile) for n in members):
            self.unverified += 1
        region = anchor.node.get("region_code")
        point = service_point(members, group.best, {region: region_names(region)} if region else {})
        digest = self._digest(point)
        if digest == anchor.sent and not again:
            return []
        anchor.sent = digest
        view.touch(anchor)
        return [(f"sp:{anchor_id}", point)]


class OutletNetwork:
    """Both steps in one process, each message delivered in the order it was sent."""

    def __init__(self) -> None:
        self.homes: dict[str, bytes] = {}
        self.tiles: dict[str, bytes] = {}
        self.placer = OutletPlacer(self.homes)
        self.matcher = OutletMatcher(self.tiles)

    def apply(self, node_id: str, node: dict[str, Any] | None, version: int) -> list[Sent]:
        """Take one NetworkNode record (None: a tombstone); return the points sent."""
        out: list[Sent] = []
        for tile, message in self.placer.apply(node_id, node, version):
            out += self.matcher.apply(tile, message)
        return out

    def points(self, records: Iterable[tuple[str, dict[str, Any] | None]]) -> dict[str, Any]:
        """Apply ``records`` (node id, node) in order; the service points by id as a
        compacted topic would hold them (tombstones removed)."""
        points: dict[str, Any] = {}
        for version, (node_id, node) in enumerate(records):
            for spid, point in self.apply(node_id, node, version):
                points[spid] = point
        return {k: v for k, v in points.items() if v is not None}
