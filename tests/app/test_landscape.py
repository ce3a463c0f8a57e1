"""App tests of the Landscape page: AppTest runs the real script, no browser."""


import numpy as np
import pytest
from apptools import all_charts, chart, chart_ids, decode
from streamlit.testing.v1 import AppTest

from core import problems, solve
from ui.figures.style import PENALTY_NAMES, PROBLEM_NAMES

APP = "../../app.py"






def trace(spec, name):
    return next(t for t in spec["data"] if t.get("name") == name)


@pytest.fixture
def app():
    at = AppTest.from_file(APP, default_timeout=30)
    at.run()
    assert not at.exception, at.exception
    return at


def test_page_runs_and_draws_all_charts(app):
    ids = chart_ids(app)
    for key in ("landscape_chart", "side_by_side_chart", "path_costs_chart"):
        assert any(key in i for i in ids), key
    assert not app.warning  # the default path does not diverge


def test_moving_lambda_changes_the_figure(app):
    before = chart(app, "landscape_chart")
    app.select_slider(key="lam").set_value(2.0).run()
    assert not app.exception
    after = chart(app, "landscape_chart")
    assert before["layout"]["title"] != after["layout"]["title"]
    z0, z1 = decode(before["data"][0]["z"]), decode(after["data"][0]["z"])
    assert z0.shape == z1.shape and not np.allclose(z0, z1)


def test_lambda_one_gives_l1_an_exact_zero_and_l2_none(app):
    app.select_slider(key="lam").set_value(1.0).run()
    spec = chart(app, "landscape_chart")
    l1 = trace(spec, "minimizer, L1")
    l2 = trace(spec, "minimizer, L2")
    w_l1 = [float(decode(l1["x"])[0]), float(decode(l1["y"])[0])]
    w_l2 = [float(decode(l2["x"])[0]), float(decode(l2["y"])[0])]
    assert w_l1.count(0.0) == 1
    assert 0.0 not in w_l2
    # The numbers on screen are core's minimizer (an independent solve, rounded to float32).
    ref = np.asarray(solve.minimize(problems.demo("least_squares"), "l1", 1.0))
    np.testing.assert_allclose(w_l1, ref, rtol=0, atol=1e-5)  # the solver stops at 1e-6
    assert "0 (exact)" in app.markdown[1].value


def test_a_link_restores_the_view():
    at = AppTest.from_file(APP, default_timeout=30)
    at.query_params.update({"lam": "1.5", "penalty": "L2", "problem": "logistic", "steps": "40"})
    at.run()
    assert not at.exception
    assert at.select_slider(key="lam").value == 1.5
    assert at.selectbox(key="penalty").value == "l2"
    assert at.selectbox(key="problem").value == "logistic"
    spec = chart(at, "landscape_chart")
    assert len(decode(trace(spec, "path, L2")["x"])) == 41


def test_a_huge_step_size_says_the_path_diverged_and_draws_only_finite_numbers():
    at = AppTest.from_file(APP, default_timeout=30)
    at.query_params.update({"alpha": "1.5", "penalty": "none"})
    at.run()
    assert not at.exception
    assert any("diverged" in w.value for w in at.warning)
    for spec in all_charts(at):
        for t in spec["data"]:
            for axis in ("x", "y", "z"):
                if axis in t:
                    a = decode(t[axis])
                    if a.dtype.kind == "f":
                        assert np.isfinite(a).all(), (t.get("name"), axis)


@pytest.mark.parametrize("problem", list(PROBLEM_NAMES))
@pytest.mark.parametrize("penalty", list(PENALTY_NAMES))
def test_every_problem_and_penalty_runs(problem, penalty):
    at = AppTest.from_file(APP, default_timeout=30)
    # The URL carries the labels the page shows.
    at.query_params.update({"problem": PROBLEM_NAMES[problem], "penalty": PENALTY_NAMES[penalty]})
    at.run()
    assert not at.exception
    assert at.selectbox(key="problem").value == problem
    assert at.selectbox(key="penalty").value == penalty


def test_the_3d_view_runs(app):
    app.radio(key="view").set_value("surface").run()
    assert not app.exception
    spec = chart(app, "landscape_chart")
    assert spec["data"][0]["type"] == "surface"
