"""The canonical shipment statuses, their AfterShip tags and which of them are terminal.

The symbols match the ``ShipmentStatus`` enum of ``shipment_event.avsc``; a test keeps
the two in step.
"""

from __future__ import annotations

from enum import Enum

__all__ = ["AFTERSHIP_TAG", "PROGRESS", "TERMINAL", "Status", "status_of"]


class Status(str, Enum):
    """Canonical status of a shipment event."""

    INFO_RECEIVED = "info_received"
    PICKED_UP = "picked_up"
    IN_TRANSIT = "in_transit"
    HANDED_OVER = "handed_over"
    OUT_FOR_DELIVERY = "out_for_delivery"
    DELIVERY_FAILED = "delivery_failed"
    READY_FOR_PICKUP = "ready_for_pickup"
    DELIVERED = "delivered"
    ON_HOLD = "on_hold"
    RETURN_TO_SENDER = "return_to_sender"
    RETURNED = "returned"
    CANCELLED = "cancelled"
    LOST = "lost"
    UNKNOWN = "unknown"

    def __str__(self) -> str:
        return self.value

    @property
    def terminal(self) -> bool:
        return self in TERMINAL

    @property
    def aftership_tag(self) -> str:
        return AFTERSHIP_TAG[self]


_BY_VALUE: dict[str, Status] = {s.value: s for s in Status}


def status_of(value: str) -> Status:
    """The status named ``value`` (a member too: ``Status`` is a ``str``), UNKNOWN for any
    other; a dict lookup, ten times cheaper than ``Status(value)`` on the hot path."""
    return _BY_VALUE.get(value, Status.UNKNOWN)


TERMINAL: frozenset[Status] = frozenset(
    {Status.DELIVERED, Status.RETURNED, Status.CANCELLED, Status.LOST}
)

#: AfterShip's tag for each status, for consumers who speak it.
AFTERSHIP_TAG: dict[Status, str] = {
    Status.INFO_RECEIVED: "InfoReceived",
    Status.PICKED_UP: "InTransit",
    Status.IN_TRANSIT: "InTransit",
    Status.HANDED_OVER: "InTransit",
    Status.OUT_FOR_DELIVERY: "OutForDelivery",
    Status.DELIVERY_FAILED: "AttemptFail",
    Status.READY_FOR_PICKUP: "AvailableForPickup",
    Status.DELIVERED: "Delivered",
    Status.ON_HOLD: "Exception",
    Status.RETURN_TO_SENDER: "Exception",
    Status.RETURNED: "Exception",
    Status.CANCELLED: "Exception",
    Status.LOST: "Exception",
    Status.UNKNOWN: "Pending",
}

#: How far along the forward path a status is; a later event with a lower rank is a
#: regression. Statuses off the forward path (unknown, on_hold) have no rank.
PROGRESS: dict[Status, int] = {
    Status.INFO_RECEIVED: 0,
    Status.PICKED_UP: 1,
    Status.IN_TRANSIT: 2,
    Status.HANDED_OVER: 2,
    Status.OUT_FOR_DELIVERY: 3,
    Status.DELIVERY_FAILED: 3,
    Status.READY_FOR_PICKUP: 4,
    Status.RETURN_TO_SENDER: 4,
    Status.DELIVERED: 5,
    Status.RETURNED: 5,
    Status.CANCELLED: 5,
    Status.LOST: 5,
}
