"""``make bench-room``: a class predicting together, through nginx and two replicas.

    PYTHONPATH=. .venv/bin/python bench/room_bench.py            # 30 and 60, SQLite and PostgreSQL
    PYTHONPATH=. .venv/bin/python bench/room_bench.py --quick    # 10 students, SQLite

A teacher opens a class room on the Landscape page and asks where the L1 minimizer lands
(its buttons pressed over Streamlit's websocket, as ``bench.wsclient`` speaks it). N students
join through nginx (each with the proxy's route cookie, so they spread over both replicas)
and each clicks the chart once at a random moment within 5 s; a third of them change their
answer once, later. While the question is open the students' pages poll the room once a
second and the teacher's twice, as their fragments' timers do in a browser.

Measured: every answer's latency (the click to the end of its run, the acknowledgement);
the teacher's lag (from the last acknowledgement to the teacher's chart holding the whole
cloud); exactly once (the teacher's final cloud is the students' last answers, one per
student, and the store holds one answer per student). Then Reveal: the true answer on the
teacher's chart.

With ``kill``, the students' second replica is SIGKILLed halfway through the answers. A
student whose socket died opens a new session through nginx (which now sends it to the
replica left), hands it the member id its tab kept (the keeper component's state, as
``sessionStorage`` would) and answers again if its answer was not yet acknowledged. No
answer acknowledged before the kill may be missing. The teacher is on the first replica,
which is not killed (a teacher on the killed one would reconnect as the students do).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import random
import signal
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from websockets.exceptions import ConnectionClosed

from bench.class_bench import replica_servers, route_cookie
from bench.report import Row, percentile
from bench.wsclient import Student

CHART, KEEPER = "landscape_chart", "room_member_keeper"
SPREAD_S = 5.0          # every student answers within this
LAG_TARGET_S = 1.0      # the teacher's chart holds every answer within this of the last ack
CLOUD = "the class's answers"
LOST = (OSError, asyncio.TimeoutError, ConnectionClosed)   # a killed replica, as seen here


@dataclass
class Result:
    students: int
    store: str
    killed: bool
    latencies: list[float] = field(default_factory=list)
    lag_s: float | None = None          # None: the teacher never saw the whole cloud
    exactly_once: bool = False
    acked_kept: bool = False            # every answer acknowledged before the kill is there
    reconnected: int = 0
    cloud: int = 0                      # answers on the teacher's chart at the end
    answered: int = 0                   # students with an acknowledged answer
    revealed: bool = False
    errors: list[str] = field(default_factory=list)


# ---- the servers ------------------------------------------------------------------------

@contextlib.contextmanager
def class_servers(db: str, workdir: Path) -> Iterator[tuple[str, str, list]]:
    """Two replicas sharing the rooms store ``db`` behind nginx: (nginx URL, the first
    replica's own URL, the replicas' processes)."""
    with replica_servers(2, workdir, {**os.environ, "RL_ROOMS_DB": db}) as (url, procs, _):
        yield url, procs[0][0], [p for _, p in procs]


@contextlib.contextmanager
def rooms_store(kind: str, workdir: Path) -> Iterator[str]:
    """A fresh store: a SQLite file, or a PostgreSQL of its own (Debian's binaries)."""
    if kind == "sqlite":
        yield str(workdir / f"rooms-{time.monotonic_ns()}.sqlite3")
        return
    from tests.services import postgres_server

    with postgres_server() as url:
        yield url


# ---- the class --------------------------------------------------------------------------

def cloud_of(teacher: Student) -> list[tuple[float, float]] | None:
    """The class's answers on the teacher's chart (None while it shows none)."""
    chart = teacher.charts.get(teacher.controls[CHART].id, {})
    for t in chart.get("figure", {}).get("data", []):
        if t.get("name", "").startswith(CLOUD):
            return sorted(zip(t["x"], t["y"], strict=True))
    return None


def star_of(teacher: Student) -> dict | None:
    chart = teacher.charts.get(teacher.controls[CHART].id, {})
    return next((t for t in chart.get("figure", {}).get("data", [])
                 if str(t.get("name")).startswith("the answer")), None)


async def open_room(url: str) -> Student:
    teacher, _ = await Student.join(url, "", {}, keep_charts=True)
    await teacher.press("landscape_room_start")
    await teacher.press("room_ask")   # the page's first question: where the minimizer lands
    return teacher


async def join(url: str, code: str, kept: str | None = None) -> Student:
    """A student's tab: a new session through nginx; ``kept``: the member id the tab holds."""
    cookie = await asyncio.to_thread(route_cookie, url)
    s, _ = await Student.join(url, "", {"room": code}, cookie=cookie)
    if kept is not None:   # what the keeper's script does in a tab that had an id
        await s.set_state(KEEPER, {"member": kept})
    return s


async def rejoin(url: str, code: str, s: Student) -> Student:
    """The tab reconnects after its replica went: the same route cookie (nginx moves it to
    the replica left), a new session, the kept member id."""
    fresh, _ = await Student.join(url, "", {"room": code}, cookie=s.cookie)
    await fresh.set_state(KEEPER, {"member": s.small_data[KEEPER]["member"]})
    if fresh.small_data[KEEPER]["member"] != s.small_data[KEEPER]["member"]:
        raise RuntimeError("the new session did not take the tab's member id")
    return fresh


async def a_class(url: str, teacher_url: str, n: int, *, store: str,
                  kill: Callable[[], None] | None = None, seed: int = 0) -> Result:
    """One question to ``n`` students (see the module's docstring)."""
    rng = random.Random(seed)
    res = Result(n, store, kill is not None)
    teacher = await open_room(teacher_url)
    code = teacher.query["room"]
    students = []
    for _ in range(n):   # they arrive one after another, as a class opening a link does
        students.append(await join(url, code))
    # each answer: (when, where); a third answer twice, the second at least 1 s later
    plans = []
    for _ in range(n):
        first = rng.uniform(0, SPREAD_S * 0.6)
        points = [(first, (rng.gauss(1.4, 0.6), rng.gauss(0.0, 0.6)))]
        if rng.random() < 1 / 3:
            points.append((rng.uniform(first + 1.0, SPREAD_S), (rng.gauss(1.4, 0.6), 0.0)))
        plans.append([(t, (round(min(max(x, -2.9), 2.9), 4), round(min(max(y, -2.9), 2.9), 4)))
                      for t, (x, y) in points])
    last_acked: dict[int, tuple[float, float]] = {}
    acked_before_kill: dict[int, tuple[float, float]] = {}
    ack_times: list[float] = []
    remaining = [sum(len(p) for p in plans)]   # answers not yet acknowledged
    t0 = time.perf_counter()
    end = t0 + SPREAD_S + 1.0

    async def student(i: int) -> None:
        s = students[i]
        todo = list(plans[i])
        next_poll = t0 + rng.uniform(0, 1)
        while todo or time.perf_counter() < end:
            at = t0 + todo[0][0] if todo else float("inf")
            if at <= next_poll:
                await asyncio.sleep(max(0.0, at - time.perf_counter()))
                sent = time.perf_counter()
                try:
                    await s.click(CHART, *todo[0][1], timeout=30)
                except LOST:   # not acknowledged: the tab reconnects and answers again
                    s = students[i] = await rejoin(url, code, s)
                    res.reconnected += 1
                    continue
                if s.warnings:   # refused (too soon after the last): the student taps again
                    await asyncio.sleep(0.6)
                    todo[0] = (time.perf_counter() - t0, todo[0][1])
                    continue
                res.latencies.append(time.perf_counter() - sent)
                ack_times.append(time.perf_counter())
                last_acked[i] = todo.pop(0)[1]
                remaining[0] -= 1
            else:
                await asyncio.sleep(max(0.0, min(next_poll, end) - time.perf_counter()))
                next_poll += 1.0
                if time.perf_counter() >= end:
                    continue
                try:
                    for f in list(s.auto_reruns):
                        await s.poll(f, timeout=30)
                except LOST:   # a browser reconnects at once, its answer kept in the room
                    s = students[i] = await rejoin(url, code, s)
                    res.reconnected += 1

    async def killer() -> None:
        await asyncio.sleep(SPREAD_S / 2)
        acked_before_kill.update(last_acked)
        kill()

    async def teacher_watch() -> None:
        while time.perf_counter() < end + 20.0:   # reconnected tabs rejoin on one replica
            await asyncio.sleep(0.5)
            for fragment in list(teacher.auto_reruns):   # its timer, as the last run set it
                await teacher.poll(fragment, timeout=30)
            if remaining[0] == 0 and cloud_of(teacher) == sorted(last_acked.values()):
                res.lag_s = time.perf_counter() - max(ack_times)
                return

    tasks = [student(i) for i in range(n)] + [teacher_watch()]
    if kill is not None:
        tasks.append(killer())
    outcome = await asyncio.gather(*tasks, return_exceptions=True)
    res.errors += [f"{type(e).__name__}: {e}"[:200] for e in outcome if isinstance(e, Exception)]
    for fragment in list(teacher.auto_reruns):   # the teacher's screen, after the last answer
        await teacher.poll(fragment, timeout=30)
    cloud = cloud_of(teacher) or []
    res.cloud, res.answered = len(cloud), len(last_acked)
    res.exactly_once = len(last_acked) == n and cloud == sorted(last_acked.values())
    # an answer acknowledged before the kill is on the chart, unless the student changed it
    # later (then its last answer must be there, which exactly once checks)
    res.acked_kept = all(p in cloud or last_acked[i] != p for i, p in acked_before_kill.items())
    await teacher.press("room_reveal")
    star = star_of(teacher)
    res.revealed = star is not None and f"of {n} close" in star["text"][0]
    for s in [teacher, *students]:
        res.errors += [f"page: {e}"[:200] for e in s.exceptions]
        with contextlib.suppress(Exception):
            await s.close()
    return res


def run_room(sizes: list[int], stores: list[str], *, kill: bool = True,
             log: Callable[[str], None] = print) -> list[Result]:
    results = []
    with tempfile.TemporaryDirectory(prefix="room-bench-") as tmp:
        work = Path(tmp)
        for kind in stores:
            with rooms_store(kind, work) as db:
                cases = [(n, False) for n in sizes] + ([(max(sizes), True)] if kill else [])
                for k, (n, killed) in enumerate(cases):
                    with class_servers(db, work) as (url, first, procs):
                        asyncio.run(a_class(url, first, 2, store=kind, seed=900))   # warm up
                        stop = (lambda p=procs[1]: os.kill(p.pid, signal.SIGKILL)) \
                            if killed else None
                        r = asyncio.run(a_class(url, first, n, store=kind, kill=stop, seed=k))
                    log(f"  {line(r)}")
                    results.append(r)
    return results


def line(r: Result) -> str:
    lag = f"{r.lag_s * 1e3:.0f} ms" if r.lag_s is not None else "never"
    kill = f", replica killed ({r.reconnected} reconnected)" if r.killed else ""
    return (f"{r.students} students, {r.store}{kill}: answer p50 "
            f"{percentile(r.latencies, 50) * 1e3:.0f} ms, p95 "
            f"{percentile(r.latencies, 95) * 1e3:.0f} ms; teacher's lag {lag}; {r.cloud} on "
            f"the teacher's chart for {r.answered} answered; exactly once {r.exactly_once}; "
            f"acked kept {r.acked_kept}; revealed {r.revealed}; "
            f"{len(r.errors)} errors")


def rows(results: list[Result]) -> list[Row]:
    out = []
    for r in results:
        ok = (r.lag_s is not None and r.lag_s <= LAG_TARGET_S and r.exactly_once
              and r.acked_kept and r.revealed and not r.errors)
        errs = f"; first error: {r.errors[0]}" if r.errors else ""
        out.append(Row(
            "room", f"{r.students} students answer within {SPREAD_S:g} s, 2 replicas behind "
            f"nginx, {r.store}" + (", a replica SIGKILLed mid-question" if r.killed else ""),
            line(r), r.lag_s, f"teacher's lag ≤ {LAG_TARGET_S:g} s, every answer once, "
            "none acknowledged lost, 0 errors", ok, f"ratio = the teacher's lag in s{errs}"))
    return out


def main(argv: list[str] | None = None) -> int:
    from bench.report import markdown

    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--quick", action="store_true")
    p.add_argument("--students", type=int, nargs="*", default=None)
    p.add_argument("--stores", nargs="*", default=None, choices=["sqlite", "postgresql"])
    p.add_argument("--no-kill", action="store_true")
    args = p.parse_args(argv)

    def log(msg: str) -> None:
        print(msg, file=sys.stderr, flush=True)

    sizes = args.students or ([10] if args.quick else [30, 60])
    stores = args.stores or (["sqlite"] if args.quick else ["sqlite", "postgresql"])
    results = run_room(sizes, stores, kill=not args.no_kill, log=log)
    print(markdown(rows(results), header=f"`make bench-room`, {time.strftime('%Y-%m-%d')}"))
    return 0 if all(r.ok for r in rows(results)) else 1   # a missed target fails the run


if __name__ == "__main__":
    sys.exit(main())
