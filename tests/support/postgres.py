"""A throwaway PostgreSQL server from the Debian packages, for the view tests.

initdb and pg_ctl refuse to run as root, so as root they run as the ``postgres`` user
(created by the Debian package) on a data directory it owns.
"""

from __future__ import annotations

import glob
import os
import shutil
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

__all__ = ["PostgresServer", "find_pg_bin"]


def find_pg_bin() -> Path | None:
    """The newest ``/usr/lib/postgresql/<version>/bin`` holding initdb, or one on PATH."""
    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"),
                        key=lambda p: int(Path(p).parent.parent.name))
    if candidates:
        return Path(candidates[-1]).parent
    found = shutil.which("initdb")
    return Path(found).parent if found else None


@dataclass
class PostgresServer:
    port: int
    data_dir: Path
    bin_dir: Path
    run_as: str | None

    @property
    def url(self) -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/postgres"

    def _cmd(self, *args: str) -> list[str]:
        cmd = [str(self.bin_dir / args[0]), *args[1:]]
        return ["runuser", "-u", self.run_as, "--", *cmd] if self.run_as else cmd

    @classmethod
    def start(cls, port: int) -> PostgresServer:
        bin_dir = find_pg_bin()
        if bin_dir is None:
            raise RuntimeError(
                "PostgreSQL server binaries not found; install Debian's 'postgresql' package "
                "(.ci/run does) or set LINTAS_TEST_POSTGRES_URL"
            )
        run_as = "postgres" if os.geteuid() == 0 else None
        data_dir = Path(tempfile.mkdtemp(prefix="lintas-pg-"))
        if run_as:
            shutil.chown(data_dir, user=run_as)
        server = cls(port, data_dir, bin_dir, run_as)
        subprocess.run(
            server._cmd("initdb", "-D", str(data_dir / "data"), "-U", "postgres", "-A", "trust",
                        "-E", "UTF8", "--no-sync"),
            check=True, capture_output=True, cwd="/",
        )
        server.resume()
        return server

    def resume(self) -> None:
        """Start the server on its data directory (again, after :meth:`halt`)."""
        subprocess.run(
            self._cmd(
                "pg_ctl", "-D", str(self.data_dir / "data"), "-l",
                str(self.data_dir / "server.log"), "-w",
                "-o", f"-c listen_addresses=127.0.0.1 -p {self.port} -k {self.data_dir} "
                      "-c fsync=off -c synchronous_commit=off -c full_page_writes=off",
                "start",
            ),
            check=True, capture_output=True, cwd="/",
        )
        self.wait_ready()

    def halt(self, mode: str = "immediate") -> None:
        """Stop the server and keep its data: ``immediate`` drops every connection at once,
        as a crash would (:meth:`resume` starts it again)."""
        subprocess.run(
            self._cmd("pg_ctl", "-D", str(self.data_dir / "data"), "-m", mode, "-w", "stop"),
            capture_output=True, check=True, cwd="/",
        )

    def wait_ready(self, timeout: float = 30.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            ok = subprocess.run(
                [str(self.bin_dir / "pg_isready"), "-h", "127.0.0.1", "-p", str(self.port)],
                capture_output=True, check=False,
            )
            if ok.returncode == 0:
                return
            time.sleep(0.2)
        raise RuntimeError("PostgreSQL did not become ready")

    def stop(self) -> None:
        subprocess.run(
            self._cmd("pg_ctl", "-D", str(self.data_dir / "data"), "-m", "fast", "-w", "stop"),
            capture_output=True, check=False, cwd="/",
        )
        shutil.rmtree(self.data_dir, ignore_errors=True)
