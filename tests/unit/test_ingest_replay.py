"""The ingest's replay guard: the same signed request is recognized for two windows, then
forgotten, at a constant cost per request however many signatures it holds."""

from __future__ import annotations

import time

from lintas.connectors.ingest import ReplayGuard


class Clock:
    def __init__(self) -> None:
        self.now = 1_750_000_000.0

    def __call__(self) -> float:
        return self.now


def test_a_signature_is_a_duplicate_for_two_windows_then_forgotten():
    clock = Clock()
    guard = ReplayGuard(window=300, clock=clock)
    assert guard.claim("a") == (True, None)
    guard.done("a", "record-a")
    clock.now += 599
    assert guard.claim("a") == (False, "record-a")
    clock.now += 2
    assert guard.claim("a") == (True, None)


def test_a_request_that_produced_nothing_leaves_nothing_behind():
    guard = ReplayGuard(window=300, clock=Clock())
    assert guard.claim("a") == (True, None)
    assert guard.claim("a") == (False, None)  # in flight
    guard.release("a")
    assert guard.claim("a") == (True, None)


def test_expired_signatures_are_dropped_as_time_passes():
    clock = Clock()
    guard = ReplayGuard(window=300, clock=clock)
    for n in range(1000):
        guard.claim(f"old-{n}")
        guard.done(f"old-{n}", f"record-{n}")
    clock.now += 601
    guard.claim("new")
    assert len(guard) == 1


def test_twenty_thousand_requests_in_a_window_cost_a_constant_time_each():
    # A flood of 1,000 webhooks a second keeps 600,000 signatures; every request must not
    # walk through all of them (that once capped the ingest near 150 requests a second).
    guard = ReplayGuard(window=300, clock=Clock())
    started = time.perf_counter()
    for n in range(20_000):
        first, _ = guard.claim(f"signature-{n}")
        assert first
        guard.done(f"signature-{n}", f"record-{n}")
    assert time.perf_counter() - started < 2.0
    assert len(guard) == 20_000
