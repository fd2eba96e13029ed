"""JNE: history ``code`` -> canonical status, refined by the ``desc`` text.

Codes from PARTNERS.md: ``RC1`` received at the counter, ``OP1``-``OP3`` sorting and
forwarding, ``TP4`` departed transit, ``IP1``/``IP2`` inbound, ``D01`` delivered, and the
failure codes ``U01``-``U25`` (a prefix rule), ``UB1``, ``UB2``, ``D24``, ``D25``, ``KRK``,
``KRP``, ``KRT``, ``PS1``, ``PS4``, ``FOM``.

``IP3`` on ``WITH DELIVERY COURIER`` rows is lintas's reading; the text override says the
same whatever code JNE puts on that text. Returns, cancellations and losses have no
code of their own in what is known of JNE: only the text tells them (a return is
delivered back under ``D01`` as ``RETURNED TO SHIPPER [...]``).
"""

from __future__ import annotations

from lintas.connectors.statuses import StatusTable
from lintas.schemas.statuses import Status

STATUSES = StatusTable(
    "jne",
    codes={
        Status.PICKED_UP: ["RC1"],
        Status.IN_TRANSIT: ["OP1", "OP2", "OP3", "TP4", "IP1", "IP2"],
        Status.OUT_FOR_DELIVERY: ["IP3"],
        Status.DELIVERED: ["D01"],
        Status.DELIVERY_FAILED: [
            "UB1", "UB2", "D24", "D25", "KRK", "KRP", "KRT", "PS1", "PS4", "FOM",
        ],
    },
    # U01-U25: every undelivered reason has its own number.
    prefixes={Status.DELIVERY_FAILED: ["U0", "U1", "U2"]},
    # The desc text, when it says one of these, decides over the code.
    text_overrides={
        Status.RETURNED: ["RETURNED TO SHIPPER", "DELIVERED TO SHIPPER"],
        Status.RETURN_TO_SENDER: ["RETURN TO SHIPPER", "RETURN TO ORIGIN"],
        Status.CANCELLED: ["SHIPMENT CANCELLED", "CANCELLED BY SHIPPER"],
        Status.LOST: ["SHIPMENT LOST"],
        Status.ON_HOLD: ["SHIPMENT IS BEING HELD", "BEING HELD AS SHIPPERS REQUEST"],
        Status.OUT_FOR_DELIVERY: ["WITH DELIVERY COURIER"],
    },
)
