"""Pages of the Pos office API drawn from :mod:`~lintas.connectors.sandboxes.world`,
with their quirks.

Every city has a KCU (main office, round postal code) and the world's places serve as
KC/KCP offices, agen pos and drop points. Quirks: coordinates as text with a decimal
comma, missing coordinates, full and abbreviated office types, an inactive office, a row
without an office code, and one office listed on two pages.
"""

from __future__ import annotations

import json
import random
from dataclasses import dataclass
from typing import Any

from lintas.connectors.sandboxes.world import CITIES, places

__all__ = ["NetworkPage", "build_network", "expected_nodes"]

_KCU_CODES = {"BANDUNG": "40000", "JAKARTA PUSAT": "10000", "SURABAYA": "60000",
              "SEMARANG": "50000", "YOGYAKARTA": "55000", "BOGOR": "16100", "MEDAN": "20000",
              "MAKASSAR": "90000", "DENPASAR": "80000", "BANJARMASIN": "70000",
              "AMBON": "97000", "JAYAPURA": "99000"}
_TYPES = ["KC", "KCP", "AGEN POS", "DROP POINT", "Kantor Cabang Pembantu", "Agen"]


@dataclass(frozen=True)
class NetworkPage:
    body: bytes
    nodes: int  # distinct valid offices on this page
    bad_rows: int


def _office(
    code: str, name: str, kind: str, place_or_city: Any, rng: random.Random
) -> dict[str, Any]:
    lat = place_or_city.latitude
    lon = place_or_city.longitude
    city = getattr(place_or_city, "city", place_or_city)
    row: dict[str, Any] = {
        "officeCode": code,
        "officeName": name,
        "officeType": kind,
        "address": getattr(place_or_city, "address", f"JL. KANTOR POS {city.name}"),
        "postalCode": getattr(place_or_city, "postal_code", code),
        "city": city.name,
        "province": "",
        "latitude": lat,
        "longitude": lon,
        "status": "AKTIF",
    }
    quirk = rng.random()
    if quirk < 0.15:
        row["latitude"], row["longitude"] = str(lat).replace(".", ","), str(lon).replace(".", ",")
    elif quirk < 0.22:
        row["latitude"] = row["longitude"] = None
    return row


def build_network(seed: int, page_size: int = 20) -> list[NetworkPage]:
    """The whole office network as API pages."""
    rng = random.Random(seed)
    rows: list[dict[str, Any]] = []
    for city in CITIES:
        rows.append(_office(_KCU_CODES[city.name], f"KCU {city.name} {_KCU_CODES[city.name]}",
                            "KCU", city, rng))
    for place in places(seed):
        kind = rng.choice(_TYPES)
        code = place.postal_code if kind in ("KC", "KCP", "Kantor Cabang Pembantu") \
            else f"{place.postal_code}{place.number:03d}"
        if "AGEN" in kind.upper() or "DROP" in kind.upper():
            name = f"{kind.upper()} {place.shop} {place.city.name}"
        else:
            name = f"{kind.upper()} {place.city.name} {place.postal_code}"
        rows.append(_office(code, name, kind, place, rng))
    rows[3]["status"] = "TIDAK AKTIF"
    pages: list[NetworkPage] = []
    for start in range(0, len(rows), page_size):
        chunk = [dict(r) for r in rows[start:start + page_size]]
        bad = 0
        if start == 0:
            chunk.append(
                {"officeCode": None, "officeName": "KANTOR TANPA KODE", "officeType": "KC"}
            )
            bad = 1
        distinct = len({r["officeCode"] for r in chunk if r.get("officeCode")})
        if start == page_size:  # an office the previous page listed too
            chunk.append(dict(rows[0]))
        nxt = start + page_size
        body = {"data": chunk, "next": str(nxt), "has_more": nxt < len(rows)}
        pages.append(NetworkPage(json.dumps(body).encode(), distinct, bad))
    return pages


def expected_nodes(seed: int) -> int:
    """How many distinct offices the network of ``seed`` lists (valid rows only)."""
    return sum(page.nodes for page in build_network(seed))
