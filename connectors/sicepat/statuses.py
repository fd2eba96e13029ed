"""SiCepat: ``track_history[].status`` -> canonical status, refined by the ``city`` text.

Codes from PARTNERS.md: ``PICKREQ``, ``PICK``, ``DROP``, ``IN``, ``OUT``, ``ANT`` (out for
delivery), ``DELIVERED``; lost parcels ``HILANG``/``LOST``; returns ``PAKET DI
KEMBALIKAN``. The delivery-problem codes (``CU`` customer unavailable, ``BA`` bad address,
``NTH`` not at home, ``CODA`` closed once delivery attempt), ``RTN`` (return started),
``HOLD``/``THP`` and ``CANCEL`` are lintas's reading of how SiCepat words those cases;
they cost nothing if SiCepat never sends them, and anything else is counted as unmapped.
"""

from __future__ import annotations

from lintas.connectors.statuses import StatusTable
from lintas.schemas.statuses import Status

STATUSES = StatusTable(
    "sicepat",
    codes={
        Status.INFO_RECEIVED: ["PICKREQ"],
        Status.PICKED_UP: ["PICK", "DROP"],
        Status.IN_TRANSIT: ["IN", "OUT"],
        Status.OUT_FOR_DELIVERY: ["ANT"],
        Status.DELIVERED: ["DELIVERED"],
        Status.DELIVERY_FAILED: ["CU", "BA", "NTH", "CODA"],
        Status.ON_HOLD: ["HOLD", "THP"],
        Status.RETURN_TO_SENDER: ["RTN"],
        Status.RETURNED: ["PAKET DI KEMBALIKAN"],
        Status.CANCELLED: ["CANCEL"],
        Status.LOST: ["HILANG", "LOST"],
    },
    # The city text, when it says one of these, decides over the code: a return travels
    # under the ordinary IN/OUT codes.
    text_overrides={
        Status.RETURNED: ["PAKET DI KEMBALIKAN"],
        Status.RETURN_TO_SENDER: ["PAKET RETUR", "AKAN DIKEMBALIKAN"],
        Status.LOST: ["PAKET HILANG"],
    },
)
