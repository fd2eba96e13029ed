"""Lion Parcel: history text -> canonical status.

Lion sends no status code, only ``desc``: an Indonesian sentence with the English (or
Lion's own) name of the step in brackets and the city after the last comma, e.g.
``PAKET TELAH SAMPAI DI (KONSOLIDATOR ASAL), JOGJAKARTA``. The sentence's opening words
name the step; the longest matching opening wins.
"""

from __future__ import annotations

from lintas.connectors.statuses import StatusTable
from lintas.schemas.statuses import Status

STATUSES = StatusTable(
    "lion",
    codes={},
    prefixes={
        Status.INFO_RECEIVED: ["PAKET TELAH DIBUAT"],
        Status.PICKED_UP: ["PAKET TELAH DIJEMPUT"],
        Status.IN_TRANSIT: ["PAKET TELAH SAMPAI DI", "PAKET TELAH DIBERANGKATKAN"],
        # Lion's last mile by another carrier (Pos), e.g. "(PT POS. )".
        Status.HANDED_OVER: ["PAKET AKAN DIKIRIMKAN OLEH"],
        Status.OUT_FOR_DELIVERY: ["PAKET SEDANG DIANTAR"],
        Status.DELIVERY_FAILED: ["PAKET GAGAL DIANTAR"],
        Status.DELIVERED: ["PAKET TELAH DITERIMA"],
        Status.RETURN_TO_SENDER: ["PAKET DIKEMBALIKAN KE PENGIRIM", "PAKET RETUR"],
        Status.RETURNED: ["PAKET RETUR TELAH DITERIMA"],
        Status.CANCELLED: ["PAKET DIBATALKAN"],
        Status.LOST: ["PAKET HILANG"],
    },
)
