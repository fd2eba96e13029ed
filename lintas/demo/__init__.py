"""``lintas demo``: one bounded end-to-end run on the embedded defaults.

Broker (the local one unless ``LINTAS_KAFKA_BOOTSTRAP`` is set) -> topics -> every
partner's sandbox -> its connector -> the Faust worker and the view sink (child
processes) -> the SQL view. It ends by itself once the view holds everything the
sandboxes emitted, and stops everything it started.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from lintas.connectors.ingest import create_ingest_app
from lintas.connectors.network_drop import build_network_file
from lintas.connectors.pos.network_scenarios import expected_nodes
from lintas.connectors.registry import PARTNERS, SANDBOX_CREDENTIALS
from lintas.connectors.runtime.feed import ChangeFeedSource, NetworkFeedSource
from lintas.connectors.runtime.files import FileDropSource
from lintas.connectors.runtime.poll import Page, PollingConnector
from lintas.connectors.runtime.producer import RawProducer
from lintas.connectors.sandboxes import RunningServer, serve_in_thread
from lintas.connectors.sandboxes.scenario import Entry
from lintas.core.errors import LintasError
from lintas.core.settings import Settings
from lintas.core.topics import catalog
from lintas.kafka.admin import ensure_topics
from lintas.kafka.broker import LocalBroker, bootstrap_servers, local_broker
from lintas.kafka.cursors import CursorStore
from lintas.streams.view.store import ViewStore, open_store

__all__ = ["DemoSummary", "Progress", "missing_from_view", "run_demo"]

Progress = Callable[[str], None]

#: Distinct offices in the Pos sandbox's network (seed 1, which the sandbox serves).
POS_OFFICES = expected_nodes(1)
#: Partners whose outlets come as a CSV drop, and the outlets each network lists.
NETWORK_DROPS = ("jne", "jnt", "sicepat")
EXPECTED_NODES = {"pos": POS_OFFICES, **{p: build_network_file(p, 1)[1] for p in NETWORK_DROPS}}


@dataclass
class DemoSummary:
    """What the demo saw in the view at the end."""

    records: int
    shipments: int
    events: int
    dead_letters: int
    not_found: int
    seconds: float
    bootstrap: str
    view_url: str
    complete: bool
    missing: list[str] = field(default_factory=list)
    partners: list[str] = field(default_factory=list)
    network_nodes: int = 0
    service_points: int = 0
    refused: int = 0

    def as_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


class ChildProcess:
    """A lintas subcommand in its own process group, logging to a file."""

    def __init__(self, name: str, args: list[str], env: dict[str, str], log_dir: Path) -> None:
        self.name = name
        self.log_path = log_dir / f"{name}.log"
        log = open(self.log_path, "wb")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "lintas", *args],
            env=env, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
            start_new_session=True,
        )
        log.close()

    def alive(self) -> bool:
        return self.proc.poll() is None

    def log_tail(self, lines: int = 25) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""

    def stop(self, timeout: float = 20.0) -> None:
        if self.proc.poll() is not None:
            return
        try:
            os.killpg(self.proc.pid, signal.SIGTERM)
            self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(10)
        except ProcessLookupError:
            pass


def _expected_letters(entry: Entry) -> int:
    """Dead letters a correct pipeline files for ``entry``: a push partner's bad webhooks
    are refused by the ingest (HTTP 400) instead, so they never reach the DLQ."""
    return 0 if PARTNERS[entry.partner].mode == "push" else entry.bad_rows


def missing_from_view(store: ViewStore, entries: list[Entry]) -> list[str]:
    """What the view does not yet hold of the sandboxes' catalogs (empty when complete)."""
    shipments = {e.shipment_id: e for e in entries if e.outcome == "shipment"}
    counts = store.timeline_counts(shipments)
    statuses = store.statuses(shipments)
    missing = []
    for sid, entry in shipments.items():
        if counts.get(sid, 0) != entry.distinct_events or statuses.get(sid) != entry.final_status:
            missing.append(
                f"{sid}: {counts.get(sid, 0)}/{entry.distinct_events} events, "
                f"status {statuses.get(sid)} (expected {entry.final_status})"
            )
    letters: dict[bytes, int] = {}
    for row in store.dead_letters(keys=[e.key.encode() for e in entries]):
        letters[row["key"]] = letters.get(row["key"], 0) + 1
    for entry in entries:
        got = letters.get(entry.key.encode(), 0)
        if got != _expected_letters(entry):
            missing.append(f"{entry.key}: {got}/{_expected_letters(entry)} dead letters")
    return missing


def _summary(store: ViewStore, entries: list[Entry], started: float, bootstrap: str, url: str,
             missing: list[str]) -> DemoSummary:
    shipment_ids = [e.shipment_id for e in entries if e.outcome == "shipment"]
    letters = store.dead_letters(keys=[e.key.encode() for e in entries])
    return DemoSummary(
        records=len(entries),
        shipments=store.count_shipments(shipment_ids),
        events=sum(store.timeline_counts(shipment_ids).values()),
        dead_letters=len(letters),
        not_found=sum(1 for e in entries if e.outcome == "not_found"),
        seconds=round(time.monotonic() - started, 1),
        bootstrap=bootstrap,
        view_url=url,
        complete=not missing,
        missing=missing,
        partners=sorted({e.partner for e in entries}),
        network_nodes=store.count_nodes(),
        service_points=store.count_service_points(),
    )


_SUFFIX = {"jsonl": ".jsonl", "csv": ".csv", "avro": ".avro"}


def _feed(bootstrap: str, settings: Settings, catalogs: dict[str, list[Entry]],
          sandboxes: dict[str, RunningServer], seed: int, progress: Progress) -> int:
    """Send every catalog in by its partner's own way: pull connectors over the sandboxes,
    webhooks to the ingest endpoint, files through a drop folder. Returns the webhooks the
    ingest refused."""
    producer = RawProducer(bootstrap, client_id="lintas-demo-connector")
    cursors = CursorStore(bootstrap, producer)
    cursors.load()
    refused = 0
    ingest: RunningServer | None = None
    try:
        for partner_id, entries in catalogs.items():
            partner = PARTNERS[partner_id]
            if partner.mode == "pull" and partner.client is not None:
                client = partner.client(SANDBOX_CREDENTIALS.model_copy(
                    update={"base_url": sandboxes[partner_id].url}))
                try:
                    _run_once(ChangeFeedSource(client, page_size=10, source_partition={
                        "feed": "tracking-changes", "sandbox_seed": seed}), producer, cursors)
                    if client.has_network:
                        _run_once(NetworkFeedSource(client, source_partition={
                            "feed": "network", "sandbox_seed": seed}), producer, cursors)
                finally:
                    client.close()
                if partner_id in NETWORK_DROPS:
                    folder = settings.home / "demo" / f"network-{partner_id}-{seed}"
                    folder.mkdir(parents=True, exist_ok=True)
                    (folder / f"{partner_id}-outlets.csv").write_bytes(
                        build_network_file(partner_id, 1)[0])
                    _run_once(FileDropSource(partner_id, folder, kind="network"), producer, cursors)
            elif partner.mode == "push" and partner.deliver is not None:
                if ingest is None:
                    ingest = serve_in_thread(
                        create_ingest_app(lambda _pid: SANDBOX_CREDENTIALS, producer),
                        host=settings.sandbox_host)
                secret = SANDBOX_CREDENTIALS.webhook_secret
                assert secret is not None
                codes = partner.deliver(entries, ingest.url, secret)
                refused += sum(1 for code in codes if code == 400)
            elif partner.mode == "file":
                folder = settings.home / "demo" / f"drop-{partner_id}-{seed}"
                folder.mkdir(parents=True, exist_ok=True)
                for entry in entries:
                    suffix = _SUFFIX.get(str(entry.extra.get("encoding")), ".jsonl")
                    (folder / f"{entry.tracking_number}{suffix}").write_bytes(entry.body)
                _run_once(_NamedByTrackingNumber(partner_id, folder), producer, cursors)
            progress(f"{partner_id}: sent")
    finally:
        if ingest is not None:
            ingest.stop()
        cursors.close()
        producer.close()
    return refused


def _run_once(source: object, producer: RawProducer, cursors: CursorStore) -> None:
    PollingConnector(source, producer, cursors).run(once=True)  # type: ignore[arg-type]


class _NamedByTrackingNumber(FileDropSource):
    """The demo names each dropped file after its tracking number, so a file's record key
    (``partner:file``) is keyed like its shipment."""

    def fetch(self, cursor: dict[str, Any] | None) -> Page:
        page = super().fetch(cursor)
        items = [replace(item, key=f"{self.partner}:{Path(item.source).stem}")
                 for item in page.items]
        return Page(items, page.cursor, page.has_more)


def run_demo(
    settings: Settings,
    *,
    seed: int | None = None,
    rounds: int = 2,
    timeout: float = 240.0,
    progress: Progress = lambda _: None,
) -> DemoSummary:
    """Run the whole pipeline once over fresh sandbox catalogs; see the module doc."""
    started = time.monotonic()
    seed = seed if seed is not None else time.time_ns() % 1_000_000_007
    started_broker: LocalBroker | None = None
    children: list[ChildProcess] = []
    sandboxes: dict[str, RunningServer] = {}
    store: ViewStore | None = None
    try:
        if not settings.kafka_bootstrap:
            broker = local_broker(settings)
            if not broker.status().running:
                progress(f"starting Apache Kafka {settings.kafka_version} "
                         f"on 127.0.0.1:{settings.kafka_port}")
                broker.start()
                started_broker = broker
        bootstrap = bootstrap_servers(settings)
        progress(f"creating topics on {bootstrap}")
        ensure_topics(bootstrap, catalog(sorted(PARTNERS), settings.topic_partitions),
                      settings.replication_factor)
        store = open_store(settings.view_url)

        catalogs: dict[str, list[Entry]] = {}
        for number, partner in enumerate(sorted(PARTNERS.values(), key=lambda p: p.id)):
            if partner.catalog is None:
                continue
            catalogs[partner.id] = partner.catalog(seed + number, rounds=rounds)
            if partner.sandbox is not None:
                app = partner.sandbox(catalogs[partner.id], SANDBOX_CREDENTIALS)
                sandboxes[partner.id] = serve_in_thread(app, host=settings.sandbox_host)
        every_entry = [e for entries in catalogs.values() for e in entries]
        progress(f"{len(catalogs)} partners, {len(every_entry)} tracking numbers")

        log_dir = settings.home / "demo"
        log_dir.mkdir(parents=True, exist_ok=True)
        env = dict(os.environ, LINTAS_KAFKA_BOOTSTRAP=bootstrap,
                   LINTAS_DATABASE_URL=settings.view_url)
        children = [
            ChildProcess("worker", ["worker"], env, log_dir),
            ChildProcess("sink", ["sink"], env, log_dir),
        ]
        progress("worker and view sink started")
        refused = _feed(bootstrap, settings, catalogs, sandboxes, seed, progress)

        deadline = time.monotonic() + timeout

        def still_missing() -> list[str]:
            out = missing_from_view(store, every_entry)
            for partner_id, expected in EXPECTED_NODES.items():
                nodes = store.count_nodes(partner_id)
                if partner_id in catalogs and nodes < expected:
                    out.append(f"{partner_id} network: {nodes}/{expected} outlets")
            return out

        missing = still_missing()
        while missing:
            for child in children:
                if not child.alive():
                    raise LintasError(
                        f"the {child.name} exited with code {child.proc.returncode}; "
                        f"its log ({child.log_path}) ends:\n{child.log_tail()}"
                    )
            if time.monotonic() > deadline:
                break
            progress(f"waiting for the view: {len(missing)} item(s) to go")
            time.sleep(0.5)
            missing = still_missing()
        summary = _summary(store, every_entry, started, bootstrap, settings.view_url, missing)
        summary.refused = refused
        return summary
    finally:
        for child in children:
            child.stop()
        for server in sandboxes.values():
            server.stop()
        if store is not None:
            store.close()
        if started_broker is not None:
            progress("stopping the local Kafka broker")
            started_broker.stop()
