"""A session's first page starts fetching plotly.js before its first chart arrives
(``ui.screen.start_loading_plotly``), and the hidden chart that asks for it is gone when the
run ends.

Without the hidden chart, Streamlit requests its Plotly component only when the first chart's
box is drawn (measured: 3 ms apart, in one React commit). With it, the fetch starts when the
hidden chart is drawn, which comes before any chart of the page.
"""

import pytest

from .helpers import every_chart_drawn, wait_for_app
from .test_offline import page_paths

# When the page's first chart arrives, by performance.now(): the element box Streamlit makes
# for a chart at once (class st-key-<key>; every page chart's key ends in _chart), before the
# Plotly component inside it is loaded.
_WATCH_BOXES = """
new MutationObserver(() => {
  if (!window.__hiddenBox && document.querySelector('.st-key-plotly_preload')) {
    window.__hiddenBox = performance.now();
  }
  if (window.__firstChartBox) return;
  const boxes = [...document.querySelectorAll('[class*="st-key-"]')]
    .filter((b) => [...b.classList].some((c) => c.startsWith('st-key-') && c.endsWith('_chart')));
  if (boxes.length) window.__firstChartBox = performance.now();
}).observe(document, {childList: true, subtree: true});
"""

_TIMES = """() => {
  const fetches = performance.getEntriesByType('resource')
    .filter((r) => /PlotlyChart\\.[^/]*\\.js$/.test(r.name));
  return {fetch: fetches.length ? fetches[0].startTime : null, box: window.__firstChartBox,
          hiddenBox: window.__hiddenBox,
          hidden: document.querySelectorAll('.st-key-plotly_preload [data-testid="stPlotlyChart"]')
            .length};
}"""


@pytest.mark.parametrize("path", page_paths())
def test_plotly_is_fetched_before_the_first_chart_arrives(page, app_server, path):
    page.add_init_script(_WATCH_BOXES)
    page.goto(app_server + path)
    wait_for_app(page, charts=1)
    every_chart_drawn(page)
    t = page.evaluate(_TIMES)
    assert t["fetch"] is not None and t["box"] is not None, t
    assert t["hiddenBox"] is not None, "no hidden chart was sent to fetch plotly.js early"
    # The hidden chart comes first, and the fetch starts before the page's first chart arrives.
    assert t["hiddenBox"] <= t["box"], t
    assert t["fetch"] < t["box"], t
    assert t["hidden"] == 0, "the hidden chart that fetches plotly.js is still on the page"


def test_later_runs_send_no_hidden_chart(page, app_server):
    page.goto(app_server + "/")
    wait_for_app(page, charts=1)
    page.evaluate("""() => {
      window.__hiddenSeen = 0;
      new MutationObserver(() => {
        window.__hiddenSeen += document.querySelectorAll(
          '.st-key-plotly_preload [data-testid="stPlotlyChart"]').length;
      }).observe(document, {childList: true, subtree: true});
    }""")
    # Another page: a full run of the router in the same session, which sends nothing hidden.
    page.get_by_test_id("stSidebarNav").get_by_text("Geometry").click()
    page.wait_for_url("**/geometry")
    wait_for_app(page, charts=1)
    every_chart_drawn(page)
    assert page.evaluate("window.__hiddenSeen") == 0
