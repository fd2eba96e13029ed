"""A connector killed with SIGKILL mid-run resumes from its cursor: no record missing
from the raw topic and, after dedupe by event id, no event twice in the canonical topic."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

from lintas.connectors.pos.sandbox import create_app
from lintas.connectors.pos.scenarios import build_catalog
from lintas.connectors.registry import PARTNERS
from lintas.connectors.sandboxes import serve_in_thread
from lintas.connectors.sandboxes.kit import SANDBOX_CREDENTIALS
from lintas.core.topics import SHIPMENT_EVENTS, catalog, raw_topic
from lintas.demo import ChildProcess
from lintas.kafka.admin import ensure_topics, read_all
from lintas.schemas.codec import codec
from lintas.streams.normalize import normalize_record
from tests.integration.conftest import wait_for

pytestmark = [pytest.mark.integration, pytest.mark.slow]


class Slow:
    """Each sandbox answer takes a little while, so the run can be killed half-way."""

    def __init__(self, app, delay: float) -> None:
        self.app, self.delay, self.requests = app, delay, 0

    async def __call__(self, scope, receive, send):
        if scope["type"] == "http":
            self.requests += 1
            await asyncio.sleep(self.delay)
        await self.app(scope, receive, send)


def test_killed_connector_resumes_without_gap_or_duplicate(kafka, process_env, tmp_path: Path):
    ensure_topics(kafka, catalog(sorted(PARTNERS), 3))
    entries = build_catalog(uuid.uuid4().int % 10_000_000, rounds=4)
    slow = Slow(create_app(entries=entries, credentials=SANDBOX_CREDENTIALS), 0.1)
    server = serve_in_thread(slow)
    more = dict(LINTAS_HOME=str(tmp_path / "home"),
               LINTAS_POS__BASE_URL=server.url, LINTAS_POS__CLIENT_ID="lintas-sandbox",
               LINTAS_POS__CLIENT_SECRET="sandbox-secret", LINTAS_POS__RATE_PER_SECOND="500")
    keys = {e.key.encode() for e in entries}

    def on_topic() -> list:
        return [m for m in read_all(kafka, raw_topic("pos")) if m.key in keys]

    worker = ChildProcess("worker", ["worker"], process_env("worker", **more), tmp_path)
    env = process_env("connector", **more)
    connector = subprocess.Popen([sys.executable, "-m", "lintas", "connect", "run", "pos", "--once",
                                  "--page-size", "10"], env=env, start_new_session=True,
                                 stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        # Half-way through the sandbox's answers, a few pages of 10 in.
        wait_for(lambda: slow.requests >= len(entries) // 2, timeout=120, every=0.05,
                 what="the connector to be half-way")
        os.killpg(connector.pid, signal.SIGKILL)
        connector.wait(10)
        killed_at = len(on_topic())
        assert killed_at < len(entries), "the run ended before it could be killed; slow it down"
        again = subprocess.run([sys.executable, "-m", "lintas", "connect", "run", "pos", "--once",
                                "--page-size", "10"], env=env, capture_output=True, timeout=300,
                               check=False)
        assert again.returncode == 0, again.stderr.decode()[-2000:]

        records = on_topic()
        assert {m.key for m in records} == keys  # no gap
        assert len(records) - len(keys) <= 10  # at most the page in flight was sent twice

        expected: set[str] = set()
        for message in records:
            expected |= {e["event_id"] for e in normalize_record(message.value).events}

        def canonical() -> list[str]:
            return [codec("ShipmentEvent").decode(m.value)["event_id"]
                    for m in read_all(kafka, SHIPMENT_EVENTS) if m.key in keys]

        wait_for(lambda: set(canonical()) >= expected, timeout=120,
                 what="every event in the canonical topic")
        assert set(canonical()) == expected  # after dedupe: each event exactly once
    finally:
        if connector.poll() is None:
            os.killpg(connector.pid, signal.SIGKILL)
        worker.stop()
        server.stop()
