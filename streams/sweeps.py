"""The agents' side of closing shipments (:mod:`lintas.streams.closing`).

``assemble_shipments`` keeps a :class:`ShipmentSweep`: after each message it closes the
shipments of that message's partition that fell due (their state to the archive topic,
a ``Close`` to each leg, a marker in the table) and forgets markers the archive no longer
backs. ``collect_legs`` keeps a :class:`LegSweep` that forgets closed legs' markers the
same way. A sweep only touches keys of the partition whose message is being processed,
so its table writes go to that partition's changelog.

A sweep looks at no more than :data:`PER_MESSAGE` keys after one message: a worker that
gains a partition queues all its keys at once and works through them over the following
messages.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Iterable, Mapping
from datetime import datetime, timedelta, timezone
from typing import Any

from faust.types import TopicT

from lintas.schemas.statuses import Status
from lintas.streams.assembler import Assembler, decode_state
from lintas.streams.closing import Expiry, Watermark, closable, partition_of
from lintas.streams.legcodec import decode_leg, encode_message
from lintas.streams.legs import Close, LegRecord
from lintas.streams.ops.metrics import CLOSED, FORGOTTEN
from lintas.streams.pipeline import SHIPMENT_ARCHIVE, Closing, Pipeline

__all__ = ["LegSweep", "ShipmentSweep"]

log = logging.getLogger(__name__)

#: Keys a sweep looks at after one message, at most.
PER_MESSAGE = 20
_EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)

Send = Callable[[TopicT, bytes, bytes | None], Awaitable[None]]


def _millis(at: datetime) -> int:
    return int(at.timestamp() * 1000)


def _at(millis: int) -> datetime:
    return datetime.fromtimestamp(millis / 1000, timezone.utc)


class _Sweep:
    """What both sweeps share: the watermark, the queues, the first look at a partition."""

    def __init__(self, closing: Closing, table: Any) -> None:
        self.closing, self.table = closing, table
        self.watermark, self.expiry = Watermark(), Expiry()

    def saw(self, events: Iterable[Mapping[str, Any]]) -> None:
        for event in events:
            self.watermark.advance(event["occurred_at"])

    def due(self, partition: int) -> list[str]:
        if self.expiry.needs_scan(partition):
            for key in list(self.table.keys()):
                if partition_of(key, self.closing.partitions) == partition:
                    self.expiry.note(partition, key.decode(), _EPOCH)  # look at it soon
        return self.expiry.due(partition, self.watermark.time, PER_MESSAGE)

    def forgettable(self, closed_at: int) -> bool:
        mark = self.watermark.time
        return mark is not None and _at(closed_at) + self.closing.archive_for <= mark


class LegSweep(_Sweep):
    """Forgets closed legs once the archive no longer keeps their shipment."""

    def noted(self, partition: int, record: LegRecord) -> None:
        if record.closed is not None:
            due = _at(record.closed_at) + self.closing.archive_for
            self.expiry.note(partition, record.leg, due)

    def sweep(self, partition: int) -> None:
        for leg in self.due(partition):
            key = leg.encode()
            record = decode_leg(leg, self.table.get(key))
            if record.closed is None:
                continue  # open: its shipment closes it
            if self.forgettable(record.closed_at):
                del self.table[key]
                FORGOTTEN.labels("leg").inc()
            else:
                self.noted(partition, record)


class ShipmentSweep(_Sweep):
    """Closes quiet terminal shipments; forgets their markers after the archive's days."""

    def __init__(self, p: Pipeline, closing: Closing, assembler: Assembler, send: Send) -> None:
        super().__init__(closing, p.shipment_states)
        self.p, self.assembler, self.send = p, assembler, send

    def noted(self, partition: int, sid: str, view: Mapping[str, Any] | None) -> None:
        if view is not None and Status(view["status"]).terminal:
            last = datetime.fromtimestamp(view["last_event_at"] / 1000, timezone.utc) \
                if isinstance(view["last_event_at"], int) else view["last_event_at"]
            self.expiry.note(partition, sid, last + self.closing.after)

    async def sweep(self, partition: int) -> None:
        for sid in self.due(partition):
            state = decode_state(self.table.get(sid.encode()))
            if state.archive is not None:
                if self.forgettable(state.closed_at):
                    del self.table[sid.encode()]
                    FORGOTTEN.labels("shipment").inc()
                else:
                    self.expiry.note(partition, sid,
                                     _at(state.closed_at) + self.closing.archive_for)
            elif state.legs:
                view = Assembler.view(sid, state.legs)
                if closable(view, self.watermark.time, self.closing.after):
                    await self._close(partition, sid)
                else:
                    self.noted(partition, sid, view)

    async def _close(self, partition: int, sid: str) -> None:
        """Archive the state, keep where it went, tell the legs."""
        key = sid.encode()
        archived = await self.p.app.producer.send_and_wait(
            SHIPMENT_ARCHIVE, key, self.table.get(key), None, None, None)
        mark = self.watermark.time or _EPOCH
        at = _millis(mark)
        for leg in self.assembler.close(sid, (archived.partition, archived.offset), at):
            await self.send(self.p.leg_messages, leg.encode(), encode_message(Close(sid, at)))
        self.expiry.note(partition, sid, mark + self.closing.archive_for)
        CLOSED.inc()
        log.debug("closed %s (archived at %s:%s)", sid, archived.partition, archived.offset)


def closing_of(p: Pipeline) -> Closing:
    """The pipeline's closing settings (defaults when it was built without)."""
    return p.closing or Closing(timedelta(days=14), timedelta(days=90), 1)
