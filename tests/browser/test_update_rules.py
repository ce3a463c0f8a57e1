"""The Update rules page in a real Chromium: it draws, λ and k move by keyboard, the link too."""

from urllib.parse import parse_qs, urlsplit

import numpy as np
import pytest

from .helpers import (
    expect_rerun,
    open_page,
    plotly_data,
    plotly_layout,
    slider_by_label,
)

LAMBDA = "λ, regularization strength"
STEP_K = "Step k shown in the formulas"


@pytest.fixture
def update_page(page, app_server):
    """The page opened from a link with a query string."""
    return lambda query="": open_page(page, app_server + "/update_rules" + query, charts=3)


def trace(data, name):
    return next(t for t in data if t.get("name") == name)


def test_page_draws_and_lambda_moves_by_keyboard(update_page):
    page = update_page("?lam=1")
    assert page.get_by_text("Update rules", exact=True).first.is_visible()
    before = plotly_data(page, 0)
    assert "λ = 1," in plotly_layout(page, 0)["title"]["text"]
    band = np.array(trace(before, "±αλ band (αλ = 0.1)")["y"])
    assert sorted(set(np.round(band, 6))) == [-0.1, 0.1]
    # at λ = 1 > a|c| = 0.5 the proximal run lands on exactly 0 and stays
    prox = np.array(trace(before, "L1 proximal")["y"])
    assert prox[-1] == 0.0 and np.all(prox[np.argmax(prox == 0):] == 0)

    with expect_rerun(page):
        slider_by_label(page, LAMBDA).press("ArrowRight")
    assert parse_qs(urlsplit(page.url).query)["lam"] == ["1.1"]
    assert "λ = 1.1," in plotly_layout(page, 0)["title"]["text"]
    after = plotly_data(page, 0)
    assert not np.allclose(np.array(trace(before, "L1 subgradient")["y"]),
                           np.array(trace(after, "L1 subgradient")["y"]))


def test_the_step_slider_moves_the_formulas_and_the_link(update_page):
    page = update_page("?lam=3&data=false&w0=0.1")
    formulas = page.get_by_test_id("stMarkdown").filter(has=page.locator(".katex"))
    text0 = formulas.all_inner_texts()
    assert any("−0.2" in t or "-0.2" in t for t in text0)  # the primer's +0.1 → −0.2
    with expect_rerun(page):
        slider_by_label(page, STEP_K).press("ArrowRight")
    assert parse_qs(urlsplit(page.url).query)["k"] == ["1"]
    assert formulas.all_inner_texts() != text0
    # the marker of the shown step follows k
    shapes = plotly_layout(page, 0)["shapes"]
    assert any(s.get("x0") == 1 for s in shapes)
