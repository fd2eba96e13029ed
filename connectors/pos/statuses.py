"""Pos Indonesia: ``eventName`` -> canonical status, refined by the free ``status`` text."""

from __future__ import annotations

from lintas.connectors.statuses import StatusTable
from lintas.schemas.statuses import Status

STATUSES = StatusTable(
    "pos",
    codes={
        Status.INFO_RECEIVED: ["PRA COLLECTING", "PRA POSTING", "DATA ENTRY"],
        Status.PICKED_UP: ["POSTING LOKET", "PENERIMAAN DI LOKET", "COLLECTING", "PICKUP"],
        Status.IN_TRANSIT: [
            "MANIFEST",
            "MANIFEST SERAH",
            "MANIFEST TERIMA",
            "DALAM PROSES",
            "PROSES SORTIR",
            "KIRIM",
            "TERIMA",
        ],
        Status.OUT_FOR_DELIVERY: ["PROSES ANTAR", "ANTAR"],
        Status.DELIVERED: ["SELESAI ANTAR"],
        Status.ON_HOLD: ["DITAHAN", "BEA CUKAI"],
        Status.RETURN_TO_SENDER: ["RETUR", "PROSES RETUR"],
        Status.RETURNED: ["SELESAI RETUR"],
    },
    # The status text, when it says one of these, decides over eventName.
    text_overrides={
        Status.RETURNED: ["DITERIMA PENGIRIM", "DITERIMA OLEH PENGIRIM", "RETUR DITERIMA"],
        Status.RETURN_TO_SENDER: ["RETUR", "DIKEMBALIKAN", "KEMBALI KE PENGIRIM"],
        Status.DELIVERY_FAILED: [
            "GAGAL ANTAR",
            "GAGAL",
            "ANTAR ULANG",
            "ALAMAT TIDAK DIKENAL",
            "ALAMAT TIDAK DITEMUKAN",
            "PENERIMA TIDAK ADA",
            "PENERIMA TIDAK DIKENAL",
            "DITOLAK",
            "RUMAH KOSONG",
        ],
        Status.READY_FOR_PICKUP: ["MENUNGGU DIAMBIL", "DISIMPAN DI KANTOR POS"],
        Status.LOST: ["HILANG"],
    },
)
