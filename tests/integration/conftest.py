"""Integration tests: real broker (session fixture ``kafka``), real databases."""

from __future__ import annotations

import time
from collections.abc import Callable

import pytest

pytestmark = pytest.mark.integration


def wait_for(predicate: Callable[[], object], timeout: float = 90.0, every: float = 0.5,
             what: str | Callable[[], str] = "condition") -> object:
    """Poll ``predicate`` until it returns something truthy; ``what`` describes it (and may
    be a function saying what is still missing)."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(
                f"timed out after {timeout:.0f}s waiting for {what() if callable(what) else what}"
            )
        time.sleep(every)
