"""When each slot of the mix is sent: a constant rate, or a compressed Lebaran day."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["LEBARAN_HOURS", "RateProfile"]

#: Share of the peak rate in each hour of a day in the run-up to Lebaran (WIB): quiet at
#: night, counters and pick-ups from the morning, the afternoon peak as sellers hand in
#: the day's orders, the hubs' evening sorting, and the night line-haul.
LEBARAN_HOURS = (
    0.20, 0.15, 0.12, 0.12, 0.15, 0.25,  # 00-05
    0.40, 0.60, 0.80, 0.90, 0.95, 0.90,  # 06-11
    0.85, 0.95, 1.00, 1.00, 0.95, 0.85,  # 12-17
    0.80, 0.85, 0.75, 0.55, 0.40, 0.30,  # 18-23
)


@dataclass(frozen=True)
class RateProfile:
    """Payloads per second over the run: ``rate`` throughout, or with ``hours_per_minute``
    the Lebaran day's hourly shape (:data:`LEBARAN_HOURS`) at ``rate`` for its peak, one
    simulated hour every ``60 / hours_per_minute`` real seconds from ``start_hour``."""

    rate: float
    hours_per_minute: float | None = None
    start_hour: float = 0.0

    def __post_init__(self) -> None:
        if self.rate <= 0:
            raise ValueError("the rate must be above 0 payloads/s")
        if self.hours_per_minute is not None and self.hours_per_minute <= 0:
            raise ValueError("--hours-per-minute must be above 0")

    @property
    def lebaran(self) -> bool:
        return self.hours_per_minute is not None

    def hour(self, elapsed: float) -> float:
        """The simulated hour of the day ``elapsed`` real seconds into the run."""
        if self.hours_per_minute is None:
            return self.start_hour
        return (self.start_hour + elapsed / 60 * self.hours_per_minute) % 24

    def rate_at(self, elapsed: float) -> float:
        """Payloads per second ``elapsed`` seconds into the run."""
        if self.hours_per_minute is None:
            return self.rate
        return self.rate * LEBARAN_HOURS[int(self.hour(elapsed)) % 24]

    def day_seconds(self) -> float | None:
        """Real seconds one simulated day lasts (None for a constant rate)."""
        return None if self.hours_per_minute is None else 24 * 60 / self.hours_per_minute

    def schedule(self, count: int, since: float = 0.0) -> list[float]:
        """The send times (seconds into the run) of ``count`` slots after ``since``."""
        out, at = [], since
        for _ in range(count):
            out.append(at)
            at += 1.0 / self.rate_at(at)
        return out
