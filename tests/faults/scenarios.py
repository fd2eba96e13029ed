"""The faults, one function each, sized by their parameters; each returns a :class:`Report`
of what it counted and of every promise it saw broken (none, when the pipeline holds).

============================  =============================================================
:func:`kill_processes`        SIGKILL the worker, the sink and the connectors at random
                              moments (each restarted at once, as a supervisor would)
:func:`broker_restart`        SIGKILL the broker mid-stream and start it again on the same
                              data; no process is restarted by hand
:func:`broker_freeze`         SIGSTOP the broker, SIGCONT it after a while
:func:`database_outage`       stop the view's PostgreSQL and start it again
:func:`ingest_flood`          a webhook flood on the ingest alone, the broker restarted in
                              the middle
============================  =============================================================

Scenarios 1 to 4 run under the steady load of :mod:`tests.faults.rig` and end with the
same checks: every record acknowledged (a webhook answered 202, a pulled page) is on its
raw topic, the view holds every shipment sent, equals the view ``lintas replay`` rebuilds
from the raw topics, and no timeline holds an event twice.
"""

from __future__ import annotations

import os
import random
import signal
import statistics
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy.exc import SQLAlchemyError

from lintas.connectors.sandboxes.scenario import Entry
from lintas.streams.view.sink import SINK_GROUP
from tests.faults.checks import (
    RawTopics,
    compare_with_replay,
    read_raw,
    timeline_duplicates,
    view_gaps,
    worker_lag,
)
from tests.faults.flood import WARMUP, FloodResult, flood
from tests.faults.rig import PULL, PUSH, Load, Rig, _webhook_secret, running_rig

__all__ = ["FULL", "SCENARIOS", "SHORT", "Report", "broker_freeze", "broker_restart",
           "database_outage", "ingest_flood", "kill_processes", "run"]

VICTIMS = ("worker", "sink", *(f"connector-{p}" for p in PULL))


@dataclass
class Report:
    """What a scenario measured, and the promises it saw broken."""

    name: str
    parameters: dict[str, Any]
    figures: dict[str, Any] = field(default_factory=dict)
    violations: list[str] = field(default_factory=list)
    seconds: float = 0.0

    def check(self, holds: bool, broken: str) -> None:
        """Note ``broken`` unless the promise ``holds``."""
        if not holds:
            self.violations.append(broken)

    def as_dict(self) -> dict[str, Any]:
        return {"name": self.name, "parameters": self.parameters, "figures": self.figures,
                "violations": self.violations, "seconds": round(self.seconds, 1)}


def _gaps(rig: Rig, entries: list[Entry]) -> list[str] | None:
    """The view's gaps in ``entries``; None while the database cannot be read."""
    try:
        return view_gaps(rig.store, entries)
    except SQLAlchemyError:
        return None


def _wait(rig: Rig, report: Report, done: Callable[[], bool], timeout: float,
          what: str, tick: Callable[[], None] = lambda: None) -> float | None:
    """Seconds until ``done()``, ticking each half second; None (noted) after
    ``timeout``. A process that exits by itself is noted once."""
    started = time.monotonic()
    while not done():
        _note_dead(rig, report)
        tick()
        if time.monotonic() - started > timeout:
            report.violations.append(f"{what}: not within {timeout:.0f}s")
            return None
        time.sleep(0.5)
    return time.monotonic() - started


def _note_dead(rig: Rig, report: Report) -> None:
    for name, tail in rig.dead().items():
        message = f"{name} exited by itself and stayed dead; its log ends:\n{tail}"
        if not any(v.startswith(f"{name} exited") for v in report.violations):
            report.violations.append(message)


def _settle(rig: Rig, report: Report, timeout: float,
            tick: Callable[[], None] = lambda: None,
            complete: Callable[[], None] = lambda: None) -> None:
    """Wait for the load to end and the view to hold it all (``tick``-ing meanwhile, then
    calling ``complete``), then check the promises every steady-load scenario keeps, and
    count."""
    _wait(rig, report, lambda: rig.load_done, rig.load.seconds + timeout, "the load to end",
          tick)
    expected = rig.expected
    settled = _wait(rig, report, lambda: _gaps(rig, expected) == [], timeout,
                    "the view to hold every shipment sent", tick)
    complete()
    report.figures["view complete after load (s)"] = _round(settled)
    gaps = _gaps(rig, expected) or []
    report.check(not gaps, f"{len(gaps)} gap(s) in the view, e.g. {gaps[:3]}")
    raw = read_raw(rig.admin, PULL + PUSH)
    assert rig.pusher is not None
    tally = rig.pusher.tally
    lost = [rid for rid in tally.acknowledged if rid not in raw.record_ids]
    report.check(not lost, f"{len(lost)} webhook(s) answered 202 are not in Kafka")
    missing = sorted({e.key for e in rig.expected if e.partner in PULL} - raw.keys)
    report.check(not missing, f"{len(missing)} pulled tracking number(s) never reached "
                              f"Kafka, e.g. {missing[:3]}")
    differences = compare_with_replay(rig.admin, rig.store, expected, rig.workdir)
    report.check(not differences, f"the view differs from the replay's: {differences[:3]}")
    doubled = timeline_duplicates(rig.store, expected)
    report.check(not doubled, f"events twice in a timeline: {doubled[:3]}")
    unexpected = tally.unexpected()
    report.check(not unexpected, f"the ingest answered {unexpected}")
    report.check(tally.without_retry_after == 0,
                 f"{tally.without_retry_after} 503 answer(s) without Retry-After")
    shipments = {e.shipment_id for e in expected if e.outcome == "shipment"}
    report.figures.update({
        "webhooks sent": tally.webhooks,
        "webhook answers": dict(sorted(tally.answers.items())),
        "webhooks acknowledged (202/200)": len(tally.acknowledged),
        "tracking numbers pulled": sum(1 for e in expected if e.partner in PULL),
        "raw records in Kafka": raw.records,
        "raw records sent twice": raw.repeated,
        "acknowledged but not in Kafka": len(lost),
        "shipments expected": len(shipments),
        "shipments in the view": rig.store.count_shipments(shipments),
        "events expected": sum(e.distinct_events for e in expected if e.outcome == "shipment"),
        "events in the view": sum(rig.store.timeline_counts(shipments).values()),
        "timelines with an event twice": len(doubled),
        "differences from the replay": len(differences),
    })


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 1)


def _probe(rig: Rig, report: Report, after: str) -> None:
    """Time a shipment pushed now until the ingest accepted it and until it is whole in
    the view."""
    label = f"a new shipment {after}: accepted / whole in the view (s)"
    try:
        accepted, whole = rig.probe()
        report.figures[label] = [_round(accepted), _round(whole)]
    except AssertionError as exc:
        report.violations.append(f"{label}: {exc}")


def _pace(rig: Rig, report: Report, until: float, tick: Callable[[], None]) -> None:
    """Let the load run until the monotonic time ``until``."""
    while time.monotonic() < until:
        _note_dead(rig, report)
        tick()
        time.sleep(0.25)


class _Recoveries:
    """After each kill: the seconds until the view holds everything sent before it."""

    def __init__(self, rig: Rig) -> None:
        self.rig = rig
        self.pending: list[tuple[str, float, list[Entry]]] = []
        self.seconds: dict[str, list[float]] = {}
        self._last = 0.0

    def watch(self, victim: str, since: float) -> None:
        self.pending.append((victim, since, self.rig.sent_so_far()))

    def tick(self, force: bool = False) -> None:
        """Note the kills after which the view holds what was sent before (at most once a
        second unless ``force``)."""
        now = time.monotonic()
        if now - self._last < 1.0 and not force:
            return
        self._last = now
        for item in list(self.pending):
            victim, since, entries = item
            if _gaps(self.rig, entries) == []:
                self.seconds.setdefault(victim, []).append(time.monotonic() - since)
                self.pending.remove(item)


def kill_processes(load: Load, *, kills: int = 20, seed: int = 7, settle: float = 300.0,
                   workdir: Path | None = None) -> Report:
    """SIGKILL the worker, the sink and each connector ``kills`` times in all, at random
    moments of the load, each restarted at once; the view must end as the replay's."""
    report = Report("kill_processes", {"kills": kills, "seconds": load.seconds,
                                       "pull_rate": load.pull_rate, "push_rate": load.push_rate})
    rng = random.Random(seed)
    started = time.monotonic()
    with running_rig(load, workdir) as rig:
        rig.start_load()
        begun = time.monotonic()
        moments = sorted(rng.uniform(0.05, 0.9) * load.seconds for _ in range(kills))
        victims = [VICTIMS[n % len(VICTIMS)] for n in range(kills)]
        rng.shuffle(victims)
        recoveries = _Recoveries(rig)
        for at, victim in zip(moments, victims, strict=True):
            _pace(rig, report, begun + at, recoveries.tick)
            rig.kill(victim)
            rig.spawn(victim)
            recoveries.watch(victim, time.monotonic())
        _settle(rig, report, settle, recoveries.tick, lambda: recoveries.tick(force=True))
        report.check(not recoveries.pending, f"{len(recoveries.pending)} kill(s) after which "
                                             "the view never held what was sent before")
        every = [s for found in recoveries.seconds.values() for s in found]
        report.figures.update({
            "kills": dict(sorted((v, victims.count(v)) for v in set(victims))),
            "after a kill, the view holds all sent before it (s): median":
                _round(statistics.median(every)) if every else None,
            "after a kill, the view holds all sent before it (s): max":
                _round(max(every)) if every else None,
            "the same, max by process killed (s)": {v: _round(max(s))
                                              for v, s in sorted(recoveries.seconds.items())},
        })
    report.seconds = time.monotonic() - started
    return report


def _untouched(rig: Rig, report: Report) -> None:
    """No process was restarted by hand, and none is dead."""
    report.check(not rig.respawned, f"processes restarted by hand: {rig.respawned}")
    _note_dead(rig, report)


def broker_restart(load: Load, *, at: float = 0.4, down: float = 5.0, settle: float = 300.0,
                   workdir: Path | None = None) -> Report:
    """SIGKILL the broker at ``at`` of the load, start it again on the same data after
    ``down`` seconds; every process must carry on by itself and nothing acknowledged be
    lost."""
    report = Report("broker_restart", {"seconds": load.seconds, "at": at, "down": down,
                                       "pull_rate": load.pull_rate, "push_rate": load.push_rate})
    started = time.monotonic()
    with running_rig(load, workdir) as rig:
        rig.start_load()
        _pace(rig, report, time.monotonic() + at * load.seconds, lambda: None)
        killed = time.monotonic()
        rig.kill_broker()
        time.sleep(down)
        rig.broker.start(timeout=180)
        back = time.monotonic()
        report.figures["broker away (s)"] = _round(back - killed)
        _probe(rig, report, "sent once the broker is back")
        _settle(rig, report, settle)
        _untouched(rig, report)
        assert rig.pusher is not None
        refused = [t for t in rig.pusher.tally.refused_at if killed <= t]
        report.figures["503 answers from the kill on"] = len(refused)
    report.seconds = time.monotonic() - started
    return report


def _calls(rig: Rig, start: float, end: float) -> dict[str, dict[str, float]]:
    """Per pull partner: its feed pages and tracking calls between two moments, a minute."""
    minutes = max(1e-9, (end - start) / 60)
    out = {}
    for partner, feed in rig.feeds.items():
        pages, tracks = feed.calls_between(start, end)
        out[partner] = {"pages/min": round(pages / minutes, 1),
                        "tracking calls/min": round(tracks / minutes, 1)}
    return out


def _drain(rig: Rig, report: Report, baseline: int, timeout: float) -> None:
    """Seconds until the worker's lag is back to ``baseline`` (and the highest lag seen)."""
    peak = 0

    def drained() -> bool:
        nonlocal peak
        lag = worker_lag(rig.admin)
        peak = max(peak, lag or 0)
        return lag is not None and lag <= baseline

    seconds = _wait(rig, report, drained, timeout, "the worker's lag to drain")
    report.figures["worker lag: highest after the freeze (records)"] = peak
    report.figures["worker lag: back to its level before (s)"] = _round(seconds)


def _lag_level(rig: Rig, seconds: float) -> int:
    """The worker's highest lag over ``seconds`` of steady load."""
    samples = []
    until = time.monotonic() + seconds
    while time.monotonic() < until:
        samples.append(worker_lag(rig.admin) or 0)
        time.sleep(1.0)
    return max(samples, default=0)


def broker_freeze(load: Load, *, at: float = 0.3, freeze: float = 60.0, settle: float = 300.0,
                  workdir: Path | None = None) -> Report:
    """SIGSTOP the broker at ``at`` of the load for ``freeze`` seconds: connectors back off,
    the ingest answers 503 with Retry-After, nothing acknowledged is lost and the lag
    drains afterwards."""
    report = Report("broker_freeze", {"seconds": load.seconds, "at": at, "freeze": freeze,
                                      "pull_rate": load.pull_rate, "push_rate": load.push_rate})
    started = time.monotonic()
    with running_rig(load, workdir) as rig:
        rig.start_load()
        begun = time.monotonic()
        _pace(rig, report, begun + at * load.seconds - 15, lambda: None)
        level = _lag_level(rig, 15)
        stopped = time.monotonic()
        rig.signal_broker(signal.SIGSTOP)
        try:
            _pace(rig, report, stopped + freeze, lambda: None)
        finally:
            rig.signal_broker(signal.SIGCONT)
        thawed = time.monotonic()
        _drain(rig, report, level, settle)
        _probe(rig, report, "sent after SIGCONT")
        _settle(rig, report, settle)
        _untouched(rig, report)
        assert rig.pusher is not None
        refused = [t for t in rig.pusher.tally.refused_at if stopped <= t <= thawed + 5]
        report.figures.update({
            "worker lag before the freeze (records)": level,
            "503 answers during the freeze": len(refused),
            "connector calls before the freeze": _calls(rig, begun, stopped),
            "connector calls during the freeze": _calls(rig, stopped, thawed),
        })
        report.check(bool(refused), "the ingest answered no 503 while the broker was frozen")
        for partner, during in report.figures["connector calls during the freeze"].items():
            before = report.figures["connector calls before the freeze"][partner]
            report.check(sum(during.values()) <= max(2.0, sum(before.values()) / 4),
                         f"connector-{partner} did not back off: {during} while frozen, "
                         f"{before} before")
    report.seconds = time.monotonic() - started
    return report


def database_outage(load: Load, *, at: float = 0.3, outage: float = 30.0,
                    settle: float = 300.0, workdir: Path | None = None) -> Report:
    """Stop the view's PostgreSQL (immediately, dropping every connection) at ``at`` of the
    load and start it again after ``outage`` seconds: the sink waits, then goes on from the
    offsets stored with its rows."""
    report = Report("database_outage", {"seconds": load.seconds, "at": at, "outage": outage,
                                        "pull_rate": load.pull_rate,
                                        "push_rate": load.push_rate})
    started = time.monotonic()
    with running_rig(load, workdir) as rig:
        rig.start_load()
        _pace(rig, report, time.monotonic() + at * load.seconds, lambda: None)
        assert rig.postgres is not None
        before = rig.store.offsets(SINK_GROUP)
        halted = time.monotonic()
        rig.postgres.halt("immediate")
        try:
            _pace(rig, report, time.monotonic() + outage, lambda: None)
        finally:
            rig.postgres.resume()
        back = time.monotonic()
        moved = _wait(rig, report, lambda: _advanced(rig, before), settle,
                      "the sink to write again")
        report.figures["the sink writes again after the database is back (s)"] = _round(moved)
        _probe(rig, report, "sent once the database is back")
        _settle(rig, report, settle)
        _untouched(rig, report)
        report.figures["database away (s)"] = _round(back - halted)
    report.seconds = time.monotonic() - started
    return report


def _advanced(rig: Rig, before: dict[tuple[str, int], int]) -> bool:
    try:
        now = rig.store.offsets(SINK_GROUP)
    except SQLAlchemyError:
        return False
    return any(offset > before.get(tp, 0) for tp, offset in now.items())


def ingest_flood(*, rate: float = 1100.0, seconds: float = 60.0, clients: int = 128,
                 processes: int = 2, workers: int = 2, restart_at: float = 0.5,
                 workdir: Path | None = None) -> Report:
    """``rate`` webhooks a second for ``seconds`` on the ingest (``workers`` server
    processes) from ``processes`` times ``clients`` keep-alive connections, the broker SIGKILLed
    and started again at ``restart_at`` of the flood: every 202 must be in Kafka and every
    refusal a 503 with Retry-After."""
    report = Report("ingest_flood", {"rate": rate, "seconds": seconds,
                                     "clients": clients * processes, "ingest workers": workers,
                                     "restart_at": restart_at})
    started = time.monotonic()
    with running_rig(Load(seconds=1.0), workdir, processes=False, pipeline=False,
                     ingest_workers=workers) as rig:
        rig.start_processes(["ingest"])
        outage: dict[str, float] = {}
        restarter = threading.Thread(target=_restart_broker, daemon=True, args=(
            rig, time.time() + WARMUP + restart_at * seconds, outage))
        restarter.start()
        result = flood(rig.ingest_port, _webhook_secret(), rate=rate, seconds=seconds,
                       clients=clients, processes=processes, workdir=rig.workdir)
        restarter.join(240)
        _note_dead(rig, report)
        raw = read_raw(rig.admin, ["ninja"])
        _flood_figures(report, result, raw, outage)
    report.seconds = time.monotonic() - started
    return report


def _restart_broker(rig: Rig, at: float, outage: dict[str, float]) -> None:
    time.sleep(max(0.0, at - time.time()))
    outage["killed"] = time.time()
    rig.kill_broker()
    rig.broker.start(timeout=180)
    outage["back"] = time.time()


def _flood_figures(report: Report, result: FloodResult, raw: RawTopics,
                   outage: dict[str, float]) -> None:
    lost = result.record_ids - set(raw.record_ids)
    refusals = {s: n for s, n in result.answers.items() if s not in ("202", "503")}
    killed = outage.get("killed", result.started_at) - result.started_at
    back = outage.get("back", result.started_at) - result.started_at
    accepted = [t for t, status in result.timeline if status == "202"]
    before = sum(1 for t in accepted if t < killed)
    after = sum(1 for t in accepted if t > back)
    first_after = min((t for t in accepted if t > back), default=None)
    report.check(not lost, f"{len(lost)} webhook(s) answered 202 are not in Kafka")
    report.check(not refusals, f"answers other than 202 and 503: {refusals}")
    report.check(result.without_retry_after == 0,
                 f"{result.without_retry_after} 503 answer(s) without Retry-After")
    report.check("back" in outage and killed < result.elapsed,
                 "the broker was not killed and started again during the flood")
    report.check(first_after is not None, "the ingest accepted nothing after the restart")
    report.figures.update({
        "webhooks sent": result.sent,
        "answers": dict(sorted(result.answers.items())),
        "202 a second before the broker was killed": round(before / max(killed, 1e-9)),
        "202 a second once it was back": round(after / max(result.elapsed - back, 1e-9)),
        "flood lasted (s)": _round(result.elapsed),
        "latency p50 / p99 (ms)": [round(result.percentile(0.5) * 1000),
                                   round(result.percentile(0.99) * 1000)],
        "broker away (s)": _round(back - killed),
        "first 202 after the broker is back (s)": _round(
            None if first_after is None else first_after - back),
        "202 not in Kafka": len(lost),
        "records in Kafka": raw.records,
        "records in Kafka twice": raw.repeated,
        "records in Kafka though not answered 202": len(set(raw.record_ids) - result.record_ids),
    })


SCENARIOS: dict[str, Callable[..., Report]] = {
    "kill_processes": kill_processes,
    "broker_restart": broker_restart,
    "broker_freeze": broker_freeze,
    "database_outage": database_outage,
    "ingest_flood": ingest_flood,
}

#: the sizes ``make faults`` runs
FULL: dict[str, dict[str, Any]] = {
    "kill_processes": {"load": Load(seconds=240), "kills": 20},
    "broker_restart": {"load": Load(seconds=120), "down": 5.0},
    "broker_freeze": {"load": Load(seconds=150), "freeze": 60.0},
    "database_outage": {"load": Load(seconds=120), "outage": 30.0},
    "ingest_flood": {"rate": 1100.0, "seconds": 60.0, "clients": 128, "processes": 2,
                     "workers": 2},
}

#: the sizes the test suite runs (tests/integration/test_faults.py)
SHORT: dict[str, dict[str, Any]] = {
    "kill_processes": {"load": Load(seconds=25), "kills": 4, "settle": 180.0},
    "broker_restart": {"load": Load(seconds=20), "down": 2.0, "settle": 180.0},
    # Frozen longer than the ingest waits for an acknowledgement (ACK_TIMEOUT_SECONDS,
    # 10 s): a shorter freeze may thaw before any webhook is answered 503.
    "broker_freeze": {"load": Load(seconds=30), "freeze": 20.0, "at": 0.5, "settle": 180.0},
    "database_outage": {"load": Load(seconds=20), "outage": 6.0, "settle": 180.0},
    "ingest_flood": {"rate": 300.0, "seconds": 10.0, "clients": 32, "processes": 1,
                     "workers": 1},
}


def run(name: str, workdir: Path | None = None, **sizes: Any) -> Report:
    """Run scenario ``name`` with ``sizes``, noting the machine's load average (1 minute)
    before and after: the figures depend on what else runs."""
    before = os.getloadavg()[0]
    report = SCENARIOS[name](workdir=workdir, **sizes)
    report.figures["load average before / after"] = [round(before, 1),
                                                      round(os.getloadavg()[0], 1)]
    return report
