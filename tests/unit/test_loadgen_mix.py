"""The load generator's national mix: partners in their shares, hand-overs the pipeline's
own linking pairs as intended, duplicates, late and out-of-order scans, every payload of
a parcel sent, the same payloads from the same seed; rate profiles send what they say."""

from __future__ import annotations

import itertools
from collections import Counter
from dataclasses import replace
from datetime import datetime, timezone

import pytest
from click.testing import CliRunner

from lintas.cli import cli
from lintas.connectors.registry import PARTNERS
from lintas.demo.loadgen import (
    LEBARAN_HOURS,
    SHARES,
    LoadOptions,
    MixSettings,
    NationalMix,
    RateProfile,
    plan,
)
from lintas.streams.chain import Chain

START = datetime(2025, 3, 20, 6, 0, tzinfo=timezone.utc)
#: A Pos leg whose events come newest first is a hand-over candidate until its posting
#: arrives, and the region matcher keeps a match made meanwhile (reported on issue 9):
#: left out where the tests expect each parcel's exact shipment.
EXACT = MixSettings(left_out=frozenset({("pos", "newest_first")}))


def _run(seed: int, slots: int, settings: MixSettings | None = None,
         ) -> tuple[NationalMix, list]:
    mix = NationalMix(seed, start=START, settings=settings)
    stream = mix.payloads()
    payloads = [next(stream) for _ in range(slots)]
    mix.drain()
    return mix, payloads + list(stream)


@pytest.fixture(scope="module")
def national():
    return _run(7, 6000, EXACT)


def test_the_same_seed_gives_the_same_payloads_and_another_seed_others():
    _, first = _run(3, 400)
    _, again = _run(3, 400)
    _, other = _run(4, 400)
    assert [(p.key, p.kind, p.body) for p in first] == [(p.key, p.kind, p.body) for p in again]
    assert {p.key for p in first} != {p.key for p in other}


def test_partners_carry_their_share_of_the_parcels(national):
    mix, _ = national
    roots = Counter(p.legs[0].partner for p in mix.parcels.values() if not p.handover)
    total = sum(roots.values())
    for partner, share in SHARES.items():
        assert abs(roots[partner] / total - share) < 0.025, (partner, roots[partner] / total)
    assert set(roots) == set(PARTNERS)  # every partner, each in its own format


def test_every_payload_of_every_parcel_is_sent_once_the_mix_drains(national):
    mix, payloads = national
    sent = Counter(p.parcel for p in payloads if p.parcel is not None)
    assert sent == {n: p.payloads for n, p in mix.parcels.items() if p.payloads}
    assert mix.pending == 0
    assert [p.slot for p in payloads] == list(range(len(payloads)))
    numbers = [leg.key for p in mix.parcels.values() for leg in p.legs]
    assert len(numbers) == len(set(numbers))


def test_the_mix_has_duplicates_late_and_out_of_order_scans_and_network_updates(national):
    mix, payloads = national
    bodies = Counter((p.key, p.body) for p in payloads if p.parcel is not None)
    repeated = {key for (key, _body), n in bodies.items() if n > 1}
    assert len(repeated) > 0.1 * len(mix.parcels)  # re-polls and webhooks sent twice
    swapped = late = 0
    for sent in _webhooks_by_key(payloads).values():
        times = [max(e["occurred_at"] for e in _events(p)) for p in sent]
        swapped += any(a > b for a, b in itertools.pairwise(times))
        late += times.index(max(times)) != len(times) - 1
    assert swapped > 0.1 * len(_webhooks_by_key(payloads)) and late > 0
    networks = {p.partner for p in payloads if p.kind == "network"}
    assert "pos" in networks and len(networks) >= 2  # Pos's office API and outlet files
    unusable = [p for p in mix.parcels.values() if p.final_status is None]
    assert 0 < len(unusable) < 0.06 * len(mix.parcels)


def test_a_network_page_is_sent_every_network_every_slots_however_busy_the_queue():
    settings = replace(EXACT, network_every=25)
    mix = NationalMix(11, start=START, settings=settings)
    stream = mix.payloads()
    payloads = [next(stream) for _ in range(1000)]
    assert [p.slot for p in payloads if p.kind == "network"] == list(range(24, 1000, 25))


def _webhooks_by_key(payloads: list) -> dict[str, list]:
    out: dict[str, list] = {}
    for p in payloads:
        if p.kind == "webhook":
            out.setdefault(p.key, []).append(p)
    return out


def _events(payload) -> list[dict]:
    return [e.to_record() for e in PARTNERS[payload.partner].parse(payload.body).events]


def test_each_parcel_makes_the_shipment_the_mix_expects(national):
    """What the view must show, as the pipeline's own steps make it from the payloads:
    each leg's distinct events, the hand-over's legs linked by region, the final status."""
    mix, payloads = national
    chosen = {n for n, p in mix.parcels.items()
              if p.final_status is not None and (p.handover or n % 10 == 0)}
    events = [e for p in payloads if p.parcel in chosen and p.kind != "network"
              for e in _events(p)]
    views = {v["shipment_id"]: v for v in Chain().add_all(events).shipments}
    handovers = 0
    for number in chosen:
        parcel = mix.parcels[number]
        view = views[parcel.shipment_id]
        legs = {(leg["partner"], leg["tracking_number"], leg["link_method"])
                for leg in view["legs"]}
        assert legs == {(leg.partner, leg.tracking_number, leg.link_method)
                        for leg in parcel.legs}, parcel
        assert view["event_count"] == parcel.events, parcel
        assert view["status"] == parcel.final_status, parcel
        handovers += parcel.handover
    assert handovers > 0.01 * len(mix.parcels)


def test_a_constant_rate_sends_its_slots_evenly():
    times = RateProfile(200).schedule(1001)
    assert times[0] == 0 and times[-1] == pytest.approx(5.0)
    assert len(plan(LoadOptions(RateProfile(50), duration=4.0, start=START))[1]) >= 200


def test_a_lebaran_day_follows_its_hours():
    profile = RateProfile(100, hours_per_minute=60)  # one simulated hour a second
    assert profile.day_seconds() == 24
    assert profile.rate_at(14.5) == 100 and profile.rate_at(3.5) == 100 * LEBARAN_HOURS[3]
    times = profile.schedule(20_000)
    in_day = sum(1 for t in times if t < 24)
    assert in_day == pytest.approx(100 * sum(LEBARAN_HOURS), rel=0.01)
    late_hour = sum(1 for t in times if 14 <= t < 15)
    night_hour = sum(1 for t in times if 3 <= t < 4)
    assert late_hour > 5 * night_hour


def test_loadgen_asks_for_a_length_and_refuses_no_rate():
    runner = CliRunner()
    assert runner.invoke(cli, ["loadgen", "--rate", "10"]).exit_code == 2
    assert runner.invoke(cli, ["loadgen", "--count", "10"]).exit_code == 2
    assert "--hours-per-minute" in runner.invoke(cli, ["loadgen", "--help"]).output
