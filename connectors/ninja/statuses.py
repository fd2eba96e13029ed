"""Ninja Xpress: webhook ``status`` -> canonical status.

Ninja names each status in words, ``<stage>, <detail>`` (``Delivered, Left at Doorstep``);
the whole text is the code. Besides the fifteen statuses PARTNERS.md lists, the table
holds ``Arrived at Destination Hub``, ``Pickup Exception, Pending Reschedule`` and
``Delivery Exception, Parcel Lost`` / ``Parcel Damaged``: lintas's assumption of how Ninja
words those cases, harmless if Ninja never sends them. A pickup that never happened is
``on_hold`` (the parcel waits with the shipper); ``Cancelled`` ends it.
"""

from __future__ import annotations

from lintas.connectors.statuses import StatusTable
from lintas.schemas.statuses import Status

STATUSES = StatusTable(
    "ninja",
    codes={
        Status.INFO_RECEIVED: ["Pending Pickup"],
        Status.PICKED_UP: ["Picked Up, In Transit to Origin Hub"],
        Status.IN_TRANSIT: [
            "Arrived at Origin Hub",
            "Arrived at Transit Hub",
            "In Transit to Next Sorting Hub",
            "Arrived at Destination Hub",
        ],
        Status.OUT_FOR_DELIVERY: ["On Vehicle for Delivery"],
        Status.DELIVERED: [
            "Delivered, Received by Customer",
            "Delivered, Left at Doorstep",
            "Delivered, Collected by Customer",
        ],
        Status.DELIVERY_FAILED: [
            "Delivery Exception, Pending Reschedule",
            "Delivery Exception, Max Attempts Reached",
        ],
        Status.ON_HOLD: [
            "Pickup Exception, Max Attempts Reached",
            "Pickup Exception, Pending Reschedule",
            "Delivery Exception, Parcel Damaged",
        ],
        Status.RETURN_TO_SENDER: ["Delivery Exception, Return to Sender Initiated"],
        Status.RETURNED: ["Returned to Sender"],
        Status.CANCELLED: ["Cancelled"],
        Status.LOST: ["Delivery Exception, Parcel Lost"],
    },
)
