"""A local Apache Kafka broker without Docker: jars from Maven Central, KRaft, one node.

The jars of ``org.apache.kafka:kafka_2.13`` (with kafka-tools and a log4j2 binding) are
resolved by Maven into ``<cache>/kafka-<version>/libs``; storage is formatted with
``kafka.tools.StorageTool``; ``kafka.Kafka`` runs as combined broker and controller on
127.0.0.1 with a small heap. State (pid, bootstrap address) lives in ``<dir>/broker.json``.

Secure by default: clients authenticate with SASL/SCRAM-SHA-512 and KRaft's
``StandardAuthorizer`` refuses what no ACL allows. The ``admin`` principal (a super user)
is written into the storage when it is formatted; its password, and those of the other
principals, are generated on first start (:class:`~lintas.kafka.principals.LocalPrincipals`).
With ``tls`` (``LINTAS_KAFKA_TLS=true``) the client listener speaks SASL_SSL with a
certificate from a CA of the broker's own (:mod:`lintas.kafka.broker.tls`); the controller
listener, which only the broker itself uses, stays on loopback without TLS.
"""

from __future__ import annotations

import base64
import os
import shutil
import subprocess
import time
import uuid
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from lintas.core.errors import BrokerError
from lintas.kafka.broker.tls import BrokerTls, ensure_tls
from lintas.kafka.connection import KafkaConnection, Protocol
from lintas.kafka.principals import ADMIN, CONTROLLER, LocalPrincipals
from lintas.kafka.processes import ChildServer
from lintas.kafka.processes import port_open as _port_open

__all__ = ["BrokerStatus", "LocalBroker", "new_cluster_id", "wait_for_broker"]

_MAIN = "kafka.Kafka"
_STORAGE_TOOL = "kafka.tools.StorageTool"


def new_cluster_id() -> str:
    """A KRaft cluster id made as Kafka makes them: a random UUID in URL-safe base64, never
    starting with "-" (the storage tool would take such an id for an option)."""
    while True:
        cid = base64.urlsafe_b64encode(uuid.uuid4().bytes).decode().rstrip("=")
        if not cid.startswith("-"):
            return cid


@dataclass(frozen=True)
class BrokerStatus:
    """What ``lintas kafka status`` reports."""

    running: bool
    bootstrap: str | None
    pid: int | None
    version: str | None
    data_dir: str
    log_file: str

    def as_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


def wait_for_broker(kafka: KafkaConnection, timeout: float = 60.0) -> None:
    """Block until the broker answers ``kafka``'s principal's metadata requests."""
    from kafka import KafkaAdminClient
    from kafka.errors import KafkaError

    deadline = time.monotonic() + timeout
    last: Exception | None = None
    while time.monotonic() < deadline:
        try:
            admin = KafkaAdminClient(
                **kafka.kafka_python(), request_timeout_ms=5000, client_id="lintas-probe"
            )
            try:
                admin.describe_cluster()
                return
            finally:
                admin.close()
        except (KafkaError, OSError) as exc:
            last = exc
            time.sleep(0.5)
    raise BrokerError(f"no Kafka broker answered {kafka} within {timeout:.0f}s: {last}")


class LocalBroker(ChildServer):
    """One KRaft broker+controller bound to 127.0.0.1."""

    def __init__(
        self,
        directory: Path,
        cache_dir: Path,
        *,
        version: str,
        port: int,
        controller_port: int,
        heap: str = "512m",
        tls: bool = False,
    ) -> None:
        self.directory = Path(directory)
        self.cache_dir = Path(cache_dir)
        self.version = version
        self.port = port
        self.controller_port = controller_port
        self.heap = heap
        #: whether clients speak TLS to it (SASL_SSL), trusting :attr:`ca_file`
        self.tls = tls

    @property
    def bootstrap(self) -> str:
        return f"127.0.0.1:{self.port}"

    @property
    def principals(self) -> LocalPrincipals:
        return LocalPrincipals(self.directory)

    @property
    def protocol(self) -> Protocol:
        return "SASL_SSL" if self.tls else "SASL_PLAINTEXT"

    @property
    def ca_file(self) -> str | None:
        """The CA certificate clients trust when the broker speaks TLS."""
        return str(BrokerTls(self.directory / "tls").ca_file) if self.tls else None

    def connection(self, principal: str = ADMIN) -> KafkaConnection:
        """How to reach this broker as ``principal`` (one of :attr:`principals`)."""
        return KafkaConnection(self.bootstrap, self.protocol, "SCRAM-SHA-512", principal,
                               self.principals.password(principal), self.ca_file)

    @property
    def libs(self) -> Path:
        return self.cache_dir / f"kafka-{self.version}" / "libs"

    @property
    def data_dir(self) -> Path:
        return self.directory / "data"

    @property
    def log_file(self) -> Path:
        return self.directory / "broker.log"

    @property
    def state_file(self) -> Path:
        return self.directory / "broker.json"

    # -- jars -------------------------------------------------------------------------

    def resolve(self) -> Path:
        """Resolve the broker jars with Maven (once; later calls reuse the cache)."""
        marker = self.libs / ".complete"
        if marker.exists():
            return self.libs
        mvn = shutil.which("mvn")
        if mvn is None:
            raise BrokerError("Maven (mvn) is needed to fetch the Kafka jars; install it")
        if shutil.which("java") is None:
            raise BrokerError("a Java runtime (17 or newer) is needed to run Kafka; install it")
        work = self.libs.parent
        work.mkdir(parents=True, exist_ok=True)
        template = resources.files("lintas.kafka.broker").joinpath("pom.xml").read_text()
        (work / "pom.xml").write_text(template.replace("@KAFKA_VERSION@", self.version))
        if self.libs.exists():
            shutil.rmtree(self.libs)
        proc = subprocess.run(
            [
                mvn, "-q", "-B", "-f", str(work / "pom.xml"),
                "dependency:copy-dependencies",
                f"-DoutputDirectory={self.libs}",
                "-DincludeScope=runtime",
            ],
            capture_output=True,
            text=True,
            check=False,
        )
        if proc.returncode != 0:
            tail = (proc.stdout + proc.stderr).strip().splitlines()[-15:]
            raise BrokerError(
                f"Maven could not resolve org.apache.kafka:kafka_2.13:{self.version}:\n"
                + "\n".join(tail)
            )
        marker.write_text(self.version)
        return self.libs

    # -- lifecycle --------------------------------------------------------------------

    def _java(self, *args: str, heap: str | None = None) -> list[str]:
        cmd = ["java"]
        if heap:
            cmd += [f"-Xmx{heap}", f"-Xms{heap}"]
        cmd += [
            "-XX:+UseG1GC",
            "-Djava.awt.headless=true",
            f"-Dlog4j2.configurationFile={self.directory / 'log4j2.yaml'}",
            f"-Dkafka.logs.dir={self.directory}",
            "-cp",
            str(self.libs / "*"),
            *args,
        ]
        return cmd

    def _write_config(self) -> Path:
        self.directory.mkdir(parents=True, exist_ok=True)
        passwords = self.principals.ensure()
        admin = passwords[ADMIN].get_secret_value()
        controller = passwords[CONTROLLER].get_secret_value()
        scram = "org.apache.kafka.common.security.scram.ScramLoginModule"
        plain = "org.apache.kafka.common.security.plain.PlainLoginModule"
        listener = self.protocol
        props = {
            "process.roles": "broker,controller",
            "node.id": "1",
            "controller.quorum.voters": f"1@127.0.0.1:{self.controller_port}",
            "listeners": (f"{listener}://127.0.0.1:{self.port},"
                          f"CONTROLLER://127.0.0.1:{self.controller_port}"),
            "advertised.listeners": f"{listener}://127.0.0.1:{self.port}",
            "controller.listener.names": "CONTROLLER",
            "inter.broker.listener.name": listener,
            "listener.security.protocol.map": (
                f"CONTROLLER:SASL_PLAINTEXT,{listener}:{listener}"),
            # Clients: SCRAM-SHA-512. The controller listener: PLAIN, with one user.
            "sasl.enabled.mechanisms": "SCRAM-SHA-512",
            "sasl.mechanism.inter.broker.protocol": "SCRAM-SHA-512",
            f"listener.name.{listener.lower()}.scram-sha-512.sasl.jaas.config": (
                f'{scram} required username="{ADMIN}" password="{admin}";'),
            "sasl.mechanism.controller.protocol": "PLAIN",
            "listener.name.controller.sasl.enabled.mechanisms": "PLAIN",
            "listener.name.controller.plain.sasl.jaas.config": (
                f'{plain} required username="{CONTROLLER}" password="{controller}" '
                f'user_{CONTROLLER}="{controller}";'),
            "authorizer.class.name": "org.apache.kafka.metadata.authorizer.StandardAuthorizer",
            "allow.everyone.if.no.acl.found": "false",
            "super.users": f"User:{ADMIN};User:{CONTROLLER}",
            "log.dirs": str(self.data_dir),
            "num.partitions": "3",
            "auto.create.topics.enable": "false",
            "offsets.topic.replication.factor": "1",
            "offsets.topic.num.partitions": "10",
            "transaction.state.log.replication.factor": "1",
            "transaction.state.log.min.isr": "1",
            "share.coordinator.state.topic.replication.factor": "1",
            "share.coordinator.state.topic.min.isr": "1",
            "group.initial.rebalance.delay.ms": "0",
            "log.cleaner.dedupe.buffer.size": str(16 * 1024 * 1024),
            "num.network.threads": "2",
            "num.io.threads": "4",
        }
        if self.tls:
            props.update(ensure_tls(self.directory).broker_properties())
        path = self.directory / "server.properties"
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)  # it holds passwords
        with os.fdopen(fd, "w") as out:
            out.write("".join(f"{k}={v}\n" for k, v in props.items()))
        os.chmod(path, 0o600)
        log_config = resources.files("lintas.kafka.broker").joinpath("log4j2.yaml").read_text()
        (self.directory / "log4j2.yaml").write_text(log_config)
        return path

    def _format(self, config: Path) -> None:
        if (self.data_dir / "meta.properties").exists():
            return
        from lintas.kafka.access import scram_credential

        # The admin principal, given as a salted credential: no password on a command line.
        salt, salted = scram_credential(self.principals.password(ADMIN).get_secret_value())
        admin = (f'SCRAM-SHA-512=[name={ADMIN},iterations=4096,'
                 f'salt="{base64.b64encode(salt).decode()}",'
                 f'saltedpassword="{base64.b64encode(salted).decode()}"]')
        proc = subprocess.run(
            self._java(_STORAGE_TOOL, "format", "-t", new_cluster_id(), "-c", str(config),
                       "--add-scram", admin, heap="256m"),
            capture_output=True,
            text=True,
            check=False,
        )
        if proc.returncode != 0:
            raise BrokerError(f"formatting Kafka storage failed: {proc.stderr.strip()[-800:]}")

    def status(self) -> BrokerStatus:
        """Whether this broker runs, and where."""
        state = self._running_state()
        return BrokerStatus(
            running=state is not None,
            bootstrap=state["bootstrap"] if state else None,
            pid=int(state["pid"]) if state else None,
            version=state.get("version") if state else None,
            data_dir=str(self.data_dir),
            log_file=str(self.log_file),
        )

    def start(self, timeout: float = 90.0) -> BrokerStatus:
        """Start the broker unless it runs; return once it serves requests."""
        current = self.status()
        if current.running:
            return current
        for port in (self.port, self.controller_port):
            if _port_open("127.0.0.1", port):
                raise BrokerError(
                    f"port {port} on 127.0.0.1 is taken by another program; set "
                    "LINTAS_KAFKA_PORT / LINTAS_KAFKA_CONTROLLER_PORT, or point "
                    "LINTAS_KAFKA_BOOTSTRAP at that broker"
                )
        self.resolve()
        config = self._write_config()
        self._format(config)
        proc = self._spawn(self._java(_MAIN, str(config), heap=self.heap),
                           {"bootstrap": self.bootstrap, "version": self.version})
        try:
            deadline = time.monotonic() + timeout
            while not _port_open("127.0.0.1", self.port):
                if proc.poll() is not None:
                    raise BrokerError(
                        f"the Kafka broker exited with code {proc.returncode}; "
                        f"see {self.log_file}:\n{self._log_tail()}"
                    )
                if time.monotonic() > deadline:
                    raise BrokerError(f"the Kafka broker did not open port {self.port}")
                time.sleep(0.3)
            wait_for_broker(self.connection(), timeout=max(5.0, deadline - time.monotonic()))
        except BaseException:
            self.stop()
            raise
        return self.status()

    def delete_data(self) -> None:
        """Remove the broker's data (only when it is stopped)."""
        if self.status().running:
            raise BrokerError("stop the broker before deleting its data")
        shutil.rmtree(self.data_dir, ignore_errors=True)
