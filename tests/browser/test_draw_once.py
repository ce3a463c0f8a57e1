"""Every chart is drawn once: the margins a figure asks for already hold what plotly.js's
automargin needs (tick labels, axis titles, legends, sliders, colour bars).

When they do not, plotly.js draws the figure, finds its margins pushed, and draws it all again
(``Plots.doAutoMargin``): that second draw was about half the browser's time per slider move
(the L1|L2 contour pair took ~185 ms in a bare page, ~55 ms with its margins set). The judge is
plotly.js's own layout: the final margins (``_fullLayout._size``) must not exceed the requested
ones (``layout.margin``) on any side.
"""

import pytest

from .helpers import every_chart_drawn, wait_for_app
from .test_offline import page_paths

# Every page's default view, and the Landscape page's 3D view (another figure).
VIEWS = page_paths() + ["/?view=3D+surface"]

_MARGINS_JS = """() => [...document.querySelectorAll('.js-plotly-plot')].map((gd) => {
  const key = [...(gd.closest('[class*="st-key-"]')?.classList || [])]
    .find((c) => c.startsWith('st-key-'));
  const m = gd.layout.margin || {}, s = gd._fullLayout._size;
  return {key, asked: [m.l, m.r, m.t, m.b], got: [s.l, s.r, s.t, s.b]};
})"""


@pytest.mark.parametrize("path", VIEWS)
def test_no_chart_is_drawn_twice_for_its_margins(page, app_server, path):
    page.goto(app_server + path)
    wait_for_app(page, charts=1)
    every_chart_drawn(page)
    charts = page.evaluate(_MARGINS_JS)
    assert len(charts) >= 1
    pushed = [(c["key"], side, asked, got)
              for c in charts
              for side, asked, got in zip("lrtb", c["asked"], c["got"], strict=True)
              if asked is None or got > asked]
    assert pushed == [], ("plotly.js widened these margins and drew the chart twice "
                          f"(key, side, asked, got): {pushed}")
