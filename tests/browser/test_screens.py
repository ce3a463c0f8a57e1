"""The classroom's screens: a projector (1280×720, presenter mode) and a phone (390×844).

On every page the first screen shows the main chart (≥ 90 % of it, and a third of a projector's
screen or a quarter of a phone's) and the control that moves it, with no horizontal scroll;
on the projector its text is 16 px or more, the sidebar folded, and a clicker's keys step
the main control; on the phone every chart fits the width.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import Page

from ui import kit

from .helpers import (
    click_figure_slider,
    every_chart_drawn,
    expect_rerun,
    plotly_layout,
    wait_for_app,
)

DOCS = Path(__file__).resolve().parents[2] / "docs"
PROJECTOR = {"width": 1280, "height": 720}
PHONE = {"width": 390, "height": 844}
# page path → (the main control's URL key, the index of the main chart among the page's charts)
PAGES = {"": "lam", "geometry": "t", "update_rules": "lam", "weights": "lam", "sweep": "lam",
         "crosses": "lambda"}

_MAIN = f".st-key-{kit.MAIN_CHART} .js-plotly-plot"
_CONTROL = f".st-key-{kit.MAIN_CONTROL} [data-testid='stSlider']"

_GEOMETRY_JS = """([chart, control]) => {
  const c = document.querySelector(chart).getBoundingClientRect();
  const k = document.querySelector(control).getBoundingClientRect();
  const plots = [...document.querySelectorAll('.js-plotly-plot')]
    .map((e) => e.getBoundingClientRect().right);
  const text = [...document.querySelector(chart).querySelectorAll('text')]
    .filter((t) => t.textContent.trim())
    .map((t) => parseFloat(getComputedStyle(t).fontSize));
  return {chart: [c.left, c.top, c.right, c.bottom], control: [k.left, k.top, k.right, k.bottom],
          W: innerWidth, H: innerHeight, scrollWidth: document.documentElement.scrollWidth,
          rightmost: Math.max(...plots), smallestText: Math.min(...text)};
}"""


def open_screen(page: Page, url: str, height: int) -> dict:
    """Open ``url`` and wait until its main chart is drawn at ``height`` px (a phone reports
    its width first, and the page reruns for it); return where things are."""
    page.goto(url)
    wait_for_app(page)
    page.wait_for_function(
        """([sel, h]) => { const el = document.querySelector(sel);
             return el && el._fullLayout && el._fullLayout.height === h; }""",
        arg=[_MAIN, height], timeout=90_000)
    wait_for_app(page)
    page.wait_for_timeout(300)  # the layout below the chart settles (fonts, downloads row)
    return page.evaluate(_GEOMETRY_JS, [_MAIN, _CONTROL])


def inside(box, W, H) -> float:
    """The share of ``box`` (left, top, right, bottom) inside the W × H screen."""
    left, top, right, bottom = box
    area = (right - left) * (bottom - top)
    seen = (max(0.0, min(right, W) - max(left, 0))
            * max(0.0, min(bottom, H) - max(top, 0)))
    return seen / area


def check_first_screen(g: dict, min_share: float) -> None:
    W, H = g["W"], g["H"]
    left, top, right, bottom = g["chart"]
    assert inside(g["chart"], W, H) >= 0.9, g
    assert (right - left) * (bottom - top) >= min_share * W * H, g
    assert inside(g["control"], W, H) == 1.0, g      # the main control, whole
    assert g["scrollWidth"] <= W, g                    # no horizontal scroll
    assert g["rightmost"] <= W + 0.5, g               # no chart wider than the screen


@pytest.mark.parametrize("path", list(PAGES))
def test_projector_first_screen(browser, app_server, path):
    context = browser.new_context(viewport=PROJECTOR)
    try:
        page = context.new_page()
        g = open_screen(page, f"{app_server}/{path}?presenter=true", kit.PROJECTOR_CHART_HEIGHT)
        check_first_screen(g, 1 / 3)
        assert g["smallestText"] >= 16, g
        assert page.evaluate(_OVERLAPS_JS) == []
        sidebar = page.get_by_test_id("stSidebar")
        assert sidebar.get_attribute("data-collapsed") == "true"
        assert page.get_by_test_id("stExpandSidebarButton").is_visible()   # one click away
        assert page.get_by_text("Clicker:").first.is_visible()
        if path == "":
            DOCS.mkdir(exist_ok=True)
            page.screenshot(path=str(DOCS / "screen-projector.png"))
    finally:
        context.close()


@pytest.mark.parametrize("path", list(PAGES))
def test_phone_first_screen(browser, app_server, path):
    context = browser.new_context(viewport=PHONE, has_touch=True)
    try:
        page = context.new_page()
        g = open_screen(page, f"{app_server}/{path}", kit.PHONE_CHART_HEIGHT)
        check_first_screen(g, 1 / 4)
        # the chart leads: its control comes right after it
        assert g["control"][1] >= g["chart"][3] - 1, g
        if path == "":
            page.screenshot(path=str(DOCS / "screen-phone.png"))
    finally:
        context.close()


# Every pair of a chart's texts (title, subplots' titles, notes, axis titles, the legend's
# box) that cover each other by more than 3 px both ways, and every note written in a panel
# (no arrow) that reaches more than 3 px past its panel's sides, named for the message.
_OVERLAPS_JS = """() => { const out = [];
  document.querySelectorAll('.js-plotly-plot').forEach((plot, k) => {
    const L = plot._fullLayout, left = plot.getBoundingClientRect().left;
    plot.querySelectorAll('g.annotation').forEach((g) => {
      const a = L.annotations[+g.getAttribute('data-index')];
      if (!a || a.showarrow || !/^x\\d*$/.test(a.xref)) return;
      const ax = L[a.xref.replace('x', 'xaxis')], b = g.getBoundingClientRect();
      const lo = left + ax._offset, hi = lo + ax._length;
      if (b.left < lo - 3 || b.right > hi + 3) out.push(
        `chart ${k}: "${g.textContent.slice(0, 30)}" past its panel's side`);
    });
    const boxes = [...plot.querySelectorAll(
        'g.annotation, g.g-gtitle, g.g-xtitle, g.g-x2title, g.g-x3title, g.g-ytitle, g.legend')]
      .map((e) => [e.textContent.trim().slice(0, 40), e.getBoundingClientRect()])
      .filter(([t, b]) => t && b.width > 0);
    for (let i = 0; i < boxes.length; i++) for (let j = i + 1; j < boxes.length; j++) {
      const [ta, a] = boxes[i], [tb, b] = boxes[j];
      const w = Math.min(a.right, b.right) - Math.max(a.left, b.left);
      const h = Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top);
      if (w > 3 && h > 3) out.push(`chart ${k}: "${ta}" over "${tb}" (${w | 0}×${h | 0} px)`);
    }
  });
  return out; }"""


@pytest.mark.parametrize("path", list(PAGES))
def test_phone_charts_keep_their_texts_apart(browser, app_server, path):
    """On a phone no two texts of a chart cover each other (titles wrapped to their column,
    legends two entries a row under the title or the plot, bands' labels at the edges), with
    the answers shown and with them hidden (predict first)."""
    context = browser.new_context(viewport=PHONE, has_touch=True)
    try:
        page = context.new_page()
        open_screen(page, f"{app_server}/{path}", kit.PHONE_CHART_HEIGHT)
        every_chart_drawn(page)
        assert page.evaluate(_OVERLAPS_JS) == []
        with expect_rerun(page):
            page.get_by_text("Predict first, then reveal").first.click()
        page.get_by_text("The answer is hidden").first.wait_for()
        every_chart_drawn(page)
        page.wait_for_timeout(1000)   # plotly redraws the charts after the rerun
        assert page.evaluate(_OVERLAPS_JS) == []
    finally:
        context.close()


def _title(page: Page) -> str:
    return page.evaluate("(sel) => document.querySelector(sel).layout.title.text", _MAIN)


def wait_for_query(page: Page, part: str) -> None:
    """Wait until the address bar holds ``part`` (Streamlit rewrites it without a load)."""
    page.wait_for_function("(part) => location.search.includes(part)", arg=part)


def _query(page: Page) -> dict:
    return parse_qs(urlsplit(page.url).query)


@pytest.mark.parametrize("path", list(PAGES))
def test_a_clicker_steps_the_main_control_and_the_chart_follows(browser, app_server, path):
    """Page Down (a clicker's "next") moves the main control one step up, the link and the
    chart with it; Page Up moves it back. The keys go to the page, not to a control."""
    key = PAGES[path]
    context = browser.new_context(viewport=PROJECTOR)
    try:
        page = context.new_page()
        open_screen(page, f"{app_server}/{path}?presenter=true", kit.PROJECTOR_CHART_HEIGHT)
        thumb = page.locator(f".st-key-{kit.MAIN_CONTROL}").get_by_role("slider")
        start, title = thumb.get_attribute("aria-valuetext"), _title(page)
        with expect_rerun(page):
            page.keyboard.press("PageDown")
        page.wait_for_function("([sel, t]) => document.querySelector(sel)?.layout?.title?.text "
                               "!== t", arg=[_MAIN, title])
        moved = thumb.get_attribute("aria-valuetext")
        assert float(moved.replace(",", "")) > float(start.replace(",", ""))
        assert _query(page)[key] == [moved.replace(",", "")]
        with expect_rerun(page):
            page.keyboard.press("PageUp")
        page.wait_for_function("([sel, t]) => document.querySelector(sel)?.layout?.title?.text "
                               "=== t", arg=[_MAIN, title])
        assert thumb.get_attribute("aria-valuetext") == start
    finally:
        context.close()


def test_a_clicker_reveals_and_the_arrows_step_lambda(browser, app_server):
    """R presses Reveal; → and ← step λ; a key pressed inside another control stays there."""
    context = browser.new_context(viewport=PROJECTOR)
    try:
        page = context.new_page()
        open_screen(page, f"{app_server}/?presenter=true&landscape_predict=true&lam=1",
                    kit.PROJECTOR_CHART_HEIGHT)
        names = lambda: [t.get("name") for t in page.evaluate(  # noqa: E731
            "(sel) => document.querySelector(sel).data.map((t) => ({name: t.name}))", _MAIN)]
        assert "minimizer, L1" not in names()
        for k in range(3):   # again if a rerun swallowed the press, as a teacher would
            with expect_rerun(page):
                page.keyboard.press("r")
            try:
                page.wait_for_function("(sel) => document.querySelector(sel)?.data?.some("
                                       "(t) => t.name === 'minimizer, L1')", arg=_MAIN,
                                       timeout=15_000)
                break
            except Exception:
                if k == 2:
                    raise
        # as in front of a class, no control has the focus (the redrawn page may have put it
        # on one, and a control keeps its keys: checked below)
        page.evaluate("() => document.activeElement?.blur()")
        with expect_rerun(page):
            page.keyboard.press("ArrowRight")
        wait_for_query(page, "lam=1.1")
        # in the Steps slider, an arrow moves that slider, not λ
        steps = page.get_by_test_id("stSlider").filter(has_text="Steps").get_by_role("slider")
        steps.focus()
        with expect_rerun(page):
            page.keyboard.press("ArrowRight")
        wait_for_query(page, "steps=101")
        assert _query(page)["lam"] == ["1.1"]
    finally:
        context.close()


def test_tab_reaches_every_control_in_screen_order(browser, app_server):
    """Tab from the top: the presets, then the main control, then the other controls, each
    once, in the order they stand on the screen."""
    context = browser.new_context(viewport=PROJECTOR)
    try:
        page = context.new_page()
        open_screen(page, f"{app_server}/?presenter=true", kit.PROJECTOR_CHART_HEIGHT)
        labels = page.evaluate("""() => [...document.querySelectorAll(
            '[data-testid="stMain"] input, [data-testid="stMain"] [role="combobox"]')]
            .filter((e) => !e.disabled && e.closest('.stElementContainer')
                    && !e.closest('details:not([open])'))   // a closed expander's are hidden
            .map((e) => e.closest('.stElementContainer').className.match(/st-key-(\\S+)/)?.[1])
            .filter(Boolean)""")
        order = []
        page.locator("body").focus()
        for _ in range(60):
            page.keyboard.press("Tab")
            key = page.evaluate("""() => document.activeElement.closest('.stElementContainer')
                ?.className.match(/st-key-(\\S+)/)?.[1] ?? null""")
            if key in labels and key not in order:
                order.append(key)
        expected = list(dict.fromkeys(labels))
        assert order[: len(expected)] == expected
        assert order[0] == "lam"   # the main control comes first after the presets
    finally:
        context.close()


def test_scrubbing_inside_the_main_chart_works_on_both_screens(browser, app_server):
    for viewport, query, height in ((PROJECTOR, "?presenter=true", kit.PROJECTOR_CHART_HEIGHT),
                                    (PHONE, "", kit.PHONE_CHART_HEIGHT)):
        context = browser.new_context(viewport=viewport)
        try:
            page = context.new_page()
            open_screen(page, f"{app_server}/{query}", height)
            click_figure_slider(page, 0.999)
            page.wait_for_function("(sel) => document.querySelector(sel).layout.title.text"
                                   ".includes('λ = 5')", arg=_MAIN)
            assert "λ = 5" in plotly_layout(page, 0)["title"]["text"]
        finally:
            context.close()
