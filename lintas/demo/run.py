"""``run_demo``: one bounded end-to-end run, from the broker to the SQL view."""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager

from lintas.connectors.access import prepare_broker
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
from lintas.kafka.broker import local_broker
from lintas.kafka.connection import KafkaConnection
from lintas.kafka.cursors import CursorStore
from lintas.kafka.principals import Role, kafka_connection, principal_name
from lintas.streams.view.store import ViewStore, open_store

__all__ = ["Progress", "run_demo"]

Progress = Callable[[str], None]


Principals = Callable[[Role], KafkaConnection]


@contextmanager
def _broker(settings: Settings, progress: Progress) -> Iterator[Principals]:
    """How each of the demo's processes reaches the broker; the local broker is started
    (and stopped after) unless ``LINTAS_KAFKA_BOOTSTRAP`` names one or it already runs.
    Topics, principals and grants are set up either way."""
    started = None
    if settings.kafka_bootstrap:
        admin = kafka_connection(settings)
        passwords = None
    else:
        local = local_broker(settings)
        if not local.status().running:
            progress(f"starting Apache Kafka {settings.kafka_version} "
                     f"on 127.0.0.1:{settings.kafka_port}")
            local.start()
            started = local
        admin, passwords = local.connection(), local.principals.ensure()
    try:
        progress(f"creating topics on {admin.bootstrap}")
        if passwords is None:  # an existing cluster: its admin set up what it needs
            ensure_topics(admin, catalog(sorted(PARTNERS), settings.topic_partitions),
                          settings.replication_factor)
            yield lambda role: admin
        else:
            prepare_broker(admin, passwords, app_id=settings.app_id,
                           partitions=settings.topic_partitions,
                           replication_factor=settings.replication_factor)
            yield lambda role: admin.as_principal(principal_name(role),
                                                  passwords[principal_name(role)])
    finally:
        if started is not None:
            progress("stopping the local Kafka broker")
            started.stop()


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
def _pipeline(settings: Settings, kafka: Principals) -> Iterator[list[ChildProcess]]:
    """The worker and the view sink, as child processes, each as its own principal."""
    log_dir = settings.home / "demo"
    log_dir.mkdir(parents=True, exist_ok=True)

    def env(role: Role) -> dict[str, str]:
        return {**os.environ, **kafka(role).environment(),
                "LINTAS_DATABASE_URL": settings.view_url}

    children = [ChildProcess("worker", ["worker"], env("worker"), log_dir),
                ChildProcess("sink", ["sink"], env("sink"), log_dir)]
    try:
        yield children
    finally:
        for child in children:
            child.stop()


def _feed(settings: Settings, kafka: Principals, kits: list[SandboxKit],
          catalogs: dict[str, list[Entry]], sandboxes: dict[str, RunningServer], seed: int,
          progress: Progress) -> int:
    """Send every catalog in (connectors as the connector principal, webhooks through an
    ingest running as its own); the webhooks the ingest refused."""
    producer = RawProducer(kafka("connector"), client_id="lintas-demo-connector")
    ingest_producer = RawProducer(kafka("ingest"), client_id="lintas-demo-ingest")
    cursors = CursorStore(kafka("connector"), producer)
    cursors.load()
    feeder = Feeder(producer, ingest_producer, cursors, settings.home / "demo",
                    settings.sandbox_host, seed)
    try:
        for kit in kits:
            feeder.feed(kit, catalogs[kit.partner.id], sandboxes.get(kit.partner.id))
            progress(f"{kit.partner.id}: sent")
    finally:
        feeder.close()
        cursors.close()
        producer.close()
        ingest_producer.close()
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
        kafka = stack.enter_context(_broker(settings, progress))
        store = open_store(settings.view_url)
        stack.callback(store.close)
        sandboxes = stack.enter_context(_sandboxes(kits, catalogs, settings.sandbox_host))
        progress(f"{len(catalogs)} partners, {len(entries)} tracking numbers")
        children = stack.enter_context(_pipeline(settings, kafka))
        progress("worker and view sink started")
        refused = _feed(settings, kafka, kits, catalogs, sandboxes, seed, progress)
        missing = _wait(store, entries, kits, children, timeout, progress)
        summary = summarize(store, entries, started, kafka("worker").bootstrap,
                            settings.view_url, missing)
        summary.refused = refused
        return summary
