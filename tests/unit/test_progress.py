"""The progress reporter lintas commands share (lintas.cli.progress): plain lines at an
interval when stderr is not a terminal, bars when it is, totals known or not; and the
load generator's progress shown through it."""

from __future__ import annotations

import io
import re

import pytest
from rich.console import Console

from lintas.cli.loadgen import _show
from lintas.cli.progress import ProgressReporter, duration
from lintas.core.progress import NO_PROGRESS
from lintas.demo.loadgen import LoadProgress


class Clock:
    """A clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def plain(clock: Clock, interval: float = 5.0) -> tuple[ProgressReporter, io.StringIO]:
    out = io.StringIO()
    console = Console(file=out, force_terminal=False)
    return ProgressReporter("replay", console=console, interval=interval, clock=clock), out


def test_plain_lines_come_at_the_interval_not_per_record():
    clock = Clock()
    reporter, out = plain(clock)
    with reporter:
        reporter.phase("reading raw topics", total=320)
        for n in range(1, 321):
            clock.now += 0.0625  # 16 records a second: 20 s in all
            reporter.update(n, events=2 * n, dead_letters=1)
    lines = out.getvalue().splitlines()
    # the start, one every 5 s of the 20 s (the last of them at 20 s itself), and the end
    assert len(lines) == 1 + 4 + 1
    assert lines[0] == "replay: reading raw topics: 0/320 records (0%)"
    assert lines[1] == ("replay: reading raw topics: 80/320 records (25%), 16 records/s, "
                        "ETA 15s; events 160, dead letters 1")
    assert lines[-1] == ("replay: reading raw topics: 320/320 records (100%), 16 records/s, "
                         "done in 20s; events 640, dead letters 1")


def test_each_phase_begins_and_ends_with_a_line():
    clock = Clock()
    reporter, out = plain(clock)
    with reporter:
        reporter.phase("reading raw topics", total=3)
        reporter.update(3)
        clock.now += 2
        reporter.phase("writing the view", total=2, unit="shipments")
        clock.now += 1
        reporter.update(2, merged=0)
    assert out.getvalue().splitlines() == [
        "replay: reading raw topics: 0/3 records (0%)",
        "replay: reading raw topics: 3/3 records (100%), 2 records/s, done in 2s",
        "replay: writing the view: 0/2 shipments (0%)",
        "replay: writing the view: 2/2 shipments (100%), 2 shipments/s, done in 1s; merged 0",
    ]


def test_an_unknown_total_shows_a_count_and_no_time_left():
    clock = Clock()
    reporter, out = plain(clock, interval=1.0)
    with reporter:
        reporter.phase("backfill from 2020-01-01 00:00 UTC")
        clock.now += 2
        reporter.update(40, pages=1)
        clock.now += 2
        reporter.update(80, total=120, pages=2)  # the partner said how much is left
    lines = out.getvalue().splitlines()
    assert lines[1] == ("replay: backfill from 2020-01-01 00:00 UTC: 40 records, 20 records/s; "
                        "pages 1")
    assert "%" not in lines[1] and "ETA" not in lines[1]
    assert lines[2] == ("replay: backfill from 2020-01-01 00:00 UTC: 80/120 records (66%), "
                        "20 records/s, ETA 2s; pages 2")


def test_a_phase_under_a_second_shows_no_rate_and_no_time_left():
    clock = Clock()
    reporter, out = plain(clock, interval=0.1)
    with reporter:
        reporter.phase("checking", total=12_000, unit="rows")
        clock.now += 0.5
        reporter.update(6_000)
        clock.now += 0.002
        reporter.update(12_000)
    assert out.getvalue().splitlines() == [
        "replay: checking: 0/12,000 rows (0%)",
        "replay: checking: 6,000/12,000 rows (50%)",
        "replay: checking: 12,000/12,000 rows (100%), done in 1s",
    ]


def test_a_failure_ends_the_phase_as_stopped_and_later_calls_are_ignored():
    clock = Clock()
    reporter, out = plain(clock)
    with pytest.raises(RuntimeError), reporter:
        reporter.phase("sending", total=10, unit="shipments")
        clock.now += 3
        reporter.update(4)
        raise RuntimeError("broker gone")
    reporter.update(5)
    reporter.phase("again")
    lines = out.getvalue().splitlines()
    assert lines[-1] == "replay: sending: 4/10 shipments (40%), 1 shipments/s, stopped after 3s"
    assert len(lines) == 2


def test_a_terminal_gets_bars_not_lines():
    out = io.StringIO()
    console = Console(file=out, force_terminal=True, width=160)
    clock = Clock()
    reporter = ProgressReporter("replay", console=console, clock=clock)
    assert reporter.live
    with reporter:
        reporter.phase("reading raw topics", total=3)
        clock.now += 1
        reporter.update(3, events=9)
    text = re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", out.getvalue())
    assert "\x1b[" in out.getvalue()  # drawn with cursor movements and colours
    assert "━" in text  # a bar
    assert "3/3 records (100%), 3 records/s, done in 1s; events 9" in text
    assert "replay: reading raw topics: " not in text  # no plain line


def test_a_dumb_terminal_gets_plain_lines(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("TERM", "dumb")
    console = Console(file=io.StringIO(), force_terminal=True)
    assert not ProgressReporter("replay", console=console).live


def test_updates_to_bars_are_throttled_too():
    clock = Clock()
    reporter = ProgressReporter("replay", console=Console(file=io.StringIO(), force_terminal=True),
                                refresh=1.0, clock=clock)
    with reporter:
        reporter.phase("reading raw topics", total=100)
        bar = reporter._bars.tasks[0]  # type: ignore[union-attr]
        for n in range(1, 8):
            clock.now += 0.125
            reporter.update(n)
        assert bar.completed == 0  # under a second since the bar was last drawn
        clock.now += 0.125
        reporter.update(8)
        assert bar.completed == 8


def test_durations_read_as_people_write_them():
    assert [duration(s) for s in (0.4, 16, 185, 3725)] == ["0s", "16s", "3m05s", "1h02m"]


def test_no_progress_takes_every_call():
    NO_PROGRESS.phase("anything", total=3, unit="rows")
    NO_PROGRESS.update(1, total=3, events=2)


def _load(phase: str, sent: int, settled: int, hour: float | None = None) -> LoadProgress:
    return LoadProgress(phase, 0.0, sent, 100, 50.0, hour, 40, settled, 0.25, None)


def test_the_load_generator_shows_sending_then_the_view_settling():
    clock = Clock()
    out = io.StringIO()
    reporter = ProgressReporter("loadgen", console=Console(file=out, force_terminal=False),
                                clock=clock)
    with reporter:
        for second in range(1, 3):
            clock.now += 1
            _show(reporter, _load("sending", 50 * second, 10 * second, hour=13.5))
        for settled in (30, 40):
            clock.now += 1
            _show(reporter, _load("settling", 100, settled))
        _show(reporter, _load("done", 100, 40))
    assert out.getvalue().splitlines() == [
        "loadgen: sending: 0/100 payloads (0%)",
        "loadgen: sending: 100/100 payloads (100%), 50 payloads/s, done in 2s; offered 50/s at "
        "simulated hour 13.5, in the view 20/40 parcels, p50 0.250 s, p99 -",
        "loadgen: waiting for the view: 0/40 parcels (0%)",
        "loadgen: waiting for the view: 40/40 parcels (100%), 40 parcels/s, done in 1s; "
        "p50 0.250 s, p99 -",
    ]
