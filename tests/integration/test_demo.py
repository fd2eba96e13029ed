"""`lintas demo` end to end as a user runs it: it starts its own broker, accounts for every
record the sandbox emitted, and leaves no process behind."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from lintas.connectors.registry import PARTNERS
from lintas.connectors.sandboxes import free_port
from lintas.connectors.sandboxes.kit import sandbox_kit

pytestmark = [pytest.mark.integration, pytest.mark.slow]


def _processes_mentioning(text: str) -> list[str]:
    found = []
    for cmdline in Path("/proc").glob("[0-9]*/cmdline"):
        try:
            args = cmdline.read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        if text in args:
            found.append(args)
    return found


def test_demo_runs_end_to_end_on_its_own_broker(tmp_path):
    home = tmp_path / "home"
    env = {k: v for k, v in os.environ.items() if not k.startswith("LINTAS_")}
    env.update(
        LINTAS_HOME=str(home),
        LINTAS_KAFKA_PORT=str(free_port()),
        LINTAS_KAFKA_CONTROLLER_PORT=str(free_port()),
        LINTAS_CACHE_DIR=os.environ.get("LINTAS_CACHE_DIR", str(Path.home() / ".cache" / "lintas")),
    )
    out = subprocess.run([sys.executable, "-m", "lintas", "demo", "--json", "--rounds", "1"],
                         env=env, capture_output=True, timeout=600, check=False)
    assert out.returncode == 0, out.stderr.decode()[-3000:]
    summary = json.loads(out.stdout)
    assert summary["complete"] and summary["missing"] == []
    assert summary["partners"] == sorted(PARTNERS)
    # What the sandboxes promised, counted from their catalogs (seeded like the demo's).
    kits = [sandbox_kit(p) for p in PARTNERS.values()]
    catalogs = [e for kit in kits if kit for e in kit.build_catalog(0, rounds=1)]
    assert summary["records"] == len(catalogs)
    assert summary["not_found"] == sum(1 for e in catalogs if e.outcome == "not_found")
    assert summary["shipments"] == sum(1 for e in catalogs if e.outcome == "shipment")
    assert summary["refused"] > 0 and summary["dead_letters"] > 0
    assert summary["events"] > summary["shipments"]
    # Every outlet of every network feed (Pos office API and the courier CSV drops).
    assert summary["network_nodes"] == sum(kit.expected_outlets() for kit in kits if kit)
    assert summary["bootstrap"].startswith("127.0.0.1:")
    # Nothing it started is still running: broker, worker and sink all stopped.
    assert _processes_mentioning(str(home)) == []
    # And the view it filled answers `lintas shipment` afterwards.
    import sqlite3

    with sqlite3.connect(home / "view.db") as db:
        shipment_id, status, count = db.execute(
            "SELECT shipment_id, status, event_count FROM shipments LIMIT 1").fetchone()
    view = subprocess.run([sys.executable, "-m", "lintas", "shipment", shipment_id.split(":", 1)[1],
                           "--json"], env=env, capture_output=True, check=False)
    assert view.returncode == 0, view.stderr
    shown = json.loads(view.stdout)
    assert (shown["shipment_id"], shown["status"], len(shown["timeline"])) == (
        shipment_id, status, count
    )
