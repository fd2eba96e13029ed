"""Network CSV drops of partners without a network API (JNE, J&T, SiCepat), and the
sandbox files that stand in for them.

Each partner names its columns its own way (:data:`COLUMNS`); :func:`parse_network` reads
any of them with :func:`~lintas.connectors.network.parse_csv_network`.
:func:`build_network_file` writes a realistic drop from
:mod:`~lintas.connectors.sandboxes.world`, so the same shops show up in several partners'
networks under other names and ids, with coordinates a few metres apart.
"""

from __future__ import annotations

import csv
import io
import random
from collections.abc import Callable
from datetime import datetime
from functools import partial

from lintas.connectors.network import NetworkResult, parse_csv_network
from lintas.connectors.sandboxes.world import places

__all__ = ["COLUMNS", "build_network_file", "network_parser"]

#: Our field -> the partner's header.
COLUMNS: dict[str, dict[str, str]] = {
    "jne": {"source_id": "KODE_AGEN", "name": "NAMA_AGEN", "kind": "TIPE", "address": "ALAMAT",
            "postal_code": "KODE_POS", "city": "KOTA", "latitude": "LAT", "longitude": "LNG",
            "active": "STATUS"},
    "jnt": {"source_id": "drop_point_code", "name": "drop_point_name", "kind": "type",
            "address": "address", "postal_code": "zipcode", "city": "city",
            "latitude": "latitude", "longitude": "longitude", "active": "active"},
    "sicepat": {"source_id": "outlet_id", "name": "outlet_name", "kind": "outlet_type",
                "address": "outlet_address", "postal_code": "postcode", "city": "city_name",
                "latitude": "lat", "longitude": "lon", "active": "is_active"},
}
_PREFIX = {"jne": "JNE AGEN", "jnt": "J&T DROP POINT", "sicepat": "SICEPAT MITRA"}
_KIND = {"jne": "AGEN", "jnt": "DROP POINT", "sicepat": "MITRA"}


def network_parser(partner: str) -> Callable[..., NetworkResult]:
    """``parse_network(payload, *, updated_at)`` of one partner's CSV drop."""
    return partial(_parse, partner)


def _parse(partner: str, payload: bytes | str, *, updated_at: datetime) -> NetworkResult:
    return parse_csv_network(payload, partner, COLUMNS[partner], updated_at=updated_at)


def build_network_file(partner: str, seed: int, *, share: float = 0.5) -> tuple[bytes, int]:
    """(CSV bytes, valid rows) of a partner's network drop: about ``share`` of the world's
    places, plus one row without an id."""
    rng = random.Random(f"{partner}:{seed}")
    columns = COLUMNS[partner]
    out = io.StringIO()
    delimiter = ";" if partner == "jne" else ","
    lineterminator = "\r\n" if partner == "jne" else "\n"
    writer = csv.writer(out, delimiter=delimiter, lineterminator=lineterminator)
    writer.writerow([columns[f] for f in ("source_id", "name", "kind", "address", "postal_code",
                                          "city", "latitude", "longitude", "active")])
    rows = 0
    for place in places(1):
        if rng.random() > share:
            continue
        lat = round(place.latitude + rng.uniform(-0.0003, 0.0003), 6)
        lon = round(place.longitude + rng.uniform(-0.0003, 0.0003), 6)
        writer.writerow([
            f"{partner.upper()}-{place.city.name[:3]}-{place.number:04d}",
            f"{_PREFIX[partner]} {place.shop}",
            _KIND[partner],
            place.address,
            place.postal_code,
            place.city.name.title(),
            str(lat).replace(".", ",") if partner == "jne" else lat,
            str(lon).replace(".", ",") if partner == "jne" else lon,
            "Y" if rng.random() > 0.05 else "N",
        ])
        rows += 1
    writer.writerow(["", f"{_PREFIX[partner]} TANPA KODE", _KIND[partner], "", "", "", "", "", "Y"])
    return out.getvalue().encode(), rows
