"""J&T Express: ``status_code`` -> canonical status, refined by the ``status`` text.

J&T has three codes: ``101`` manifest, ``200`` delivered, and ``100`` for every scan in
between. What a ``100`` scan means (out for delivery, a failed attempt, a return) is only
in its text, which comes in Indonesian or English depending on a request parameter; the
overrides below list both languages. A ``100`` whose text says nothing listed stays
``in_transit``.
"""

from __future__ import annotations

from lintas.connectors.statuses import StatusTable
from lintas.schemas.statuses import Status

STATUSES = StatusTable(
    "jnt",
    codes={
        Status.INFO_RECEIVED: ["101"],
        Status.IN_TRANSIT: ["100"],
        Status.DELIVERED: ["200"],
    },
    # Checked in this order; the first that the status text says decides.
    text_overrides={
        Status.RETURNED: [
            "DITERIMA PENGIRIM", "DITERIMA OLEH PENGIRIM", "TELAH DIKEMBALIKAN KE PENGIRIM",
            "DELIVERED TO SENDER", "RETURNED TO SENDER",
        ],
        Status.RETURN_TO_SENDER: [
            "AKAN DIKEMBALIKAN", "PAKET RETUR", "PROSES RETUR",
            "WILL BE RETURNED", "RETURN PARCEL", "RETURN IN PROCESS",
        ],
        Status.CANCELLED: ["DIBATALKAN", "CANCELLED", "CANCELED"],
        Status.LOST: ["HILANG", "PARCEL LOST"],
        Status.DELIVERY_FAILED: [
            "GAGAL DIKIRIM", "GAGAL ANTAR", "PENGIRIMAN GAGAL",
            "DELIVERY FAILED", "FAILED DELIVERY",
        ],
        Status.ON_HOLD: ["DITAHAN", "ON HOLD"],
        Status.OUT_FOR_DELIVERY: [
            "AKAN DIKIRIM KE ALAMAT PENERIMA", "SEDANG DIANTAR",
            "WILL BE DELIVERED TO THE RECEIVER", "OUT FOR DELIVERY",
        ],
        Status.PICKED_UP: ["DIPICKUP", "TELAH DIJEMPUT", "PICKED UP"],
    },
)
