"""J&T's quirks (PARTNERS.md) one by one: code 100 told apart by its text in Indonesian or
English, cities located by zipcode or name, the sprinter and receiver inside the text,
and the sandbox answering in the language asked for. What every partner must do is in
tests/contract."""

from __future__ import annotations

import json

import pytest

from lintas.connectors.jnt import PARTNER
from lintas.connectors.sandboxes import serve_in_thread
from lintas.connectors.sandboxes.kit import SANDBOX_CREDENTIALS
from tests.support.partners import (
    assert_local_times,
    kit,
    recorded_doc,
    recorded_result,
    recorded_rows,
)

parse_tracking = PARTNER.parse


def _body(*history, sender=("BANDUNG", "40115"), receiver=("KOTA AMBON", "97124")):
    detail = {"sender": {"name": "TOKO BERKAH", "city": sender[0], "zipcode": sender[1]},
              "receiver": {"name": "SITI AMINAH", "city": receiver[0], "zipcode": receiver[1]}}
    return {"awb": "JP1234567890", "orderid": "ORD-1", "detail": detail, "history": list(history)}


def _row(status, code=100, city="MAKASSAR", date="2025-03-10 10:00:00", **more):
    return {"date_time": date, "city_name": city, "status": status, "status_code": code, **more}


def _one(*history, **parties):
    (event,) = parse_tracking(_body(*history, **parties)).events
    return event


@pytest.mark.parametrize(
    ("code", "text", "status"),
    [
        (101, "Manifes", "info_received"),
        (100, "Paket telah dipickup di [DP BANDUNG BRAGA]", "picked_up"),
        (100, "Paket telah sampai di [MAKASSAR GATEWAY]", "in_transit"),
        (100, "Paket akan dikirimkan ke [MAKASSAR GATEWAY]", "in_transit"),
        (100, "Paket akan dikirim ke alamat penerima, Sprinter: Andi (081234567890)",
         "out_for_delivery"),
        (100, "Parcel will be delivered to the receiver's address, Sprinter: Andi",
         "out_for_delivery"),
        (100, "Paket gagal dikirim: rumah kosong", "delivery_failed"),
        (100, "Delivery failed: house empty", "delivery_failed"),
        (100, "Paket akan dikembalikan ke pengirim", "return_to_sender"),
        (100, "Parcel will be returned to the sender", "return_to_sender"),
        (100, "Paket retur telah diterima pengirim", "returned"),
        (100, "Return parcel delivered to sender", "returned"),
        (100, "Pesanan dibatalkan oleh pengirim", "cancelled"),
        (100, "Parcel lost in transit, claim in process", "lost"),
        (200, "Terkirim", "delivered"),
        (200, "Delivered", "delivered"),
        (100, "Sesuatu yang baru", "in_transit"),
    ],
)
def test_the_meaning_of_100_is_in_the_text_in_either_language(code, text, status):
    assert _one(_row(text, code)).status.value == status


def test_status_text_in_both_languages_gives_the_same_statuses():
    for entry in kit(PARTNER).build_catalog(5, rounds=2):
        bodies = entry.extra.get("bodies")
        if not bodies:
            continue
        statuses = {lang: [e.status for e in parse_tracking(body).events]
                    for lang, body in bodies.items()}
        assert statuses["id"] == statuses["en"], entry.scenario


def test_a_scan_in_the_receivers_city_is_located_by_its_zipcode():
    delivered = _one(_row("Terkirim", 200, city="AMBON", receiver="Siti Aminah"))
    assert (delivered.time.utc_offset, delivered.time.zone_source.value) == ("+09:00", "location")
    assert delivered.postal_code == "97124" and delivered.region_code == "81.71"
    arrived = _one(_row("Paket telah sampai di [DP AMBON SIRIMAU]", city="Ambon"))
    assert arrived.time.utc_offset == "+09:00" and arrived.postal_code is None


@pytest.mark.parametrize(
    ("city", "offset", "source", "region"),
    [("MAKASSAR", "+08:00", "location", "73.71"), ("KAB. BANJAR", "+08:00", "location", "63.03"),
     ("BANDUNG", "+07:00", "location", None), ("JAKARTA", "+07:00", "location", None),
     ("SORONG", "+09:00", "location", None), ("BANJAR", "+07:00", "default", None),
     ("CIKARANG", "+07:00", "default", None), ("", "+07:00", "default", None)],
)
def test_other_cities_are_located_by_name_or_left_in_wib(city, offset, source, region):
    event = _one(_row("Paket telah sampai di [GATEWAY]", city=city), sender=("X", "-"),
                 receiver=("Y", "-"))
    assert (event.time.utc_offset, event.time.zone_source.value, event.region_code) == (
        offset, source, region
    )


def test_receiver_and_sprinter_are_masked():
    courier, delivered = parse_tracking(_body(
        _row("Paket akan dikirim ke alamat penerima, Sprinter: Andi Wijaya (0812-3456-7890)"),
        _row("Paket telah diterima oleh Siti Aminah (YBS)", 200, receiver="SITI AMINAH"),
    )).events
    assert courier.raw_text == (
        "Paket akan dikirim ke alamat penerima, Sprinter: A*** W***** (0812******90)"
    )
    assert delivered.receiver == "S*** A*****"
    assert "Siti" not in delivered.raw_text and "Aminah" not in delivered.raw_text


def test_the_order_id_is_a_reference():
    event = _one(_row("Manifes", 101))
    assert [(r.kind, r.value) for r in event.references] == [("order_id", "ORD-1")]


def test_naive_times_take_the_zone_of_their_city_across_three_zones():
    rows = recorded_rows(PARTNER, "cross_zone")
    assert {r["utc_offset"] for r in rows} == {"+07:00", "+08:00", "+09:00"}
    assert [r["location_name"] for r in rows if r["zone_source"] == "default"] == ["CIKARANG"]
    assert_local_times(rows, "%Y-%m-%d %H:%M:%S")


def test_phone_numbers_in_the_status_text_are_masked_and_the_sprinter_label_kept():
    body = recorded_doc(PARTNER, "personal_data")
    dumped = json.dumps(recorded_rows(PARTNER, "personal_data"))
    numbers = ["".join(ch for ch in row["status"] if ch.isdigit()) for row in body["history"]]
    assert [n for n in numbers if len(n) > 8]
    for digits in (n for n in numbers if len(n) > 8):
        assert digits[4:-2] not in dumped
    assert "Sprinter: " in dumped


def test_codes_and_zipcodes_of_the_wrong_json_type_are_read_as_text():
    body = recorded_doc(PARTNER, "numbers_as_strings")
    assert isinstance(body["detail"]["receiver"]["zipcode"], int)
    assert all(isinstance(r["status_code"], str) for r in body["history"])
    rows = recorded_rows(PARTNER, "numbers_as_strings")
    assert rows[-1]["status"] == "delivered"
    assert rows[-1]["postal_code"] == str(body["detail"]["receiver"]["zipcode"])


def test_a_row_without_a_date_or_a_code_is_a_problem_naming_it():
    problems = recorded_result(PARTNER, "bad_rows").problems
    assert [p.row for p in problems] == [1, 3]
    assert "0000-00-00" in problems[0].message and "status_code" in problems[1].message


def test_the_sandbox_answers_in_the_language_asked_for():
    entries = kit(PARTNER).build_catalog(3)
    entry = next(e for e in entries if e.scenario == "delivered")
    server = serve_in_thread(kit(PARTNER).app(entries))
    try:
        client = PARTNER.client(SANDBOX_CREDENTIALS.model_copy(update={"base_url": server.url}),
                                options={"lang": "en"})
        english = client.track(entry.tracking_number).content
        client.close()
    finally:
        server.stop()
    assert english == entry.extra["bodies"]["en"] != entry.body
    assert parse_tracking(english).events[-1].raw_text == "Delivered"
