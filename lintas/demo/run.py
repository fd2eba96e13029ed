"""``run_demo``: one bounded end-to-end run, from the broker to the SQL view."""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager

from lintas.connectors.registry import PARTNERS
from lintas.connectors.runtime.producer import RawProducer
from lintas.connectors.sandboxes import RunningServer, serve_in_thread
from lintas.connectors.sandboxes.kit import SandboxKit, sandbox_kit
from lintas.connectors.sandboxes.scenario import Entry
from lintas.core.errors import LintasError
from lintas.core.settings import Settings
from lintas.core.topics import catalog
from lintas.demo.accounting import DemoSummary, still_missing, summarize
from lintas.demo.feed import Feeder
from lintas.demo.processes import ChildProcess
from lintas.kafka.admin import ensure_topics
from lintas.kafka.broker import bootstrap_servers, local_broker
from lintas.kafka.cursors import CursorStore
from lintas.streams.view.store import ViewStore, open_store

__all__ = ["Progress", "run_demo"]

Progress = Callable[[str], None]


@contextmanager
def _broker(settings: Settings, progress: Progress) -> Iterator[str]:
    """The broker's bootstrap address; the local broker is started (and stopped after)
    unless ``LINTAS_KAFKA_BOOTSTRAP`` names one or it already runs."""
    broker = None
    if not settings.kafka_bootstrap:
        local = local_broker(settings)
        if not local.status().running:
            progress(f"starting Apache Kafka {settings.kafka_version} "
                     f"on 127.0.0.1:{settings.kafka_port}")
            local.start()
            broker = local
    try:
        yield bootstrap_servers(settings)
    finally:
        if broker is not None:
            progress("stopping the local Kafka broker")
            broker.stop()


@contextmanager
def _sandboxes(kits: list[SandboxKit], catalogs: dict[str, list[Entry]],
               host: str) -> Iterator[dict[str, RunningServer]]:
    """Every pull partner's sandbox API, serving its catalog."""
    servers: dict[str, RunningServer] = {}
    try:
        for kit in kits:
            if kit.create_app is not None:
                servers[kit.partner.id] = serve_in_thread(kit.app(catalogs[kit.partner.id]),
                                                          host=host)
        yield servers
    finally:
        for server in servers.values():
            server.stop()


@contextmanager
def _pipeline(settings: Settings, bootstrap: str) -> Iterator[list[ChildProcess]]:
    """The worker and the view sink, as child processes."""
    log_dir = settings.home / "demo"
    log_dir.mkdir(parents=True, exist_ok=True)
    env = dict(os.environ, LINTAS_KAFKA_BOOTSTRAP=bootstrap,
               LINTAS_DATABASE_URL=settings.view_url)
    children = [ChildProcess("worker", ["worker"], env, log_dir),
                ChildProcess("sink", ["sink"], env, log_dir)]
    try:
        yield children
    finally:
        for child in children:
            child.stop()


def _feed(settings: Settings, bootstrap: str, kits: list[SandboxKit],
          catalogs: dict[str, list[Entry]], sandboxes: dict[str, RunningServer], seed: int,
          progress: Progress) -> int:
    """Send every catalog in; the webhooks the ingest refused."""
    producer = RawProducer(bootstrap, client_id="lintas-demo-connector")
    cursors = CursorStore(bootstrap, producer)
    cursors.load()
    feeder = Feeder(producer, cursors, settings.home / "demo", settings.sandbox_host, seed)
    try:
        for kit in kits:
            feeder.feed(kit, catalogs[kit.partner.id], sandboxes.get(kit.partner.id))
            progress(f"{kit.partner.id}: sent")
    finally:
        feeder.close()
        cursors.close()
        producer.close()
    return feeder.refused


def _wait(store: ViewStore, entries: list[Entry], kits: list[SandboxKit],
          children: list[ChildProcess], timeout: float, progress: Progress) -> list[str]:
    """Wait until the view holds everything (or ``timeout``); what it still misses."""
    deadline = time.monotonic() + timeout
    missing = still_missing(store, entries, kits)
    while missing and time.monotonic() < deadline:
        for child in children:
            if not child.alive():
                raise LintasError(
                    f"the {child.name} exited with code {child.proc.returncode}; "
                    f"its log ({child.log_path}) ends:\n{child.log_tail()}"
                )
        progress(f"waiting for the view: {len(missing)} item(s) to go")
        time.sleep(0.5)
        missing = still_missing(store, entries, kits)
    return missing


def run_demo(
    settings: Settings,
    *,
    seed: int | None = None,
    rounds: int = 2,
    timeout: float = 240.0,
    progress: Progress = lambda _: None,
) -> DemoSummary:
    """Run the whole pipeline once over fresh sandbox catalogs (see :mod:`lintas.demo`)."""
    started = time.monotonic()
    seed = seed if seed is not None else time.time_ns() % 1_000_000_007
    kits = [kit for p in sorted(PARTNERS.values(), key=lambda p: p.id)
            if (kit := sandbox_kit(p)) is not None]
    catalogs = {kit.partner.id: kit.build_catalog(seed + number, rounds=rounds)
                for number, kit in enumerate(kits)}
    entries = [e for found in catalogs.values() for e in found]
    with ExitStack() as stack:
        bootstrap = stack.enter_context(_broker(settings, progress))
        progress(f"creating topics on {bootstrap}")
        ensure_topics(bootstrap, catalog(sorted(PARTNERS), settings.topic_partitions),
                      settings.replication_factor)
        store = open_store(settings.view_url)
        stack.callback(store.close)
        sandboxes = stack.enter_context(_sandboxes(kits, catalogs, settings.sandbox_host))
        progress(f"{len(catalogs)} partners, {len(entries)} tracking numbers")
        children = stack.enter_context(_pipeline(settings, bootstrap))
        progress("worker and view sink started")
        refused = _feed(settings, bootstrap, kits, catalogs, sandboxes, seed, progress)
        missing = _wait(store, entries, kits, children, timeout, progress)
        summary = summarize(store, entries, started, bootstrap, settings.view_url, missing)
        summary.refused = refused
        return summary
