"""Outlet lists as a partner without a network API drops them: CSV files drawn from
:mod:`~lintas.connectors.sandboxes.world`, written the partner's way (its
:class:`~lintas.connectors.partner.NetworkDrop`), so the same shops show up in several
partners' networks under other names and ids, with coordinates a few metres apart.
"""

from __future__ import annotations

import csv
import io
import random

from lintas.connectors.partner import Partner
from lintas.connectors.sandboxes.world import places

__all__ = ["build_network_file"]

_FIELDS = ("source_id", "name", "kind", "address", "postal_code", "city", "latitude",
           "longitude", "active")


def build_network_file(partner: Partner, seed: int, *, share: float = 0.5) -> tuple[bytes, int]:
    """(CSV bytes, valid rows) of ``partner``'s network drop: about ``share`` of the
    world's places, plus one row without an id."""
    drop = partner.network_drop
    if drop is None:
        raise ValueError(f"{partner.id} drops no network files")
    rng = random.Random(f"{partner.id}:{seed}")
    out = io.StringIO()
    writer = csv.writer(out, delimiter=drop.delimiter, lineterminator=drop.line_end)
    writer.writerow([drop.columns[f] for f in _FIELDS])

    def coordinate(value: float) -> str | float:
        return str(value).replace(".", ",") if drop.decimal_comma else value

    rows = 0
    for place in places(1):
        if rng.random() > share:
            continue
        lat = round(place.latitude + rng.uniform(-0.0003, 0.0003), 6)
        lon = round(place.longitude + rng.uniform(-0.0003, 0.0003), 6)
        writer.writerow([
            f"{partner.id.upper()}-{place.city.name[:3]}-{place.number:04d}",
            f"{drop.outlet_prefix} {place.shop}", drop.outlet_kind, place.address,
            place.postal_code, place.city.name.title(), coordinate(lat), coordinate(lon),
            "Y" if rng.random() > 0.05 else "N",
        ])
        rows += 1
    writer.writerow(["", f"{drop.outlet_prefix} TANPA KODE", drop.outlet_kind, "", "", "", "",
                     "", "Y"])
    return out.getvalue().encode(), rows
