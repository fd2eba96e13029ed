"""`lintas connectors status|pause|resume` and `connect run --backfill-from`, on a real
broker against the Pos sandbox."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

from lintas.connectors.pos.sandbox import create_app
from lintas.connectors.pos.scenarios import build_catalog
from lintas.connectors.registry import PARTNERS
from lintas.connectors.sandboxes import serve_in_thread
from lintas.connectors.sandboxes.kit import SANDBOX_CREDENTIALS
from lintas.core.topics import catalog, raw_topic
from lintas.kafka.admin import ensure_topics, read_all
from tests.integration.conftest import wait_for

pytestmark = pytest.mark.integration


def test_status_pause_resume_and_backfill(kafka, process_env, tmp_path: Path):
    ensure_topics(kafka, catalog(sorted(PARTNERS), 3))
    entries = build_catalog(uuid.uuid4().int % 10_000_000)
    server = serve_in_thread(create_app(entries=entries, credentials=SANDBOX_CREDENTIALS))
    more = dict(LINTAS_HOME=str(tmp_path / "home"),
               LINTAS_POS__BASE_URL=server.url, LINTAS_POS__CLIENT_ID="lintas-sandbox",
               LINTAS_POS__CLIENT_SECRET="sandbox-secret", LINTAS_POS__RATE_PER_SECOND="500",
               LINTAS_POLL_INTERVAL_SECONDS="0.5")
    keys = {e.key.encode() for e in entries}

    def run(*args: str) -> subprocess.CompletedProcess[bytes]:
        role = "connector" if args[0] == "connect" else "ops"
        out = subprocess.run([sys.executable, "-m", "lintas", *args],
                             env=process_env(role, **more), capture_output=True,
                             timeout=120, check=False)
        assert out.returncode == 0, out.stderr.decode()[-2000:]
        return out

    def lintas(*args: str) -> str:
        return run(*args).stdout.decode()

    def mine() -> int:
        return sum(1 for m in read_all(kafka, raw_topic("pos")) if m.key in keys)

    def status() -> dict:
        rows = json.loads(lintas("connectors", "status", "--json"))
        return next(r for r in rows if r["connector"] == "pos-tracking"
                    and r["source"].get("endpoint") == server.url)

    try:
        lintas("connect", "run", "pos", "--once")
        assert mine() == len(entries)
        first = status()
        assert first["state"] == "running" and first["records"] == len(entries)
        assert first["pending"] == 0 and first["last_error"] is None
        assert first["last_success_age_seconds"] < 60
        assert first["newest_record_age_seconds"] is not None

        lintas("connectors", "pause", "pos-tracking")
        backfill = run("connect", "run", "pos", "--once", "--backfill-from", "2020-01-01")
        assert mine() == 2 * len(entries)  # a backfill reads the feed again from the date
        # Its progress, on stderr as plain lines (not a terminal): the partner's pending
        # count made the total.
        err = backfill.stderr.decode()
        assert "\x1b[" not in err and backfill.stdout == b""
        done = re.search(r"^pos-tracking: backfill from 2020-01-01 00:00 UTC: ([\d,]+)/([\d,]+) "
                         r"records \(100%\), .*done in \d+\w*; pages \d+, skipped 0$", err,
                         re.MULTILINE)
        assert done, err
        assert done.group(1) == done.group(2) == f"{len(entries):,}"
        assert len(err.splitlines()) < len(entries)

        # A long-running connector started while paused polls nothing until resumed.
        before = mine()
        runner = subprocess.Popen([sys.executable, "-m", "lintas", "connect", "run", "pos",
                                   "--backfill-from", "2020-01-01"],
                                  env=process_env("connector", **more),
                                  start_new_session=True, stdout=subprocess.DEVNULL,
                                  stderr=subprocess.DEVNULL)
        try:
            wait_for(lambda: status()["state"] == "paused", timeout=60, what="the paused state")
            time.sleep(2)
            assert mine() == before
            lintas("connectors", "resume", "pos-tracking")
            wait_for(lambda: mine() == before + len(entries), timeout=60,
                     what="the resumed connector to read the feed")
        finally:
            os.killpg(runner.pid, signal.SIGTERM)
            runner.wait(30)
    finally:
        server.stop()
