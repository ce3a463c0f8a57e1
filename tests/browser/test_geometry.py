"""The Geometry page in a real Chromium: it draws, sliders move by keyboard, λ scrubs in-figure."""

from urllib.parse import parse_qs, urlsplit

import numpy as np
from playwright.sync_api import expect

from .helpers import (
    click_figure_slider,
    expect_rerun,
    no_rerun,
    open_page,
    plotly_data,
    plotly_layout,
    share_box,
    slider_by_label,
    wait_for_app,
    wait_for_title,
)

BUDGET = "t, budget (ball radius)"
N = "N, random problems"


def open_geometry(page, app_server, query: str = "") -> None:
    open_page(page, app_server + "/geometry" + query, charts=3)
    assert page.get_by_text("Geometry: diamond vs circle", exact=True).is_visible()


def point(data, name):
    t = next(t for t in data if t.get("name") == name)
    return np.array([t["x"][0], t["y"][0]])


def test_page_draws_and_t_moves_by_keyboard(page, app_server):
    open_geometry(page, app_server, "?t=1.5")
    before = plotly_data(page, 0)
    l1, l2 = point(before, "minimizer in the L1 ball"), point(before, "minimizer in the L2 ball")
    assert (l1 == 0).sum() == 1 and (l2 != 0).all()
    assert np.abs(l1).sum() == np.float32(1.5)
    with expect_rerun(page):
        slider_by_label(page, BUDGET).press("ArrowRight")
    assert parse_qs(urlsplit(page.url).query)["t"] == ["1.55"]
    assert "t = 1.55" in plotly_layout(page, 0)["title"]["text"]
    after = plotly_data(page, 0)
    assert not np.allclose(point(after, "minimizer in the L2 ball"), l2)


def test_n_moves_by_keyboard_and_the_histogram_follows(page, app_server):
    open_geometry(page, app_server)
    assert "1,000 random problems" in plotly_layout(page, 2)["title"]["text"]
    link = share_box(page)  # opened first: it is drawn in N's section
    expect(link).to_contain_text("geometry")
    slider_by_label(page, N).press("ArrowRight")
    # N reruns only its own section (a fragment): quick, so wait for the chart itself
    wait_for_title(page, 2, "1,100 random problems")
    wait_for_app(page, charts=3)
    assert parse_qs(urlsplit(page.url).query)["mc_n"] == ["1100"]
    bars = next(t for t in plotly_data(page, 2) if t.get("name") == "answers, L1 ball")
    assert sum(bars["y"]) == 1100
    # L1's answers pile up on the axes: the two end bins hold far more than a middle one
    assert bars["y"][0] + bars["y"][-1] > 10 * bars["y"][len(bars["y"]) // 2]
    # the share link is drawn in that section, so it follows N too
    expect(link).to_contain_text("mc_n=1100")


def test_scrubbing_lambda_inside_the_duality_figure_needs_no_rerun(page, app_server):
    open_geometry(page, app_server, "?lam=1")
    before = point(plotly_data(page, 1), "minimizer, L1 (λ)")
    with no_rerun(page):
        click_figure_slider(page, 0.999, index=1)
        page.wait_for_function(
            "() => document.querySelectorAll('.js-plotly-plot')[1].layout.title.text"
            ".startsWith('λ = 5')")
    after = point(plotly_data(page, 1), "minimizer, L1 (λ)")
    assert not np.allclose(before, after) and (after == 0).all()   # λ = 5: L1 is (0, 0)
    assert parse_qs(urlsplit(page.url).query)["lam"] == ["1"]
