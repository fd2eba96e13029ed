"""The Faust transport lintas runs on: Faust's aiokafka transport with a consumer that
never commits past a message no agent processed.

Why: faust-streaming 0.15.3 can drop a message fetched while a table recovers (it is
delivered while the stream skips, then dropped as already read when fetched again), and
its commit check lets the committed offset move past a missing message at the head of
the acknowledged offsets (it tolerates a hole of exactly one offset). With a table in
the app and records arriving during a restart, one record per partition could be lost.
See docs/faust.md.

What this consumer does instead: when the smallest acknowledged offset of a partition
lies beyond its committed offset (or, for a partition the group never committed, beyond
the log start), it does not commit; it seeks the partition back to the
committed offset so the missing message is read and processed again (the messages after
it are processed twice, which the idempotent pipeline absorbs). While a re-read's seek
lands, the records of that partition fetched before it are held back, so that they do
not move Faust's read offset past the offset read again. Only if the hole is still there
after :data:`RESEEK_LIMIT` re-reads, :data:`RESEEK_WAIT` seconds apart, none of which
brought the offset back from the log, is it taken as offsets the log does not hold
(compaction, transaction markers) and skipped, with a warning; an offset a re-read
brought back is on its way through the agents and is never skipped.

Two more of Faust's ways past a message are closed here: a stream that takes a message
during a rebalance (flow suspended, or an earlier generation) skips it and acknowledges
it as processed, so such an acknowledgement does not count; and aiokafka's seek to the
committed offsets leaves a partition the group never committed where the fetcher had
got to, so those partitions are sought to their start after a rebalance.

Its producer writes the canonical topics in the wire format of the settings: with
``LINTAS_WIRE_FORMAT=confluent`` it registers the canonical schemas when it starts and
sends each canonical record in Confluent's format (:mod:`lintas.schemas.wire`); the agents
encode single-object records either way.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import AsyncIterator, Awaitable, Iterable, Mapping
from typing import Any

from aiokafka.errors import KafkaError
from faust.exceptions import ProducerSendError
from faust.transport.drivers import TRANSPORTS
from faust.transport.drivers import aiokafka as faust_aiokafka
from faust.types import Message
from mode.utils.futures import notify

from lintas.core.settings import get_settings
from lintas.schemas.wire import ConfluentFraming, confluent_framing

__all__ = ["RESEEK_LIMIT", "RESEEK_WAIT", "SCHEME", "SEEN_WAIT", "GapSafeConsumer",
           "Transport", "WireProducer", "register", "skipped_by_streams",
           "stale_after_reread"]

log = logging.getLogger(__name__)

SCHEME = "lintas-kafka"
RESEEK_LIMIT = 3
RESEEK_WAIT = 10.0
LOG_START_WAIT = 30.0
#: How long a re-read whose offset came back from the log waits for the agents before it
#: reads again (their buffers can hold more than RESEEK_WAIT seconds of work).
SEEN_WAIT = 60.0


class GapSafeConsumer(faust_aiokafka.Consumer):
    """Commits an offset only when every message before it was acknowledged."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # (tp, committed offset) -> (re-reads so far, monotonic time of the last one)
        self._reseeks: dict[tuple[Any, int], tuple[int, float]] = {}
        # Where a partition with no committed offset starts (the group reads from the
        # earliest offset), fetched once per partition.
        self._log_start: dict[Any, int] = {}
        # Partitions whose log start is being fetched, with the monotonic time asked.
        self._log_start_pending: dict[Any, float] = {}
        # Fire-and-forget work (log start fetches, seeks), held until done so the event
        # loop's weak reference is not the only one.
        self._background: set[asyncio.Future[Any]] = set()
        # Seeks of re-reads done so far, and the partitions being read again: the offset
        # read again and the number of its seek (None until the seek is done).
        self._rereads_done = 0
        self._rereading: dict[Any, tuple[int, int | None]] = {}
        # (tp, offset) a re-read's fetch brought back: the log holds it, never skip it.
        self._reread_seen: set[tuple[Any, int]] = set()

    def _in_background(self, work: Awaitable[Any]) -> None:
        future = asyncio.ensure_future(work)
        self._background.add(future)
        future.add_done_callback(self._background.discard)

    def _baseline(self, tp: Any) -> int | None:
        """The first offset that must be processed: the committed one, or for a partition
        the group never committed, the log start (None until it is known)."""
        committed = self._committed_offset[tp]
        if committed is not None:
            return int(committed)
        if tp in self._log_start:
            return self._log_start[tp]
        asked = self._log_start_pending.get(tp)
        now = time.monotonic()
        if asked is not None and now - asked >= LOG_START_WAIT:
            log.warning("%s: no answer for its log start after %.0f s; asking again; "
                        "its offsets are not committed until then", tp, now - asked)
            asked = None
        if asked is None:
            self._log_start_pending[tp] = now
            self._in_background(self._fetch_log_start(tp))
        return None

    async def _fetch_log_start(self, tp: Any) -> None:
        try:
            offsets = await self.earliest_offsets(tp)
            self._log_start[tp] = int(offsets[tp])
        except Exception as exc:  # try again at the next commit
            log.warning("%s: cannot read the log start: %s", tp, exc)
        finally:
            self._log_start_pending.pop(tp, None)

    def _first_accounted(self, tp: Any) -> int | None:
        """Smallest offset acknowledged or known to be absent from the log."""
        candidates = [min(self._acked[tp])] if self._acked[tp] else []
        gaps = self._gap[tp]
        if gaps:
            candidates.append(min(interval.begin for interval in gaps))
        return min(candidates) if candidates else None

    def _new_offset(self, tp: Any) -> int | None:
        first = self._first_accounted(tp)
        if first is None:
            return super()._new_offset(tp)
        committed = self._baseline(tp)
        if committed is None:
            return None  # not knowing where the partition starts, commit nothing yet
        if first <= committed:
            self._forget_reseeks(tp)
            return super()._new_offset(tp)
        key = (tp, committed)
        count, last = self._reseeks.get(key, (0, 0.0))
        now = time.monotonic()
        if key in self._reread_seen:
            # Handed to the agents by a re-read: on its way, however long their buffers
            # take. Read again only after SEEN_WAIT, and never take it as absent.
            if now - last >= SEEN_WAIT:
                self._read_again(tp, committed, first, count, now)
            return None
        if count >= RESEEK_LIMIT and now - last >= RESEEK_WAIT:
            log.warning(
                "%s: offsets %d..%d were never delivered after %d re-reads; taking them "
                "as absent from the log", tp, committed, first - 1, count,
            )
            self._gap[tp].addi(committed, first)
            self._reseeks.pop(key, None)
            return super()._new_offset(tp)
        if count == 0 or (count < RESEEK_LIMIT and now - last >= RESEEK_WAIT):
            self._read_again(tp, committed, first, count + 1, now)
        return None

    def _read_again(self, tp: Any, committed: int, first: int, count: int, now: float) -> None:
        log.warning("%s: offset %d was never processed but %d was; reading from %d again",
                    tp, committed, first, committed)
        self._reseeks[(tp, committed)] = (count, now)
        self._in_background(self._reread(tp, committed))

    async def _reread(self, tp: Any, offset: int) -> None:
        """Move the fetch position of ``tp`` back to ``offset``. The seek runs on the
        consumer's own thread (``seek_wait``): aiokafka's fetcher is not thread-safe, and
        a seek from this loop while it hands out records makes it fail.

        While the seek is under way, and afterwards for fetches begun before it was done,
        :meth:`getmany` holds back the records of ``tp`` other than ``offset`` itself."""
        self._rereading[tp] = (offset, None)
        try:
            await self.seek_wait({tp: offset})
        except Exception as exc:  # the next commit check asks again
            self._rereading.pop(tp, None)
            log.warning("%s: cannot read from %d again: %s", tp, offset, exc)
            return
        self._rereads_done += 1
        if self._rereading.get(tp, (None,))[0] == offset:
            self._rereading[tp] = (offset, self._rereads_done)

    async def getmany(self, timeout: float) -> AsyncIterator[tuple[Any, Any]]:
        """Faust's ``getmany``, less the records a re-read's seek made stale.

        Faust's drain loop hands out a fetched batch record by record, waiting for the
        agents' buffers, and moves the partition's read offset to each record it hands
        out. A re-read's seek that lands while a batch is being handed out leaves the rest
        of that batch behind it: those records (beyond the offset read again) would move
        the read offset past it, and when the seek's fetch brings it, the loop would drop
        it as already read, at every re-read, until the guard gave up and skipped it.
        Held back here, they come again from the seek's fetch, in order."""
        begun = self._rereads_done  # read as the fetch begins (first iteration)
        async for tp, message in super().getmany(timeout):
            rereading = self._rereading.get(tp)
            if rereading is not None:
                if stale_after_reread(rereading, begun, message.offset):
                    continue
                del self._rereading[tp]
                if message.offset == rereading[0]:
                    self._reread_seen.add((tp, message.offset))
            yield tp, message

    def ack(self, message: Message) -> bool:
        """Faust's ack, except for a message its stream skipped: a stream that takes a
        message while a rebalance suspends the flow, or one of an earlier generation,
        skips it and acknowledges it as if processed, and the commit then moves past a
        message no agent saw. Such a message is released (nothing waits for it) but its
        offset does not count as processed: it is read again after the rebalance. A
        message processed just as a rebalance begins is read again too, which the
        idempotent pipeline absorbs."""
        if self.app.topics.acks_enabled_for(message.topic) and skipped_by_streams(
                self.app.flow_control.is_active(), message.generation_id,
                self.app.consumer_generation_id):
            message.acked = True
            self._unacked_messages.discard(message)
            notify(self._waiting_for_ack)
            return False
        return super().ack(message)

    async def seek_to_committed(self) -> Mapping[Any, int]:
        """Seek every partition to its committed offset, and the partitions the group
        never committed (or committed at 0) to their start: aiokafka's seek leaves those
        where the fetcher had got to, so the messages fetched while the tables recovered
        (and skipped by the streams) were never read again."""
        committed = await super().seek_to_committed()
        unset = {tp: 0 for tp, offset in committed.items()
                 if not offset and not self._is_changelog_tp(tp)
                 and self.app.topics.acks_enabled_for(tp.topic)}
        if unset:
            await self.seek_wait(unset)
        return committed

    async def on_partitions_revoked(self, revoked: set[Any]) -> None:
        for tp in revoked:  # a new owner reads from the committed offset anyway
            self._rereading.pop(tp, None)
            self._forget_reseeks(tp)
        await super().on_partitions_revoked(revoked)

    def _forget_reseeks(self, tp: Any) -> None:
        for key in [k for k in self._reseeks if k[0] == tp]:
            del self._reseeks[key]
        self._reread_seen = {k for k in self._reread_seen if k[0] != tp}


def skipped_by_streams(flow_active: bool, generation: int | None, current: int) -> bool:
    """Whether Faust's streams skip (and acknowledge unprocessed) a message of consumer
    generation ``generation`` taken while the flow is ``flow_active`` and the app's
    generation is ``current`` (``faust.streams.Stream._py_aiter``)."""
    return not flow_active or generation != current


def stale_after_reread(rereading: tuple[int, int | None], begun: int, offset: int) -> bool:
    """Whether a record at ``offset`` of a partition being read again from
    ``rereading[0]`` is left from before the re-read's seek (number ``rereading[1]``,
    None while under way), for a fetch begun when ``begun`` seeks were done.

    The record read again is never stale: no fetch begun before the seek can hold it (the
    position was past it), so it comes from the seek. Any other record is stale while the
    seek is under way and, once it is done, if its fetch began before (a fetch begun after
    it starts at the offset read again, or past it when the log no longer holds it)."""
    target, number = rereading
    if offset == target:
        return False
    return number is None or begun < number


class WireProducer(faust_aiokafka.Producer):
    """Faust's producer, writing the canonical topics in the settings' wire format."""

    framing: ConfluentFraming | None = None

    async def on_start(self) -> None:
        # Registering the schemas is blocking HTTP, done once before anything is sent.
        loop = asyncio.get_running_loop()
        self.framing = await loop.run_in_executor(None, confluent_framing, get_settings())
        await super().on_start()

    async def send(self, topic: str, key: bytes | None, value: bytes | None,
                   partition: int | None, timestamp: float | None, headers: Any, *,
                   transactional_id: str | None = None) -> Any:
        if self.framing is not None:
            value = self.framing.frame(topic, value)
        return await super().send(topic, key, value, partition, timestamp, headers,
                                  transactional_id=transactional_id)

    async def send_many(self, messages: Iterable[tuple[str, bytes, bytes | None]]) -> None:
        """Hand ``(topic, key, value)`` messages to the producer, as :meth:`send` does, at
        less cost each: aiokafka's producer takes them directly, and the partition of each
        key is found once.

        Delivery is :meth:`send`'s: nothing here waits for the broker, and Faust flushes
        aiokafka's producer (so these messages too) before it commits a consumed offset.
        Every value is framed before the first is sent, so a value the framing refuses
        sends none of them. In a transaction they go one by one through Faust's ``send``.
        """
        framing = self.framing
        framed = [(t, k, framing.frame(t, v) if framing is not None else v)
                  for t, k, v in messages]
        if self.app.in_transaction:
            for topic, key, value in framed:
                await super().send(topic, key, value, None, None, None)
            return
        producer = self._ensure_producer()
        partitions: dict[tuple[str, bytes], int] = {}
        try:
            for topic, key, value in framed:
                partition = partitions.get((topic, key))
                if partition is None:
                    await producer.partitions_for(topic)  # the topic's metadata, once known
                    partition = partitions[topic, key] = self.key_partition(topic, key).partition
                await producer.send(topic, value, key=key, partition=partition)
        except KafkaError as exc:
            raise ProducerSendError(f"Error while sending: {exc!r}") from exc


class Transport(faust_aiokafka.Transport):
    """Faust's aiokafka transport with :class:`GapSafeConsumer` and :class:`WireProducer`."""

    Consumer = GapSafeConsumer
    Producer = WireProducer


def register() -> None:
    """Make ``lintas-kafka://`` broker URLs use this transport."""
    TRANSPORTS.aliases.setdefault(SCHEME, f"{__name__}:Transport")
