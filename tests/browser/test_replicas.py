"""Two replicas behind Debian's nginx (deploy/nginx.conf), one of them killed mid-lesson.

Students are Streamlit websocket clients (bench.wsclient), each sticky to its replica by
the proxy's route cookie. When a replica dies, its students' sockets close; each reconnects
through the proxy with its cookie, nginx hashes it on to the live replica, and the page comes
back from the URL on the same view (the same λ, the same start point) within 10 s. The
students on the live replica notice nothing.

nginx and both servers run on loopback ports of their own and are stopped at the end.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import os
import signal
import tempfile
import time
from pathlib import Path

import pytest
from websockets.exceptions import ConnectionClosed

from bench.class_bench import NGINX, nginx, route_cookie
from bench.wsclient import Student
from ui.figures import array_of

from .conftest import REPO_ROOT
from .helpers import streamlit_process

pytestmark = pytest.mark.slow

STUDENTS = 8
RECONNECT_LIMIT_S = 10.0


def require_nginx() -> None:
    if Path(NGINX).exists():
        return
    msg = f"{NGINX} missing (make nginx installs Debian's nginx-light)"
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"{msg}; CI=true, so this test fails instead of skipping", pytrace=False)
    pytest.skip(msg)


def established(port: int) -> int:
    """Established TCP connections whose local port is ``port`` (the server's end of each
    proxied websocket), read from /proc/net/tcp."""
    count = 0
    for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
        local, _remote, state = line.split()[1:4]
        if state == "01" and int(local.rsplit(":", 1)[1], 16) == port:
            count += 1
    return count


async def move_or_reconnect(s: Student, cookie: str, killed_at: float) -> float | None:
    """Move λ one notch; if the socket is gone, reconnect and reload from the URL. Returns
    the seconds from the kill to the page being back, or None if no reconnect was needed."""
    s.move("lam", 1)
    try:
        await s.rerun("lam", timeout=60)
        return None
    except (ConnectionClosed, OSError):
        pass
    while True:
        try:
            await s.connect(cookie=cookie)
            s.widgets.clear()   # read the controls from the new server, not from memory
            await s.rerun(timeout=60)
            return time.monotonic() - killed_at
        except (ConnectionClosed, OSError):
            if time.monotonic() - killed_at > 3 * RECONNECT_LIMIT_S:
                raise
            await asyncio.sleep(0.2)


def landscape_view(s: Student) -> tuple[str, float]:
    """The title and the start point's w₁ of the student's Landscape chart, as the server
    last drew it."""
    (data,) = [d for i, d in s.charts.items() if "landscape_chart" in i]
    fig = data["figure"]
    (start,) = [t for t in fig["data"] if t.get("name") == "start"]
    return fig["layout"]["title"]["text"], float(array_of(start["x"])[0])


def test_students_on_a_killed_replica_come_back_on_the_same_view():
    require_nginx()
    with tempfile.TemporaryDirectory(prefix="replicas-") as tmp:
        work = Path(tmp)
        with (streamlit_process(REPO_ROOT / "app.py", log_path=work / "a.log", cwd=REPO_ROOT,
                                ready_timeout=180) as (url_a, proc_a),
              streamlit_process(REPO_ROOT / "app.py", log_path=work / "b.log", cwd=REPO_ROOT,
                                ready_timeout=180) as (url_b, _proc_b)):
            upstreams = [u.removeprefix("http://") for u in (url_a, url_b)]
            with nginx(upstreams, work) as (url, _proxy):
                ports = [int(u.rsplit(":", 1)[1]) for u in upstreams]
                # a thread of its own: the browser tests' Playwright holds this thread's loop
                with concurrent.futures.ThreadPoolExecutor(1) as pool:
                    pool.submit(asyncio.run, lesson(url, proc_a, ports)).result()


async def lesson(url: str, proc_a, ports: list[int]) -> None:
    students: list[tuple[Student, str]] = []
    while len(students) < STUDENTS or min(established(p) for p in ports) == 0:
        assert len(students) < 4 * STUDENTS, "every student landed on one replica"
        cookie = await asyncio.to_thread(route_cookie, url)
        assert cookie and cookie.startswith("rl_route=")
        s, _ = await Student.join(url, "", {"w1": f"{-2 + 0.25 * len(students):.2f}"},
                                  cookie=cookie, keep_charts=True)
        for _ in range(2):
            s.move("lam", 1)
            await s.rerun("lam", timeout=120)
        students.append((s, cookie))
    on_a = established(ports[0])
    assert on_a >= 1 and established(ports[1]) >= 1
    start_points = [s.query["w1"] for s, _ in students]

    proc_a.send_signal(signal.SIGKILL)   # a crash, not a clean stop
    proc_a.wait(timeout=10)
    killed_at = time.monotonic()
    before = [s.query["lam"] for s, _ in students]
    back = await asyncio.gather(*(move_or_reconnect(s, c, killed_at) for s, c in students))

    reconnected = [t for t in back if t is not None]
    assert len(reconnected) == on_a             # exactly the killed replica's students
    assert max(reconnected) <= RECONNECT_LIMIT_S
    for (s, _), w1, lam_before in zip(students, start_points, before, strict=True):
        assert not s.exceptions
        title, start_w1 = landscape_view(s)
        assert s.query["w1"] == w1 and start_w1 == pytest.approx(float(w1))   # the same start
        # the λ on the page is the one the student last chose, the move made at the crash too
        assert s.query["lam"] != lam_before
        assert f"λ = {s.query['lam']}" in title
    for s, _ in students:   # everyone goes on moving, now on the live replica
        s.move("lam", -1)
        run = await s.rerun("lam", timeout=60)
        assert run.seconds < RECONNECT_LIMIT_S and not s.exceptions
        await s.close()
