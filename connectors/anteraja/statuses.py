"""AnterAja: ``tracking_code`` -> canonical status, refined by the message text.

PARTNERS.md lists no code for a failed attempt or a return: AnterAja reports those with
an ordinary hub or delivery code and says what happened in ``message``. The message
(Indonesian and English) therefore decides over the code when it names one of them.
"""

from __future__ import annotations

from lintas.connectors.statuses import StatusTable
from lintas.schemas.statuses import Status

STATUSES = StatusTable(
    "anteraja",
    codes={
        Status.INFO_RECEIVED: ["100", "150", "160"],  # pickup requested, courier assigned
        Status.PICKED_UP: ["200"],
        Status.IN_TRANSIT: ["210", "220", "230", "300", "330"],
        Status.OUT_FOR_DELIVERY: ["240"],
        Status.DELIVERED: ["250"],
        Status.CANCELLED: ["430"],
    },
    # Checked in this order; the first that the message names wins.
    text_overrides={
        Status.RETURNED: ["DITERIMA PENGIRIM", "DITERIMA OLEH PENGIRIM", "RETURNED TO SHIPPER"],
        Status.RETURN_TO_SENDER: [
            "RETUR",
            "DIKEMBALIKAN KE PENGIRIM",
            "RETURN TO SHIPPER",
            "RETURNING TO SHIPPER",
        ],
        Status.DELIVERY_FAILED: [
            "GAGAL DIANTAR",
            "GAGAL DIKIRIM",
            "PENERIMA TIDAK DI TEMPAT",
            "DELIVERY FAILED",
            "FAILED DELIVERY",
        ],
    },
)
