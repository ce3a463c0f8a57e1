"""Helpers for the browser tests: start a Streamlit server, wait, find, read.

Verified against Streamlit 1.67.0 (its bundled plotly.js 3.8.2), Playwright 1.65
and Debian's Chromium.
"""

from __future__ import annotations

import base64
import contextlib
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Collection, Iterator, Sequence
from pathlib import Path
from typing import Any

import numpy as np
from playwright.sync_api import Locator, Page, expect

# Slow first runs (JAX import + jit compile) happen inside the first page load.
APP_TIMEOUT_MS = 90_000

# `stApp` carries the script state: "initial" until the first run starts, then
# "running" / "notRunning" / "rerunRequested" / "compilationError" / ...
_IDLE = '[data-testid="stApp"][data-test-script-state="notRunning"]'

# Plotly.js keeps the figure on the chart's div as `el.data` / `el.layout`.
# plotly.py >= 6 ships NumPy arrays as {"dtype": "f4", "bdata": <base64>,
# "shape": "r, c"}; plotly.js leaves that object in `el.data` (adding private
# `_inputArray`), so private keys are dropped here and `_decode` turns the
# base64 back into lists on the Python side.
_PLOTLY_JS = """([index, key]) => {
  const el = document.querySelectorAll('.js-plotly-plot')[index];
  if (!el || !el[key]) return null;
  const plain = (v) => {
    if (ArrayBuffer.isView(v)) return Array.from(v);
    if (Array.isArray(v)) return v.map(plain);
    if (v && typeof v === 'object') {
      const out = {};
      for (const [k, x] of Object.entries(v)) {
        if (!k.startsWith('_') && typeof x !== 'function') out[k] = plain(x);
      }
      return out;
    }
    return v;
  };
  return plain(el[key]);
}"""


def free_port(host: str = "127.0.0.1") -> int:
    """Return a TCP port that is free on `host` right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((host, 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def streamlit_server(script: Path, **kwargs) -> Iterator[str]:
    """Run `streamlit run script` on a free loopback port; yield its base URL."""
    with streamlit_process(script, **kwargs) as (base_url, _):
        yield base_url


@contextlib.contextmanager
def streamlit_process(
    script: Path,
    *,
    log_path: Path,
    cwd: Path | None = None,
    extra_args: Sequence[str] = (),
    env: dict[str, str] | None = None,
    ready_timeout: float = 90.0,
    cpus: Collection[int] | None = None,
) -> Iterator[tuple[str, subprocess.Popen]]:
    """Run `streamlit run script` on a free loopback port; yield (base URL, process).

    Readiness is `GET /_stcore/health` answering 200. Output goes to `log_path`.
    ``cpus``: the only CPUs the server may run on (default: any). The server is terminated
    (then killed) on exit.
    """
    port = free_port()
    cmd = [
        sys.executable, "-m", "streamlit", "run", str(script),
        "--server.address", "127.0.0.1",
        "--server.port", str(port),
        "--server.headless", "true",
        "--server.fileWatcherType", "none",
        "--browser.gatherUsageStats", "false",
        *extra_args,
    ]  # fmt: skip
    env = {**os.environ, "PYTHONUNBUFFERED": "1", **(env or {})}
    env.setdefault("JAX_PLATFORMS", "cpu")
    base_url = f"http://127.0.0.1:{port}"
    with open(log_path, "wb") as log:
        proc = subprocess.Popen(
            cmd, cwd=cwd or script.parent, env=env, stdout=log, stderr=subprocess.STDOUT,
            preexec_fn=(lambda: os.sched_setaffinity(0, cpus)) if cpus else None,
        )
        try:
            _wait_healthy(proc, f"{base_url}/_stcore/health", ready_timeout, log_path)
            yield base_url, proc
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(timeout=10)


def _wait_healthy(proc: subprocess.Popen, url: str, timeout: float, log_path: Path) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(
                f"streamlit exited with code {proc.returncode} before it was ready:\n"
                + log_tail(log_path)
            )
        try:
            with urllib.request.urlopen(url, timeout=2) as r:
                if r.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.05)  # bench/ times a cold start from here
    raise RuntimeError(
        f"streamlit not healthy at {url} after {timeout:.0f} s:\n" + log_tail(log_path)
    )


def log_tail(path: Path, lines: int = 200) -> str:
    try:
        text = path.read_text(errors="replace")
    except OSError:
        return "(no server log)"
    return "\n".join(text.splitlines()[-lines:])


def wait_for_app(page: Page, *, charts: int = 0, timeout: float = APP_TIMEOUT_MS) -> None:
    """Wait until the script run is finished and `charts` Plotly charts are drawn.

    Right after a widget interaction the old state may still read "notRunning"
    for a moment: wrap interactions in `expect_rerun` instead.
    """
    page.wait_for_selector(_IDLE, timeout=timeout)
    if charts:
        page.wait_for_function(
            """(n) => {
              const p = document.querySelectorAll('.js-plotly-plot');
              return p.length >= n && Array.from(p).slice(0, n)
                .every((el) => el._fullLayout && el.offsetParent !== null);
            }""",
            arg=charts,
            timeout=timeout,
        )


def every_chart_drawn(page: Page, *, timeout: float = 30_000) -> None:
    """Wait until every chart of the page is drawn, so a chart's index is its place on the
    page. ``wait_for_app(charts=n)`` is not enough after a page load: a page may send a lower
    chart first (a fragment, or a chart sent early so that the top one is drawn alone), and
    for a moment the drawn charts are not the first ones."""
    page.wait_for_function(
        """() => {
          const boxes = document.querySelectorAll('[data-testid="stPlotlyChart"], div.rl-chart');
          const drawn = [...document.querySelectorAll('.js-plotly-plot')]
            .filter((g) => g._fullLayout);
          return boxes.length > 0 && drawn.length === boxes.length;
        }""",
        timeout=timeout,
    )


# Armed before an interaction: records that the script left "notRunning".
_ARM_JS = """() => {
  const app = document.querySelector('[data-testid="stApp"]');
  window.__stSawRun = false;
  if (window.__stObs) window.__stObs.disconnect();
  window.__stObs = new MutationObserver(() => {
    if (app.getAttribute('data-test-script-state') !== 'notRunning') window.__stSawRun = true;
  });
  window.__stObs.observe(app, {attributes: true, attributeFilter: ['data-test-script-state']});
}"""
_RERUN_DONE_JS = """() => window.__stSawRun === true && document.querySelector(
  '[data-testid="stApp"]').getAttribute('data-test-script-state') === 'notRunning'"""


@contextlib.contextmanager
def expect_rerun(page: Page, *, timeout: float = APP_TIMEOUT_MS) -> Iterator[None]:
    """Wait, after the `with` body, for the (fragment) rerun it triggered to finish.

    `wait_for_app` alone can return too early after an interaction: the state
    still reads "notRunning" for ~30-70 ms after a key press. Usage::

        with expect_rerun(page):
            slider_by_label(page, "λ").press("ArrowRight")
    """
    page.evaluate(_ARM_JS)
    yield
    page.wait_for_function(_RERUN_DONE_JS, timeout=timeout)


def slider_by_label(page: Page, label: str) -> Locator:
    """The focusable thumb (`role="slider"`) of the st.slider labelled `label`."""
    return (
        page.get_by_test_id("stSlider")
        .filter(has=page.get_by_test_id("stWidgetLabel").get_by_text(label, exact=True))
        .get_by_role("slider")
    )


def plotly_data(page: Page, index: int = 0) -> list[dict[str, Any]] | None:
    """The traces (`el.data`) of the `index`-th Plotly chart, as plain JSON."""
    return _decode(page.evaluate(_PLOTLY_JS, [index, "data"]))


def plotly_layout(page: Page, index: int = 0) -> dict[str, Any] | None:
    """The layout (`el.layout`) of the `index`-th Plotly chart, as plain JSON."""
    return _decode(page.evaluate(_PLOTLY_JS, [index, "layout"]))


def _decode(v: Any) -> Any:
    """Replace plotly's base64 typed arrays ({dtype, bdata, shape}) by lists."""
    if isinstance(v, dict):
        if "bdata" in v and "dtype" in v:
            dtype = np.dtype(v["dtype"]).newbyteorder("<")
            a = np.frombuffer(base64.b64decode(v["bdata"]), dtype=dtype)
            if v.get("shape"):
                a = a.reshape([int(n) for n in str(v["shape"]).split(",")])
            return a.tolist()
        return {k: _decode(x) for k, x in v.items()}
    if isinstance(v, list):
        return [_decode(x) for x in v]
    return v


def wait_for_title(page: Page, index: int, text: str) -> None:
    """Wait until the ``index``-th chart's title holds ``text``.

    For a quick rerun, which can go running → notRunning in one React commit so that
    ``expect_rerun`` never sees it: wait for the chart itself. The chart is remounted, so
    for a moment it may be missing or not drawn yet.
    """
    page.wait_for_function("""([i, text]) => {
      const t = document.querySelectorAll('.js-plotly-plot')[i]?.layout?.title;
      return ((typeof t === 'string' ? t : t?.text) || '').includes(text);
    }""", arg=[index, text])


def share_box(page: Page) -> Locator:
    """The page's share link box (``kit.share_link``), its expander opened if it was closed.

    Opening it reruns the page (or its fragment), which can be quick enough for
    ``expect_rerun`` to miss (see ``wait_for_title``): wait for the box itself, then for
    the run to end.
    """
    box = page.get_by_test_id("stExpander").filter(has_text="Share this view")
    code = box.get_by_test_id("stCode")
    if code.count() == 0:
        box.locator("summary").click()
        expect(code).to_be_visible(timeout=APP_TIMEOUT_MS)
        wait_for_app(page)
    return code


@contextlib.contextmanager
def no_rerun(page: Page, *, settle_ms: int = 800) -> Iterator[None]:
    """Assert that the `with` body (e.g. scrubbing a slider inside a figure) runs no script."""
    page.evaluate(_ARM_JS)
    yield
    page.wait_for_timeout(settle_ms)
    assert page.evaluate("() => window.__stSawRun") is False, "the interaction reran the script"


def click_figure_slider(page: Page, fraction: float, index: int = 0) -> None:
    """Click the Plotly slider inside the `index`-th chart at `fraction` of its rail."""
    rail = page.locator(".js-plotly-plot").nth(index).locator(".slider-rail-rect")
    rail.scroll_into_view_if_needed()
    box = rail.bounding_box()
    assert box is not None, "the chart has no slider inside it"
    page.mouse.click(box["x"] + fraction * box["width"], box["y"] + box["height"] / 2)


def open_page(page: Page, url: str, *, charts: int) -> Page:
    """Open a page by its link (a deep link works as a fresh server's first request: see
    test_deep_link.py) and wait until `charts` charts are drawn."""
    page.goto(url)
    wait_for_app(page, charts=charts)
    assert page.get_by_text("Page not found").count() == 0
    return page


def one_button(page: Page, key: str, timeout: float = 30_000) -> Locator:
    """The button of Streamlit key ``key``, once the page shows exactly one: for a moment
    after a rerun, a fragment's old copy of a button can stand beside the new one (a
    hidden copy that Streamlit keeps in the element does not count: roles skip it)."""
    button = page.locator(f".st-key-{key}").get_by_role("button")
    deadline = time.monotonic() + timeout / 1000
    while button.count() != 1:
        if time.monotonic() > deadline:
            raise TimeoutError(f"{button.count()} buttons of key {key!r} after {timeout} ms")
        page.wait_for_timeout(100)
    return button
