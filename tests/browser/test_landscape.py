"""The Landscape page in a real Chromium: it draws, λ moves by keyboard, a link reopens the view."""

from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import numpy as np
import pytest

from .helpers import (
    click_figure_slider,
    expect_rerun,
    no_rerun,
    plotly_data,
    plotly_layout,
    share_box,
    slider_by_label,
    wait_for_app,
)

LAMBDA = "λ, regularization strength"
DOCS = Path(__file__).resolve().parents[2] / "docs"


def minimizer(data, name):
    t = next(t for t in data if t.get("name") == name)
    return np.array([t["x"][0], t["y"][0]])


def test_page_draws_and_lambda_moves_by_keyboard(page, app_server):
    page.goto(app_server + "/?lam=1")
    wait_for_app(page, charts=3)
    assert page.get_by_text("Loss landscape", exact=True).is_visible()
    before = plotly_data(page, 0)
    # At λ = 1 on the default least-squares problem L1 has an exact zero, L2 none.
    assert (minimizer(before, "minimizer, L1") == 0).sum() == 1
    assert (minimizer(before, "minimizer, L2") != 0).all()
    DOCS.mkdir(exist_ok=True)
    page.screenshot(path=str(DOCS / "screenshot.png"), full_page=False)

    with expect_rerun(page):
        slider_by_label(page, LAMBDA).press("ArrowRight")
    assert parse_qs(urlsplit(page.url).query)["lam"] == ["1.1"]
    assert "λ = 1.1" in plotly_layout(page, 0)["title"]["text"]
    after = plotly_data(page, 0)
    assert not np.allclose(np.array(before[0]["z"]), np.array(after[0]["z"]))


def test_a_copied_link_reopens_the_same_view(page, app_server, browser):
    page.goto(app_server + "/")
    wait_for_app(page, charts=3)
    for key in ("ArrowLeft", "ArrowLeft", "ArrowLeft"):
        with expect_rerun(page):
            slider_by_label(page, LAMBDA).press(key)
    link = page.url
    assert "lam=" in link
    data = plotly_data(page, 0)

    fresh = browser.new_context(viewport={"width": 1280, "height": 800})
    try:
        other = fresh.new_page()
        other.goto(link)
        wait_for_app(other, charts=3)
        assert slider_by_label(other, LAMBDA).get_attribute("aria-valuetext") == \
            slider_by_label(page, LAMBDA).get_attribute("aria-valuetext")
        reopened = plotly_data(other, 0)
        assert [t.get("name") for t in reopened] == [t.get("name") for t in data]
        np.testing.assert_array_equal(np.array(reopened[0]["z"]), np.array(data[0]["z"]))
        np.testing.assert_array_equal(np.array(reopened[2]["x"]), np.array(data[2]["x"]))
    finally:
        fresh.close()


def test_scrubbing_lambda_inside_the_figure_needs_no_rerun(page, app_server):
    page.goto(app_server + "/?lam=1")
    wait_for_app(page, charts=3)
    z_before = np.array(plotly_data(page, 0)[0]["z"])
    with no_rerun(page):
        click_figure_slider(page, 0.999)
        page.wait_for_function(
            "() => document.querySelector('.js-plotly-plot').layout.title.text.includes('λ = 5')")
    title = plotly_layout(page, 0)["title"]["text"]
    assert "λ = 5" in title
    z_after = np.array(plotly_data(page, 0)[0]["z"])
    assert not np.allclose(z_before, z_after)
    # The page's own λ slider (and so the link) is untouched: scrubbing is a preview.
    assert slider_by_label(page, LAMBDA).get_attribute("aria-valuetext") == "1"
    assert parse_qs(urlsplit(page.url).query)["lam"] == ["1"]


def test_rotated_3d_camera_survives_scrubbing(page, app_server):
    page.goto(app_server + "/?view=3D+surface")
    wait_for_app(page, charts=3)
    camera = {"eye": {"x": 2.0, "y": -1.2, "z": 0.6}, "up": {"x": 0, "y": 0, "z": 1},
              "center": {"x": 0, "y": 0, "z": 0}}
    page.evaluate("(c) => Plotly.relayout(document.querySelector('.js-plotly-plot'), "
                  "{'scene.camera': c})", camera)
    with no_rerun(page):
        click_figure_slider(page, 0.999)
        page.wait_for_function(
            "() => document.querySelector('.js-plotly-plot').layout.title.text.includes('λ = 5')")
    eye = plotly_layout(page, 0)["scene"]["camera"]["eye"]
    assert eye == pytest.approx(camera["eye"])


def test_a_preset_is_a_link_and_the_share_box_matches_the_address_bar(page, app_server):
    page.goto(app_server + "/?presenter=true")
    wait_for_app(page, charts=3)
    page.get_by_role("link", name="λ too large").click()
    page.wait_for_url("**lam=5**")
    wait_for_app(page, charts=3)
    query = parse_qs(urlsplit(page.url).query)
    assert query["lam"] == ["5"] and query["presenter"] == ["true"]
    assert "λ = 5" in plotly_layout(page, 0)["title"]["text"]
    assert slider_by_label(page, LAMBDA).get_attribute("aria-valuetext") == "5"
    with expect_rerun(page):
        slider_by_label(page, LAMBDA).press("ArrowLeft")
    shared = share_box(page).inner_text().strip()
    assert parse_qs(urlsplit(shared).query) == parse_qs(urlsplit(page.url).query)


def test_the_csv_download_holds_the_chart_data(page, app_server):
    page.goto(app_server + "/?lam=1")
    wait_for_app(page, charts=3)
    with page.expect_download() as info:
        page.get_by_role("button", name="CSV of this chart").first.click()
    text = Path(info.value.path()).read_text()
    assert text.splitlines()[0] == "trace,point,x,y,z"
    assert "minimizer, L1" in text


def test_a_chart_whose_frames_were_evicted_asks_for_them_and_draws_whole(page, app_server):
    page.goto(app_server + "/?lam=1")
    wait_for_app(page, charts=3)
    frames = "() => document.querySelector('.js-plotly-plot')._transitionData._frames.length"
    assert page.evaluate(frames) == 24
    # the tab's frame store loses everything (as when its cap evicts a chart's frames)
    page.evaluate("() => window.__rlFrameStore.clear()")
    with expect_rerun(page):
        slider_by_label(page, LAMBDA).press("ArrowRight")
    page.wait_for_function("() => document.querySelector('.js-plotly-plot')"
                           ".layout.title.text.includes('λ = 1.1')", timeout=30_000)
    page.wait_for_function(f"() => ({frames})() === 24 && window.__rlFrameStore.size >= 24",
                           timeout=30_000)
    # and scrubbing still works from the frames sent again
    with no_rerun(page):
        click_figure_slider(page, 0.999)
        page.wait_for_function("() => document.querySelector('.js-plotly-plot')"
                               ".layout.title.text.includes('λ = 5')")
