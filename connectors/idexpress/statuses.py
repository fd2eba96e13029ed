"""ID Express: webhook ``operationType`` -> canonical status, refined by the problem text.

``operationType`` is compared case-insensitively (``Delivery Scan`` = ``Delivery scan``).
A ``Problem On Shipment scan`` says what went wrong only in ``problemDescription``; for
the codes in :data:`DESCRIBED_BY_TEXT`, and only for them, that text decides through the
table's text overrides. Without a matching word a problem scan is ``on_hold``.

Besides the nine operation types PARTNERS.md lists, the table holds ``Return Sending
scan``, ``Return Arrival scan`` and ``Return POD scan`` (the sender signs for the returned
parcel): lintas's assumption of how ID Express names the legs of a return, harmless if it
never sends them.
"""

from __future__ import annotations

from lintas.connectors.statuses import StatusTable, normalize_code
from lintas.schemas.statuses import Status

__all__ = ["DESCRIBED_BY_TEXT", "STATUSES"]

STATUSES = StatusTable(
    "idexpress",
    codes={
        Status.PICKED_UP: ["Pick up scan"],
        Status.IN_TRANSIT: ["Sending scan", "Arrival scan"],
        Status.OUT_FOR_DELIVERY: ["Delivery scan"],
        Status.DELIVERED: ["POD scan"],
        Status.ON_HOLD: ["Problem On Shipment scan", "Pickup Failure"],
        Status.RETURN_TO_SENDER: ["Create Return Bill", "Return Sending scan",
                                  "Return Arrival scan"],
        Status.RETURNED: ["Return POD scan"],
        Status.CANCELLED: ["Automatic Cancel"],
    },
    text_overrides={
        Status.LOST: ["HILANG", "LOST"],
        Status.DELIVERY_FAILED: [
            "PENERIMA TIDAK DI TEMPAT",
            "PENERIMA TIDAK ADA",
            "ALAMAT TIDAK LENGKAP",
            "ALAMAT TIDAK DITEMUKAN",
            "ALAMAT SALAH",
            "DITOLAK",
            "MENOLAK",
            "RUMAH KOSONG",
            "TOKO TUTUP",
        ],
    },
)

#: Codes whose ``problemDescription`` decides their status (normalized form).
DESCRIBED_BY_TEXT = frozenset({normalize_code("Problem On Shipment scan")})
