"""SAP Express: ``rowstate_name`` -> canonical status.

The row state is a code in words; the description never changes what it means. SAP has no
row state for a lost parcel that lintas knows of.
"""

from __future__ import annotations

from lintas.connectors.statuses import StatusTable
from lintas.schemas.statuses import Status

STATUSES = StatusTable(
    "sap",
    codes={
        Status.INFO_RECEIVED: ["ENTRI (PENDING PICKUP)"],
        Status.PICKED_UP: ["PICKED UP"],
        Status.IN_TRANSIT: ["MANIFEST OUTGOING", "INCOMING"],
        Status.OUT_FOR_DELIVERY: ["DELIVERY"],
        Status.DELIVERED: ["POD - DELIVERED"],
        Status.DELIVERY_FAILED: ["POD - UNDELIVERED"],
        Status.RETURN_TO_SENDER: ["OUTGOING RETURN"],
        Status.RETURNED: ["SHIPMENT RETURN TO CLIENT"],
        Status.CANCELLED: ["VOID"],
    },
)
