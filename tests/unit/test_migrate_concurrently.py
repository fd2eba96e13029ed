"""Processes that open one fresh view database at the same moment (the sink, the API, a
test) all find it migrated: none fails making a table another one made."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from sqlalchemy import inspect

from lintas.streams.view.store import open_store


def test_eight_processes_migrate_one_fresh_sqlite_file_at_once(tmp_path: Path):
    url = f"sqlite:///{tmp_path / 'view.db'}"
    code = f"from lintas.streams.view.store import open_store; open_store({url!r}).close()"
    children = [subprocess.Popen([sys.executable, "-c", code], stderr=subprocess.PIPE,
                                 text=True) for _ in range(8)]
    failures = [err for child in children
                if (err := child.communicate(timeout=120)[1]) and child.returncode != 0]
    assert failures == []
    store = open_store(url)
    try:
        assert {"shipments", "dead_letters", "sink_offsets"} <= set(
            inspect(store.engine).get_table_names())
    finally:
        store.close()
