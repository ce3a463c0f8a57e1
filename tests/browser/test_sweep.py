"""The λ sweep & residuals page in a real Chromium: it draws, λ and σ move by keyboard, the
charts and the link follow."""

from urllib.parse import parse_qs, urlsplit

import numpy as np
import pytest

from .helpers import (
    expect_rerun,
    open_page,
    plotly_data,
    plotly_layout,
    share_box,
    slider_by_label,
)

LAMBDA = "λ, regularization strength"
NOISE = "Noise σ"


@pytest.fixture
def sweep_page(page, app_server):
    """The page opened from a link with a query string."""
    return lambda query="": open_page(page, app_server + "/sweep" + query, charts=3)


def trace(data, name):
    return next(t for t in data if t.get("name") == name)


def test_page_draws_and_lambda_moves_by_keyboard(sweep_page):
    page = sweep_page()
    assert page.get_by_text("λ sweep & residuals", exact=True).first.is_visible()
    before = plotly_data(page, 0)
    assert "λ = 0.1:" in plotly_layout(page, 0)["title"]["text"]
    at = np.array(trace(before, "weights at λ, L1")["y"])
    assert (at == 0).sum() == 5 and (at != 0).sum() == 3   # x₁, x₂, x₅ kept, five exact zeros

    with expect_rerun(page):
        slider_by_label(page, LAMBDA).press("ArrowRight")
    assert parse_qs(urlsplit(page.url).query)["lam"] == ["0.11"]   # the next value of the grid
    assert "λ = 0.11:" in plotly_layout(page, 0)["title"]["text"]
    assert "λ = 0.11:" in plotly_layout(page, 1)["title"]["text"]
    after = plotly_data(page, 0)
    np.testing.assert_allclose(trace(after, "weights at λ, L1")["x"], 0.11, rtol=1e-6)
    assert not np.allclose(np.array(trace(after, "weights at λ, L2")["y"]),
                           np.array(trace(before, "weights at λ, L2")["y"]))
    # the paths themselves are the same curves: moving λ recomputes nothing
    assert trace(after, "path, x₁, L1")["y"] == trace(before, "path, x₁, L1")["y"]


def test_noise_moves_the_error_curves_and_the_link(sweep_page):
    page = sweep_page("?lam=0.22")
    before = plotly_data(page, 1)
    with expect_rerun(page):
        slider_by_label(page, NOISE).press("ArrowRight")
    assert parse_qs(urlsplit(page.url).query) == {"lam": ["0.22"], "noise": ["0.55"]}
    assert "σ = 0.55" in plotly_layout(page, 1)["title"]["text"]
    after = plotly_data(page, 1)
    val0 = np.array(trace(before, "validation error, L2")["y"])
    val1 = np.array(trace(after, "validation error, L2")["y"])
    assert val0.shape == val1.shape == (169,) and not np.allclose(val0, val1)
    assert np.isfinite(val1).all()
    shared = share_box(page).inner_text().strip()
    assert parse_qs(urlsplit(shared).query) == parse_qs(urlsplit(page.url).query)
