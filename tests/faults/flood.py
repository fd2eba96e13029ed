"""A webhook flood for the ingest: several processes, each holding many keep-alive HTTP/1.1
connections on loopback, send signed Ninja webhooks at a fixed total rate.

Each webhook is sent once, whatever the answer: the flood counts answers, it does not
retry. Every body is distinct (a catalog's webhooks, each under a tracking number of its
own), so every 202 stands for a record of its own. Each process writes what it saw to a
JSON file: answers by status, the record id of every 202, 503s without ``Retry-After``,
and the latency of every answer.
"""

from __future__ import annotations

import asyncio
import json
import re
import subprocess
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from lintas.connectors.ninja.sandbox import webhooks
from lintas.connectors.ninja.scenarios import build_catalog
from lintas.connectors.signing import SIGNATURE_HEADER, TIMESTAMP_HEADER, sign

__all__ = ["FloodResult", "flood"]

#: seconds the processes have to draw their bodies before the first request
WARMUP = 8.0
#: seconds a client waits for an answer before it counts an error and reconnects
ANSWER_WITHIN = 60.0
_RECORD_ID = re.compile(rb'"record_id":\s*"([0-9a-f]+)"')


@dataclass
class FloodResult:
    """What the ingest answered to the whole flood."""

    answers: Counter[str] = field(default_factory=Counter)
    record_ids: set[str] = field(default_factory=set)
    without_retry_after: int = 0
    #: (monotonic second since the start, status) of every answer
    timeline: list[tuple[float, str]] = field(default_factory=list)
    latencies: list[float] = field(default_factory=list)
    seconds: float = 0.0
    #: wall-clock time of the first request
    started_at: float = 0.0
    #: seconds from the first request to the last answer
    elapsed: float = 0.0

    @property
    def sent(self) -> int:
        return sum(self.answers.values())

    def percentile(self, share: float) -> float:
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(share * len(ordered)))] if ordered else 0.0


def _bodies(worker: int, count: int, seed: int) -> list[bytes]:
    """``count`` distinct webhook bodies: a catalog's webhooks, each under a tracking
    number of its own."""
    templates = [(body, entry.tracking_number)
                 for entry in build_catalog(seed, rounds=1) if entry.scenario == "delivered"
                 for body in webhooks(entry)]
    out = []
    for n in range(count):
        body, number = templates[n % len(templates)]
        out.append(body.replace(number.encode(), f"NLFL{seed % 100:02d}{worker:02d}{n:08d}"
                                .encode()))
    return out


async def _connection(host: str, port: int, bodies: list[bytes], start: float, interval: float,
                      secret: bytes, seen: dict[str, Any]) -> None:
    """One client: a keep-alive connection sending ``bodies`` one every ``interval`` s."""
    reader, writer = await _reconnect(host, port)
    for n, body in enumerate(bodies):
        due = start + n * interval
        delay = due - time.monotonic()
        if delay > 0:
            await asyncio.sleep(delay)
        stamp = int(time.time())
        request = (f"POST /v1/webhooks/ninja HTTP/1.1\r\nHost: {host}\r\n"
                   f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n"
                   f"{TIMESTAMP_HEADER}: {stamp}\r\n"
                   f"{SIGNATURE_HEADER}: {sign(secret.decode(), stamp, body)}\r\n\r\n"
                   ).encode() + body
        sent = time.monotonic()
        try:
            if writer.is_closing():
                reader, writer = await _reconnect(host, port)
            writer.write(request)
            status, headers, answer = await asyncio.wait_for(_response(reader), ANSWER_WITHIN)
        except (OSError, asyncio.IncompleteReadError, ValueError, asyncio.TimeoutError):
            seen["answers"]["error"] += 1
            seen["timeline"].append((sent - seen["t0"], "error"))
            writer.close()
            reader, writer = await _reconnect(host, port)
            continue
        seen["latencies"].append(time.monotonic() - sent)
        seen["answers"][status] += 1
        seen["timeline"].append((sent - seen["t0"], status))
        if status in ("200", "202"):
            found = _RECORD_ID.search(answer)
            if found:
                seen["record_ids"].append(found.group(1).decode())
        elif status == "503" and b"retry-after" not in headers:
            seen["without_retry_after"] += 1
    writer.close()


async def _reconnect(host: str, port: int) -> tuple[asyncio.StreamReader,
                                                     asyncio.StreamWriter]:
    """A new connection, tried again every half second until the server takes it."""
    while True:
        try:
            return await asyncio.open_connection(host, port)
        except OSError:
            await asyncio.sleep(0.5)


async def _response(reader: asyncio.StreamReader) -> tuple[str, bytes, bytes]:
    head = await reader.readuntil(b"\r\n\r\n")
    status = head.split(b" ", 2)[1].decode()
    headers = head.lower()
    length = re.search(rb"content-length:\s*(\d+)", headers)
    body = await reader.readexactly(int(length.group(1))) if length else b""
    return status, headers, body


def _worker(worker: int, port: int, rate: float, seconds: float, clients: int, seed: int,
            secret: bytes, start_at: float, out: str) -> None:
    per_client = int(rate * seconds / clients) + 1
    bodies = _bodies(worker, per_client * clients, seed)
    interval = clients / rate
    seen: dict[str, Any] = {"answers": Counter(), "record_ids": [], "without_retry_after": 0,
                            "timeline": [], "latencies": [], "t0": start_at}

    async def main() -> None:
        delay = start_at - time.time()
        if delay > 0:
            await asyncio.sleep(delay)
        t0 = time.monotonic()
        seen["t0"] = t0
        await asyncio.gather(*(
            _connection("127.0.0.1", port, bodies[c * per_client:(c + 1) * per_client],
                        t0 + c * interval / clients, interval, secret, seen)
            for c in range(clients)))

    asyncio.run(main())
    Path(out).write_text(json.dumps({**seen, "answers": dict(seen["answers"])}))


def flood(port: int, secret: str, *, rate: float, seconds: float, clients: int = 64,
          processes: int = 2, seed: int = 1, workdir: Path) -> FloodResult:
    """Send ``rate`` webhooks a second for ``seconds`` to the ingest on ``port``, from
    ``processes`` processes of ``clients`` connections each (blocks until every answer
    came)."""
    start_at = time.time() + WARMUP
    outs = [workdir / f"flood-{n}.json" for n in range(processes)]
    root = Path(__file__).resolve().parents[2]
    procs = [subprocess.Popen(
        [sys.executable, "-m", "tests.faults.flood", json.dumps(
            [n, port, rate / processes, seconds, clients, seed, secret, start_at, str(out)])],
        cwd=root) for n, out in enumerate(outs)]
    try:
        for proc in procs:
            if proc.wait() != 0:
                raise AssertionError(f"a flood process exited with code {proc.returncode}")
    finally:
        for proc in procs:
            if proc.poll() is None:
                proc.kill()
                proc.wait()
    result = FloodResult(seconds=seconds, started_at=start_at, elapsed=time.time() - start_at)
    for out in outs:
        seen = json.loads(out.read_text())
        result.answers.update(seen["answers"])
        result.record_ids.update(seen["record_ids"])
        result.without_retry_after += seen["without_retry_after"]
        result.timeline += [(float(t), str(s)) for t, s in seen["timeline"]]
        result.latencies += seen["latencies"]
    return result


if __name__ == "__main__":
    worker, port, rate, seconds, clients, seed, secret, start_at, out = json.loads(sys.argv[1])
    _worker(worker, port, rate, seconds, clients, seed, secret.encode(), start_at, out)
