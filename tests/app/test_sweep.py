"""App tests of the λ sweep & residuals page: AppTest runs the real script, no browser."""

import base64
import json

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from core.scenes import sweep

APP = "../../app.py"
PAGE = "views/sweep.py"
CHARTS = ("sweep_paths_chart", "sweep_bias_chart", "sweep_residuals_chart")


def decode(v):
    """A Plotly array as sent to the browser: a list, or base64 with its dtype."""
    if isinstance(v, dict) and "bdata" in v:
        return np.frombuffer(base64.b64decode(v["bdata"]), dtype=np.dtype(v["dtype"]))
    return np.asarray(v)


def chart(at, key):
    for el in at.get("plotly_chart"):
        if el.proto.id and key in el.proto.id:
            return json.loads(el.proto.spec)
    raise AssertionError(f"no chart {key!r}")


def trace(spec, name):
    return next(t for t in spec["data"] if t.get("name") == name)


def open_page(**params) -> AppTest:
    """This page opened from a link (switched to before the first run, as a link does)."""
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params.update({k: str(v) for k, v in params.items()})
    at.switch_page(PAGE).run()
    assert not at.exception, at.exception
    return at


@pytest.fixture(scope="module")
def page():
    return open_page()


def cache_sizes():
    return [f._cache_size() for f in (sweep._paths, sweep._bias_variance, sweep._lad_enumerate)]


def test_page_runs_and_draws_its_three_charts(page):
    for key in CHARTS:
        chart(page, key)
    assert not page.warning  # the default settings converge and need no notice
    assert "λ sweep & residuals" in page.title[0].value


def test_the_numbers_drawn_are_cores(page):
    """The markers at the page's λ are core's weights (float32), exact zeros included; the
    bias chart's validation curve is core's; the residual chart's exact-zero count too."""
    paths = sweep.paths()
    i = paths.index(0.1)
    spec = chart(page, "sweep_paths_chart")
    for kind, name in (("l1", "L1"), ("l2", "L2")):
        at = decode(trace(spec, f"weights at λ, {name}")["y"])
        np.testing.assert_array_equal(at, paths.coef[kind][i].astype(np.float32))
    assert (decode(trace(spec, "weights at λ, L1")["y"]) == 0).sum() == 5
    assert "L1 3, elastic net" in spec["layout"]["title"]["text"]
    errors = sweep.bias_variance(0.5, 25, 12)
    val = decode(trace(chart(page, "sweep_bias_chart"), "validation error, L2")["y"])
    np.testing.assert_allclose(val, errors.validation["l2"].astype(np.float32))
    res = chart(page, "sweep_residuals_chart")
    ring = next(t for t in res["data"] if t.get("name", "").startswith("residual exactly 0"))
    assert len(decode(ring["x"])) == sweep.residuals(0.15).absolute.exact_zeros >= 2


def test_moving_lambda_changes_the_figures_and_compiles_nothing(page):
    before = {k: chart(page, k) for k in CHARTS[:2]}
    sizes = cache_sizes()
    page.select_slider(key="lam").set_value(1.0).run()
    assert not page.exception
    after = {k: chart(page, k) for k in CHARTS[:2]}
    for k in CHARTS[:2]:
        assert before[k]["layout"]["title"] != after[k]["layout"]["title"]
        assert "λ = 1" in after[k]["layout"]["title"]["text"]
    x = decode(trace(after["sweep_paths_chart"], "weights at λ, L1")["x"])
    assert (x == 1.0).all()
    assert (decode(trace(after["sweep_paths_chart"], "weights at λ, L1")["y"]) == 0).all()
    assert cache_sizes() == sizes


@pytest.mark.parametrize("key,value,target", [("noise", 1.2, "sweep_bias_chart"),
                                               ("n", 60, "sweep_bias_chart"),
                                               ("degree", 4, "sweep_bias_chart"),
                                               ("out", 0.4, "sweep_residuals_chart")])
def test_a_slider_changes_its_chart_without_compiling(key, value, target):
    at = open_page()
    before = chart(at, target)
    sizes = cache_sizes()
    at.slider(key=key).set_value(value).run()
    assert not at.exception
    after = chart(at, target)
    assert json.dumps(before["data"]) != json.dumps(after["data"])
    assert cache_sizes() == sizes


def test_a_link_restores_the_view():
    at = open_page(lam="0.51", penalty="L1", noise="0.8", n="50", degree="8", cv="true",
                   folds="3", out="0.3")
    assert at.select_slider(key="lam").value == 0.51
    assert at.selectbox(key="penalty").value == "l1"
    assert (at.slider(key="noise").value, at.slider(key="n").value,
            at.slider(key="degree").value, at.slider(key="folds").value) == (0.8, 50, 8, 3)
    assert at.toggle(key="cv").value is True
    bias = chart(at, "sweep_bias_chart")
    names = [t.get("name", "") for t in bias["data"]]
    assert "3-fold CV error, L1" in names
    errors = sweep.bias_variance(0.8, 50, 8, 3)
    np.testing.assert_allclose(decode(trace(bias, "3-fold CV error, L1")["y"]),
                               errors.cv["l1"].astype(np.float32))
    assert "30 % outliers" in chart(at, "sweep_residuals_chart")["layout"]["title"]["text"]
    assert "λ = 0.51" in chart(at, "sweep_paths_chart")["layout"]["title"]["text"]


EXTREMES = [
    {"lam": "0.0001", "noise": "0", "n": "10", "degree": "15", "cv": "true", "folds": "10",
     "out": "0.5", "penalty": "L1"},
    {"lam": "1000", "noise": "2", "n": "200", "degree": "1", "out": "0", "penalty": "L2"},
    {"lam": "0.0001", "noise": "2", "n": "10", "degree": "15", "penalty": "elastic net"},
]


@pytest.mark.parametrize("params", EXTREMES)
def test_sliders_at_their_extremes_draw_finite_numbers(params):
    at = open_page(**params)
    for key in CHARTS:
        for t in chart(at, key)["data"]:
            for axis in ("x", "y"):
                if t.get(axis) is not None:
                    a = decode(t[axis])
                    if a.dtype.kind == "f":
                        assert np.isfinite(a).all(), (key, t.get("name"), axis)
    if params["n"] == "10":  # as many features as points: the page says what that means
        assert any("pass through every training point" in i.value for i in at.info)


def test_a_bad_link_falls_back_and_says_so():
    at = open_page(lam="0.123", n="7", penalty="L7")
    assert at.select_slider(key="lam").value == 0.1
    assert at.selectbox(key="penalty").value == "l2"
    text = " ".join(w.value for w in at.warning)
    assert "lam" in text and "penalty" in text
    for key in CHARTS:
        chart(at, key)


def test_predict_first_hides_every_answer_until_revealed():
    at = open_page(sweep_predict="true")
    hidden = {k: [t.get("name", "") for t in chart(at, k)["data"]] for k in CHARTS}
    assert not any(n.startswith("path") for n in hidden["sweep_paths_chart"])
    assert not any("validation" in n for n in hidden["sweep_bias_chart"])
    assert not any("loss" in n for n in hidden["sweep_residuals_chart"])
    at.button(key="sweep_reveal_button").click().run()
    shown = [t.get("name", "") for t in chart(at, "sweep_paths_chart")["data"]]
    assert any(n.startswith("path") for n in shown)
    assert any(md.value.startswith("| penalty") for md in at.markdown)
