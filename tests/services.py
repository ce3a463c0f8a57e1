"""Real services for the tests, started from Debian's binaries on a free loopback port and
stopped afterwards: PostgreSQL (``postgres_server``). As root, the server runs as Debian's
``postgres`` user (PostgreSQL refuses to run as root)."""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def postgres_bin() -> Path | None:
    """Debian's PostgreSQL server binaries (the newest installed major version)."""
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/postgres"),
                   key=lambda p: int(p.parent.parent.name) if p.parent.parent.name.isdigit()
                   else 0)
    return found[-1].parent if found else None


def require_postgres() -> Path:
    bindir = postgres_bin()
    if bindir is not None:
        return bindir
    msg = "PostgreSQL not found (install it: apt-get install postgresql)"
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"{msg}; CI=true, so the tests fail instead of skipping", pytrace=False)
    pytest.skip(msg)


@contextlib.contextmanager
def postgres_server(timeout: float = 60.0) -> Iterator[str]:
    """A throwaway PostgreSQL on 127.0.0.1 (trust auth, its own data directory); yields
    its URL."""
    bindir = require_postgres()
    root = Path(tempfile.mkdtemp(prefix="rl-pg-"))
    as_user: list[str] = []
    if os.geteuid() == 0:
        as_user = ["runuser", "-u", "postgres", "--"]
        shutil.chown(root, "postgres", "postgres")
    data, sock, log = root / "data", root / "sock", root / "server.log"
    proc = None
    try:
        subprocess.run([*as_user, str(bindir / "initdb"), "-D", str(data), "-U", "postgres",
                        "--auth=trust", "-E", "UTF8", "--no-sync"], check=True,
                       capture_output=True, timeout=timeout)
        subprocess.run([*as_user, "mkdir", str(sock)], check=True)
        port = _free_port()
        with open(log, "wb") as out:
            proc = subprocess.Popen([*as_user, str(bindir / "postgres"), "-D", str(data),
                                     "-p", str(port), "-k", str(sock),
                                     "-c", "listen_addresses=127.0.0.1"],
                                    stdout=out, stderr=subprocess.STDOUT)
        url = f"postgresql://postgres@127.0.0.1:{port}/postgres"
        _wait_ready(url, proc, log, timeout)
        yield url
    finally:
        if proc is not None:
            proc.terminate()   # SIGTERM: PostgreSQL's smart shutdown
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        shutil.rmtree(root, ignore_errors=True)


def _wait_ready(url: str, proc: subprocess.Popen, log: Path, timeout: float) -> None:
    import psycopg

    deadline = time.monotonic() + timeout
    while True:
        if proc.poll() is not None:
            raise RuntimeError(f"PostgreSQL exited: {log.read_text(errors='replace')[-2000:]}")
        try:
            psycopg.connect(url, connect_timeout=2).close()
            return
        except psycopg.OperationalError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)
