"""A local schema registry beside the local broker: Apicurio Registry from Maven Central.

Apicurio publishes its application as a library jar (``io.apicurio:apicurio-registry-app``)
whose runnable form is made by the Quarkus build; Maven does that build here, once, into
``<cache>/apicurio-<version>/target`` (a ``-runner.jar`` and its ``lib/``). It runs on
127.0.0.1 with in-memory storage and a small heap, and serves Confluent's Schema Registry
API under ``/apis/ccompat/v6``. State (pid, URL) lives in ``<dir>/registry.json``.

Why 2.1.5.Final: of the versions Maven Central serves here, the 3.x applications and 2.5
and later miss modules their POMs name (``apicurio-registry-schema-util-provider``,
``apicurio-registry-contracts-rules``), and 2.2 to 2.4 need a Quarkus extension whose
deployment module is absent (``apicurio-common-app-components-config-index-deployment``).
docs/subscribing.md keeps the record.
"""

from __future__ import annotations

import shutil
import subprocess
import time
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from lintas.core.errors import RegistryError
from lintas.kafka.processes import ChildServer, port_open

__all__ = ["APICURIO_VERSION", "LocalSchemaRegistry", "RegistryStatus"]

APICURIO_VERSION = "2.1.5.Final"
#: The Quarkus release Apicurio 2.1.5.Final was built with (its parent POM's quarkus.version)
QUARKUS_VERSION = "2.2.3.Final"
#: Where Apicurio serves Confluent's API
CCOMPAT_PATH = "/apis/ccompat/v6"
_RUNNER = "lintas-registry-runtime-1-runner.jar"


@dataclass(frozen=True)
class RegistryStatus:
    """What ``lintas registry status`` reports."""

    running: bool
    url: str | None
    pid: int | None
    version: str | None
    log_file: str

    def as_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


class LocalSchemaRegistry(ChildServer):
    """Apicurio Registry, in memory, bound to 127.0.0.1."""

    def __init__(self, directory: Path, cache_dir: Path, *, port: int,
                 heap: str = "256m") -> None:
        self.directory = Path(directory)
        self.cache_dir = Path(cache_dir)
        self.port = port
        self.heap = heap

    @property
    def url(self) -> str:
        """Base URL of Confluent's API (what ``-r`` and ``schema.registry.url`` take)."""
        return f"http://127.0.0.1:{self.port}{CCOMPAT_PATH}"

    @property
    def build_dir(self) -> Path:
        return self.cache_dir / f"apicurio-{APICURIO_VERSION}"

    @property
    def runner(self) -> Path:
        return self.build_dir / "target" / _RUNNER

    @property
    def log_file(self) -> Path:
        return self.directory / "registry.log"

    @property
    def state_file(self) -> Path:
        return self.directory / "registry.json"

    def build(self) -> Path:
        """Build the runnable registry with Maven (once; later calls reuse it)."""
        marker = self.build_dir / ".complete"
        if marker.exists() and self.runner.exists():
            return self.runner
        mvn = shutil.which("mvn")
        if mvn is None or shutil.which("java") is None:
            raise RegistryError("Maven (mvn) and a Java runtime (17 or newer) are needed to "
                                "build the local schema registry; install them")
        package = resources.files("lintas.kafka.schemaregistry")
        pom = package.joinpath("pom.xml").read_text()
        pom = pom.replace("@APICURIO_VERSION@", APICURIO_VERSION)
        pom = pom.replace("@QUARKUS_VERSION@", QUARKUS_VERSION)
        shutil.rmtree(self.build_dir, ignore_errors=True)
        (self.build_dir / "src" / "main" / "resources").mkdir(parents=True)
        (self.build_dir / "pom.xml").write_text(pom)
        (self.build_dir / "src" / "main" / "resources" / "application.properties").write_text(
            package.joinpath("application.properties").read_text())
        proc = subprocess.run([mvn, "-q", "-B", "-f", str(self.build_dir / "pom.xml"),
                               "package", "-DskipTests"],
                              capture_output=True, text=True, check=False)
        if proc.returncode != 0 or not self.runner.exists():
            tail = (proc.stdout + proc.stderr).strip().splitlines()[-15:]
            raise RegistryError(f"Maven could not build Apicurio Registry {APICURIO_VERSION}:\n"
                                + "\n".join(tail))
        marker.write_text(APICURIO_VERSION)
        return self.runner

    def status(self) -> RegistryStatus:
        """Whether this registry runs, and where."""
        state = self._running_state()
        return RegistryStatus(
            running=state is not None,
            url=state["url"] if state else None,
            pid=int(state["pid"]) if state else None,
            version=state.get("version") if state else None,
            log_file=str(self.log_file),
        )

    def start(self, timeout: float = 120.0) -> RegistryStatus:
        """Start the registry unless it runs; return once it answers Confluent's API."""
        current = self.status()
        if current.running:
            return current
        if port_open("127.0.0.1", self.port):
            raise RegistryError(f"port {self.port} on 127.0.0.1 is taken by another program; "
                                "set LINTAS_SCHEMA_REGISTRY_PORT, or point "
                                "LINTAS_SCHEMA_REGISTRY_URL at that registry")
        runner = self.build()
        self.directory.mkdir(parents=True, exist_ok=True)
        proc = self._spawn(
            ["java", f"-Xmx{self.heap}", "-XX:+UseSerialGC", "-Djava.awt.headless=true",
             "-Dquarkus.http.host=127.0.0.1", f"-Dquarkus.http.port={self.port}",
             "-Dquarkus.log.level=WARN", "-jar", str(runner)],
            {"url": self.url, "version": APICURIO_VERSION}, cwd=self.directory)
        try:
            self._wait_until_serving(proc, timeout)
        except BaseException:
            self.stop()
            raise
        return self.status()

    def _wait_until_serving(self, proc: subprocess.Popen[bytes], timeout: float) -> None:
        import httpx

        deadline = time.monotonic() + timeout
        while True:
            if proc.poll() is not None:
                raise RegistryError(f"the schema registry exited with code {proc.returncode}; "
                                    f"see {self.log_file}:\n{self._log_tail()}")
            try:
                if httpx.get(f"{self.url}/subjects", timeout=2.0).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline:
                raise RegistryError(f"the schema registry did not answer at {self.url} "
                                    f"within {timeout:.0f}s; see {self.log_file}")
            time.sleep(0.3)
