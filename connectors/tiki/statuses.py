"""TIKI: history text -> canonical status.

TIKI sends no status code, only an English sentence whose opening words name the step
(``ARRIVE AT TIKI AT MAKASSAR``, ``DEPARTED TO JAKARTA``, ``SUCCESS / [M] RECEIVED BY:
...``); the longest matching opening wins. A return delivered back to the shipper opens
like a delivery (``SUCCESS / [R] RETURNED TO SHIPPER, ...``), so that text decides over
the opening.

PARTNERS.md lists data entry, arrival, departure, courier and success texts; the failure
(``UNSUCCESS``), return and cancellation openings are lintas's observation.
"""

from __future__ import annotations

from lintas.connectors.statuses import StatusTable
from lintas.schemas.statuses import Status

STATUSES = StatusTable(
    "tiki",
    codes={},
    prefixes={
        Status.PICKED_UP: ["SHIPMENT DATA ENTRY", "SHIPMENT PICKED UP"],
        Status.IN_TRANSIT: ["ARRIVE AT", "ARRIVED AT", "DEPARTED TO"],
        Status.OUT_FOR_DELIVERY: ["WITH DELIVERY COURIER"],
        Status.DELIVERED: ["SUCCESS"],
        Status.DELIVERY_FAILED: ["UNSUCCESS"],
        Status.RETURN_TO_SENDER: ["RETURN TO SHIPPER"],
        Status.CANCELLED: ["SHIPMENT CANCELLED"],
    },
    text_overrides={
        Status.RETURNED: ["RETURNED TO SHIPPER"],
    },
)
