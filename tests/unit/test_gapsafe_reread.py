"""The commit guard's re-read (lintas.streams.transport.GapSafeConsumer): a seek back to
a missing offset that lands while Faust hands out a batch fetched before it must not let
that batch's later records move the read offset past the offset read again (Faust's drain
loop would then drop it as already read, at every re-read, and the guard would give up
and skip a record nobody processed: seen in the rebalance test,
``lintas.shipment-events.v1`` partition 4, offset 308)."""

from __future__ import annotations

import asyncio
from collections import defaultdict
from collections.abc import AsyncIterator
from types import SimpleNamespace
from typing import Any

import pytest
from faust.transport.drivers import aiokafka as faust_aiokafka
from intervaltree import IntervalTree

from lintas.streams import transport
from lintas.streams.transport import (
    RESEEK_LIMIT,
    RESEEK_WAIT,
    SEEN_WAIT,
    GapSafeConsumer,
    stale_after_reread,
)

TP = ("lintas.shipment-events.v1", 4)
OTHER = ("lintas.shipment-events.v1", 5)


def test_the_offset_read_again_is_never_stale():
    assert not stale_after_reread((308, None), 0, 308)
    assert not stale_after_reread((308, 3), 0, 308)


def test_other_records_are_stale_while_the_seek_is_under_way():
    assert stale_after_reread((308, None), 5, 309)


def test_after_the_seek_only_fetches_begun_before_it_are_stale():
    assert stale_after_reread((308, 3), 2, 310)
    assert not stale_after_reread((308, 3), 3, 310)  # the log no longer holds 308
    assert not stale_after_reread((308, 3), 4, 310)


class Drain:
    """Faust's drain loop reduced to what matters here: it hands out every record of a
    fetch, moving the read offset, and drops a record below the read offset."""

    def __init__(self, consumer: GapSafeConsumer) -> None:
        self.consumer = consumer
        self.read_offset: dict[Any, int] = {}
        self.delivered: list[tuple[Any, int]] = []

    async def fetch(self, during: Any = None) -> None:
        async for tp, message in self.consumer.getmany(timeout=1.0):
            if message.offset >= self.read_offset.get(tp, -1):
                self.delivered.append((tp, message.offset))
                self.read_offset[tp] = message.offset
            if during is not None:
                await during(tp, message)
                during = None


@pytest.fixture
def rig(monkeypatch: pytest.MonkeyPatch) -> tuple[GapSafeConsumer, Drain, list[list[Any]]]:
    """A consumer whose fetches return the batches queued in ``fetches``, and whose
    seeks move the drain's read offset as Faust's ``seek_wait`` does."""
    fetches: list[list[Any]] = []

    async def getmany(self: Any, timeout: float) -> AsyncIterator[tuple[Any, Any]]:
        for tp, offset in fetches.pop(0):
            yield tp, SimpleNamespace(offset=offset)

    monkeypatch.setattr(faust_aiokafka.Consumer, "getmany", getmany)
    consumer = GapSafeConsumer.__new__(GapSafeConsumer)
    consumer._rereading, consumer._rereads_done, consumer._reread_seen = {}, 0, set()
    drain = Drain(consumer)

    async def seek_wait(partitions: dict[Any, int]) -> None:
        drain.read_offset.update(partitions)

    consumer.seek_wait = seek_wait  # type: ignore[method-assign]
    return consumer, drain, fetches


def test_a_batch_fetched_before_the_reread_does_not_hide_the_offset_read_again(rig):
    consumer, drain, fetches = rig

    async def scenario() -> None:
        fetches.append([(TP, 309), (TP, 310), (OTHER, 50), (TP, 311)])
        await drain.fetch(during=lambda tp, m: consumer._reread(TP, 308))
        fetches.append([(TP, 308), (TP, 309), (TP, 310), (TP, 311), (TP, 312)])
        await drain.fetch()

    asyncio.run(scenario())
    assert [o for tp, o in drain.delivered if tp == TP] == [309, 308, 309, 310, 311, 312]
    assert (OTHER, 50) in drain.delivered  # other partitions are not held back
    assert consumer._rereading == {}
    assert consumer._reread_seen == {(TP, 308)}  # the log holds it: never skipped


def test_an_offset_the_log_no_longer_holds_holds_nothing_back_after_the_seek(rig):
    consumer, drain, fetches = rig

    async def scenario() -> None:
        fetches.append([(TP, 309)])
        await drain.fetch(during=lambda tp, m: consumer._reread(TP, 308))
        fetches.append([(TP, 309), (TP, 310)])  # 308 compacted away: the seek's fetch
        await drain.fetch()

    asyncio.run(scenario())
    assert [o for tp, o in drain.delivered if tp == TP] == [309, 309, 310]
    assert consumer._rereading == {}


def test_a_failed_seek_holds_nothing_back(rig):
    consumer, drain, fetches = rig

    async def refused(partitions: dict[Any, int]) -> None:
        raise RuntimeError("not assigned")

    consumer.seek_wait = refused  # type: ignore[method-assign]

    async def scenario() -> None:
        await consumer._reread(TP, 308)
        fetches.append([(TP, 309)])
        await drain.fetch()

    asyncio.run(scenario())
    assert drain.delivered == [(TP, 309)]


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def guard(monkeypatch: pytest.MonkeyPatch) -> tuple[GapSafeConsumer, Clock, list[int]]:
    """A consumer that committed 308 and has 309 and 310 acknowledged (308 missing); its
    re-reads are recorded, not run."""
    clock = Clock()
    monkeypatch.setattr(transport.time, "monotonic", clock)
    consumer = GapSafeConsumer.__new__(GapSafeConsumer)
    consumer._acked, consumer._acked_index = defaultdict(list), defaultdict(set)
    consumer._gap, consumer._committed_offset = defaultdict(IntervalTree), defaultdict(
        lambda: None)
    consumer._reseeks, consumer._reread_seen, consumer._rereading = {}, set(), {}
    consumer._committed_offset[TP] = 308
    consumer._acked[TP] = [309, 310]
    rereads: list[int] = []

    async def reread(tp: Any, offset: int) -> None: ...

    consumer._reread = lambda tp, offset: rereads.append(offset) or reread(tp, offset)
    consumer._in_background = lambda work: work.close()  # type: ignore[method-assign]
    return consumer, clock, rereads


def test_a_hole_no_reread_brings_back_is_skipped_after_the_last_reread(guard):
    consumer, clock, rereads = guard
    for _ in range(RESEEK_LIMIT):
        assert consumer._new_offset(TP) is None
        clock.now += RESEEK_WAIT
    assert rereads == [308] * RESEEK_LIMIT
    assert consumer._new_offset(TP) == 311  # taken as absent from the log


def test_a_hole_a_reread_brought_back_is_never_skipped(guard):
    consumer, clock, rereads = guard
    assert consumer._new_offset(TP) is None
    consumer._reread_seen.add((TP, 308))  # the re-read's fetch handed 308 to the agents
    for _ in range(int(3 * SEEN_WAIT / RESEEK_WAIT)):
        clock.now += RESEEK_WAIT
        assert consumer._new_offset(TP) is None
    assert len(rereads) == 1 + 3  # once at first, then once every SEEN_WAIT
    consumer._acked[TP] = [308, 309, 310]  # processed at last
    assert consumer._new_offset(TP) == 311
    assert consumer._reread_seen == set() and consumer._reseeks == {}
