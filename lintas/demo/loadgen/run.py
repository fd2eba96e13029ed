"""``run_load``: the national mix into a running pipeline, and what the view made of it.

The payloads of the whole run are drawn first (so drawing costs nothing while the clock
runs), then sent on the rate profile's schedule as the connectors and the ingest would
send them: RawRecords on ``lintas.raw.<partner>``, keyed ``partner:number``. Each record's
append time is its Kafka timestamp (CreateTime: the producer stamps it when it is handed
over, as this loop notes it). A watcher thread reads the view meanwhile; a parcel's
latency is its shipment row's commit time (:mod:`lintas.demo.loadgen.watch`) minus the
append time of the last of its payloads sent before that commit.
"""

from __future__ import annotations

import statistics
import threading
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from typing import Any

from lintas.connectors.registry import PARTNERS
from lintas.connectors.runtime.producer import RawProducer, raw_record
from lintas.demo.loadgen.mix import MixSettings, NationalMix, Payload
from lintas.demo.loadgen.profile import RateProfile
from lintas.demo.loadgen.watch import ViewWatcher
from lintas.kafka.connection import KafkaConnection
from lintas.kafka.principals import Role
from lintas.streams.view.store import ViewStore

__all__ = ["LoadOptions", "LoadProgress", "LoadReport", "plan", "run_load"]


@dataclass(frozen=True)
class LoadOptions:
    """One run: the rate profile, how long (``count`` slots or ``duration`` seconds; the
    parcels begun then still send their remaining payloads), the mix and its seed."""

    profile: RateProfile
    count: int | None = None
    duration: float | None = None
    seed: int = 1
    start: datetime | None = None
    mix: MixSettings = field(default_factory=MixSettings)
    #: give up when the view settled no parcel for this long after the last send
    settle_timeout: float = 120.0
    poll_interval: float = 1.0


@dataclass(frozen=True)
class LoadProgress:
    """Where a run is, for a progress display."""

    phase: str  # "sending", "settling" or "done"
    elapsed: float
    sent: int
    payloads: int
    offered_rate: float
    hour: float | None
    parcels: int
    settled: int
    p50: float | None
    p99: float | None


@dataclass
class LoadReport:
    """What a run sent and what the view made of it (seconds, payloads/s)."""

    seed: int
    profile: str
    payloads: int
    network_pages: int
    parcels: int
    handovers: int
    events: int
    send_seconds: float
    offered_rate: float
    sent_rate: float
    settled: int
    settled_events: int
    #: payloads / (last commit - first append): what the pipeline sustained end to end
    throughput_payloads: float
    throughput_events: float
    #: last commit - last append: how long the pipeline needed after the load stopped
    tail_seconds: float | None
    latency: dict[str, float | None]
    #: median latency of the first and the last third of the parcels, by append time
    latency_trend: dict[str, float | None]
    unsettled: int
    missing: list[str]
    legs_by_partner: dict[str, int]

    @property
    def complete(self) -> bool:
        return self.unsettled == 0

    def as_dict(self) -> dict[str, Any]:
        return {**asdict(self), "complete": self.complete}


def plan(options: LoadOptions) -> tuple[NationalMix, list[Payload], list[float]]:
    """(the mix, every payload of the run, each one's send time in seconds into the run)."""
    if (options.count is None) == (options.duration is None):
        raise ValueError("give the run a count or a duration")
    mix = NationalMix(options.seed, start=options.start, settings=options.mix)
    profile = options.profile
    if options.count is not None:
        slots = options.count
    else:
        slots, at = 0, 0.0
        while at < float(options.duration or 0):
            at += 1.0 / profile.rate_at(at)
            slots += 1
    stream = mix.payloads()
    payloads = [next(stream) for _ in range(slots)]
    mix.drain()
    payloads += list(stream)
    return mix, payloads, profile.schedule(len(payloads))


def _percentile(values: list[float], share: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


class _Tracker:
    """Append times of each parcel's payloads; the watcher thread's findings."""

    def __init__(self, mix: NationalMix, watcher: ViewWatcher) -> None:
        self.watcher = watcher
        self.parcels = {n: p for n, p in mix.parcels.items() if p.final_status is not None}
        self.remaining = {n: p.payloads for n, p in self.parcels.items()}
        self.appends: dict[int, list[float]] = {}
        self.ready: set[int] = set()
        self.settled: dict[int, tuple[float, float]] = {}  # parcel -> (append, latency)
        self.missing: dict[int, str] = {}
        self.last_settled_at = time.monotonic()
        self._lock = threading.Lock()

    def sent(self, parcel: int | None, at: float) -> None:
        if parcel is None or parcel not in self.parcels:
            return
        with self._lock:
            self.appends.setdefault(parcel, []).append(at)
            self.remaining[parcel] -= 1
            if self.remaining[parcel] == 0:
                self.ready.add(parcel)

    def check(self) -> None:
        with self._lock:
            waiting = [self.parcels[n] for n in self.ready if n not in self.settled]
        if not waiting:
            return
        settled, missing = self.watcher.check(waiting)
        with self._lock:
            for number, committed in settled.items():
                commit = committed.timestamp()
                appends = self.appends[number]
                before = [t for t in appends if t <= commit]
                last = max(before) if before else min(appends)
                self.settled[number] = (last, commit - last)
            self.missing = missing
            if settled:
                self.last_settled_at = time.monotonic()

    def latencies(self) -> list[float]:
        with self._lock:
            return [latency for _append, latency in self.settled.values()]

    def watch(self, stop: threading.Event, every: float) -> None:
        while not stop.wait(every):
            self.check()

    def done(self) -> bool:
        with self._lock:
            return len(self.settled) == len(self.parcels)


def _send(producers: dict[str, RawProducer], payloads: list[Payload], times: list[float],
          tracker: _Tracker, report: Callable[[int, float], None]) -> float:
    """Send every payload at its time, push partners' webhooks as the ingest does and the
    rest as the connectors do; the seconds it took."""
    push = {p.id for p in PARTNERS.values() if p.mode == "push"}
    started = time.monotonic()
    last_report = started
    for i, payload in enumerate(payloads):
        delay = started + times[i] - time.monotonic()
        if delay > 0.001:
            time.sleep(delay)
        record = raw_record(partner=payload.partner, kind=payload.kind, connector="loadgen",
                            source="loadgen", payload=payload.body,
                            request_key=payload.request_key, content_type=payload.content_type,
                            received_at=datetime.now(timezone.utc))
        at = time.time()
        producers["ingest" if payload.partner in push else "connector"].send(record, payload.key)
        tracker.sent(payload.parcel, at)
        now = time.monotonic()
        if now - last_report >= 1.0:
            for producer in producers.values():
                producer.flush()  # acknowledged as we go: no backlog of futures
            report(i + 1, now - started)
            last_report = now
    for producer in producers.values():
        producer.flush()
    return time.monotonic() - started


def run_load(kafka: Callable[[Role], KafkaConnection], store: ViewStore, options: LoadOptions,
             *, progress: Callable[[LoadProgress], None] = lambda _: None) -> LoadReport:
    """Send the run's load (see the module doc) and wait for the view to settle; ``kafka``
    gives the broker as the ``connector`` and as the ``ingest`` principal."""
    mix, payloads, times = plan(options)
    tracker = _Tracker(mix, ViewWatcher(store))
    stop = threading.Event()
    watcher = threading.Thread(target=tracker.watch, args=(stop, options.poll_interval),
                               name="loadgen-view-watcher", daemon=True)
    producers = {role: RawProducer(kafka(role), client_id=f"lintas-loadgen-{role}")
                 for role in ("connector", "ingest")}

    def show(phase: str, sent: int, elapsed: float) -> None:
        latencies = tracker.latencies()
        progress(LoadProgress(
            phase, elapsed, sent, len(payloads), options.profile.rate_at(elapsed),
            options.profile.hour(elapsed) if options.profile.lebaran else None,
            len(tracker.parcels), len(latencies), _percentile(latencies, 0.50),
            _percentile(latencies, 0.99)))

    watcher.start()
    try:
        seconds = _send(producers, payloads, times, tracker,
                        lambda sent, elapsed: show("sending", sent, elapsed))
    finally:
        for producer in producers.values():
            producer.close()
        stop.set()
        watcher.join()
    sent_at = tracker.last_settled_at = time.monotonic()
    while (not tracker.done()
           and time.monotonic() - tracker.last_settled_at < options.settle_timeout):
        time.sleep(options.poll_interval)
        tracker.check()
        show("settling", len(payloads), seconds + time.monotonic() - sent_at)
    tracker.check()
    report = _report(options, mix, payloads, times, seconds, tracker)
    show("done", len(payloads), seconds)
    return report


def _report(options: LoadOptions, mix: NationalMix, payloads: list[Payload],
            times: list[float], seconds: float, tracker: _Tracker) -> LoadReport:
    described = mix.describe()
    settled = sorted(tracker.settled.items(), key=lambda item: item[1][0])
    latencies = [latency for _n, (_append, latency) in settled]
    first_append = min((t for ts in tracker.appends.values() for t in ts), default=None)
    last_append = max((t for ts in tracker.appends.values() for t in ts), default=None)
    commits = [append + latency for _n, (append, latency) in settled]
    window = (max(commits) - first_append) if commits and first_append is not None else None
    events = sum(tracker.parcels[n].events for n, _ in settled)
    third = max(1, len(latencies) // 3)
    profile = options.profile
    return LoadReport(
        seed=options.seed,
        profile=(f"lebaran at {profile.rate:g}/s peak, {profile.hours_per_minute:g} h/min"
                 if profile.lebaran else f"constant {profile.rate:g}/s"),
        payloads=len(payloads),
        network_pages=sum(1 for p in payloads if p.kind == "network"),
        parcels=described["parcels"],
        handovers=described["handovers"],
        events=described["events"],
        send_seconds=round(seconds, 3),
        offered_rate=round((len(payloads) - 1) / times[-1], 1) if len(times) > 1 else 0.0,
        sent_rate=round(len(payloads) / max(seconds, 1e-9), 1),
        settled=len(settled),
        settled_events=events,
        throughput_payloads=round(len(payloads) / window, 1) if window else 0.0,
        throughput_events=round(events / window, 1) if window else 0.0,
        tail_seconds=round(max(commits) - last_append, 3)
        if commits and last_append is not None else None,
        latency={name: _round(_percentile(latencies, share)) for name, share in
                 (("p50", 0.50), ("p90", 0.90), ("p99", 0.99), ("max", 1.0))},
        latency_trend={"first_third_p50": _round(_median(latencies[:third])),
                       "last_third_p50": _round(_median(latencies[-third:]))},
        unsettled=len(tracker.parcels) - len(settled),
        missing=[tracker.missing[n] for n in sorted(tracker.missing)
                 if n not in tracker.settled][:20],
        legs_by_partner=described["legs_by_partner"],
    )


def _median(values: list[float]) -> float | None:
    return statistics.median(values) if values else None


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 3)

