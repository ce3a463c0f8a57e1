"""``make bench-class``: a whole class on one server (or on replicas behind nginx).

    PYTHONPATH=. .venv/bin/python bench/class_bench.py              # 1, 10, 30, 60 students
    PYTHONPATH=. .venv/bin/python bench/class_bench.py --quick      # 1 and 10, a smoke run
    PYTHONPATH=. .venv/bin/python bench/class_bench.py --replicas 2 --students 60 --pages landscape

N students open a page, each on a setting of their own (no two share a state, so no cache
can answer one student with another's work), and each moves the page's main slider one
notch every T seconds (first move at a random phase in [0, T)) for M moves. The students are
``bench.wsclient.Student``s: Streamlit's websocket protocol, not browsers (see there why).

Per page and class size it prints: moves/s served, latency p50/p95 from the move to the end
of its run, errors (exceptions on the page, failed or lost runs), the server's CPU per move
(user + system time of the server processes over the move phase ÷ moves), the bytes per move
on the socket, and the server memory per session (RSS growth over the joins ÷ N).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from bench.report import Row, percentile
from bench.wsclient import Student
from tests.browser.helpers import free_port, streamlit_process

REPO = Path(__file__).resolve().parents[1]
NGINX_CONF = REPO / "deploy" / "nginx.conf"
REPLICAS_CONF = REPO / "deploy" / "replicas-host.conf"
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
TICK = os.sysconf("SC_CLK_TCK")


@dataclass(frozen=True)
class ClassPage:
    """A page under a class's load: its URL path, main slider, and student i's own setting."""

    name: str
    path: str                               # url_path ("" = the default page)
    slider: str                             # the main slider's key
    setting: Callable[[int], dict[str, str]]
    latency_target_s: float                 # p95 target for 30 students


PAGES = [
    ClassPage("Landscape", "", "lam", lambda i: {"w1": f"{-3 + 0.1 * i:.1f}"}, 0.5),
    ClassPage("Geometry", "geometry", "t", lambda i: {"c1": f"{-3 + 0.1 * i:.1f}"}, 1.0),
    ClassPage("Update rules", "update_rules", "lam",
              lambda i: {"w0": f"{-3 + 0.1 * i:.1f}"}, 1.0),
    ClassPage("Weights", "weights", "lam", lambda i: {"seed": str(i)}, 1.0),
    ClassPage("λ sweep", "sweep", "lam",
              lambda i: {"noise": f"{0.05 * (i % 40):.2f}", "n": str(25 + 5 * (i // 40))}, 1.0),
    ClassPage("Sparse crosses", "crosses", "lambda", lambda i: {"seed": str(i)}, 1.0),
]
BYTES_TARGET = 150_000        # per move, every page
CPU_TARGET_S = 0.040          # per move, Landscape


@dataclass
class Result:
    page: str
    students: int
    replicas: int
    moves: int
    seconds: float
    latencies: list[float]
    errors: list[str]
    cpu_s: float
    wire_bytes: int
    session_mb: float

    @property
    def p50(self) -> float:
        return percentile(self.latencies, 50)

    @property
    def p95(self) -> float:
        return percentile(self.latencies, 95)


# ---- the servers ------------------------------------------------------------------------

def cpu_seconds(pids: list[int]) -> float:
    """User + system time of live processes (all their threads), from /proc/PID/stat."""
    total = 0
    for pid in pids:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        total += int(fields[11]) + int(fields[12])
    return total / TICK


def rss_mb(pids: list[int]) -> float:
    total = 0
    for pid in pids:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                total += int(line.split()[1])
    return total / 1024


def render_nginx(upstreams: list[str], port: int, prefix: Path) -> Path:
    """deploy/nginx.conf with its replicas file replaced by ``upstreams`` (as
    deploy/replicas-host.conf lists them) and listening on ``port``, inside the
    ``events``/``http`` blocks a main nginx.conf would give it."""
    (server_line,) = [line for line in REPLICAS_CONF.read_text().splitlines()
                      if line.startswith("server ")][:1]
    options = server_line.split(None, 2)[2]
    lines = []
    for line in NGINX_CONF.read_text().splitlines():
        stripped = line.strip()
        if stripped.startswith("include ") and "rl-replicas" in stripped:
            lines += [f"    server {u} {options}" for u in upstreams]
            continue
        if stripped.startswith("listen "):
            line = f"    listen 127.0.0.1:{port};"
        lines.append(line)
    conf = prefix / "nginx.conf"
    conf.write_text("\n".join([
        "worker_processes 1;", f"pid {prefix}/nginx.pid;", f"error_log {prefix}/error.log;",
        "events { worker_connections 1024; }", "http {", f"access_log {prefix}/access.log;",
        *(f"{k} {prefix}/{k.split('_')[0]};" for k in (
            "client_body_temp_path", "proxy_temp_path", "fastcgi_temp_path",
            "uwsgi_temp_path", "scgi_temp_path")),
        *lines, "}"]) + "\n")
    return conf


@contextlib.contextmanager
def nginx(upstreams: list[str], workdir: Path) -> Iterator[tuple[str, subprocess.Popen]]:
    """Debian's nginx in front of ``upstreams`` on a free loopback port, until the ``with``
    ends: (base URL, process)."""
    if not Path(NGINX).exists():
        raise RuntimeError(f"{NGINX} is missing: apt-get install nginx (make nginx)")
    port = free_port()
    conf = render_nginx(upstreams, port, workdir)
    proc = subprocess.Popen([NGINX, "-p", str(workdir), "-c", str(conf), "-g", "daemon off;"],
                            stdout=subprocess.DEVNULL, stderr=open(workdir / "nginx.out", "wb"))
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as r:
                    if r.status == 200:
                        break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError("nginx did not start: "
                                       + (workdir / "nginx.out").read_text()[-2000:]) from None
                time.sleep(0.2)
        yield url, proc
    finally:
        proc.terminate()
        proc.wait(timeout=10)


@contextlib.contextmanager
def replica_servers(replicas: int, workdir: Path, env: dict | None = None
                    ) -> Iterator[tuple[str, list, subprocess.Popen | None]]:
    """``replicas`` app servers (with ``env``), behind nginx when there are two or more: (the
    URL a browser opens, each server's (own URL, process), the proxy's process or None)."""
    with contextlib.ExitStack() as stack:
        procs = [stack.enter_context(streamlit_process(
            REPO / "app.py", log_path=workdir / f"server-{i}.log", cwd=REPO, env=env,
            ready_timeout=180)) for i in range(replicas)]
        if replicas == 1:
            yield procs[0][0], procs, None
            return
        url, proxy = stack.enter_context(
            nginx([u.removeprefix("http://") for u, _ in procs], workdir))
        yield url, procs, proxy


@contextlib.contextmanager
def servers(replicas: int, workdir: Path) -> Iterator[tuple[str, list[int]]]:
    """One app server (its own URL), or ``replicas`` behind nginx: (base URL, server pids)."""
    with replica_servers(replicas, workdir) as (url, procs, proxy):
        yield url, [p.pid for _, p in procs] + ([proxy.pid] if proxy else [])


def route_cookie(base_url: str) -> str | None:
    """What a browser's first GET of the page gets from the proxy: its sticky-route cookie."""
    with urllib.request.urlopen(base_url + "/", timeout=10) as r:
        cookie = r.headers.get("Set-Cookie")
    return cookie.split(";", 1)[0] if cookie else None


# ---- a class ----------------------------------------------------------------------------

async def lesson(url: str, page: ClassPage, n: int, *, every: float, moves: int,
                 pids: list[int], first: int = 0) -> Result:
    """n students join ``page``, then each moves its slider ``moves`` times, one every
    ``every`` seconds; the students' settings are ``page.setting(first + i)``."""
    errors: list[str] = []
    rss0 = rss_mb(pids)
    students: list[Student] = []
    for i in range(n):   # they arrive one after another, as a class opening a link does
        cookie = await asyncio.to_thread(route_cookie, url)
        try:
            s, _ = await Student.join(url, page.path, page.setting(first + i), cookie=cookie)
        except Exception as exc:  # a student who cannot join is an error, not a crash
            errors.append(f"join: {type(exc).__name__}: {exc}"[:200])
            continue
        students.append(s)
    session_mb = (rss_mb(pids) - rss0) / max(len(students), 1)
    latencies: list[float] = []
    wire = [0]
    rng = random.Random(first)

    async def student(s: Student) -> None:
        await asyncio.sleep(rng.uniform(0, every))
        start = time.perf_counter()
        for k in range(moves):
            s.move(page.slider, 1 if (k // 4) % 2 == 0 else -1)  # up four notches, down four
            try:
                run = await s.rerun(page.slider, timeout=60)
            except Exception as exc:
                errors.append(f"move: {type(exc).__name__}: {exc}"[:200])
                return
            latencies.append(run.seconds)
            wire[0] += run.wire_bytes
            await asyncio.sleep(max(0.0, start + (k + 1) * every - time.perf_counter()))

    cpu0, t0 = cpu_seconds(pids), time.perf_counter()
    await asyncio.gather(*(student(s) for s in students))
    seconds, cpu = time.perf_counter() - t0, cpu_seconds(pids) - cpu0
    for s in students:
        errors += [f"page: {e}"[:200] for e in s.exceptions]
        await s.close()
    return Result(page.name, n, 0, len(latencies), seconds, latencies, errors,
                  cpu / max(len(latencies), 1), wire[0], session_mb)


def run_class(pages: list[ClassPage], sizes: list[int], *, replicas: int = 1,
              every: float = 2.0, moves: int = 10, log: Callable[[str], None] = print
              ) -> list[Result]:
    """Every page under every class size, one fresh server (or set of replicas) per page."""
    results = []
    with tempfile.TemporaryDirectory(prefix="class-bench-") as tmp:
        for page in pages:
            with servers(replicas, Path(tmp)) as (url, pids):
                # warm up: the first run compiles (from .jax_cache) and imports
                asyncio.run(lesson(url, page, replicas, every=0.2, moves=2, pids=pids,
                                   first=900))
                first = 0
                for n in sizes:
                    r = asyncio.run(lesson(url, page, n, every=every, moves=moves, pids=pids,
                                           first=first))
                    r.replicas = replicas
                    first += n   # a new class: settings no one has used on this server
                    via = f", {replicas} replicas" if replicas > 1 else ""
                    log(f"  {page.name}, {n} students{via}: "
                        f"{r.moves / r.seconds:.1f} moves/s, p50 {r.p50 * 1e3:.0f} ms, "
                        f"p95 {r.p95 * 1e3:.0f} ms, {len(r.errors)} errors, "
                        f"{r.cpu_s * 1e3:.0f} ms CPU/move, "
                        f"{r.wire_bytes / max(r.moves, 1) / 1e3:.0f} kB/move, "
                        f"{r.session_mb:.1f} MB/session")
                    results.append(r)
    return results


# ---- the report -------------------------------------------------------------------------

def rows(results: list[Result], *, every: float) -> list[Row]:
    """One table row per page and class size, judged against the issue's targets."""
    out = []
    targets = {p.name: p.latency_target_s for p in PAGES}
    for r in results:
        kb = r.wire_bytes / max(r.moves, 1) / 1e3
        via = f", {r.replicas} replicas behind nginx" if r.replicas > 1 else ""
        target, ok = "", None
        checks = [kb * 1e3 <= BYTES_TARGET]
        goal = [f"≤ {BYTES_TARGET // 1000} kB/move"]
        if r.page == "Landscape":
            checks.append(r.cpu_s <= CPU_TARGET_S)
            goal.append(f"≤ {CPU_TARGET_S * 1e3:.0f} ms CPU/move")
        if r.students == 30 and r.replicas == 1 or r.students == 60 and r.replicas > 1:
            limit = targets[r.page] if r.students == 30 else 1.0
            checks += [r.p95 <= limit, not r.errors]
            goal += [f"p95 ≤ {limit:g} s", "0 errors"]
        target, ok = ", ".join(goal), all(checks)
        errs = f"; first error: {r.errors[0]}" if r.errors else ""
        out.append(Row(
            "class", f"{r.page}, {r.students} students every {every:g} s{via}",
            f"p50 {r.p50 * 1e3:.0f} ms, p95 {r.p95 * 1e3:.0f} ms; {r.moves / r.seconds:.1f} "
            f"moves/s; {len(r.errors)} errors; {r.cpu_s * 1e3:.0f} ms CPU/move; {kb:.0f} kB/move; "
            f"{r.session_mb:.1f} MB/session",
            r.p95 / 1.0 if r.latencies else None, target, ok,
            f"ratio = p95 in seconds; {r.moves} moves{errs}"))
    return out


def run(*, quick: bool = False, log: Callable[[str], None] = print) -> list[Row]:
    """``make bench``'s part: every page, 1/10/30/60 students (1 and 10 with --quick), one
    server; then Landscape with 60 students on two replicas behind nginx."""
    sizes = [1, 10] if quick else [1, 10, 30, 60]
    moves = 3 if quick else 10
    results = run_class(PAGES, sizes, moves=moves, log=log)
    if Path(NGINX).exists():
        results += run_class(PAGES[:1], [10 if quick else 60], replicas=2, moves=moves,
                             log=log)
    else:
        log(f"class bench: {NGINX} missing, no replica run")
    return rows(results, every=2.0)


def main(argv: list[str] | None = None) -> int:
    from bench.report import markdown

    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--quick", action="store_true")
    p.add_argument("--students", type=int, nargs="*", default=None)
    p.add_argument("--pages", default=None, help="only pages whose name holds TEXT")
    p.add_argument("--replicas", type=int, default=1)
    p.add_argument("--every", type=float, default=2.0)
    p.add_argument("--moves", type=int, default=10)
    p.add_argument("--out", type=Path, default=None, help="also write the table here")
    args = p.parse_args(argv)

    def log(msg: str) -> None:
        print(msg, file=sys.stderr, flush=True)

    if args.students is None and args.pages is None and args.replicas == 1:
        table_rows = run(quick=args.quick, log=log)
    else:
        pages = [pg for pg in PAGES if not args.pages or args.pages.lower() in pg.name.lower()]
        results = run_class(pages, args.students or [1, 10, 30, 60], replicas=args.replicas,
                            every=args.every, moves=args.moves, log=log)
        table_rows = rows(results, every=args.every)
    table = markdown(table_rows, header=f"`make bench-class`, {time.strftime('%Y-%m-%d')}")
    print(table)
    if args.out:
        args.out.write_text(table)
    return 0


if __name__ == "__main__":
    sys.exit(main())
