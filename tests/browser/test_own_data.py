"""A class's own data and its own hands, in a real Chromium: an uploaded CSV moves the
Landscape's minimizers (to where scikit-learn puts them); a click on the contours starts the
descent there, and the sliders and the link follow; the same on the Update rules page's
two-weight view; on Geometry a click or a drag moves J's centre."""

import time
from urllib.parse import parse_qs, urlsplit

import numpy as np
from playwright.sync_api import TimeoutError as PlaywrightTimeout
from sklearn.linear_model import Lasso

from core import own_data
from tests.bad_files import two_columns

from .helpers import open_page, plotly_data, slider_by_label, wait_for_app

CSV = two_columns("size,noise,price")

# Where a point (x, y) of the chart's subplot ``sub`` is on the screen.
_TO_SCREEN_JS = """([i, sub, x, y]) => {
  const gd = document.querySelectorAll('.js-plotly-plot')[i];
  const m = sub.match(/^x(\\d*)y(\\d*)$/);
  const xa = gd._fullLayout['xaxis' + m[1]], ya = gd._fullLayout['yaxis' + m[2]];
  const box = gd.querySelector(`.nsewdrag[data-subplot="${sub}"]`).getBoundingClientRect();
  return [box.left + xa.l2p(x), box.top + ya.l2p(y)];
}"""


def to_screen(page, index, x, y, sub="xy"):
    page.locator(".js-plotly-plot").nth(index).scroll_into_view_if_needed()
    return page.evaluate(_TO_SCREEN_JS, [index, sub, x, y])


def query(page) -> dict:
    return {k: v[-1] for k, v in parse_qs(urlsplit(page.url).query).items()}


def wait_for_slider(page, label, value, timeout=30.0):
    """Wait until the slider labelled ``label`` shows ``value``."""
    deadline = time.monotonic() + timeout
    while (shown := float(slider_by_label(page, label).get_attribute("aria-valuetext"))) \
            != value:
        assert time.monotonic() < deadline, (label, shown, value)
        page.wait_for_timeout(200)


def trace(data, name):
    return next(t for t in data if t.get("name") == name)


def wait_for_paths_to_start(page, index, prefix, x, y, timeout=30.0):
    """Wait until every trace of chart ``index`` whose name starts with ``prefix`` starts at
    (x, y)."""
    deadline = time.monotonic() + timeout
    while True:
        paths = [t for t in plotly_data(page, index) if str(t.get("name")).startswith(prefix)]
        if paths and all(abs(t["x"][0] - x) < 1e-6 and abs(t["y"][0] - y) < 1e-6
                         for t in paths):
            return
        assert time.monotonic() < deadline, [(t["x"][0], t["y"][0]) for t in paths]
        page.wait_for_timeout(200)


def wait_for_query(page, **want):
    page.wait_for_function("""(want) => {
      const q = new URLSearchParams(location.search);
      return Object.entries(want).every(([k, v]) => q.get(k) === v);
    }""", arg=want, timeout=30_000)


def test_an_uploaded_csv_moves_the_minimizer_to_where_scikit_learn_puts_it(page, app_server):
    open_page(page, app_server + "/?lam=0.6", charts=3)
    before = trace(plotly_data(page, 0), "minimizer, L1")
    page.get_by_test_id("stExpander").filter(has_text="Data: Built-in").locator(
        "summary").click()
    for attempt in range(3):   # a click landing while the expander reruns can be lost
        page.get_by_text("Your CSV", exact=True).click()
        try:
            page.get_by_test_id("stFileUploaderDropzoneInput").wait_for(
                state="attached", timeout=10_000)
            break
        except PlaywrightTimeout:
            assert attempt < 2, "the data control never took the click"
    uploader = page.get_by_test_id("stFileUploaderDropzoneInput")
    uploader.wait_for(state="attached", timeout=30_000)
    uploader.set_input_files(files=[{"name": "mine.csv", "mimeType": "text/csv",
                                     "buffer": CSV}])
    page.wait_for_function("""() => {
      const t = document.querySelectorAll('.js-plotly-plot')[0]?.layout?.xaxis?.title;
      return ((typeof t === 'string' ? t : t?.text) || '').includes('size');
    }""", timeout=60_000)
    wait_for_app(page, charts=3)
    after = trace(plotly_data(page, 0), "minimizer, L1")
    w = np.array([after["x"][0], after["y"][0]])
    assert not np.allclose(w, [before["x"][0], before["y"][0]])
    prep = own_data.prepare(own_data.read_csv(CSV), "price", ("size", "noise"))
    ref = Lasso(alpha=0.3, tol=1e-12, max_iter=100_000).fit(prep.X, prep.y).coef_
    assert w[1] == 0.0 == ref[1]
    np.testing.assert_allclose(w[0], ref[0], rtol=1e-5)
    assert "data" in query(page) and "mine" not in page.url   # the link holds no data


def test_a_click_on_the_contours_starts_the_descent_there(page, app_server):
    open_page(page, app_server + "/?lam=0.6", charts=3)
    x, y = to_screen(page, 0, 1.0, -1.5)
    page.mouse.click(x, y)
    wait_for_query(page, w1="1", w2="-1.5")
    wait_for_paths_to_start(page, 0, "path, L1", 1.0, -1.5)
    wait_for_slider(page, "Start w₁", 1.0)
    wait_for_slider(page, "Start w₂", -1.5)


def test_a_click_on_the_two_weight_view_moves_its_start(page, app_server):
    open_page(page, app_server + "/update_rules", charts=3)
    index = page.evaluate("""() => [...document.querySelectorAll('.js-plotly-plot')]
      .findIndex((gd) => gd.data.some((t) => String(t.name).startsWith('path, L1')))""")
    x, y = to_screen(page, index, 0.5, -2.0)
    page.mouse.click(x, y)
    wait_for_query(page, w1="0.5", w2="-2")
    wait_for_paths_to_start(page, index, "path", 0.5, -2.0)


def test_geometry_moves_js_centre_by_a_click_and_by_a_drag(page, app_server):
    open_page(page, app_server + "/geometry", charts=2)
    x, y = to_screen(page, 0, -1.0, 2.0, sub="x2y2")   # a click on the circle's panel
    page.mouse.click(x, y)
    wait_for_query(page, c1="-1", c2="2")
    page.wait_for_function("""() => {
      const s = document.querySelectorAll('.js-plotly-plot')[0].layout.shapes[0];
      return Math.abs((s.x0 + s.x1) / 2 + 1) < 1e-6 && Math.abs((s.y0 + s.y1) / 2 - 2) < 1e-6;
    }""", timeout=30_000)
    wait_for_slider(page, "Centre c₁ of J", -1.0)
    wait_for_app(page, charts=2)
    # the ring at J's centre, dragged on the diamond's panel from (−1, 2) to (0.5, −1)
    x0, y0 = to_screen(page, 0, -1.0, 2.0)
    x1, y1 = to_screen(page, 0, 0.5, -1.0)
    assert page.evaluate("([x, y]) => document.elementFromPoint(x, y).tagName", [x0, y0]) \
        == "path"   # the ring, not the plot's zoom area, is under the pointer
    page.mouse.move(x0, y0)
    page.mouse.down()
    for k in range(1, 11):
        page.mouse.move(x0 + (x1 - x0) * k / 10, y0 + (y1 - y0) * k / 10)
    page.mouse.up()
    wait_for_query(page, c1="0.5", c2="-1")
    wait_for_slider(page, "Centre c₂ of J", -1.0)
