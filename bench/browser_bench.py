"""Slider-to-chart latency, cold start and server memory, page against a FLOOR app.

Everything is a ratio to ``bench/floor_app.py`` (one slider, a two-point chart)
measured in the same run, in the same headless Chromium, on the same machine:

- latency: from the key press on the slider thumb (a capture-phase ``keydown``
  listener's ``performance.now()``) to the moment the chart's ``layout.title``
  shows the new value (a MutationObserver + requestAnimationFrame watch in the
  page). Floor and page moves are interleaved in rounds. The judged pattern is a
  ``sweep`` (ArrowRight until the end, then back), so every move shows a new value:
  moving back and forth (``alternate``) re-shows two values, and Streamlit's
  message cache then skips re-sending a large figure (reported, not judged).
  A wrapped ``WebSocket`` timestamps the outgoing widget
  message and the incoming message that carries the new figure, which splits
  each move into frontend (key → send), server (send → figure message: rerun,
  compute, serialize, network) and browser (figure message → chart updated).
- draw alone: after the moves, plotly.js draws each watched chart again by itself
  (``draw_alone``); with the floor's, that bounds what a move could cost if the
  page's server work were free (``alone_note``).
- cold start: server process start to the first chart drawn, fresh browser context.
- memory: the server process's peak resident set (VmHWM) after the latency run.

Pages come from app.py's ``st.Page(...)`` calls; each needs a ``PageView`` in
``PAGES`` (a page without one gets a row that says so).
"""

from __future__ import annotations

import ast
import contextlib
import math
import os
import re
import shutil
import subprocess
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import NamedTuple

from playwright.sync_api import Browser, Page, sync_playwright
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from bench.report import Row, at_least, at_most, median, percentile
from tests.browser.helpers import (
    every_chart_drawn,
    slider_by_label,
    streamlit_process,
    wait_for_app,
)

REPO = Path(__file__).resolve().parents[1]
APP = REPO / "app.py"
FLOOR = REPO / "bench" / "floor_app.py"
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update",
                 "--disable-sync"]
VIEWPORT = {"width": 1280, "height": 800}
MOVE_TIMEOUT_MS = 30_000
QUIET_MS = 250   # a rerun is over when no websocket message came for this long
SETTLE_S = 0.1   # pause after a move's rerun has finished, before the next move

# Issue 4's targets, page / floor.
TARGET_2D, TARGET_3D, TARGET_COLD = 1.3, 2.0, 1.5


class PageView(NamedTuple):
    """One measured view of a page: where it is, which slider moves, which chart to watch.

    script: the ``st.Page`` file, as written in app.py ("views/landscape.py").
    name: row label. url: path + query ("/?view=3D+surface").
    slider: the slider's label. chart: index of the watched ``.js-plotly-plot``.
    is_3d: judged against the 3D target (≤ 2×) instead of the 2D one (≤ 1.3×).
    """

    script: str
    name: str
    url: str
    slider: str
    chart: int = 0
    is_3d: bool = False


# Keep in sync with app.py (``registered_pages`` flags a page missing here).
PAGES = [
    PageView("views/landscape.py", "Landscape, contours (2D)", "/",
             "λ, regularization strength"),
    PageView("views/landscape.py", "Landscape, 3D surface", "/?view=3D+surface",
             "λ, regularization strength", is_3d=True),
    PageView("views/update_rules.py", "Update rules, one weight (2D)", "/update_rules",
             "λ, regularization strength"),
    PageView("views/geometry.py", "Geometry, constrained view (t)", "/geometry",
             "t, budget (ball radius)", chart=0),
    PageView("views/geometry.py", "Geometry, Monte Carlo (N of 10,000)", "/geometry",
             "N, random problems", chart=2),
    # every λ is a new setting: the four runs are trained again (not cached) on each move
    PageView("views/weights.py", "Weights, histograms (λ, trains four runs)", "/weights",
             "λ, regularization strength", chart=0),
    # λ trains none, L1 and L2 again (the λ sweep is cached per cell size); 1° is the finest
    PageView("views/crosses.py", "Sparse crosses, L1 vs L2 maps (λ, 2° cells)", "/crosses",
             "λ, regularization strength", chart=0),
    PageView("views/crosses.py", "Sparse crosses, L1 vs L2 maps (λ, 1° cells)",
             "/crosses?res=1", "λ, regularization strength", chart=0),
    # λ only moves markers: the paths and the error curves are computed once per setting
    PageView("views/sweep.py", "λ sweep, coefficient paths (λ)", "/sweep",
             "λ, regularization strength", chart=0),
    # σ refits the three penalties over the 169 λ of the grid (not cached: a new setting)
    PageView("views/sweep.py", "λ sweep, bias/variance (noise σ, refits 3 × 169 λ)", "/sweep",
             "Noise σ", chart=1),
]
FLOOR_VIEW = PageView("bench/floor_app.py", "floor", "/", "x")


class ScrubView(NamedTuple):
    """A figure with a slider inside it (Plotly frames): name, url, index of the chart."""

    name: str
    url: str
    chart: int = 0


# Scrubbing plays frames the figure already holds: no server, so no floor to compare with;
# the target is a rate (TARGET_FPS).
SCRUBS = [
    ScrubView("Landscape, contours (λ)", "/"),
    ScrubView("Landscape, 3D surface (λ)", "/?view=3D+surface"),
    ScrubView("Geometry, penalized ↔ constrained (λ)", "/geometry", chart=1),
    ScrubView("Weights, histograms (epoch)", "/weights"),
]
TARGET_FPS = 30

# Every frame of the figure's own slider, there and back, as the slider plays it (its own
# animate arguments), each awaited until Plotly has drawn it and the browser has painted.
_SCRUB_JS = """async (idx) => {
  const gd = document.querySelectorAll('.js-plotly-plot')[idx];
  const steps = gd.layout.sliders[0].steps;
  const names = steps.map((s) => s.args[0][0]);
  const anim = steps[0].args[1];
  const order = names.concat(names.slice().reverse());
  const painted = () => new Promise((r) => requestAnimationFrame(() => r()));
  await Plotly.animate(gd, [order[0]], anim); await painted();
  const t0 = performance.now();
  for (const name of order) { await Plotly.animate(gd, [name], anim); await painted(); }
  return [order.length, performance.now() - t0];
}"""


def registered_pages(app_py: Path = APP) -> list[str]:
    """The script paths of every ``st.Page("…")`` call in app.py, in order."""
    found = []
    for node in ast.walk(ast.parse(app_py.read_text())):
        if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                and node.func.attr == "Page" and node.args
                and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str)):
            found.append(node.args[0].value)
    return found


# ---- the server -----------------------------------------------------------------------

class Server(NamedTuple):
    """A running ``streamlit run``: its base URL, process, log file and start time."""

    url: str
    proc: subprocess.Popen
    log: Path
    started: float  # time.perf_counter() just before the process was started


@contextlib.contextmanager
def streamlit(script: Path, log: Path, *, ready_timeout: float = 120.0,
              cpus: set[int] | None = None) -> Iterator[Server]:
    """``streamlit run script`` from the repo root on a free port, until the ``with`` ends:
    the browser tests' server (same flags; ready when ``/_stcore/health`` answers 200).
    ``cpus``: pin the server to these CPUs."""
    started = time.perf_counter()
    with streamlit_process(script, log_path=log, cwd=REPO, ready_timeout=ready_timeout,
                           cpus=cpus) as (url, proc):
        yield Server(url, proc, log, started)


def peak_rss_mb(pid: int) -> float:
    """Peak resident set (VmHWM) of a live process, in MiB, from /proc/PID/status."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError(f"no VmHWM for pid {pid}")


# ---- in-page instrumentation ------------------------------------------------------------

# Before any page script: wrap WebSocket to timestamp sends and receives while armed.
# The receive listener is added in the constructor, so it runs before Streamlit's
# own handler; it only stores a reference (decoding happens after the move).
_INIT_JS = """(() => {
  const W = (window.__benchWs = {on: false, sent: [], recv: []});
  const Orig = window.WebSocket;
  window.WebSocket = class extends Orig {
    constructor(...args) {
      super(...args);
      this.addEventListener('message', (e) => {
        if (W.on) W.recv.push([performance.now(), e.data]);
      });
    }
    send(data) { if (W.on) W.sent.push(performance.now()); return super.send(data); }
  };
})();"""

# Armed just before a key press. Resolves with the timestamps once the chart's title
# changed, a frame after that was painted, and the rerun is over: the script state reads
# notRunning and no websocket message came for QUIET ms. (The state attribute alone is
# not enough: a fast rerun's running → notRunning can land in one React commit.)
_ARM_JS = """([idx, timeout, quiet]) => {
  const W = window.__benchWs; W.sent = []; W.recv = []; W.on = true;
  const state = () => document.querySelector('[data-testid="stApp"]')
    ?.getAttribute('data-test-script-state');
  const titleOf = (el) => {
    const t = el && el.layout && el.layout.title;
    return t == null ? null : (typeof t === 'string' ? t : t.text);
  };
  // Streamlit remounts a chart whose figure changed (its element id hashes the figure): for a
  // moment the old and the new chart are both in the page, or neither. So the watched chart
  // is found by its st.plotly_chart key, and a new title on any chart of that key counts.
  const box = document.querySelectorAll('.js-plotly-plot')[idx]?.closest('[class*="st-key-"]');
  const keyClass = box && [...box.classList].find((c) => c.startsWith('st-key-'));
  const charts = () => keyClass
    ? [...document.querySelectorAll('.' + CSS.escape(keyClass) + ' .js-plotly-plot')]
    : [document.querySelectorAll('.js-plotly-plot')[idx]];
  const before = titleOf(charts()[0]);
  const title = () => {
    const ts = charts().map(titleOf).filter((t) => t !== null);
    return ts.find((t) => t !== before) ?? (ts.length ? before : null);
  };
  const st = window.__bench = {key: null, chart: null, paint: null, idle: null,
                               before, after: null};
  window.addEventListener('keydown', () => { if (st.key === null) st.key = performance.now(); },
                          {capture: true, once: true});
  let obs, poll;
  window.__benchDone = new Promise((resolve, reject) => {
    const stop = () => {
      clearTimeout(timer); clearInterval(poll); obs.disconnect(); W.on = false;
    };
    const timer = setTimeout(() => {
      stop(); reject(new Error('no chart update / rerun end: ' + JSON.stringify(st)));
    }, timeout);
    const check = () => {
      if (st.key === null) return false;
      const now = performance.now();
      if (st.chart === null) {
        const t = title();
        if (t !== null && t !== st.before) {
          st.chart = now; st.after = t;
          requestAnimationFrame(() => requestAnimationFrame(() => {
            st.paint = performance.now(); check(); }));
        }
      }
      const last = W.recv.length ? W.recv[W.recv.length - 1][0] : null;
      if (st.chart !== null && st.paint !== null && last !== null && now - last > quiet
          && state() === 'notRunning') {
        st.idle = last; stop(); resolve(st);
        return true;
      }
      return false;
    };
    obs = new MutationObserver(() => check());
    obs.observe(document.body, {subtree: true, childList: true, attributes: true,
                                characterData: true});
    poll = setInterval(check, 20);
    const tick = () => { if (!check()) requestAnimationFrame(tick); };
    requestAnimationFrame(tick);
  });
}"""

# After the move: when did the widget message leave, and when did the first message
# carrying the new title arrive (searched raw and as JSON with \\uXXXX escapes)?
_WIRE_JS = """(after) => {
  const W = window.__benchWs, st = window.__bench;
  // The title's text between its tags (the frontend wraps titles in <b>; a subtitle sits
  // after <br><sup>): the message carrying the figure holds every piece, raw or as JSON
  // with \\uXXXX escapes.
  const pieces = after.split(/<[^>]*>/).filter((p) => p.length);
  const esc = (p) => JSON.stringify(p).slice(1, -1).replace(/[\\u0080-\\uffff]/g,
      (c) => '\\\\u' + c.charCodeAt(0).toString(16).padStart(4, '0'));
  const dec = new TextDecoder('utf-8');
  const sent = W.sent.find((t) => t >= st.key) ?? null;
  let figure = null;
  for (const [t, data] of W.recv) {
    if (t < st.key) continue;
    const text = typeof data === 'string' ? data
      : (data instanceof ArrayBuffer ? dec.decode(data) : '');
    if (pieces.every((p) => text.includes(p) || text.includes(esc(p)))) {
      figure = [t, data.byteLength]; break;
    }
  }
  W.recv = []; W.sent = [];
  return {sent, figure};
}"""


# plotly.js alone: the watched chart's own data and layout drawn again into a fresh div of
# the same size over the page (Plotly.newPlot, as a remount does), each draw awaited and
# then two animation frames for the paint. Private keys ('_…') are dropped and typed arrays
# copied, so each draw decodes and lays out the figure from scratch, as the real one did.
_DRAW_ALONE_JS = """async ([idx, repeats]) => {
  const gd = document.querySelectorAll('.js-plotly-plot')[idx];
  const copy = (v) => {
    if (ArrayBuffer.isView(v)) return v.slice();
    if (Array.isArray(v)) return v.map(copy);
    if (v && typeof v === 'object') {
      const out = {};
      for (const [k, x] of Object.entries(v)) {
        if (!k.startsWith('_') && typeof x !== 'function') out[k] = copy(x);
      }
      return out;
    }
    return v;
  };
  const data = copy(gd.data), layout = copy(gd.layout);
  const painted = () => new Promise((r) => requestAnimationFrame(() =>
    requestAnimationFrame(() => r())));
  const draws = [], paints = [];
  for (let i = 0; i < repeats; i++) {
    const div = document.createElement('div');
    div.style.cssText = `position:fixed;left:0;top:0;z-index:99999;background:#fff;` +
      `width:${gd.offsetWidth}px;height:${gd.offsetHeight}px`;
    document.body.appendChild(div);
    const t0 = performance.now();
    await Plotly.newPlot(div, copy(data), copy(layout), {displaylogo: false});
    const t1 = performance.now();
    await painted();
    draws.push(t1 - t0); paints.push(performance.now() - t0);
    Plotly.purge(div); div.remove();
  }
  const med = (xs) => xs.slice().sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  return {draw: med(draws), painted: med(paints)};
}"""
DRAW_REPEATS = 11


def draw_alone(page: Page, chart: int) -> dict[str, float]:
    """Median ms for plotly.js alone to draw the page's chart ``chart`` again ("draw") and
    to have it painted ("painted"): no Streamlit, no server."""
    return page.evaluate(_DRAW_ALONE_JS, [chart, DRAW_REPEATS])


def shows_value(title: str, value: str | None) -> bool:
    """Does the chart title show the slider's value? As text, or as the same number written
    another way (a slider shows "1.10", a title "t = 1.1"; "1,000" is 1000)."""
    if value is None:
        return False
    if value in title:
        return True
    try:
        want = float(value.replace(",", ""))
    except ValueError:
        return False
    numbers = re.findall(r"-?\d[\d,]*\.?\d*(?:e-?\d+)?", re.sub(r"<[^>]*>", "", title))
    return any(abs(float(x.replace(",", "")) - want) <= 1e-9 * max(1.0, abs(want))
               for x in numbers)


class Move(NamedTuple):
    """Timestamps of one slider move, ms since the key press (None: not seen)."""

    total: float        # key → chart title shows the new value
    send: float | None  # key → widget message sent
    figure: float | None  # key → first websocket message carrying the new figure
    figure_bytes: int | None  # that message's size (None: a cache hit, or not found)
    paint: float        # key → two animation frames after the chart changed
    idle: float         # key → the rerun's last websocket message
    title: str


def move(page: Page, view: PageView, key: str) -> Move:
    """Press ``key`` on the view's slider thumb; return the move's timestamps."""
    page.evaluate(_ARM_JS, [view.chart, MOVE_TIMEOUT_MS, QUIET_MS])
    slider_by_label(page, view.slider).press(key)
    st = page.evaluate("() => window.__benchDone")
    wire = page.evaluate(_WIRE_JS, st["after"])
    k = st["key"]

    def rel(t):
        return None if t is None else t - k

    fig_t, fig_bytes = wire["figure"] or (None, None)
    return Move(st["chart"] - k, rel(wire["sent"]), rel(fig_t), fig_bytes, st["paint"] - k,
                st["idle"] - k, st["after"])


def open_view(browser: Browser, base_url: str, view: PageView) -> Page:
    """A fresh context and page on the view, instrumented, with its chart drawn."""
    ctx = browser.new_context(viewport=VIEWPORT)
    ctx.add_init_script(_INIT_JS)
    page = ctx.new_page()
    page.goto(base_url + view.url)
    wait_for_app(page, charts=view.chart + 1)
    every_chart_drawn(page)
    try:
        page.wait_for_function(
            "([i, want]) => !!document.querySelectorAll('.js-plotly-plot')[i]?._fullLayout"
            "?.scene === want", arg=[view.chart, view.is_3d], timeout=10_000)
    except PlaywrightTimeout:
        raise AssertionError(f"{view.name}: {view.url} does not show a "
                             f"{'3D' if view.is_3d else '2D'} chart; update "
                             "bench/browser_bench.PAGES") from None
    return page


def summarize(moves: list[Move]) -> dict[str, float]:
    """p50 / p95 of the total and medians of the breakdown, in ms."""
    def med(xs):
        xs = [x for x in xs if x is not None]
        return median(xs) if xs else float("nan")

    totals = [m.total for m in moves]
    return {
        "p50": percentile(totals, 50), "p95": percentile(totals, 95), "n": len(moves),
        "frontend": med([m.send for m in moves]),
        "server": med([m.figure - m.send for m in moves if m.figure and m.send]),
        "browser": med([m.total - m.figure for m in moves if m.figure]),
        "paint": med([m.paint - m.total for m in moves]),
        "idle": med([m.idle for m in moves]),
        "paint_p50": percentile([m.paint for m in moves], 50),
        "bytes": med([m.figure_bytes for m in moves]),
    }


def wire_split(s: dict[str, float]) -> str:
    """Server / browser split of a view's moves, or why there is none (the message carrying
    the new figure was never recognised on the websocket)."""
    if math.isnan(s["server"]):
        return "figure message not found on the wire (no server/browser split)"
    return (f"median server {s['server']:.0f} ms, browser {s['browser']:.0f} ms, "
            f"figure message {s['bytes'] / 1e6:.2f} MB")


# ---- the three measurements --------------------------------------------------------------

def goes_left(pattern: str, at: tuple[float, float, float], was_left: bool | None) -> bool:
    """Whether the next move presses ArrowLeft. ``at``: the slider's (value, min, max) now;
    ``was_left``: the direction of the move before (None for the first).

    ``alternate`` is Right, Left, Right, … (Left first when the slider starts at its end);
    ``sweep`` goes Right until the slider's end, then Left until its start, and so on, so
    every move shows a value not shown just before.
    """
    now, lo, hi = at
    if pattern == "alternate":
        return now >= hi if was_left is None else not was_left
    if now >= hi:
        return True
    if now <= lo:
        return False
    return bool(was_left)


def next_key(page: Page, view: PageView, pattern: str, left: dict[str, bool]) -> str:
    """The key of the next move of ``pattern`` on the view's slider (see ``goes_left``);
    ``left`` remembers the direction per view and pattern."""
    # Streamlit 1.67's slider thumb is an <input type="range">: value, min and max (there is
    # no aria-valuenow, and None == None would read as "at the end" for ever).
    at = slider_by_label(page, view.slider).evaluate("(e) => [e.value, e.min, e.max].map(Number)")
    key = f"{pattern} {view.name}"
    left[key] = goes_left(pattern, tuple(at), left.get(key))
    return "ArrowLeft" if left[key] else "ArrowRight"


def latency_and_memory(browser: Browser, views: list[PageView], *,
                       phases: list[tuple[str, int, int]], workdir: Path,
                       log: Callable[[str], None]):
    """Interleaved slider moves on the floor and on every view; then both servers' VmHWM.

    ``phases``: (pattern, warm-up moves, measured rounds), run in order on the same pages.
    Each round moves the floor once and every view once. Then each watched chart is drawn
    again by plotly.js alone (``draw_alone``). Returns ({(pattern, view name): [Move]},
    {"app": MiB, "floor": MiB}, {view name: draw_alone(...)}).
    """
    with streamlit(FLOOR, workdir / "floor-latency.log") as floor, \
            streamlit(APP, workdir / "app-latency.log") as app:
        targets = [(FLOOR_VIEW, open_view(browser, floor.url, FLOOR_VIEW))]
        targets += [(v, open_view(browser, app.url, v)) for v in views]
        moves: dict[tuple[str, str], list[Move]] = {}
        left: dict[str, bool] = {}
        for pattern, warmup, rounds in phases:
            for r in range(warmup + rounds):
                for view, page in targets:
                    page.bring_to_front()
                    m = move(page, view, next_key(page, view, pattern, left))
                    value = slider_by_label(page, view.slider).get_attribute("aria-valuetext")
                    if not shows_value(m.title, value):
                        raise AssertionError(f"{view.name}: chart title {m.title!r} does not "
                                             f"show the slider's value {value!r}")
                    if r >= warmup:
                        moves.setdefault((pattern, view.name), []).append(m)
                    time.sleep(SETTLE_S)
                if r >= warmup and (r - warmup + 1) % 10 == 0:
                    log(f"  {pattern}: {r - warmup + 1}/{rounds} rounds")
        memory = {"app": peak_rss_mb(app.proc.pid), "floor": peak_rss_mb(floor.proc.pid)}
        drawn = {view.name: draw_alone(page, view.chart) for view, page in targets}
        for _, page in targets:
            page.context.close()
    return moves, memory, drawn


def scrub_rates(browser: Browser, workdir: Path, *, repeats: int) -> list[Row]:
    """Frames a second while every frame of each ``SCRUBS`` figure is played (median of
    ``repeats`` passes, each there and back over all frames)."""
    rows = []
    with streamlit(APP, workdir / "app-scrub.log") as app:
        for view in SCRUBS:
            page = browser.new_context(viewport=VIEWPORT).new_page()
            page.goto(app.url + view.url)
            wait_for_app(page, charts=view.chart + 1)
            every_chart_drawn(page)
            runs = [page.evaluate(_SCRUB_JS, view.chart) for _ in range(repeats)]
            page.context.close()
            fps = median([n / (t / 1e3) for n, t in runs])
            n = runs[0][0]
            rows.append(Row("scrub in the figure", view.name,
                            f"{fps:.0f} frames/s ({n // 2} frames there and back, median of "
                            f"{repeats})", fps / TARGET_FPS, f"≥ {TARGET_FPS} frames/s",
                            at_least(fps / TARGET_FPS, 1.0),
                            f"ratio = rate ÷ {TARGET_FPS} frames/s; each frame awaited until "
                            "Plotly drew it and the browser painted"))
    return rows


def cold_start(browser: Browser, script: Path, view: PageView, log_path: Path, *,
               cpus: set[int] | None = None):
    """Seconds from server process start to (health OK, first chart drawn)."""
    with streamlit(script, log_path, cpus=cpus) as server:
        up = time.perf_counter() - server.started
        ctx = browser.new_context(viewport=VIEWPORT)
        try:
            page = ctx.new_page()
            page.goto(server.url + view.url)
            wait_for_app(page, charts=view.chart + 1, timeout=180_000)
            drawn = time.perf_counter() - server.started
        finally:
            ctx.close()
    return up, drawn


def run(*, quick: bool = False, log: Callable[[str], None] = print, only: str | None = None
        ) -> list[Row]:
    """All browser measurements as table rows (plus breakdown lines in the log).

    The table's latency rows come from the ``sweep`` pattern (every move shows a new
    value, as when a teacher scrubs λ). ``alternate`` (Right, Left, …) revisits the
    same two values, so Streamlit's message cache skips re-sending a large figure:
    its p50 is given in the note, not judged. ``only``: just the views whose name holds it,
    and no cold start.
    """
    rounds, warmup, cold_repeats = (6, 2, 1) if quick else (30, 3, 3)
    phases = [("sweep", warmup, rounds), ("alternate", 2, max(3, rounds // 3))]
    registered = registered_pages()
    views = [v for v in PAGES if v.script in registered and (only is None or only in v.name)]
    rows: list[Row] = []
    workdir = Path(tempfile.mkdtemp(prefix="bench-"))
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            log("browser: slider moves, floor and pages interleaved: "
                + ", ".join(f"{p} {n} rounds (+{w} warm-up)" for p, w, n in phases) + " …")
            moves, memory, drawn = latency_and_memory(browser, views, phases=phases,
                                               workdir=workdir, log=log)
            if only is None:
                log("browser: scrubbing inside the figures …")
                scrubs = scrub_rates(browser, workdir, repeats=1 if quick else 3)
            else:
                scrubs = []
            cache_note = jax_cache_note()
            if only is not None:
                cold_repeats = 0
            log(f"browser: cold start, {cold_repeats}× app and floor, interleaved …")
            cold = {"app": [], "floor": []}
            for i in range(cold_repeats):
                cold["floor"].append(cold_start(browser, FLOOR, FLOOR_VIEW,
                                                workdir / f"floor-cold-{i}.log"))
                cold["app"].append(cold_start(browser, APP, PAGES[0],
                                              workdir / f"app-cold-{i}.log"))
                log(f"  cold {i + 1}: app {cold['app'][-1][1]:.1f} s, "
                    f"floor {cold['floor'][-1][1]:.1f} s")
            apart = cold_starts_apart(pw, workdir, cold_repeats, log)
        finally:
            browser.close()

    stats = {key: summarize(ms_) for key, ms_ in moves.items()}
    log("browser: where a move's time goes (medians, ms; 'message' = the websocket message "
        "carrying the new figure):")
    for (pattern, name), s in stats.items():
        log(breakdown_line(f"{pattern:9s} {name}", s))
    floor = stats["sweep", FLOOR_VIEW.name]
    floor_alt = stats["alternate", FLOOR_VIEW.name]
    for v in views:
        s, alt = stats["sweep", v.name], stats["alternate", v.name]
        target = TARGET_3D if v.is_3d else TARGET_2D
        ratio = s["p50"] / floor["p50"]
        rows.append(Row(
            "slider → chart", v.name,
            f"p50 {s['p50']:.0f} ms, p95 {s['p95']:.0f} ms; floor p50 {floor['p50']:.0f} ms, "
            f"p95 {floor['p95']:.0f} ms", ratio, f"p50 ≤ {target:g}× floor",
            at_most(ratio, target),
            f"p95 ratio {s['p95'] / floor['p95']:.2f}×; n = {s['n']}; {wire_split(s)}; "
            f"first frame painted p50 {s['paint_p50']:.0f} ms "
            f"(floor {floor['paint_p50']:.0f}); back-and-forth (cached figure) p50 "
            f"{alt['p50']:.0f} ms = {alt['p50'] / floor_alt['p50']:.2f}× floor; "
            + alone_note(drawn[v.name], drawn[FLOOR_VIEW.name], floor["p50"])))
    for script in registered if only is None else []:
        if not any(v.script == script for v in PAGES):
            rows.append(Row("slider → chart", script, "no PageView in bench/browser_bench.PAGES",
                            None, "", None, "add one to measure this page"))

    if cold["app"]:
        app_cold = median([d for _, d in cold["app"]])
        floor_cold = median([d for _, d in cold["floor"]])
        up_app, up_floor = (median([u for u, _ in cold[k]]) for k in ("app", "floor"))
        rows.append(Row(
            "cold start", "server start → first chart drawn",
            f"app {app_cold:.1f} s / floor {floor_cold:.1f} s", app_cold / floor_cold,
            f"≤ {TARGET_COLD:g}× floor", at_most(app_cold / floor_cold, TARGET_COLD),
            f"median of {cold_repeats}; server healthy after "
            f"{up_app:.1f} s (app), {up_floor:.1f} s (floor), the rest is the "
            f"first script run (imports, JAX compiles); app runs "
            f"{', '.join(f'{d:.1f}' for _, d in cold['app'])} s; {cache_note}"))
    if apart["app"]:
        app_cold, floor_cold = (median([d for _, d in apart[k]]) for k in ("app", "floor"))
        rows.append(Row(
            "cold start", "server start → first chart drawn, server and browser on separate "
            "cores (as in class)", f"app {app_cold:.1f} s / floor {floor_cold:.1f} s",
            app_cold / floor_cold, f"≤ {TARGET_COLD:g}× floor",
            at_most(app_cold / floor_cold, TARGET_COLD),
            f"median of {len(apart['app'])}; server pinned to core 0, Chromium to core 1: in a "
            "class the browser runs on a student's laptop, so its work on plotly.js runs "
            "beside the server's first run instead of taking turns with it "
            "(ui.screen.start_loading_plotly); "
            f"app runs {', '.join(f'{d:.1f}' for _, d in apart['app'])} s"))
    rows.append(Row(
        "memory", "server peak RSS (VmHWM) after the latency run",
        f"app {memory['app']:.0f} MiB / floor {memory['floor']:.0f} MiB",
        memory["app"] / memory["floor"], "(no target)", None,
        f"app server served {len(views)} sessions"))
    rows += scrubs
    log(f"browser: server logs in {workdir}")
    return rows


def cold_starts_apart(pw, workdir: Path, repeats: int, log: Callable[[str], None]) -> dict:
    """``cold_start`` with the server on core 0 and a Chromium of its own on core 1, floor and
    app interleaved: {"app": [(up, drawn), …], "floor": […]}; empty lists on a machine with
    one core or no ``taskset``."""
    out: dict[str, list] = {"app": [], "floor": []}
    taskset = shutil.which("taskset")
    if repeats == 0 or (os.cpu_count() or 1) < 2 or taskset is None:
        return out
    # Chromium's processes all inherit the affinity of the one Playwright starts.
    wrapper = workdir / "chromium-core-1"
    wrapper.write_text(f'#!/bin/sh\nexec {taskset} -c 1 {CHROMIUM} "$@"\n')
    wrapper.chmod(0o755)
    log(f"browser: cold start on separate cores, {repeats}× app and floor, interleaved …")
    browser = pw.chromium.launch(executable_path=str(wrapper), args=CHROMIUM_ARGS)
    try:
        for i in range(repeats):
            out["floor"].append(cold_start(browser, FLOOR, FLOOR_VIEW,
                                           workdir / f"floor-apart-{i}.log", cpus={0}))
            out["app"].append(cold_start(browser, APP, PAGES[0],
                                         workdir / f"app-apart-{i}.log", cpus={0}))
            log(f"  apart {i + 1}: app {out['app'][-1][1]:.1f} s, "
                f"floor {out['floor'][-1][1]:.1f} s")
    finally:
        browser.close()
    return out


def alone_note(chart: dict[str, float], floor_chart: dict[str, float], floor_p50: float
               ) -> str:
    """What plotly.js alone takes to draw this chart and the floor's, and the bound that puts
    on a move: the floor's round trip with its chart's draw swapped for this one's is what a
    move would take if the page's server work and Streamlit's handling of its other elements
    cost nothing."""
    bound = floor_p50 - floor_chart["draw"] + chart["draw"]
    return (f"plotly.js alone draws this chart in {chart['draw']:.0f} ms (painted "
            f"{chart['painted']:.0f}), the floor's in {floor_chart['draw']:.0f} "
            f"({floor_chart['painted']:.0f}): with no server work at all a move would take "
            f"≈ {bound:.0f} ms = {bound / floor_p50:.2f}× floor")


def breakdown_line(name: str, s: dict[str, float]) -> str:
    """One log line: where a move's time goes (medians, ms)."""
    return (f"  {name}: p50 {s['p50']:.0f}, p95 {s['p95']:.0f} | key→send {s['frontend']:.0f}, "
            f"send→message {s['server']:.0f} ({s['bytes'] / 1e3:.0f} kB), message→chart "
            f"{s['browser']:.0f}, chart→painted +{s['paint']:.0f}, key→last message "
            f"{s['idle']:.0f}")


def jax_cache_note() -> str:
    """What the app's persistent JAX compilation cache (.jax_cache/, see core/runtime.py)
    holds now: with entries, a cold start loads compiled code from disk instead of compiling."""
    cache = REPO / ".jax_cache"
    entries = sum(1 for _ in cache.iterdir()) if cache.is_dir() else 0
    if entries:
        return (f".jax_cache/ held {entries} entries before the first cold start "
                "(compiles load from disk; `make clean` empties it)")
    return "no persistent JAX compilation cache before the first cold start: it compiled"
