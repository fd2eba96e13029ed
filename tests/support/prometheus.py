"""Debian's Prometheus and promtool for the tests: finding them, a throwaway Prometheus
server, and alert rules with shorter ``for:`` durations.

The package is ``prometheus`` (``.ci/run`` installs it). Without it a test is skipped on a
developer's machine and fails in CI (``CI=true``), as the dashboard test does for Chromium.
"""

from __future__ import annotations

import copy
import os
import re
import shutil
import signal
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml

__all__ = ["PrometheusServer", "format_duration", "parse_duration", "quicken", "require_tool"]

_UNITS = {"ms": 0.001, "s": 1, "m": 60, "h": 3600, "d": 86400, "w": 7 * 86400, "y": 365 * 86400}
_DURATION = re.compile(r"(\d+)(ms|s|m|h|d|w|y)")


def require_tool(name: str) -> str:
    """The path of Debian's ``prometheus`` or ``promtool``; skips the test without it, or
    fails it in CI, where it must run."""
    found = shutil.which(name)
    if found:
        return found
    reason = f"{name} is not installed: apt-get install -y prometheus"
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"{reason} (in CI the Prometheus tests must run)")
    pytest.skip(reason)


def parse_duration(text: str) -> float:
    """Seconds of a Prometheus duration such as ``10m``, ``1h30m`` or ``500ms``."""
    parts = _DURATION.findall(text)
    if not parts or "".join(n + u for n, u in parts) != text:
        raise ValueError(f"not a Prometheus duration: {text!r}")
    return sum(int(number) * _UNITS[unit] for number, unit in parts)


def format_duration(seconds: float) -> str:
    """A Prometheus duration for ``seconds``, to the millisecond: ``10s``, ``500ms``."""
    millis = round(seconds * 1000)
    return f"{millis // 1000}s" if millis % 1000 == 0 else f"{millis}ms"


def quicken(rules: dict[str, Any], factor: float) -> dict[str, Any]:
    """``rules`` (an alert rules document) with every ``for:`` multiplied by ``factor``;
    expressions, labels and annotations are left exactly as they are."""
    quick = copy.deepcopy(rules)
    for group in quick["groups"]:
        for rule in group["rules"]:
            if "for" in rule:
                rule["for"] = format_duration(parse_duration(rule["for"]) * factor)
    return quick


class PrometheusServer:
    """A Prometheus process on 127.0.0.1 with its configuration and data in ``folder``.

    ``config`` is the content of prometheus.yml; paths in it must be absolute. Use it as a
    context manager: the process is stopped and its data removed at the end.
    """

    def __init__(self, config: dict[str, Any], port: int, folder: Path | None = None) -> None:
        self.binary = require_tool("prometheus")
        self.folder = folder or Path(tempfile.mkdtemp(prefix="lintas-prometheus-"))
        self.config_path = self.folder / "prometheus.yml"
        self.config_path.write_text(yaml.safe_dump(config, sort_keys=False))
        self.data = self.folder / "data"
        self.log_path = self.folder / "prometheus.log"
        self.url = f"http://127.0.0.1:{port}"
        self.port = port
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self, timeout: float = 60.0) -> None:
        """Start the process and wait until it answers ``/-/ready``."""
        with open(self.log_path, "wb") as log:
            self.proc = subprocess.Popen(
                [self.binary, f"--config.file={self.config_path}",
                 f"--storage.tsdb.path={self.data}", "--storage.tsdb.retention.time=1h",
                 f"--web.listen-address=127.0.0.1:{self.port}", "--log.level=info"],
                stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                start_new_session=True, cwd=self.folder,
            )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(
                    f"prometheus exited ({self.proc.returncode}):\n{self.log_tail()}")
            try:
                if httpx.get(f"{self.url}/-/ready", timeout=2).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            time.sleep(0.2)
        raise RuntimeError(f"prometheus did not become ready:\n{self.log_tail()}")

    def stop(self, timeout: float = 20.0) -> None:
        """Stop the process (SIGTERM, then SIGKILL) and remove its data."""
        if self.proc is not None and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(10)
        shutil.rmtree(self.data, ignore_errors=True)

    def __enter__(self) -> PrometheusServer:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def log_tail(self, lines: int = 30) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""

    def api(self, path: str, **params: str) -> Any:
        """The ``data`` of a successful answer of the HTTP API (``/api/v1/<path>``)."""
        answer = httpx.get(f"{self.url}/api/v1/{path}", params=params, timeout=10)
        body = answer.json()
        assert answer.status_code == 200 and body["status"] == "success", (path, params, body)
        return body["data"]

    def query(self, expr: str) -> list[dict[str, Any]]:
        """The instant vector of ``expr`` now."""
        data = self.api("query", query=expr)
        assert data["resultType"] == "vector", data
        return list(data["result"])

    def alerts(self) -> list[dict[str, Any]]:
        """Active alerts (pending and firing) with labels, annotations, state and value."""
        return list(self.api("alerts")["alerts"])

    def target_health(self, job: str) -> list[dict[str, Any]]:
        """The active scrape targets of ``job``, with ``health`` and ``lastError``."""
        targets = self.api("targets", state="active")["activeTargets"]
        return [t for t in targets if t["labels"].get("job") == job]
