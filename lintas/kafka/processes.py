"""Servers that lintas starts as child processes (the broker, the schema registry): is a
port taken, does a process live, and a server's pid, log and state file."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import time
from pathlib import Path
from typing import Any

__all__ = ["ChildServer", "pid_alive", "port_open", "stop_process_group"]


def port_open(host: str, port: int) -> bool:
    """Whether something accepts connections on ``host:port``."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.settimeout(0.5)
        return sock.connect_ex((host, port)) == 0


def pid_alive(pid: int) -> bool:
    """Whether process ``pid`` runs (a zombie does not)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    # A zombie child still answers kill(0); look at its state.
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
        return stat.rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return True


def _reap(pid: int) -> None:
    try:
        os.waitpid(pid, os.WNOHANG)
    except ChildProcessError:
        pass


def stop_process_group(pid: int, timeout: float = 30.0) -> bool:
    """Stop the process group led by ``pid``: SIGTERM, then SIGKILL after ``timeout``.
    True if it ran."""
    was_running = pid_alive(pid)
    if was_running:
        try:
            os.killpg(pid, signal.SIGTERM)
        except ProcessLookupError:
            pass
        deadline = time.monotonic() + timeout
        while pid_alive(pid) and time.monotonic() < deadline:
            _reap(pid)
            time.sleep(0.2)
        if pid_alive(pid):
            try:
                os.killpg(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
    _reap(pid)
    return was_running


class ChildServer:
    """A server run as a child process in a session of its own; its pid and address are
    kept in :attr:`state_file`, its output in :attr:`log_file`."""

    @property
    def state_file(self) -> Path:
        raise NotImplementedError

    @property
    def log_file(self) -> Path:
        raise NotImplementedError

    def _read_state(self) -> dict[str, Any] | None:
        try:
            return dict(json.loads(self.state_file.read_text()))
        except (OSError, ValueError):
            return None

    def _running_state(self) -> dict[str, Any] | None:
        """The state file's content while its process lives; None otherwise."""
        state = self._read_state()
        return state if state and pid_alive(int(state["pid"])) else None

    def _spawn(self, command: list[str], state: dict[str, Any],
               cwd: Path | None = None) -> subprocess.Popen[bytes]:
        """Start ``command`` with its output in the log; record its pid with ``state``."""
        self.log_file.parent.mkdir(parents=True, exist_ok=True)
        with open(self.log_file, "ab") as log:  # the child keeps its own descriptor
            proc = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT,
                                    stdin=subprocess.DEVNULL, start_new_session=True, cwd=cwd)
        self.state_file.write_text(json.dumps({"pid": proc.pid, **state,
                                               "started_at": time.time()}))
        return proc

    def stop(self, timeout: float = 30.0) -> bool:
        """Stop the server cleanly (SIGTERM, then SIGKILL after ``timeout``). True if it
        ran."""
        state = self._read_state()
        if not state:
            return False
        was_running = stop_process_group(int(state["pid"]), timeout)
        self.state_file.unlink(missing_ok=True)
        return was_running

    def _log_tail(self, lines: int = 20) -> str:
        try:
            return "\n".join(self.log_file.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""
