"""Closing quiet shipments: the watermark, the queues of what falls due, a leg and a
shipment closed and reopened by a late event, with the same view as if never closed."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from lintas.streams.assembler import Assembler, Closed, decode_state
from lintas.streams.chain import Chain
from lintas.streams.closing import Expiry, Watermark, closable, partition_of
from lintas.streams.legcodec import decode_leg, decode_message, encode_leg, encode_message
from lintas.streams.legs import Adopt, Close, LegRecord, LegStep, Root
from lintas.streams.messages import LegAssignment
from tests.support.events import T0
from tests.support.events import shipment_event as ev

POS = [ev("p1", "pos", "P2505010000001", "in_transit", 0, "16.71"),
       ev("p2", "pos", "P2505010000001", "delivered", 20, "16.71")]
LATE = ev("p3", "pos", "P2505010000001", "returned", 24 * 30, "16.71")
LEG = "pos:P2505010000001"


def test_the_watermark_ignores_times_far_ahead_of_the_clock():
    mark, now = Watermark(), datetime(2025, 6, 1, tzinfo=timezone.utc)
    mark.advance(now - timedelta(days=3), now)
    mark.advance(now + timedelta(days=400), now)  # a scan dated next year
    mark.advance(now - timedelta(days=5), now)    # older: the watermark stays
    assert mark.time == now - timedelta(days=3)


def test_keys_fall_due_soonest_first_per_partition():
    expiry = Expiry()
    expiry.note(0, "b", T0 + timedelta(days=2))
    expiry.note(0, "a", T0 + timedelta(days=1))
    expiry.note(1, "c", T0)
    assert expiry.due(0, T0) == []
    assert expiry.due(0, T0 + timedelta(days=5), limit=1) == ["a"]
    assert expiry.due(0, T0 + timedelta(days=5)) == ["b"]
    assert expiry.due(1, None) == [] and len(expiry) == 1
    assert expiry.needs_scan(3) and not expiry.needs_scan(3)


def test_keys_land_in_the_partition_the_workers_producer_gives_them():
    from aiokafka.partitioner import DefaultPartitioner  # what Faust's producer uses

    partitions = list(range(6))
    for i in range(300):
        key = f"pos:P{i:013d}".encode()
        assert partition_of(key, 6) == DefaultPartitioner()(key, partitions, partitions)
    assert {partition_of(f"k{i}".encode(), 6) for i in range(200)} == set(partitions)


def test_only_a_terminal_shipment_quiet_long_enough_closes():
    view = Chain().add_all(POS).shipments[0]
    after = timedelta(days=14)
    delivered_at = T0 + timedelta(hours=20)
    assert not closable(view, delivered_at + timedelta(days=13), after)
    assert closable(view, delivered_at + timedelta(days=14), after)
    moving = Chain().add_all(POS[:1]).shipments[0]
    assert not closable(moving, delivered_at + timedelta(days=400), after)
    assert not closable(view, None, after)


def _assembled(events):
    table: dict[str, bytes] = {}
    assembler = Assembler(table)
    assembler.apply(LegAssignment(LEG, LEG, "leg", "origin", 1.0, list(events)))
    return assembler, table


def test_a_closed_shipment_reopens_from_its_archived_state_as_if_never_closed():
    assembler, table = _assembled(POS)
    archived = table[LEG]
    assert assembler.close(LEG, (2, 41), 1_700_000_000_000) == [LEG]
    marker = decode_state(table[LEG])
    assert (marker.archive, marker.closed_at, marker.legs) == ((2, 41), 1_700_000_000_000, {})
    assert len(table[LEG]) < 16
    late = LegAssignment(LEG, LEG, "reopen", "origin", 1.0, [LATE])
    with pytest.raises(Closed, match="archived at partition 2, offset 41") as closed:
        assembler.apply(late)
    assert closed.value.archive == (2, 41)
    view = assembler.apply(late, archived)
    assert view == Chain().add_all([*POS, LATE]).shipments[0]
    assert decode_state(table[LEG]).archive is None  # open again
    assert assembler.apply(late) == view  # the late event read again changes nothing


def test_a_closed_leg_keeps_only_its_shipment_and_sends_late_events_there():
    record = LegRecord(LEG)
    for event in POS:
        LegStep(record).event(event, "events", -1)
    assert LegStep(record).message(Close("pos:OTHER", 5), "legs", -1) == []
    assert record.closed is None  # a Close for a shipment the leg has left
    LegStep(record).message(Close(LEG, 5), "legs", -1)
    assert (record.closed, record.closed_at, record.events) == (LEG, 5, {})
    assert decode_leg(LEG, encode_leg(record)) == record
    assert decode_message(encode_message(Close(LEG, 5))) == Close(LEG, 5)
    (out,) = LegStep(record).event(LATE, "events", 99)
    assert out[:2] == ("shipments", LEG)
    assert (out[2].kind, out[2].events) == ("reopen", [LATE])
    # A leg taking the closed one as parent joins its shipment.
    adopted = LegStep(record).message(Adopt("jnt:JP1"), "legs", -1)
    assert adopted == [("legs", "jnt:JP1", Root(LEG, LEG, 1))]
    LegStep(record).message(Close(LEG, 9), "legs", -1)
    assert record.closed_at == 9  # closed again after a reopening
