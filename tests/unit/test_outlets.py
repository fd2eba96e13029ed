"""Service points kept by tile (streams/outlets.py): the same points as matching the whole
network at once, an update that touches only its neighbours, moves, deletions and
redeliveries."""

from __future__ import annotations

import random
from datetime import datetime, timezone
from typing import Any

from lintas.connectors.regions import region_names
from lintas.streams.outletgrid import CELL_DEGREES, TILE_CELLS, holders, home
from lintas.streams.outlets import OutletMatcher, OutletNetwork, OutletPlacer
from lintas.streams.servicepoints import match_outlets

NOW = datetime(2025, 5, 1, tzinfo=timezone.utc)
TILE = CELL_DEGREES * TILE_CELLS
#: a tile corner in Bandung: four tiles meet here
CORNER = (round(-6.9 / TILE) * TILE, round(107.6 / TILE) * TILE)
WORDS = ("BERKAH MAJU JAYA SINAR ABADI AMANAH REJEKI SUMBER MULIA LESTARI MAKMUR INDAH SENTOSA "
         "SRI BUDI WATI HARTONO SLAMET YANTI DEWI RINA JOKO BAMBANG SITI NUR AHMAD RUDI HENDRA "
         "YUSUF MELATI MAWAR KENANGA ANGGREK CEMPAKA DAHLIA TERATAI INTAN MUTIARA PERMATA").split()


def node(partner: str, sid: str, name: str, lat: float | None = None, lon: float | None = None,
         postal: str | None = "40111", region: str | None = "32.73") -> dict[str, Any]:
    return {"node_id": f"{partner}:{sid}", "partner": partner, "source_id": sid, "kind": "agent",
            "name": name, "address": None, "postal_code": postal, "region_code": region,
            "city": "BANDUNG", "latitude": lat, "longitude": lon, "utc_offset": "+07:00",
            "active": True, "updated_at": NOW}


def expected(nodes: list[dict[str, Any]]) -> dict[str, Any]:
    regions = {n["region_code"]: region_names(n["region_code"]) for n in nodes if n["region_code"]}
    return match_outlets(nodes, regions=regions)


def network(rng: random.Random, places: int, spread: float) -> list[dict[str, Any]]:
    """Shops around the tile corner, each listed by one to three partners a few metres
    apart; some without coordinates."""
    out = []
    for i in range(places):
        lat = CORNER[0] + rng.uniform(-spread, spread)
        lon = CORNER[1] + rng.uniform(-spread, spread)
        name = " ".join(rng.sample(WORDS, 3))
        postal = rng.choice(["40111", "40112"])
        for partner in rng.sample(["pos", "jne", "jnt", "sicepat"], rng.randint(1, 3)):
            located = rng.random() > 0.05
            out.append(node(partner, f"{i}", f"{partner.upper()} {name}",
                            round(lat + rng.uniform(-1e-4, 1e-4), 6) if located else None,
                            round(lon + rng.uniform(-1e-4, 1e-4), 6) if located else None,
                            postal))
    return out


def test_tiles_find_the_points_matching_the_whole_network_finds():
    rng = random.Random(3)
    nodes = network(rng, 300, 0.02)
    assert len({holders(n)[0] for n in nodes if n["latitude"] is not None}) == 4
    points = OutletNetwork().points((n["node_id"], n) for n in nodes)
    want = expected(nodes)
    assert any(len(p["sources"]) > 1 for p in want.values())
    assert points == want


def test_the_result_does_not_depend_on_the_order_of_updates():
    rng = random.Random(4)
    nodes = network(rng, 60, 0.004)
    want = expected(nodes)
    for _ in range(2):
        rng.shuffle(nodes)
        assert OutletNetwork().points((n["node_id"], n) for n in nodes) == want


def test_a_shop_on_a_tile_border_is_one_point_sent_by_one_tile():
    lat, lon = CORNER
    pos = node("pos", "1", "AGEN POS TOKO BERKAH", lat + 0.00005, lon + 0.00005)
    jne = node("jne", "2", "JNE AGEN TOKO BERKAH", lat - 0.00005, lon - 0.00005)
    assert holders(pos)[0] != holders(jne)[0]
    net = OutletNetwork()
    sent = net.apply("pos:1", pos, 0) + net.apply("jne:2", jne, 1)
    assert [(spid, p and len(p["sources"])) for spid, p in sent] == [
        ("sp:pos:1", 1), ("sp:jne:2", 2), ("sp:pos:1", None)]


def test_an_update_reads_only_the_cells_around_its_group():
    rng = random.Random(5)
    nodes = network(rng, 300, 0.01)
    net = OutletNetwork()
    net.points((n["node_id"], n) for n in nodes)
    reads: list[str] = []
    table = net.matcher.table

    class Spy(dict):
        def get(self, key, default=None):
            reads.append(key)
            return table.get(key, default)

        def __setitem__(self, key, value):
            table[key] = value

        def pop(self, key, default=None):
            return table.pop(key, default)

    net.matcher.table = Spy()
    target = next(n for n in nodes if n["latitude"] is not None and len(holders(n)) == 1)
    sent = net.apply(target["node_id"], dict(target, name=target["name"] + " BARU"), len(nodes))
    group = max(len(p["sources"]) for _, p in sent if p)
    assert len(table) > 200  # the tiles hold hundreds of cells ...
    assert len(set(reads)) <= 12 * group  # ... and the update reads those around its group


def test_moving_an_outlet_away_splits_its_point_and_back_joins_it_again():
    lat, lon = CORNER[0] + 0.01, CORNER[1] + 0.01
    pos = node("pos", "1", "AGEN POS TOKO BERKAH", lat, lon)
    jne = node("jne", "2", "JNE AGEN TOKO BERKAH", lat + 0.0001, lon)
    net = OutletNetwork()
    net.apply("pos:1", pos, 0)
    assert net.apply("jne:2", jne, 1) == [("sp:pos:1", None),
                                          ("sp:jne:2", expected([pos, jne])["sp:jne:2"])]
    far = dict(jne, latitude=lat + 0.2)  # another tile, 22 km away
    sent = dict(net.apply("jne:2", far, 2))
    assert sent["sp:jne:2"]["sources"][0]["node_id"] == "jne:2"
    assert [s["node_id"] for s in sent["sp:pos:1"]["sources"]] == ["pos:1"]
    sent = dict(net.apply("jne:2", jne, 3))
    assert [s["node_id"] for s in sent["sp:jne:2"]["sources"]] == ["jne:2", "pos:1"]
    assert sent["sp:pos:1"] is None


def test_a_deleted_outlet_leaves_and_its_point_is_tombstoned():
    lat, lon = CORNER[0] + 0.01, CORNER[1] + 0.01
    net = OutletNetwork()
    net.apply("pos:1", node("pos", "1", "AGEN POS TOKO BERKAH", lat, lon), 0)
    net.apply("jne:2", node("jne", "2", "JNE AGEN TOKO BERKAH", lat, lon + 0.0001), 1)
    sent = dict(net.apply("jne:2", None, 2))
    assert sent["sp:jne:2"] is None
    assert [s["node_id"] for s in sent["sp:pos:1"]["sources"]] == ["pos:1"]
    assert b"jne:2" not in b"".join(net.tiles.values())
    assert "jne:2" not in net.homes


def test_a_redelivered_update_sends_its_points_again_and_an_older_one_nothing():
    lat, lon = CORNER[0] + 0.01, CORNER[1] + 0.01
    placer_table: dict[str, bytes] = {}
    tiles: dict[str, bytes] = {}
    placer, matcher = OutletPlacer(placer_table), OutletMatcher(tiles)
    shop = node("pos", "1", "AGEN POS TOKO BERKAH", lat, lon)

    def apply(record: dict[str, Any] | None, version: int) -> list[Any]:
        out = []
        for tile, message in placer.apply("pos:1", record, version):
            out += matcher.apply(tile, message)
        return out

    first = apply(shop, 5)
    assert [spid for spid, _ in first] == ["sp:pos:1"]
    assert apply(shop, 5) == first  # the state has it, the output may be lost: again
    assert apply(dict(shop, name="AGEN POS TOKO LAMA"), 4) == []


def test_outlets_without_coordinates_are_points_of_their_own():
    a = node("pos", "1", "AGEN POS KIOS AMANAH", postal="40115")
    b = node("sicepat", "2", "SICEPAT MITRA KIOS AMANAH", postal="40115")
    assert home(a) == ("u:40115", "n:KIOS AMANAH") == home(b)
    points = OutletNetwork().points([("pos:1", a), ("sicepat:2", b)])
    assert points == expected([a, b]) and len(points) == 2


def test_gaining_coordinates_moves_an_outlet_from_its_postal_code_to_its_tile():
    lat, lon = CORNER[0] + 0.01, CORNER[1] + 0.01
    net = OutletNetwork()
    net.apply("pos:1", node("pos", "1", "AGEN POS TOKO BERKAH", lat, lon), 0)
    net.apply("jne:2", node("jne", "2", "JNE AGEN TOKO BERKAH"), 1)
    sent = dict(net.apply("jne:2", node("jne", "2", "JNE AGEN TOKO BERKAH", lat, lon), 2))
    assert [s["node_id"] for s in sent["sp:jne:2"]["sources"]] == ["jne:2", "pos:1"]
    assert sent["sp:pos:1"] is None
    assert not [k for k in net.tiles if k.startswith("u:")]
