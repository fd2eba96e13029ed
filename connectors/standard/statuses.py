"""The lintas standard format: status codes and common status words -> canonical status.

Members name each event with their own ``status_code`` and ``status_text``. Two kinds of
value map cleanly:

- the **standard codes**, one per canonical status (``docs/standard-format.md``)::

      INFO_RECEIVED  PICKED_UP  IN_TRANSIT  HANDED_OVER  OUT_FOR_DELIVERY
      DELIVERY_FAILED  READY_FOR_PICKUP  DELIVERED  ON_HOLD  RETURN_TO_SENDER
      RETURNED  CANCELLED  LOST

- **common status words**, Indonesian or English, as the *whole* code or text
  (``Terkirim``, ``Dalam Perjalanan``, ``Out for delivery``), listed in :data:`WORDS`.

Case, spaces, ``_`` and ``-`` do not matter (``in-transit`` = ``IN_TRANSIT``). The code
is tried first, then the text. Anything else is ``unknown`` and counted: no keyword is
searched inside longer texts, because a member's free text says too many things at once.
Words that mean different things to different members (``SELESAI``, ``GAGAL``,
``PENDING``) are deliberately not listed.
"""

from __future__ import annotations

import re

from lintas.connectors.statuses import StatusTable, normalize_code
from lintas.schemas.statuses import Status

__all__ = ["STANDARD_CODES", "STATUSES", "WORDS", "lookup_status", "status_key"]

#: The standard codes: the canonical status names in upper case.
STANDARD_CODES: dict[str, Status] = {s.name: s for s in Status if s is not Status.UNKNOWN}

#: Common status words members use as codes or texts, per canonical status.
WORDS: dict[Status, tuple[str, ...]] = {
    Status.INFO_RECEIVED: ("ORDER CREATED", "DATA ENTRY", "BOOKED", "LABEL CREATED",
                           "PESANAN DIBUAT", "DATA DITERIMA", "MENUNGGU PICKUP",
                           "MENUNGGU PENJEMPUTAN"),
    Status.PICKED_UP: ("PICKUP", "PICK UP", "PICKED", "DROP OFF", "DIJEMPUT", "SUDAH DIJEMPUT",
                       "PICKUP BERHASIL", "DITERIMA DI AGEN", "DITERIMA DI LOKET"),
    Status.IN_TRANSIT: ("TRANSIT", "DEPARTED", "ARRIVED", "ARRIVED AT HUB", "MANIFEST",
                        "DALAM PERJALANAN", "DIKIRIM", "BERANGKAT", "TIBA DI HUB",
                        "TIBA DI GUDANG", "SORTIR", "PROSES SORTIR", "TRANSIT HUB"),
    Status.HANDED_OVER: ("HANDOVER", "DISERAHKAN KE MITRA", "DITERUSKAN KE MITRA"),
    Status.OUT_FOR_DELIVERY: ("WITH DELIVERY COURIER", "ON DELIVERY", "DIANTAR",
                              "SEDANG DIANTAR", "DALAM PENGANTARAN", "PROSES ANTAR",
                              "KURIR MENUJU ALAMAT"),
    Status.DELIVERY_FAILED: ("FAILED DELIVERY", "DELIVERY FAILED", "UNDELIVERED",
                             "ATTEMPT FAILED", "GAGAL ANTAR", "GAGAL KIRIM", "GAGAL DIANTAR"),
    Status.READY_FOR_PICKUP: ("READY FOR COLLECTION", "SIAP DIAMBIL", "MENUNGGU DIAMBIL"),
    Status.DELIVERED: ("POD", "RECEIVED", "TERKIRIM", "DITERIMA", "DITERIMA PENERIMA",
                       "SUDAH DITERIMA", "PAKET DITERIMA", "TERKIRIM KE PENERIMA"),
    Status.ON_HOLD: ("HOLD", "DITAHAN", "TERTAHAN"),
    Status.RETURN_TO_SENDER: ("RETURN", "RETURNING", "RETUR", "PROSES RETUR", "DIKEMBALIKAN",
                              "DALAM PROSES RETUR"),
    Status.RETURNED: ("RETURNED TO SENDER", "RETURN DELIVERED", "RETUR DITERIMA",
                      "DITERIMA PENGIRIM", "SUDAH DIKEMBALIKAN"),
    Status.CANCELLED: ("CANCELED", "BATAL", "DIBATALKAN"),
    Status.LOST: ("HILANG", "PAKET HILANG"),
}

_SEPARATORS = re.compile(r"[\s_\-]+")


def status_key(raw: object) -> str:
    """The form codes and words are compared in: upper case, ``_``/``-``/spaces folded."""
    return normalize_code(_SEPARATORS.sub(" ", str(raw)))


STATUSES = StatusTable(
    "standard",
    codes={
        status: [status_key(code), *WORDS.get(status, ())]
        for code, status in STANDARD_CODES.items()
    },
)


def lookup_status(code: str | None, text: str | None) -> Status:
    """The status of ``code``, else of the whole ``text``, else ``unknown`` (counted)."""
    for candidate in (code, text):
        if candidate and status_key(candidate) in STATUSES.codes:
            return STATUSES.lookup(status_key(candidate))
    return STATUSES.lookup(status_key(code or text or ""))
