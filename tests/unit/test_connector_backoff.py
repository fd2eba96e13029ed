"""A pull connector outlives the broker going away: a page the broker did not acknowledge
is fetched and sent again after a growing wait, the cursor moves only once it is
acknowledged, and a status that cannot be written waits for the next report."""

from __future__ import annotations

import threading
from typing import Any

import pytest

from lintas.connectors.runtime.poll import Fetched, Page, PollingConnector
from lintas.core.errors import BrokerError, RetriableError


class Feed:
    partner = "pos"
    name = "pos-tracking"
    source_partition = {"feed": "test"}

    def __init__(self) -> None:
        self.asked: list[Any] = []

    def fetch(self, cursor: dict[str, Any] | None) -> Page:
        self.asked.append(cursor)
        since = int((cursor or {}).get("since", 0))
        if since >= 2:
            return Page([], {"since": since}, False)
        item = Fetched(f"pos:P{since}", f"P{since}", "/v1/tracking", b'{"response": null}')
        return Page([item], {"since": since + 1}, True)


class Broker:
    """A producer whose broker is away for the first ``away`` flushes."""

    def __init__(self, away: int) -> None:
        self.away = away
        self.queued: list[Any] = []
        self.acknowledged: list[Any] = []

    def send(self, record: Any, key: str, **_: Any) -> None:
        self.queued.append(key)

    def send_bytes(self, topic: str, key: bytes | None, value: bytes | None,
                   headers: Any = None) -> None:
        self.queued.append(key)

    def flush(self, timeout: float = 60.0) -> int:
        queued, self.queued = self.queued, []
        if self.away > 0:
            self.away -= 1
            raise BrokerError("the broker did not acknowledge 1 record(s): KafkaTimeoutError")
        self.acknowledged += queued
        return len(queued)


class Cursors:
    def __init__(self, producer: Broker, refresh_fails: int = 0) -> None:
        self.producer = producer
        self.refresh_fails = refresh_fails
        self._cursors: dict[bytes, Any] = {}
        self.cursor: dict[str, Any] | None = None

    def refresh(self) -> dict[bytes, Any]:
        if self.refresh_fails > 0:
            self.refresh_fails -= 1
            raise BrokerError("reading lintas.connect-offsets failed: NoBrokersAvailable")
        return self._cursors

    def get(self, connector: str, partition: dict[str, Any]) -> dict[str, Any] | None:
        return self.cursor

    def put(self, connector: str, partition: dict[str, Any], value: Any) -> None:
        self.producer.send_bytes("lintas.connect-offsets", b"k", b"v")
        self.producer.flush()  # raises while the broker is away
        if "status" not in partition:
            self.cursor = value


class Rounds(threading.Event):
    """Stops the run after ``rounds`` waits, keeping how long each would have been."""

    def __init__(self, rounds: int) -> None:
        super().__init__()
        self.rounds = rounds
        self.waits: list[float] = []

    def wait(self, timeout: float | None = None) -> bool:
        self.waits.append(float(timeout or 0))
        if len(self.waits) >= self.rounds:
            self.set()
        return self.is_set()


def test_the_broker_away_delays_the_page_and_the_cursor_moves_once_it_is_acknowledged():
    producer = Broker(away=4)
    cursors = Cursors(producer)
    feed = Feed()
    connector = PollingConnector(feed, producer, cursors, interval=1.0,  # type: ignore[arg-type]
                                 max_backoff=8.0)
    stop = Rounds(6)
    stats = connector.run(stop)
    assert cursors.cursor == {"since": 2}  # both pages sent once the broker was back
    assert feed.asked[:2] == [None, None]  # the same page again, from the cursor
    assert stats.retries >= 2 and stats.state == "running"


def test_each_failure_in_a_row_waits_longer_up_to_the_ceiling():
    producer = Broker(away=1000)
    connector = PollingConnector(Feed(), producer, Cursors(producer),  # type: ignore[arg-type]
                                 interval=1.0, max_backoff=16.0)
    stop = Rounds(8)
    stats = connector.run(stop)
    ceilings = [1, 2, 4, 8, 16, 16, 16, 16]
    assert all(c / 2 <= w <= c for w, c in zip(stop.waits, ceilings, strict=True))
    assert stats.state == "retrying" and "did not acknowledge" in (stats.last_error or "")


def test_a_partner_asking_for_more_time_gets_it():
    producer = Broker(away=0)
    connector = PollingConnector(Feed(), producer, Cursors(producer),  # type: ignore[arg-type]
                                 interval=1.0, max_backoff=60.0)
    assert connector.backoff(1, RetriableError("rate limited", retry_after=30)) == 30


def test_the_cursor_topic_unreadable_is_waited_out_too():
    producer = Broker(away=0)
    cursors = Cursors(producer, refresh_fails=3)
    connector = PollingConnector(Feed(), producer, cursors,  # type: ignore[arg-type]
                                 interval=1.0, max_backoff=8.0)
    connector.run(Rounds(5))
    assert cursors.cursor == {"since": 2}


def test_a_single_pass_still_fails_when_the_broker_is_away():
    producer = Broker(away=1)
    connector = PollingConnector(Feed(), producer, Cursors(producer),  # type: ignore[arg-type]
                                 interval=1.0)
    with pytest.raises(BrokerError):
        connector.run(once=True)
