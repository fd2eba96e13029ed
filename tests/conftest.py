"""Fixtures shared by the suite.

Integration tests (marked ``integration``) run against a real Apache Kafka broker that
this tooling starts from the Maven Central jars (``lintas.kafka.broker.LocalBroker``) and, for
the view, against SQLite and a real PostgreSQL server started from Debian's packages.
When they cannot start, the tests fail: nothing is skipped silently.

``LINTAS_TEST_BOOTSTRAP`` / ``LINTAS_TEST_POSTGRES_URL`` point the suite at servers
that already run instead.
"""

from __future__ import annotations

import importlib.abc
import os
import sys
import tempfile
import uuid
from collections.abc import Iterator, Sequence
from pathlib import Path
from types import ModuleType

import pytest

from lintas.connectors.sandboxes import free_port
from lintas.core.settings import Settings, get_settings
from lintas.kafka.broker import LocalBroker


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
def kafka_bootstrap() -> Iterator[str]:
    """Bootstrap address of a real broker for the whole session."""
    given = os.environ.get("LINTAS_TEST_BOOTSTRAP")
    if given:
        yield given
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
        yield broker.bootstrap
    finally:
        broker.stop()
        broker.delete_data()


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
def settings(tmp_path: Path, kafka_bootstrap: str, monkeypatch: pytest.MonkeyPatch) -> Settings:
    """Settings pointing at the test broker, with a private home and view."""
    monkeypatch.setenv("LINTAS_KAFKA_BOOTSTRAP", kafka_bootstrap)
    monkeypatch.setenv("LINTAS_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("LINTAS_DATABASE_URL", f"sqlite:///{tmp_path / 'view.db'}")
    get_settings.cache_clear()
    return get_settings()
