"""The Weights page in a real Chromium: it draws, λ and epochs move by keyboard (chart and
link follow), and the epoch scrubber inside the histogram needs no server."""

from urllib.parse import parse_qs, urlsplit

import numpy as np
import pytest

from .helpers import (
    click_figure_slider,
    no_rerun,
    open_page,
    plotly_data,
    plotly_layout,
    slider_by_label,
    wait_for_app,
    wait_for_title,
)

LAMBDA = "λ, regularization strength"
EPOCHS = "Epochs"
HIST, CURVES, FEATURES = range(3)  # the page's charts, in order


@pytest.fixture
def weights_page(page, app_server):
    """The page opened from a link with a query string."""
    return lambda query="": open_page(page, app_server + "/weights" + query, charts=3)


def trace(data, prefix):
    return next(t for t in data if t.get("name", "").startswith(prefix))


def query(page) -> dict:
    return parse_qs(urlsplit(page.url).query)


def test_page_draws_and_lambda_moves_by_keyboard(weights_page):
    page = weights_page("?lam=0.07")
    assert page.get_by_text("Weights", exact=True).first.is_visible()
    hist = plotly_data(page, HIST)
    assert [t["name"] for t in hist] == ["none", "L1", "L2", "dropout"]
    title = plotly_layout(page, HIST)["title"]["text"]
    assert "λ = 0.07, epoch 50 of 50: 100 weights a run" in title
    for t in hist:  # every histogram holds every weight
        assert sum(t["y"][:-1]) == 100
    feats = plotly_data(page, FEATURES)
    before = np.array(trace(feats, "L1 (")["y"])  # L1's non-zero weights ...
    zeros = np.array(trace(feats, "L1: exactly 0")["y"])  # ... and its exact zeros
    assert len(zeros) > 50 and np.all(zeros == 0) and np.all(before != 0)

    slider_by_label(page, LAMBDA).press("ArrowRight")
    # the link follows at the rerun's start and the chart at its end: wait for the chart
    wait_for_title(page, HIST, "λ = 0.075, epoch 50")
    wait_for_app(page, charts=3)
    assert query(page)["lam"] == ["0.075"]
    assert "λ = 0.075, epoch 50" in plotly_layout(page, HIST)["title"]["text"]
    after = np.array(trace(plotly_data(page, FEATURES), "L1 (")["y"])
    assert after.shape != before.shape or not np.array_equal(before, after)


def test_the_epoch_scrubber_runs_in_the_browser_and_epochs_move_by_keyboard(weights_page):
    page = weights_page()
    last = plotly_data(page, HIST)
    with no_rerun(page):
        click_figure_slider(page, 0.0, index=HIST)
        page.wait_for_function(
            "() => document.querySelectorAll('.js-plotly-plot')[0].layout.title.text"
            ".includes('epoch 0 of 50')")
    first = plotly_data(page, HIST)
    # at epoch 0 every run has the same (shared) initialization, so the same histogram
    assert all(t["y"] == first[0]["y"] for t in first)
    assert first[1]["y"] != last[1]["y"]

    slider_by_label(page, EPOCHS).press("ArrowLeft")
    wait_for_title(page, HIST, "epoch 49 of 49")  # expect_rerun once missed this quick rerun
    wait_for_app(page, charts=3)
    assert query(page)["epochs"] == ["49"]
    assert "epoch 49 of 49" in plotly_layout(page, HIST)["title"]["text"]
    assert len(plotly_data(page, CURVES)[0]["x"]) == 50
