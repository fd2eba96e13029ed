"""Schema migrations of the view (Alembic), run in-process.

Every process that opens the view migrates it first (the sink, the API, a replay, a
test), often at the same moment: one at a time, under a lock — PostgreSQL's advisory lock
held by the migrating transaction, a lock file beside a SQLite database — so the second
finds the tables made instead of making them again.
"""

from __future__ import annotations

import fcntl
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import text
from sqlalchemy.engine import Engine

__all__ = ["alembic_config", "upgrade"]

MIGRATIONS = Path(__file__).resolve().parent / "migrations"


def alembic_config(url: str | None = None) -> Config:
    """Alembic configuration pointing at the bundled migrations."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    if url:
        config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


#: the advisory lock's key on PostgreSQL ("lintas" in ASCII)
_LOCK_KEY = 0x6C696E746173


@contextmanager
def _sqlite_lock(engine: Engine) -> Iterator[None]:
    """Hold ``<database>.migrate-lock`` for a SQLite file (nothing for other databases)."""
    database = engine.url.database if engine.dialect.name == "sqlite" else None
    if not database or database == ":memory:":
        yield
        return
    with open(f"{database}.migrate-lock", "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Bring the view's tables to ``revision`` (idempotent, one process at a time)."""
    config = alembic_config()
    with _sqlite_lock(engine), engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _LOCK_KEY})
        config.attributes["connection"] = connection
        command.upgrade(config, revision)
