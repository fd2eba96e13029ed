"""Fixtures shared by the suite.

Integration tests (marked ``integration``) run against a real Apache Kafka broker that
this tooling starts from the Maven Central jars (``lintas.kafka.broker.LocalBroker``) and, for
the view, against SQLite and a real PostgreSQL server started from Debian's packages.
When they cannot start, the tests fail: nothing is skipped silently.

Beside the broker runs a schema registry (Apicurio Registry, built from Maven Central by
``lintas.kafka.schemaregistry``) holding every canonical subject; the session's processes
find it through ``LINTAS_SCHEMA_REGISTRY_URL``, so any of them reads canonical records in
Confluent's wire format.

``LINTAS_TEST_BOOTSTRAP`` / ``LINTAS_TEST_POSTGRES_URL`` / ``LINTAS_TEST_SCHEMA_REGISTRY_URL``
point the suite at servers that already run instead.
"""

from __future__ import annotations

import importlib.abc
import os
import signal
import sys
import tempfile
import uuid
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from types import ModuleType

import pytest
from pydantic import SecretStr

from lintas.connectors.access import prepare_broker
from lintas.connectors.sandboxes import free_port
from lintas.core.settings import Settings, get_settings
from lintas.kafka.broker import LocalBroker
from lintas.kafka.connection import KafkaConnection
from lintas.kafka.principals import PROCESS_ROLES, Role, principal_name
from lintas.kafka.schemaregistry import LocalSchemaRegistry


def pytest_configure(config: pytest.Config) -> None:
    """A run stopped with SIGTERM (a CI timeout, ``timeout``, a supervisor) unwinds as
    Ctrl-C does: the brokers, databases and child processes the tests started are stopped
    by their fixtures and ``finally`` blocks instead of outliving the run."""

    def interrupt(_signum: int, _frame: object) -> None:
        raise KeyboardInterrupt("SIGTERM")

    signal.signal(signal.SIGTERM, interrupt)


class _OneImportRoot(importlib.abc.MetaPathFinder):
    """Refuses the folders' bare names: ``streams``, ``schemas`` and ``connectors`` install
    as ``lintas.*``, and importing one by its folder name (say, a string given to
    ``import_module``) would load a second copy of its modules."""

    BARE = frozenset({"streams", "schemas", "connectors"})

    def find_spec(self, fullname: str, path: Sequence[str] | None,
                  target: ModuleType | None = None) -> None:
        if fullname.split(".")[0] in self.BARE:
            raise ImportError(f"import lintas.{fullname}, not {fullname}: the folder installs "
                              f"under the lintas root")
        return None


sys.meta_path.insert(0, _OneImportRoot())

FIXTURES = Path(__file__).parent / "fixtures"
CACHE_DIR = Path(os.environ.get("LINTAS_CACHE_DIR", Path.home() / ".cache" / "lintas"))


@pytest.fixture(autouse=True)
def _fresh_settings() -> Iterator[None]:
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


@pytest.fixture(scope="session")
def schema_registry() -> Iterator[str]:
    """A real schema registry for the whole session, holding every canonical subject (held
    to FULL_TRANSITIVE): its URL, which ``LINTAS_SCHEMA_REGISTRY_URL`` names meanwhile."""
    from lintas.schemas.registry import RegistryClient, register_canonical

    given = os.environ.get("LINTAS_TEST_SCHEMA_REGISTRY_URL")
    local = None
    if given:
        url = given
    else:
        local = LocalSchemaRegistry(Path(tempfile.mkdtemp(prefix="lintas-test-registry-")),
                                    CACHE_DIR, port=free_port(), heap="256m")
        url = local.start().url or local.url
    before = os.environ.get("LINTAS_SCHEMA_REGISTRY_URL")
    os.environ["LINTAS_SCHEMA_REGISTRY_URL"] = url
    try:
        with RegistryClient(url) as client:
            register_canonical(client)
        yield url
    finally:
        if before is None:
            os.environ.pop("LINTAS_SCHEMA_REGISTRY_URL", None)
        else:
            os.environ["LINTAS_SCHEMA_REGISTRY_URL"] = before
        if local is not None:
            local.stop()


@pytest.fixture(scope="session")
def _broker(schema_registry: str) -> Iterator[tuple[KafkaConnection,
                                                  Callable[[str], KafkaConnection]]]:
    """A real broker for the whole session, authenticating (SASL/SCRAM-SHA-512) and
    authorizing (ACLs) as lintas runs it: (admin, principal by name). The schema registry
    runs beside it."""
    given = os.environ.get("LINTAS_TEST_BOOTSTRAP")
    if given:  # an existing broker: LINTAS_TEST_KAFKA_* name its admin
        admin = KafkaConnection(
            given, os.environ.get("LINTAS_TEST_KAFKA_SECURITY_PROTOCOL", "SASL_PLAINTEXT"),  # type: ignore[arg-type]
            username=os.environ.get("LINTAS_TEST_KAFKA_USERNAME", "admin"),
            password=SecretStr(os.environ.get("LINTAS_TEST_KAFKA_PASSWORD", "")))
        passwords = {name: SecretStr(f"{name}-test-secret")
                     for name in (principal_name(r) for r in PROCESS_ROLES)}
        prepare_broker(admin, passwords, app_id="lintas", partitions=3)
        yield admin, lambda name: admin.as_principal(name, passwords[name])
        return
    directory = Path(tempfile.mkdtemp(prefix="lintas-test-kafka-"))
    broker = LocalBroker(
        directory,
        CACHE_DIR,
        version=os.environ.get("LINTAS_KAFKA_VERSION", "4.1.1"),
        port=free_port(),
        controller_port=free_port(),
        heap="512m",
    )
    broker.start()
    try:
        prepare_broker(broker.connection(), broker.principals.ensure(), app_id="lintas",
                       partitions=3)
        yield broker.connection(), broker.connection
    finally:
        broker.stop()
        broker.delete_data()


@pytest.fixture(scope="session")
def kafka(_broker: tuple[KafkaConnection, Callable[[str], KafkaConnection]]) -> KafkaConnection:
    """The session's broker, as its admin (a super user): for setting up and reading back."""
    return _broker[0]


@pytest.fixture(scope="session")
def kafka_as(
    _broker: tuple[KafkaConnection, Callable[[str], KafkaConnection]],
) -> Callable[[str], KafkaConnection]:
    """The session's broker as one of lintas's principals (``lintas-worker``, ...)."""
    return _broker[1]


@pytest.fixture(scope="session")
def process_env(kafka_as: Callable[[str], KafkaConnection]) -> Callable[..., dict[str, str]]:
    """Environment of a lintas child process running as its role's principal."""

    def env(role: Role, **more: str) -> dict[str, str]:
        return {**os.environ, **kafka_as(principal_name(role)).environment(), **more}

    return env


@pytest.fixture(scope="session")
def _postgres_url() -> Iterator[str]:
    given = os.environ.get("LINTAS_TEST_POSTGRES_URL")
    if given:
        yield given
        return
    from tests.support.postgres import PostgresServer

    server = PostgresServer.start(free_port())
    try:
        yield server.url
    finally:
        server.stop()


def _fresh_postgres_database(base_url: str) -> str:
    from sqlalchemy import create_engine, text

    name = f"lintas_{uuid.uuid4().hex[:12]}"
    engine = create_engine(base_url, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    engine.dispose()
    return base_url.rsplit("/", 1)[0] + "/" + name


@pytest.fixture(params=["sqlite", "postgresql"])
def view_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A fresh, empty view database on each backend."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'view.db'}"
    return _fresh_postgres_database(request.getfixturevalue("_postgres_url"))


@pytest.fixture
def settings(tmp_path: Path, kafka: KafkaConnection, monkeypatch: pytest.MonkeyPatch) -> Settings:
    """Settings pointing at the test broker (as its admin), with a private home and view."""
    for name, value in kafka.environment().items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("LINTAS_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("LINTAS_DATABASE_URL", f"sqlite:///{tmp_path / 'view.db'}")
    get_settings.cache_clear()
    return get_settings()
