"""The Landscape page in a real Chromium: it draws, λ moves by keyboard, a link reopens the view."""

from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import numpy as np

from .helpers import expect_rerun, plotly_data, plotly_layout, slider_by_label, wait_for_app

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
