"""Service points: the same outlet across partners is found, different outlets are not."""

from __future__ import annotations

import random
from datetime import datetime, timezone

from lintas.schemas.codec import codec
from lintas.streams.servicepoints import match_outlets, name_core, pair_score

NOW = datetime(2025, 5, 1, tzinfo=timezone.utc)


def node(partner, sid, name, lat=None, lon=None, postal=None, kind="agent", region="32.73"):
    return {"node_id": f"{partner}:{sid}", "partner": partner, "source_id": sid, "kind": kind,
            "name": name, "address": None, "postal_code": postal, "region_code": region,
            "city": "BANDUNG", "latitude": lat, "longitude": lon, "utc_offset": "+07:00",
            "active": True, "updated_at": NOW}


def test_name_core_drops_partner_words():
    assert name_core("AGEN POS TOKO BERKAH BANDUNG") == "TOKO BERKAH BANDUNG"
    assert name_core("JNE Agen Toko Berkah") == "TOKO BERKAH"


def test_same_shop_in_two_networks_is_one_service_point():
    pos = node("pos", "40111001", "AGEN POS TOKO BERKAH BANDUNG", -6.91750, 107.61910, "40111")
    jne = node("jne", "BDO-AG-17", "JNE AGEN TOKO BERKAH", -6.91760, 107.61915, "40111")
    other = node("jnt", "DP-9", "J&T DROP POINT WARUNG BU SRI", -6.93000, 107.60000, "40112")
    points = match_outlets([pos, jne, other], regions={"32.73": ("Kota Bandung", "Jawa Barat")})
    assert len(points) == 2
    shared = points["sp:jne:BDO-AG-17"]
    assert {s["node_id"] for s in shared["sources"]} == {"pos:40111001", "jne:BDO-AG-17"}
    assert all(0.7 <= s["score"] <= 1.0 for s in shared["sources"])
    assert shared["region_name"] == "Kota Bandung" and shared["province_name"] == "Jawa Barat"
    for point in points.values():
        codec("ServicePoint").encode(point)


def test_without_coordinates_postal_code_and_name_must_agree():
    a = node("pos", "1", "AGEN POS KIOS AMANAH", postal="40115")
    b = node("sicepat", "2", "SICEPAT MITRA KIOS AMANAH", postal="40115")
    c = node("jnt", "3", "J&T KIOS AMANAH", postal="40999")
    assert pair_score(a, b) >= 0.5 - 1e-9
    points = match_outlets([a, b, c])
    assert len(points) == 3  # 0.2 + 0.3 < 0.7: without coordinates no match is certain enough


def test_far_apart_namesakes_are_not_merged():
    a = node("pos", "1", "AGEN POS TOKO BERKAH", -6.90, 107.60, "40111")
    b = node("jne", "2", "JNE AGEN TOKO BERKAH", -6.95, 107.65, "40111")
    assert len(match_outlets([a, b])) == 2


def test_result_does_not_depend_on_order():
    rng = random.Random(5)
    nodes = [node(rng.choice(["pos", "jne", "jnt"]), str(i), f"TOKO {rng.choice('ABC')} {i % 4}",
                  -6.9 + rng.uniform(-0.002, 0.002), 107.6 + rng.uniform(-0.002, 0.002),
                  rng.choice(["40111", "40112"])) for i in range(30)]
    expected = match_outlets(nodes)
    for _ in range(5):
        rng.shuffle(nodes)
        assert match_outlets(nodes) == expected
