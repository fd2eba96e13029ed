"""The whole pipeline under a steady load, on a broker and a PostgreSQL server of its own.

Every lintas process runs as a child process, as its own principal: one pull connector per
partner of :data:`PULL` polling its sandbox (whose change feed grows while the load runs,
:class:`~tests.faults.feeds.ReleasedFeed`), the ingest receiving the webhooks of
:data:`PUSH` partners (:class:`~tests.faults.pusher.WebhookPusher`), the worker and the
sink. A scenario kills, freezes or stops any of them and reads what the rig counted.
"""

from __future__ import annotations

import math
import os
import shutil
import signal
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx

from lintas.connectors.access import prepare_broker
from lintas.connectors.registry import PARTNERS
from lintas.connectors.sandboxes import RunningServer, free_port, serve_in_thread
from lintas.connectors.sandboxes.kit import SANDBOX_CREDENTIALS, sandbox_kit
from lintas.connectors.sandboxes.scenario import Entry
from lintas.demo import ChildProcess
from lintas.kafka.broker import LocalBroker
from lintas.kafka.connection import KafkaConnection
from lintas.kafka.principals import Role, principal_name
from lintas.streams.view.store import ViewStore, open_store
from tests.faults.feeds import ReleasedFeed
from tests.faults.pusher import WebhookPusher, webhook_bodies
from tests.support.postgres import PostgresServer

__all__ = ["PULL", "PUSH", "Load", "Rig", "running_rig"]

PULL = ("pos", "jne")
PUSH = ("ninja", "idexpress")
APP_ID = "lintas"
PARTITIONS = 3
CACHE_DIR = Path(os.environ.get("LINTAS_CACHE_DIR", Path.home() / ".cache" / "lintas"))
#: LINTAS_* variables a child keeps from this process's environment
_KEPT = ("LINTAS_CACHE_DIR", "LINTAS_KAFKA_VERSION")


@dataclass(frozen=True)
class Load:
    """How much the rig sends, and for how long."""

    seconds: float = 60.0
    #: tracking numbers each pull partner's feed releases a second
    pull_rate: float = 2.0
    #: webhooks a second, all push partners together
    push_rate: float = 6.0
    seed: int = 1
    #: shipments kept aside for :meth:`Rig.probe`
    probes: int = 30


def _catalog(partner: str, seed: int, count: int) -> list[Entry]:
    kit = sandbox_kit(PARTNERS[partner])
    assert kit is not None, partner
    per_round = len(kit.build_catalog(seed, rounds=1))
    return kit.build_catalog(seed, rounds=math.ceil(count / per_round) + 1)[:count]


def _push_entries(seed: int, webhooks: int) -> list[Entry]:
    """Entries of the push partners, alternating, holding about ``webhooks`` webhooks."""
    pools = [_catalog(p, seed + n, max(13, webhooks // 3)) for n, p in enumerate(PUSH)]
    out: list[Entry] = []
    total = 0
    for pair in zip(*pools, strict=False):
        for entry in pair:
            if total >= webhooks:
                return out
            out.append(entry)
            total += len(webhook_bodies(entry))
    return out


class Rig:
    """The broker, PostgreSQL, the sandboxes, the processes and the load of one run."""

    def __init__(self, workdir: Path, load: Load, *, ingest_workers: int = 1) -> None:
        self.workdir = workdir
        self.load = load
        self.ingest_workers = ingest_workers
        self.logs = workdir / "logs"
        self.logs.mkdir(parents=True, exist_ok=True)
        self.broker = LocalBroker(workdir / "kafka", CACHE_DIR,
                                  version=os.environ.get("LINTAS_KAFKA_VERSION", "4.1.1"),
                                  port=free_port(), controller_port=free_port(), heap="512m")
        self.postgres: PostgresServer | None = None
        self.sandboxes: dict[str, RunningServer] = {}
        self.feeds: dict[str, ReleasedFeed] = {}
        self.children: dict[str, ChildProcess] = {}
        self.restarts: dict[str, int] = {}
        #: processes started again while the load ran, and how often
        self.respawned: dict[str, int] = {}
        self.ingest_port = 0
        self.pull_entries = {p: _catalog(p, load.seed + 10 * n, max(1, int(load.pull_rate *
                                                                              load.seconds)))
                             for n, p in enumerate(PULL)}
        push = _push_entries(load.seed + 100, int(load.push_rate * load.seconds))
        probes = _push_entries(load.seed + 200, 7 * load.probes)
        self.push_entries = push
        self._probes = [e for e in probes if e.outcome == "shipment"]
        self.probed: list[Entry] = []
        self.pusher: WebhookPusher | None = None
        self._store: ViewStore | None = None

    # -- the servers -------------------------------------------------------------------

    @property
    def admin(self) -> KafkaConnection:
        return self.broker.connection()

    @property
    def view_url(self) -> str:
        assert self.postgres is not None
        return self.postgres.url

    @property
    def store(self) -> ViewStore:
        """The view, as a reader sees it."""
        if self._store is None:
            self._store = open_store(self.view_url)
        return self._store

    def start_servers(self, *, pipeline: bool = True) -> None:
        """The broker (topics, principals, grants) and, for the ``pipeline``, PostgreSQL
        and the partner sandboxes."""
        self.broker.start()
        prepare_broker(self.admin, self.broker.principals.ensure(), app_id=APP_ID,
                       partitions=PARTITIONS)
        if not pipeline:
            return
        self.postgres = PostgresServer.start(free_port())
        open_store(self.view_url).close()  # the schema, before the sink starts
        for partner, entries in self.pull_entries.items():
            kit = sandbox_kit(PARTNERS[partner])
            api = PARTNERS[partner].api
            assert kit is not None and api is not None
            feed = ReleasedFeed(kit.app(entries), api.changes.path, api.track.path,
                                len(entries), self.load.pull_rate)
            self.feeds[partner] = feed
            self.sandboxes[partner] = serve_in_thread(feed)

    def broker_pid(self) -> int:
        pid = self.broker.status().pid
        assert pid is not None, "the broker is not running"
        return pid

    def kill_broker(self) -> None:
        """SIGKILL the broker (its data stays)."""
        pid = self.broker_pid()
        os.killpg(pid, signal.SIGKILL)
        os.waitpid(pid, 0)

    def signal_broker(self, sig: signal.Signals) -> None:
        """Send ``sig`` (SIGSTOP, SIGCONT) to the broker's process group."""
        os.killpg(self.broker_pid(), sig)

    # -- the processes -----------------------------------------------------------------

    def environment(self, role: Role) -> dict[str, str]:
        """The environment of a lintas process running as ``role``'s principal."""
        env = {k: v for k, v in os.environ.items()
               if not k.startswith("LINTAS_") or k in _KEPT}
        env.update(self.broker.connection(principal_name(role)).environment())
        env.update(LINTAS_HOME=str(self.workdir / "home"),
                   LINTAS_TOPIC_PARTITIONS=str(PARTITIONS), LINTAS_APP_ID=APP_ID,
                   LINTAS_POLL_INTERVAL_SECONDS="1")
        if self.postgres is not None:
            env["LINTAS_DATABASE_URL"] = self.view_url
        for partner, server in self.sandboxes.items():
            prefix = f"LINTAS_{partner.upper()}__"
            env.update({f"{prefix}BASE_URL": server.url, f"{prefix}RATE_PER_SECOND": "50"})
            env.update(_credentials(prefix))
        for partner in PUSH:
            env[f"LINTAS_{partner.upper()}__WEBHOOK_SECRET"] = _webhook_secret()
        return env

    def commands(self) -> dict[str, tuple[Role, list[str]]]:
        """Every process: its role and its lintas subcommand."""
        out: dict[str, tuple[Role, list[str]]] = {
            "worker": ("worker", ["worker"]),
            "sink": ("sink", ["sink"]),
            "ingest": ("ingest", ["ingest", "serve", "--port", str(self.ingest_port),
                                  "--workers", str(self.ingest_workers)]),
        }
        for partner in PULL:
            out[f"connector-{partner}"] = ("connector",
                                           ["connect", "run", partner, "--page-size", "10"])
        return out

    def spawn(self, name: str) -> ChildProcess:
        """Start process ``name`` (again)."""
        role, args = self.commands()[name]
        count = self.restarts.get(name, -1) + 1
        self.restarts[name] = count
        if self.pusher is not None:  # the load runs: this is a restart
            self.respawned[name] = self.respawned.get(name, 0) + 1
        child = ChildProcess(f"{name}.{count}", args, self.environment(role), self.logs)
        self.children[name] = child
        return child

    def kill(self, name: str) -> None:
        """SIGKILL process ``name`` and wait for it."""
        child = self.children[name]
        try:
            os.killpg(child.proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        child.proc.wait(15)

    def start_processes(self, names: list[str] | None = None) -> None:
        """Start the processes ``names`` (every one when None)."""
        wanted = names or list(self.commands())
        for name in wanted:
            if name != "ingest":
                self.spawn(name)
        if "ingest" in wanted:
            self._start_ingest()

    def _start_ingest(self, attempts: int = 3) -> None:
        """Start the ingest on a free port, on another one if that was taken meanwhile."""
        for attempt in range(attempts):
            self.ingest_port = free_port()
            self.spawn("ingest")
            try:
                self.wait_for_ingest()
                return
            except AssertionError:
                if attempt == attempts - 1 or "already in use" not in \
                        self.children["ingest"].log_tail():
                    raise

    def wait_for_ingest(self, timeout: float = 60.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"{self.ingest_url}/healthz", timeout=2).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            if not self.children["ingest"].alive():
                break
            time.sleep(0.2)
        raise AssertionError(f"the ingest did not start:\n{self.children['ingest'].log_tail()}")

    @property
    def ingest_url(self) -> str:
        return f"http://127.0.0.1:{self.ingest_port}"

    def dead(self) -> dict[str, str]:
        """Processes that exited by themselves: name -> the end of their log."""
        return {name: c.log_tail() for name, c in self.children.items() if not c.alive()}

    # -- the load ----------------------------------------------------------------------

    def start_load(self) -> None:
        """Release the pull feeds and start pushing webhooks."""
        for feed in self.feeds.values():
            feed.go()
        self.pusher = WebhookPusher(self.ingest_url, _webhook_secret(), self.push_entries,
                                    rate=self.load.push_rate).start()

    @property
    def load_done(self) -> bool:
        """Whether every pull entry is released and every webhook answered for good."""
        return all(f.done for f in self.feeds.values()) and (
            self.pusher is not None and self.pusher.done)

    def probe(self, timeout: float = 300.0) -> tuple[float, float]:
        """(seconds until the ingest accepted every webhook of a shipment pushed now, as a
        partner sends them; seconds until it was whole in the view)."""
        from tests.faults.checks import view_gaps

        entry = self._probes.pop(0)
        self.probed.append(entry)
        assert self.pusher is not None
        started = time.monotonic()
        with httpx.Client(timeout=60.0) as client:
            self.pusher.send_entry(client, entry)
        accepted = time.monotonic() - started
        deadline = started + timeout
        while view_gaps(self.store, [entry]):
            if time.monotonic() > deadline:
                raise AssertionError(f"probe {entry.key} not in the view after {timeout:.0f}s")
            time.sleep(0.2)
        return accepted, time.monotonic() - started

    @property
    def expected(self) -> list[Entry]:
        """Every entry of the load: the pull feeds' released entries, the pushed entries
        and the probes."""
        return self._released() + self.push_entries + self.probed

    def sent_so_far(self) -> list[Entry]:
        """The entries sent in whole so far: the pull feeds' released entries, the pushed
        entries whose webhooks were all answered, and the probes."""
        pushed = list(self.pusher.tally.completed) if self.pusher is not None else []
        return self._released() + pushed + self.probed

    def _released(self) -> list[Entry]:
        return [e for p, es in self.pull_entries.items() for e in es[: self.feeds[p].released()]]

    # -- the end -----------------------------------------------------------------------

    def close(self) -> None:
        """Stop everything this rig started, at once: its data is thrown away."""
        if self.pusher is not None:
            self.pusher.stop(10)
        for name in self.children:
            self.kill(name)
        for server in self.sandboxes.values():
            server.stop()
        if self._store is not None:
            self._store.close()
        if self.postgres is not None:
            self.postgres.stop()
        if self.broker.status().running:
            self.kill_broker()
        self.broker.stop()


def _credentials(prefix: str) -> dict[str, str]:
    creds = SANDBOX_CREDENTIALS
    out = {}
    for field in ("client_id", "username"):
        value = getattr(creds, field)
        if value:
            out[f"{prefix}{field.upper()}"] = value
    for field in ("client_secret", "api_key"):
        secret = getattr(creds, field)
        if secret is not None:
            out[f"{prefix}{field.upper()}"] = secret.get_secret_value()
    return out


def _webhook_secret() -> str:
    secret = SANDBOX_CREDENTIALS.webhook_secret
    assert secret is not None
    return secret.get_secret_value()


@contextmanager
def running_rig(load: Load, workdir: Path | None = None, *, processes: bool = True,
                pipeline: bool = True, ingest_workers: int = 1) -> Iterator[Rig]:
    """A started rig (the broker; PostgreSQL and the sandboxes unless ``pipeline`` is
    false; every process unless ``processes`` is), stopped and removed afterwards (its
    logs stay when ``workdir`` is given)."""
    own = workdir is None
    directory = Path(tempfile.mkdtemp(prefix="lintas-faults-")) if own else workdir
    assert directory is not None
    rig = Rig(directory, load, ingest_workers=ingest_workers)
    try:
        rig.start_servers(pipeline=pipeline)
        if processes:
            rig.start_processes()
        yield rig
    finally:
        rig.close()
        shutil.rmtree(directory / "kafka" / "data", ignore_errors=True)
        if own:
            shutil.rmtree(directory, ignore_errors=True)
