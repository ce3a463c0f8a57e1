"""The Sparse crosses page in a real Chromium: it draws, λ and the cell size move by keyboard
(chart and link follow), and a copied link reopens the same maps."""

from urllib.parse import parse_qs, urlsplit

import numpy as np
import pytest

from .helpers import (
    expect_rerun,
    open_page,
    plotly_data,
    plotly_layout,
    slider_by_label,
    wait_for_app,
)

LAMBDA = "λ, regularization strength"
CELLS = "Cell size, degrees"
MAP, BYTES, SWEEP, DATA = range(4)  # the page's charts, in order
L1 = "L1 minimizer: cells with a non-zero weight"


@pytest.fixture
def crosses_page(page, app_server):
    """The page opened from a link with a query string."""
    return lambda query="": open_page(page, app_server + "/crosses" + query, charts=4)


def query(page) -> dict:
    return parse_qs(urlsplit(page.url).query)


def cells(page, name=L1) -> np.ndarray:
    t = next(t for t in plotly_data(page, MAP) if t.get("name") == name)
    return np.array(t["z"])


def test_page_draws_and_lambda_moves_by_keyboard(crosses_page):
    page = crosses_page()
    assert page.get_by_text("Sparse crosses", exact=True).first.is_visible()
    title = plotly_layout(page, MAP)["title"]["text"]
    assert "λ = 0.002, 2° cells (16,200 crosses)" in title
    before = cells(page)
    assert before.shape == (90, 180)
    l2 = cells(page, "L2 minimizer: cells with a non-zero weight")
    assert (before == 2).sum() <= (l2 == 2).sum() / 4   # L1 keeps far fewer cells

    with expect_rerun(page):
        slider_by_label(page, LAMBDA).press("ArrowRight")
    assert query(page)["lambda"] == ["0.005"]
    assert "λ = 0.005" in plotly_layout(page, MAP)["title"]["text"]
    after = cells(page)
    assert (after == 2).sum() < (before == 2).sum()
    # the bytes chart follows: L1's sparse bar is 8 bytes a non-zero cell
    bars = plotly_data(page, BYTES)[0]
    l1 = next(i for i, label in enumerate(bars["customdata"]) if label.startswith("sparse, L1"))
    assert bars["x"][l1] == 8 * (after == 2).sum()


def test_the_cell_size_moves_by_keyboard_and_a_link_reopens_the_view(crosses_page, browser):
    page = crosses_page()
    with expect_rerun(page):
        slider_by_label(page, CELLS).press("ArrowRight")       # 2° → 1°, the finest
    assert query(page)["res"] == ["1"]
    assert "1° cells (64,800 crosses)" in plotly_layout(page, MAP)["title"]["text"]
    z = cells(page)
    assert z.shape == (180, 360)
    link = page.url

    fresh = browser.new_context(viewport={"width": 1280, "height": 800})
    try:
        other = fresh.new_page()
        other.goto(link)
        wait_for_app(other, charts=4)
        assert slider_by_label(other, CELLS).get_attribute("aria-valuetext") == "1"
        np.testing.assert_array_equal(cells(other), z)
    finally:
        fresh.close()


def test_a_preset_is_a_link(crosses_page):
    page = crosses_page("?presenter=true")
    page.get_by_role("link", name="λ too large").click()
    page.wait_for_url("**lambda=0.1**")
    wait_for_app(page, charts=4)
    assert query(page)["presenter"] == ["true"]
    assert (cells(page) == 2).sum() == 0                     # L1 keeps no cell at all
    assert slider_by_label(page, LAMBDA).get_attribute("aria-valuetext") == "0.1"
