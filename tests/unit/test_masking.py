"""Masking of names and phone numbers in the phrasings partners write, the words that must
stay, and that masking stays linear in the text's length."""

from __future__ import annotations

import re
import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lintas.connectors.masking import mask_payload, mask_text


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        ("Paket diserahkan kepada Budi Santoso", "Paket diserahkan kepada B*** S******"),
        ("Penerima Budi Santoso tidak ada", "Penerima B*** S****** tidak ada"),
        ("an. Budi Santoso", "an. B*** S******"),
        ("Paket a.n. Budi Santoso", "Paket a.n. B*** S******"),
        ("Delivered to Budi Santoso", "Delivered to B*** S******"),
        ("Titip ke tetangga (Ibu Siti Aminah)", "Titip ke tetangga (Ibu S*** A*****)"),
        ("Titip ke tetangga (Siti Aminah)", "Titip ke tetangga (S*** A*****)"),
        ("Diterima oleh Bpk. Joko Widodo", "Diterima oleh Bpk. J*** W*****"),
        ("DITERIMA OLEH BAPAK JOKO", "DITERIMA OLEH BAPAK J***"),
        ("diterima oleh satpam Joko", "diterima oleh satpam J***"),
        ("Paket atas nama Sdr Andi Wijaya", "Paket atas nama Sdr A*** W*****"),
        ("a/n Mbak Rina Kartika", "a/n Mbak R*** K******"),
        ("A/N: Budi", "A/N: B***"),
        ("Diserahkan ke Mas Eko (tetangga)", "Diserahkan ke Mas E** (tetangga)"),
        ("Paket dititipkan ke Budi", "Paket dititipkan ke B***"),
        ("Sdri. Rina", "Sdri. R***"),
        ("diterima oleh penerima Budi Santoso", "diterima oleh penerima B*** S******"),
        ("Parcel delivered to neighbour Mr. John Smith",
         "Parcel delivered to neighbour Mr. J*** S****"),
    ],
)
def test_names_in_common_phrasings_are_masked(text, masked):
    assert mask_text(text) == masked


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        ("telp (0812) 3456-7890", "telp 0812******90"),
        ("hubungi 021-5551234", "hubungi 0215****34"),
        ("telp (021) 555 1234", "telp 0215****34"),
        ("kantor 0274-123456", "kantor 0274****56"),
        ("HP +62 812-3456-7890", "HP 6281*******90"),
        ("HP +62 (21) 555 1234", "HP 6221*****34"),
        ("WA 62812 3456 7890", "WA 6281*******90"),
        ("HP 0812.3456.7890", "HP 0812******90"),
        ("HP 0812 345 678", "HP 0812****78"),
    ],
)
def test_phone_numbers_of_every_shape_are_masked(text, masked):
    assert mask_text(text) == masked


@pytest.mark.parametrize(
    "text",
    [
        "PAKET AKAN DIKIRIMKAN OLEH (PT POS. ), PALEMBANG",
        "Paket dibawa kurir LION PARCEL",
        "Diserahkan ke SICEPAT",
        "Diserahkan ke Pos Indonesia",
        "Dikirim oleh TOKO BERKAH JAYA",
        "Dikirim oleh CV SINAR MAS ABADI",
        "Pengirim WARUNG BU SRI",
        "WITH DELIVERY COURIER [AMBON]",
        "Permintaan pick up dibatalkan oleh [Tokopedia]",
        "Delivered to the receiver's address",
        "Problem On Shipment scan: Penerima menolak paket",
        "PAKET SEDANG DIANTAR KE ALAMAT PENERIMA (DELIVERY), MEDAN",
        "Diserahkan kepada penerima",
        "IBU KOTA NUSANTARA",
        "DELIVERED TO [S*** A***** | 02-01-2024 14:05 | BANDUNG ]",
        "Tiba 12-03-2025 07:01 di 40115",
        "event 0785752723feef9a7dec1eb6, id 0a227385-459c-445c-83fc-052715850a03",
    ],
)
def test_companies_places_times_and_ids_stay(text):
    assert mask_text(text) == text


def test_masking_twice_changes_nothing_more():
    once = mask_text("Diterima oleh Ibu Siti Aminah (0812-3456-7890), titip ke Budi")
    assert mask_text(once) == once


_FIRST = ["Budi", "Siti", "Agus", "Dewi", "Joko", "Rina", "Andi", "Eko", "Putri", "Yohanes",
          "Made", "Wayan", "Nur", "Fajar", "Lestari", "Hendra", "Ayu", "Rizky", "Citra", "Bambang"]
_LAST = ["Santoso", "Aminah", "Prasetyo", "Lestari", "Widodo", "Kartika", "Wijaya", "Purnomo",
         "Saputra", "Nugroho", "Hidayat", "Siregar", "Simanjuntak", "Arsana", "Rahayu"]
_HONORIFICS = ["Bpk", "Bpk.", "Bapak", "Pak", "Ibu", "Bu", "Sdr", "Sdri.", "Mbak", "Mas"]
_TEMPLATES = [
    "Paket diserahkan kepada {name}",
    "Penerima {name} tidak ada di rumah",
    "Paket an. {name}",
    "Delivered to {name}",
    "Titip ke tetangga ({title} {name})",
    "Diterima oleh {name} ({phone})",
    "DITERIMA OLEH {title} {name}, telp {phone}",
    "Paket atas nama {name}, hubungi {phone}",
    "a/n {name}",
    "Received by: {name}",
    "Kurir {name} ({phone}) sedang mengantar paket",
    "Sprinter: {name} {phone}",
    "Paket dititipkan ke satpam {name}",
    "Diserahkan ke {title}. {name}",
    "Gagal antar, hubungi {phone} penerima {name}",
    "Penerima: {name} {phone}",
]


def _groups(digits: str, sizes: tuple[int, ...], separator: str) -> str:
    out, start = [], 0
    for size in sizes:
        out.append(digits[start:start + size])
        start += size
    out.append(digits[start:])
    return separator.join(part for part in out if part)


_SHAPES = [
    lambda d: "08" + d,
    lambda d: _groups("08" + d, (4, 4), "-"),
    lambda d: _groups("08" + d, (4, 4), " "),
    lambda d: _groups("08" + d, (4, 4), "."),
    lambda d: "+62 " + _groups("8" + d, (3, 4), " "),
    lambda d: "+62-" + _groups("8" + d, (3, 4), "-"),
    lambda d: "62" + "8" + d,
    lambda d: "(08" + d[:2] + ") " + _groups(d[2:], (4,), "-"),
    lambda d: "021-" + d[:7],
    lambda d: "(021) " + _groups(d[:7], (3,), " "),
    lambda d: "0274-" + d[:6],
    lambda d: "+62 21 " + d[:7],
]


@st.composite
def _names(draw: st.DrawFn) -> str:
    words = [draw(st.sampled_from(_FIRST))]
    words += draw(st.lists(st.sampled_from(_LAST), max_size=2))
    case = draw(st.sampled_from([str.title, str.upper, str.lower]))
    return case(" ".join(words))


@settings(max_examples=400, deadline=None)
@given(template=st.sampled_from(_TEMPLATES), name=_names(),
       title=st.sampled_from(_HONORIFICS), shape=st.sampled_from(_SHAPES),
       digits=st.text("0123456789", min_size=9, max_size=10))
def test_no_name_word_and_no_phone_digits_survive(template, name, title, shape, digits):
    text = template.format(name=name, title=title, phone=shape(digits))
    masked = mask_text(text)
    for word in name.split():
        if len(word) >= 3:
            assert not re.search(rf"(?<!\w){re.escape(word)}(?!\w)", masked, re.IGNORECASE), \
                (text, masked)
    assert not re.search(r"\d(?:[\s.()+-]*\d){5}", masked), (text, masked)


def test_payload_fields_naming_people_are_masked():
    payload = ('{"receiver_name": "Budi Santoso", "pod": {"name": "Siti", '
               '"contact": "081234567890"}, "city_name": "BANDUNG", '
               '"desc": "Diterima oleh Joko (0812-1111-2222)", "cut')
    masked = mask_payload(payload)
    for secret in ("Budi", "Santoso", "Siti", "Joko", "34567", "1111"):
        assert secret not in masked
    assert '"city_name": "BANDUNG"' in masked and masked.endswith('"cut')


_SIZE = 200_000
_HOSTILE = {
    "markers": "oleh " * (_SIZE // 5),
    "names": "Diterima oleh Budi Santoso " * (_SIZE // 27),
    "honorifics": "Ibu " * (_SIZE // 4),
    "companies": "PT " * (_SIZE // 3),
    "phones": "0812-" * (_SIZE // 5),
    "digits": "0" * _SIZE,
    "parentheses": "(0" * (_SIZE // 2),
    "one word": "a" * _SIZE,
    "spaces": "oleh" + " " * _SIZE + "Budi",
    "nested": "Diterima oleh (tetangga (Ibu (Siti a/n an. " * (_SIZE // 44),
    "json": '"name":"x' * (_SIZE // 8),
    "escapes": '"name": "' + "x\\" * (_SIZE // 2),
}


@pytest.mark.parametrize("shape", list(_HOSTILE))
def test_masking_a_200_kb_text_takes_linear_time(shape):
    text = _HOSTILE[shape]
    started = time.perf_counter()
    mask_payload(text)
    mask_text(text)
    assert time.perf_counter() - started < 5.0
