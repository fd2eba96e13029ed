"""Read-side queries over a real view (SQLite and PostgreSQL), filled through
ViewStore.apply with shipments from lintas.streams.reconcile and service points from
lintas.streams.servicepoints."""

from __future__ import annotations

import json
import math
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from typing import Any

import pytest
from click.testing import CliRunner

from lintas.connectors.regions import region_names
from lintas.schemas.codec import load_schema
from lintas.streams.reconcile import reconcile
from lintas.streams.servicepoints import match_outlets
from lintas.streams.view.queries import (
    DEFAULT_STALE_DAYS,
    AmbiguousError,
    InvalidParameterError,
    NotFoundError,
    coverage,
    find_shipment,
    haversine_m,
    list_shipments,
    node_kinds,
    resolve_city,
    resolve_region,
    service_points_in_region,
    service_points_near,
    stale_anomaly,
)
from lintas.streams.view.queries.points import bounding_box
from lintas.streams.view.queries.regions import villages_of
from lintas.streams.view.store import ViewStore, open_store

NOW = datetime(2025, 5, 20, 12, 0, tzinfo=timezone.utc)
BERKAH = (-6.91750, 107.61910)  # where the Pos agent of Toko Berkah stands, Kota Bandung


def _day(days: float) -> datetime:
    return NOW - timedelta(days=days)


def _event(partner: str, number: str, n: int, status: str, days_ago: float,
           region: str | None = None) -> dict[str, Any]:
    return {
        "event_id": f"{partner}-{number}-{n}", "partner": partner, "tracking_number": number,
        "status": status, "raw_status": status.upper(), "raw_text": f"{status} scan",
        "occurred_at": _day(days_ago), "utc_offset": "+07:00", "location_name": None,
        "region_code": region,
    }


def build_views() -> list[dict[str, Any]]:
    """Reconciled shipments: terminal, handed over, regressed, conflicting, stale, shared."""
    pos = "P1000000000001"
    lion, pos_leg = "11LP0000000000001", "P2000000000002"
    return [
        reconcile(f"pos:{pos}", [
            _event("pos", pos, 1, "info_received", 30, "32.73"),
            _event("pos", pos, 2, "in_transit", 29),
            _event("pos", pos, 3, "delivered", 28, "31.71"),
        ]),
        reconcile(f"lion:{lion}", [
            _event("lion", lion, 1, "picked_up", 12, "35.78"),
            _event("lion", lion, 2, "handed_over", 11),
            _event("pos", pos_leg, 1, "in_transit", 10.5),
            _event("pos", pos_leg, 2, "out_for_delivery", 10, "73.71"),
        ], links={f"pos:{pos_leg}": ("heuristic", 0.82)}),
        reconcile("jne:1234567890123456", [
            _event("jne", "1234567890123456", 1, "picked_up", 2, "32.04"),
            _event("jne", "1234567890123456", 2, "in_transit", 1),
        ]),
        reconcile("jnt:JP0000000004", [
            _event("jnt", "JP0000000004", 1, "picked_up", 5, "31.71"),
            _event("jnt", "JP0000000004", 2, "out_for_delivery", 4, "32.73"),
            _event("jnt", "JP0000000004", 3, "in_transit", 3),
        ]),
        reconcile("sicepat:000000000005", [
            _event("sicepat", "000000000005", 1, "delivered", 41, "51.71"),
            _event("sicepat", "000000000005", 2, "returned", 40),
        ]),
        reconcile("pos:P3000000000006", [_event("pos", "P3000000000006", 1, "info_received", 8)]),
        reconcile("pos:X123", [_event("pos", "X123", 1, "in_transit", 1)]),
        reconcile("tiki:X123", [_event("tiki", "X123", 1, "picked_up", 1)]),
    ]


def _node(partner: str, sid: str, name: str, kind: str, postal: str | None, region: str,
          at: tuple[float, float] | None, active: bool = True) -> dict[str, Any]:
    return {
        "node_id": f"{partner}:{sid}", "partner": partner, "source_id": sid, "kind": kind,
        "name": name, "address": None, "postal_code": postal, "region_code": region,
        "city": None, "latitude": at[0] if at else None, "longitude": at[1] if at else None,
        "active": active, "updated_at": _day(3),
    }


def build_nodes() -> list[dict[str, Any]]:
    """Outlets in Kota Bandung (one shop in two networks, a Pos main office with its round
    postal code, an inactive agent, one without coordinates), Kabupaten Bandung and
    Jakarta Pusat."""
    return [
        _node("pos", "40111A", "AGEN POS TOKO BERKAH", "agent", "40111", "32.73", BERKAH),
        _node("jne", "BDO-AG-17", "JNE AGEN TOKO BERKAH", "agent", "40111", "32.73",
              (-6.91760, 107.61915)),
        _node("jnt", "DP-9", "J&T DROP POINT WARUNG BU SRI", "drop_point", "40112", "32.73",
              (-6.93000, 107.60000)),
        _node("pos", "40000", "KCU BANDUNG", "regional_office", "40000", "32.73",
              (-6.92100, 107.60700)),
        _node("sicepat", "SC-1", "SICEPAT MITRA KIOS AMANAH", "agent", "40115", "32.73",
              (-6.90000, 107.65000), active=False),
        _node("anteraja", "AJ-1", "ANTERAJA KIOS DAMAI", "agent", "40132", "32.73", None),
        _node("pos", "40911", "KANTOR POS SOREANG", "branch_office", "40911", "32.04",
              (-7.02500, 107.51900)),
        _node("jne", "CGK-1", "JNE AGEN MENTENG", "agent", "10310", "31.71",
              (-6.19600, 106.83000)),
    ]


def build_points(nodes: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Service points matched per regency, as the matcher agent does."""
    points: list[dict[str, Any]] = []
    for region in sorted({n["region_code"] for n in nodes}):
        members = [n for n in nodes if n["region_code"] == region]
        points += match_outlets(members, regions={region: region_names(region)}).values()
    return points


def populate(url: str) -> ViewStore:
    """A migrated store at ``url`` holding the synthetic view."""
    store = open_store(url)
    nodes = build_nodes()
    store.apply("tests", views=build_views(), nodes=nodes, points=build_points(nodes),
                offsets={}, updated_at=_day(0.5))
    return store


@pytest.fixture
def store(view_url: str) -> Iterator[ViewStore]:
    view = populate(view_url)
    yield view
    view.close()


# -- shipments ---------------------------------------------------------------------------


def test_any_leg_finds_the_whole_handed_over_shipment(store):
    by_courier = find_shipment(store, "11LP0000000000001", now=NOW)
    by_pos = find_shipment(store, " p2000 000000002 ", now=NOW)
    assert by_courier == by_pos
    assert by_pos["shipment_id"] == "lion:11LP0000000000001"
    assert [(leg["partner"], leg["link_method"], leg["confidence"]) for leg in by_pos["legs"]] == [
        ("lion", "origin", 1.0), ("pos", "heuristic", 0.82)]
    assert [e["status"] for e in by_pos["timeline"]] == [
        "picked_up", "handed_over", "in_transit", "out_for_delivery"]
    assert by_pos["timeline"][0]["occurred_at"] == _day(12)
    assert (by_pos["origin_region"], by_pos["destination_region"]) == ("35.78", "73.71")


def test_a_shipment_id_finds_it_too(store):
    assert find_shipment(store, "jne:1234567890123456", now=NOW)["status"] == "in_transit"


def test_stale_is_added_at_read_time_and_never_written(store):
    view = find_shipment(store, "P2000000000002", now=NOW)
    (stale,) = [a for a in view["anomalies"] if a["kind"] == "stale"]
    assert stale["event_ids"] == []
    assert "10.0 days" in stale["detail"] and "stale after 7 days" in stale["detail"]
    assert find_shipment(store, "P2000000000002", now=NOW, stale_days=10.5)["anomalies"] == []
    assert store.shipment("lion:11LP0000000000001")["anomalies"] == []


def test_terminal_shipments_are_never_stale(store):
    view = find_shipment(store, "000000000005", now=NOW, stale_days=1)
    assert [a["kind"] for a in view["anomalies"]] == ["conflicting_terminals"]
    assert stale_anomaly({"status": "delivered", "last_event_at": _day(400)}, now=NOW) is None
    assert stale_anomaly({"status": "on_hold", "last_event_at": _day(7)}, now=NOW) is None
    assert stale_anomaly({"status": "on_hold", "last_event_at": _day(7.01)}, now=NOW)


def test_recorded_anomalies_come_back(store):
    view = find_shipment(store, "JP0000000004", now=NOW)
    assert [a["kind"] for a in view["anomalies"]] == ["status_regression"]
    assert view["anomalies"][0]["event_ids"] == ["jnt-JP0000000004-3"]


def test_a_number_two_partners_use_is_ambiguous_until_the_partner_is_named(store):
    with pytest.raises(AmbiguousError) as caught:
        find_shipment(store, "X123", now=NOW)
    assert {c["shipment_id"] for c in caught.value.candidates} == {"pos:X123", "tiki:X123"}
    assert find_shipment(store, "X123", partner="tiki", now=NOW)["shipment_id"] == "tiki:X123"


def test_unknown_number_is_not_found(store):
    with pytest.raises(NotFoundError, match="no shipment with tracking number NOPE"):
        find_shipment(store, "nope", now=NOW)


def _ids(page) -> list[str]:
    return [s["shipment_id"] for s in page.items]


def test_filters_by_status_partner_and_region(store):
    assert _ids(list_shipments(store, statuses=["delivered"], now=NOW)) == [
        "pos:P1000000000001"]
    assert _ids(list_shipments(store, statuses="Delivered", now=NOW)) == ["pos:P1000000000001"]
    assert _ids(list_shipments(store, statuses=["in_transit", "out_for_delivery"], now=NOW)) == [
        "jne:1234567890123456", "jnt:JP0000000004", "lion:11LP0000000000001", "pos:X123"]
    assert _ids(list_shipments(store, partner="pos", now=NOW)) == [
        "lion:11LP0000000000001", "pos:P1000000000001", "pos:P3000000000006", "pos:X123"]
    kota_bandung = ["jnt:JP0000000004", "pos:P1000000000001"]
    assert _ids(list_shipments(store, region="32.73", now=NOW)) == kota_bandung
    assert _ids(list_shipments(store, region="Bandung", now=NOW)) == kota_bandung
    west_java = list_shipments(store, region="Jawa Barat", now=NOW)
    assert _ids(west_java) == ["jne:1234567890123456", *kota_bandung]
    assert west_java.to_dict()["region"]["code"] == "32"
    assert _ids(list_shipments(store, partner="pos", region="32", statuses=["delivered"],
                               now=NOW)) == ["pos:P1000000000001"]


def test_listed_shipments_carry_legs_and_stale_but_no_timeline(store):
    page = list_shipments(store, partner="lion", now=NOW)
    (item,) = page.items
    assert "timeline" not in item
    assert [leg["tracking_number"] for leg in item["legs"]] == ["11LP0000000000001",
                                                                "P2000000000002"]
    assert [a["kind"] for a in item["anomalies"]] == ["stale"]
    assert item["last_event_at"] == _day(10) and item["updated_at"] == _day(0.5)


def test_stale_only(store):
    assert _ids(list_shipments(store, stale_only=True, now=NOW)) == [
        "lion:11LP0000000000001", "pos:P3000000000006"]
    assert _ids(list_shipments(store, stale_only=True, stale_days=9, now=NOW)) == [
        "lion:11LP0000000000001"]
    assert _ids(list_shipments(store, stale_only=True, stale_days=11, now=NOW)) == []


def test_pages_walk_every_shipment_once(store):
    seen: list[str] = []
    cursor = None
    pages = 0
    while True:
        page = list_shipments(store, limit=3, cursor=cursor, now=NOW)
        seen += _ids(page)
        pages += 1
        cursor = page.next_cursor
        if cursor is None:
            break
    assert pages == 3
    assert seen == sorted(v["shipment_id"] for v in build_views())


def test_queries_take_an_engine_as_well_as_a_store(store):
    assert find_shipment(store.engine, "X123", partner="pos", now=NOW)["shipment_id"] == "pos:X123"
    assert _ids(list_shipments(store.engine, statuses=["returned"], now=NOW)) == [
        "sicepat:000000000005"]


@pytest.mark.parametrize(("kwargs", "parameter"), [
    ({"statuses": ["shipped"]}, "status"),
    ({"limit": 0}, "limit"),
    ({"limit": 501}, "limit"),
    ({"cursor": "garbage!"}, "cursor"),
    ({"stale_days": 0}, "stale_days"),
    ({"stale_days": float("nan")}, "stale_days"),
    ({"partner": "Pos Indonesia"}, "partner"),
    ({"region": "32.7"}, "region"),
])
def test_bad_parameters_name_themselves(store, kwargs, parameter):
    with pytest.raises(InvalidParameterError) as caught:
        list_shipments(store, now=NOW, **kwargs)
    assert caught.value.parameter == parameter


def test_a_cursor_of_another_listing_is_refused(store):
    page = service_points_in_region(store, "32.73", limit=1)
    assert page.next_cursor
    with pytest.raises(InvalidParameterError, match="does not belong"):
        list_shipments(store, cursor=page.next_cursor, now=NOW)


# -- service points ----------------------------------------------------------------------


def _point_ids(items) -> list[str]:
    return [p["service_point_id"] for p in items]


def test_near_is_ordered_by_distance_and_keeps_every_source(store):
    near = service_points_near(store, *BERKAH, 3000)
    assert _point_ids(near) == ["sp:jne:BDO-AG-17", "sp:pos:40000", "sp:jnt:DP-9"]
    assert near == sorted(near, key=lambda p: p["distance_m"])
    shared = near[0]
    assert shared["partners"] == ["jne", "pos"]
    assert {s["node_id"] for s in shared["sources"]} == {"jne:BDO-AG-17", "pos:40111A"}
    assert shared["distance_m"] < 10
    assert shared["region_name"] == "Kota Bandung" and shared["province_name"] == "Jawa Barat"


def test_near_uses_the_exact_distance_inside_the_bounding_box(store):
    office = (-6.92100, 107.60700)
    metres = haversine_m(*BERKAH, *office)
    (south, north), [(west, east)] = bounding_box(*BERKAH, metres - 5)
    assert south <= office[0] <= north and west <= office[1] <= east
    assert "sp:pos:40000" not in _point_ids(service_points_near(store, *BERKAH, metres - 5))
    assert "sp:pos:40000" in _point_ids(service_points_near(store, *BERKAH, metres + 5))


def test_near_filters(store):
    assert "sp:sicepat:SC-1" not in _point_ids(service_points_near(store, *BERKAH, 5000))
    everything = service_points_near(store, *BERKAH, 5000, include_inactive=True)
    assert _point_ids(everything)[-1] == "sp:sicepat:SC-1"
    assert _point_ids(service_points_near(store, *BERKAH, 5000, kind="drop_point")) == [
        "sp:jnt:DP-9"]
    assert _point_ids(service_points_near(store, *BERKAH, 5000, partner="pos")) == [
        "sp:jne:BDO-AG-17", "sp:pos:40000"]
    assert _point_ids(service_points_near(store, *BERKAH, 5000, limit=1)) == ["sp:jne:BDO-AG-17"]
    assert service_points_near(store, 0.0, 0.0, 1000) == []


@pytest.mark.parametrize(("args", "parameter"), [
    ((91.0, 107.0, 100.0), "near"),
    ((-6.9, 181.0, 100.0), "near"),
    ((-6.9, 107.6, 0.0), "radius_m"),
    ((-6.9, 107.6, 100_001.0), "radius_m"),
])
def test_near_refuses_impossible_input(store, args, parameter):
    with pytest.raises(InvalidParameterError) as caught:
        service_points_near(store, *args)
    assert caught.value.parameter == parameter


def test_region_lists_by_code_or_name_with_pages(store):
    kota = ["sp:anteraja:AJ-1", "sp:jne:BDO-AG-17", "sp:jnt:DP-9", "sp:pos:40000"]
    assert _point_ids(service_points_in_region(store, "32.73").items) == kota
    assert _point_ids(service_points_in_region(store, "Kota Bandung").items) == kota
    assert _point_ids(service_points_in_region(store, "32").items) == [*kota, "sp:pos:40911"]
    assert _point_ids(service_points_in_region(store, "Kab. Bandung").items) == ["sp:pos:40911"]
    with_inactive = service_points_in_region(store, "3273", include_inactive=True)
    assert len(with_inactive.items) == 5
    first = service_points_in_region(store, "32.73", limit=3)
    rest = service_points_in_region(store, "32.73", limit=3, cursor=first.next_cursor)
    assert _point_ids(first.items) + _point_ids(rest.items) == kota
    assert rest.next_cursor is None
    assert first.to_dict()["region"]["name"] == "Kota Bandung"


def test_kinds_follow_the_network_node_schema():
    (kind,) = [f for f in load_schema("NetworkNode")["fields"] if f["name"] == "kind"]
    assert node_kinds() == tuple(kind["type"]["symbols"])


def test_bounding_box_across_the_antimeridian_and_near_a_pole():
    (_, _), spans = bounding_box(0.0, 179.99, 5000)
    assert len(spans) == 2 and spans[0][1] == 180.0 and spans[1][0] == -180.0
    assert bounding_box(89.99, 10.0, 5000)[1] == [(-180.0, 180.0)]
    (south, north), [(west, east)] = bounding_box(-6.9, 107.6, 1000)
    assert math.isclose(north - south, 2 * math.degrees(1000 / 6_371_000))
    assert east - west > north - south  # a degree of longitude is shorter than one of latitude


# -- regions and coverage ----------------------------------------------------------------


@pytest.mark.parametrize(("text", "code"), [
    ("Bandung", "32.73"), ("Kota Bandung", "32.73"), ("kota  bandung.", "32.73"),
    ("Kabupaten Bandung", "32.04"), ("Kab. Bandung", "32.04"), ("32.73", "32.73"),
    ("3273", "32.73"), ("Tangerang", "36.71"), ("Jakarta Pusat", "31.71"),
    ("Bandung Barat", "32.17"),
])
def test_cities_resolve_with_the_kota_winning_a_tie(text, code):
    assert resolve_city(text).code == code


def test_an_ambiguous_city_lists_its_candidates():
    with pytest.raises(AmbiguousError) as caught:
        resolve_city("Jakarta")
    assert {c["code"] for c in caught.value.candidates} == {
        "31.71", "31.72", "31.73", "31.74", "31.75"}
    assert "Kota Administrasi Jakarta Selatan (31.74)" in str(caught.value)


@pytest.mark.parametrize(("text", "error"), [
    ("Atlantis", NotFoundError), ("99.99", NotFoundError), ("32", InvalidParameterError),
    ("Jawa Barat", InvalidParameterError), ("32.73.19.1001", InvalidParameterError),
    ("   ", InvalidParameterError),
])
def test_what_is_not_a_city_says_so(text, error):
    with pytest.raises(error):
        resolve_city(text)


def test_regions_take_provinces_too():
    assert resolve_region("Jawa Barat").code == "32"
    assert resolve_region("Aceh").code == "11"
    assert resolve_region("Gorontalo").code == "75.71"  # the city; the province by code
    assert resolve_region("Provinsi Gorontalo").code == "75"
    assert resolve_region("32.73.19.1001").name == "Braga"


def test_coverage_of_a_city(store):
    report = coverage(store, "Bandung")
    assert report["region"] == {"code": "32.73", "name": "Kota Bandung", "type": "kota",
                                "level": 2, "province": "Jawa Barat"}
    points = report["service_points"]
    assert (points["total"], points["active"], points["inactive"]) == (5, 4, 1)
    assert points["multi_partner"] == 1 and points["without_postal_code"] == 0
    assert points["by_partner"] == [
        {"partner": "pos", "active": 2, "inactive": 0, "total": 2},
        {"partner": "anteraja", "active": 1, "inactive": 0, "total": 1},
        {"partner": "jne", "active": 1, "inactive": 0, "total": 1},
        {"partner": "jnt", "active": 1, "inactive": 0, "total": 1},
        {"partner": "sicepat", "active": 0, "inactive": 1, "total": 1},
    ]
    assert points["by_kind"] == [
        {"kind": "agent", "active": 2, "inactive": 1, "total": 3},
        {"kind": "drop_point", "active": 1, "inactive": 0, "total": 1},
        {"kind": "regional_office", "active": 1, "inactive": 0, "total": 1},
    ]
    codes = report["postal_codes"]
    assert codes["served"] == ["40111", "40112", "40132"]
    assert (codes["total"], codes["served_count"], codes["not_served_count"]) == (101, 3, 98)
    assert codes["served_ratio"] == round(3 / 101, 4)
    assert "40115" in codes["not_served"]  # only an inactive agent has it
    assert codes["not_in_region"] == ["40000"]
    villages = report["villages"]
    assert [(v["name"], v["postal_code"]) for v in villages["served"]] == [
        ("Lebak Gede", "40132"), ("Lebak Siliwangi", "40132"), ("Braga", "40111"),
        ("Kebon Pisang", "40112")]
    assert villages["served"][2] == {"code": "32.73.19.1001", "name": "Braga",
                                     "type": "kelurahan", "district": "Sumur Bandung",
                                     "postal_code": "40111"}
    assert (villages["total"], villages["served_count"], villages["not_served_count"]) == (
        151, 4, 147)
    assert villages["served_ratio"] == round(4 / 151, 4)
    assert len(villages_of("32.73")) == 151


def test_coverage_by_code_and_of_a_city_without_service_points(store):
    assert coverage(store, "32.73") == coverage(store, "Kota Bandung")
    empty = coverage(store.engine, "Kota Bogor")
    assert empty["service_points"]["total"] == 0 and empty["service_points"]["by_partner"] == []
    assert empty["postal_codes"]["served_count"] == 0 and empty["postal_codes"]["total"] > 0
    assert empty["villages"]["served_ratio"] == 0.0


# -- lintas coverage ---------------------------------------------------------------------


@pytest.fixture
def cli_env(store, view_url, monkeypatch) -> CliRunner:
    monkeypatch.setenv("LINTAS_DATABASE_URL", view_url)
    return CliRunner()


def test_coverage_command_prints_json_and_tables(cli_env):
    from lintas.cli.coverage import coverage as command

    result = cli_env.invoke(command, ["--city", "Bandung", "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["postal_codes"]["served"] == ["40111", "40112", "40132"]
    people = cli_env.invoke(command, ["--city", "32.73"])
    assert people.exit_code == 0, people.output
    assert "Kota Bandung (32.73), Jawa Barat" in people.output
    assert "3 of 101 (3.0%)" in people.output and "4 of 151 (2.6%)" in people.output
    assert "78 more postal codes" in people.output
    assert "40000" in people.output.splitlines()[-1]
    everything = cli_env.invoke(command, ["--city", "32.73", "--all"])
    assert "more postal codes" not in everything.output


def test_coverage_command_names_the_candidates_of_an_ambiguous_city(cli_env):
    from lintas.cli.coverage import coverage as command

    result = cli_env.invoke(command, ["--city", "Jakarta"])
    assert result.exit_code == 1
    assert isinstance(result.exception, AmbiguousError)
    assert "Jakarta Timur (31.75)" in str(result.exception)


def test_the_cli_default_of_stale_days_is_the_queries_default():
    from lintas.cli import api

    assert api._STALE_DAYS == DEFAULT_STALE_DAYS
