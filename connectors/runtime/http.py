"""HTTP for connectors: status codes mapped to error types in one place, retries with
backoff and jitter for what is retriable, and a per-partner rate limit."""

from __future__ import annotations

import random
import threading
import time
from collections.abc import Callable
from typing import TypeVar

import httpx

from lintas.core.errors import AuthenticationError, FatalError, RetriableError, SkippableError

__all__ = ["RateLimiter", "check_response", "with_retries"]

T = TypeVar("T")


def check_response(response: httpx.Response, partner: str) -> httpx.Response:
    """Raise the lintas error that ``response``'s status means; return it when it is fine."""
    code = response.status_code
    where = f"{partner}: {response.request.method} {response.request.url.path}"
    if code < 400:
        return response
    if code in (401, 403):
        raise AuthenticationError(f"{where}: the partner refused our credentials (HTTP {code})")
    if code == 429:
        retry_after = response.headers.get("Retry-After")
        try:
            wait = float(retry_after) if retry_after else None
        except ValueError:
            wait = None
        raise RetriableError(f"{where}: rate limited (HTTP 429)", retry_after=wait)
    if code >= 500 or code in (408, 425):
        raise RetriableError(f"{where}: partner error (HTTP {code})")
    if code in (400, 404, 409, 422):
        raise SkippableError(f"{where}: request rejected (HTTP {code})")
    raise FatalError(f"{where}: unexpected HTTP {code}")


def with_retries(
    call: Callable[[], T],
    *,
    attempts: int = 5,
    base_delay: float = 0.5,
    max_delay: float = 30.0,
    sleep: Callable[[float], None] = time.sleep,
    on_retry: Callable[[Exception, float], None] | None = None,
) -> T:
    """Run ``call``, retrying retriable failures (timeouts, 429, 5xx) with exponential
    backoff and full jitter; other errors pass straight through."""
    for attempt in range(1, attempts + 1):
        try:
            return call()
        except httpx.TimeoutException as exc:
            error: RetriableError = RetriableError(f"timed out: {exc.__class__.__name__}")
            cause: Exception = exc
        except httpx.TransportError as exc:
            error = RetriableError(f"connection failed: {exc.__class__.__name__}")
            cause = exc
        except RetriableError as exc:
            error, cause = exc, exc
        if attempt == attempts:
            raise error from cause
        delay = random.uniform(0, min(max_delay, base_delay * 2 ** (attempt - 1)))
        if error.retry_after is not None:
            delay = max(delay, min(error.retry_after, max_delay))
        if on_retry:
            on_retry(error, delay)
        sleep(delay)
    raise AssertionError("unreachable")


class RateLimiter:
    """At most ``rate`` calls a second on average, in bursts of up to ``burst``."""

    def __init__(self, rate: float, burst: int = 1, clock: Callable[[], float] = time.monotonic,
                 sleep: Callable[[float], None] = time.sleep) -> None:
        if rate <= 0:
            raise ValueError("rate must be positive")
        self.rate = rate
        self.burst = max(1, burst)
        self._tokens = float(self.burst)
        self._clock = clock
        self._sleep = sleep
        self._last = clock()
        self._lock = threading.Lock()

    def acquire(self) -> None:
        """Wait until a call is allowed."""
        with self._lock:
            now = self._clock()
            self._tokens = min(self.burst, self._tokens + (now - self._last) * self.rate)
            self._last = now
            if self._tokens < 1:
                wait = (1 - self._tokens) / self.rate
                self._sleep(wait)
                self._last = self._clock()
                self._tokens = 0.0
            else:
                self._tokens -= 1
