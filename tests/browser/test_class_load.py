"""A whole class at once: 10 browser sessions moving λ on the Landscape page together, and
the server's memory over 500 reruns. Correctness is asserted here; the timings are reported
(`make bench` prints them as ratios), never asserted.

Loopback only, bounded in count and time.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import re
import statistics
import time
from pathlib import Path

import pytest
from playwright.async_api import Page, async_playwright
from playwright.async_api import TimeoutError as PlaywrightTimeout

from .conftest import CHROMIUM, CHROMIUM_ARGS, REPO_ROOT, require_chromium
from .helpers import streamlit_process

pytestmark = pytest.mark.slow

SESSIONS = 10
MOVES = 8
LAMBDA = "λ, regularization strength"
_IDLE = '[data-testid="stApp"][data-test-script-state="notRunning"]'
# The chart's title, or null while a rerun swaps the chart (then no title counts as changed).
_TITLE = "() => document.querySelector('.js-plotly-plot')?.layout?.title?.text ?? null"


def rss_mb(pid: int) -> float:
    status = Path(f"/proc/{pid}/status").read_text()
    return int(re.search(r"VmRSS:\s+(\d+) kB", status).group(1)) / 1024


def compiles(log: Path) -> int:
    """How many XLA compilations the server has logged so far (JAX_LOG_COMPILES=1)."""
    return log.read_text(errors="replace").count("Finished XLA compilation")


async def open_landscape(browser, url: str) -> Page:
    page = await (await browser.new_context(viewport={"width": 1280, "height": 800})).new_page()
    await page.goto(url)
    await page.wait_for_selector(_IDLE, timeout=120_000)
    await page.wait_for_function("() => { const p = document.querySelector('.js-plotly-plot');"
                                 " return p && p._fullLayout; }", timeout=120_000)
    return page


async def _slider_value(thumb) -> str | None:
    return await thumb.get_attribute("aria-valuetext") or await thumb.get_attribute(
        "aria-valuenow")


async def _state(page: Page) -> str:
    """What the page shows, for a failure message: a stuck server or a lost connection."""
    return await page.evaluate(
        "() => ({script: document.querySelector('[data-testid=stApp]')"
        "?.getAttribute('data-test-script-state'), status: document.querySelector("
        "'[data-testid=stStatusWidget]')?.innerText ?? null, title: (" + _TITLE + ")()})")


async def move_lambda(page: Page, moves: int, lost: list | None = None) -> list[float]:
    """Press ←/→ on λ `moves` times; each latency is key press → chart title changed (s).

    Under load a key press can be lost before it reaches the slider (the slider's value does
    not change): then it is pressed once more and counted in ``lost``. A slider that moved and
    a chart that does not follow within three minutes is a stuck server: that fails.
    """
    # Polled on a timer: a page of ten in one headless browser may draw no animation frame
    # for a while, and "raf" polling then never looks again.
    thumb = page.get_by_test_id("stSlider").filter(has_text=LAMBDA).get_by_role("slider")
    changed = ("(t) => { const now = (" + _TITLE + ")(); return now !== null && now !== t; }")
    latencies = []
    for i in range(moves):
        before, value = await page.evaluate(_TITLE), await _slider_value(thumb)
        key = "ArrowRight" if i % 2 == 0 else "ArrowLeft"
        t0 = time.perf_counter()
        await thumb.press(key)
        try:
            await page.wait_for_function(changed, arg=before, polling=100, timeout=60_000)
        except PlaywrightTimeout:
            if await _slider_value(thumb) == value:
                (lost if lost is not None else []).append(i)
                await thumb.press(key)
            try:
                await page.wait_for_function(changed, arg=before, polling=100,
                                             timeout=180_000)
            except PlaywrightTimeout:
                raise AssertionError(f"move {i}: the chart did not follow the slider "
                                     f"({value} → {await _slider_value(thumb)}); page: "
                                     f"{await _state(page)}") from None
        latencies.append(time.perf_counter() - t0)
        # The next key waits for the run to end, so two moves never merge into none.
        await page.wait_for_selector(_IDLE, timeout=180_000)
    return latencies


async def run_class(url: str, log: Path) -> dict:
    async with async_playwright() as pw:
        browser = await pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            one = await open_landscape(browser, url)
            await move_lambda(one, 2)  # warm: compile at these settings once
            warm_compiles = compiles(log)
            single = await move_lambda(one, MOVES)
            pages = await asyncio.gather(*(open_landscape(browser, url) for _ in range(SESSIONS)))
            lost: list[int] = []
            many = await asyncio.gather(*(move_lambda(p, MOVES, lost) for p in pages))
            return {"single": single, "many": [x for m in many for x in m],
                    "new_compiles": compiles(log) - warm_compiles, "lost": len(lost)}
        finally:
            await browser.close()


def run_in_thread(coro):
    """asyncio.run in a thread of its own: pytest-playwright's sync fixtures keep an event loop
    running in the main thread, where asyncio.run refuses to start."""
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, coro).result()


def p(values: list[float], q: float) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[int(q) - 1]


@pytest.mark.timeout(1200)
def test_ten_sessions_at_once_work_without_errors_or_recompiling(tmp_path):
    require_chromium()
    log = tmp_path / "server.log"
    with streamlit_process(REPO_ROOT / "app.py", cwd=REPO_ROOT, log_path=log,
                           env={"JAX_LOG_COMPILES": "1"}) as (url, _):
        result = run_in_thread(asyncio.wait_for(run_class(url, log), timeout=600))
    text = log.read_text(errors="replace")
    assert "Traceback" not in text and "Exception" not in text, text[-3000:]
    assert len(result["many"]) == SESSIONS * MOVES  # every move of every session drew
    assert result["new_compiles"] == 0  # sessions share compiled code: none compiles again
    print(f"\nλ slider → chart, 1 session: p50 {p(result['single'], 50) * 1e3:.0f} ms, "
          f"p95 {p(result['single'], 95) * 1e3:.0f} ms; {SESSIONS} sessions at once: "
          f"p50 {p(result['many'], 50) * 1e3:.0f} ms, p95 {p(result['many'], 95) * 1e3:.0f} ms; "
          f"key presses lost and pressed again: {result['lost']}")


async def rerun_many(url: str, pid: int) -> tuple[float, float]:
    async with async_playwright() as pw:
        browser = await pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            page = await open_landscape(browser, url)
            await move_lambda(page, 50)
            after_50 = rss_mb(pid)
            await move_lambda(page, 450)
            return after_50, rss_mb(pid)
        finally:
            await browser.close()


@pytest.mark.timeout(1200)
def test_memory_after_500_reruns_stays_within_50_mb_of_after_50(tmp_path):
    require_chromium()
    with streamlit_process(REPO_ROOT / "app.py", cwd=REPO_ROOT,
                           log_path=tmp_path / "server.log") as (url, proc):
        after_50, after_500 = run_in_thread(asyncio.wait_for(rerun_many(url, proc.pid), 900))
    print(f"\nserver RSS after 50 reruns {after_50:.0f} MB, after 500 {after_500:.0f} MB")
    assert after_500 - after_50 <= 50
