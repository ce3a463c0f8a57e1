"""App tests of the Update rules page: AppTest runs the real script, no browser."""

import json
import re

import numpy as np
import pytest
from apptools import chart, chart_ids, decode
from streamlit.testing.v1 import AppTest

from core.scenes import update_rules

APP = "../../app.py"
PAGE = "views/update_rules.py"
# the page's defaults (views/update_rules.py DEFAULTS)
DEFAULTS = {"lam": 0.6, "alpha": 0.1, "data": True, "a": 1.0, "c": 0.5, "w0": 1.5, "steps": 60}






def trace(spec, prefix):
    return next(t for t in spec["data"] if t.get("name", "").startswith(prefix))


def open_page(**params) -> AppTest:
    """This page, opened from a link. It is switched to before the first run: a run of the
    default page first would leave its widget values (its λ, its steps) in AppTest's session
    state, where a real browser starts this page from its own defaults."""
    at = AppTest.from_file(APP, default_timeout=30)
    at.query_params.update({k: str(v) for k, v in params.items()})
    at.switch_page(PAGE).run()
    assert not at.exception, at.exception
    return at


def core_scene(**params):
    p = {**DEFAULTS, **params}
    return update_rules.scene(p["lam"], p["alpha"], a=p["a"], c=p["c"], w0=p["w0"],
                              steps=p["steps"], data=p["data"])


@pytest.fixture(scope="module")
def page():
    return open_page()


def test_page_runs_and_draws_its_three_charts(page):
    ids = chart_ids(page)
    for key in ("update_chart", "zeno_chart", "two_weight_chart"):
        assert any(key in i for i in ids), key
    assert not page.warning and not page.info
    assert "Update rules" in page.title[0].value


def test_the_one_weight_chart_holds_core_runs_and_the_band():
    at = open_page(lam=4)
    spec = chart(at, "update_chart")
    s = core_scene(lam=4.0)
    for name, rid in (("L1 subgradient", "l1_subgradient"), ("L1 clip", "l1_clip"),
                      ("L1 proximal", "l1_proximal"), ("L2", "l2"), ("no penalty", "none")):
        t = next(t for t in spec["data"] if t.get("name") == name)
        np.testing.assert_array_equal(decode(t["y"]), s.runs[rid].w)
        assert list(decode(t["x"])) == list(range(61))
    band = decode(trace(spec, "±αλ band")["y"])
    ab = float(np.float32(0.1) * np.float32(4.0))
    assert sorted(set(band.tolist())) == [-ab, ab]  # the band is ±αλ
    # markers where a weight lands on exactly 0, at core's steps
    marks = trace(spec, "L1 proximal: lands on exactly 0")
    np.testing.assert_array_equal(decode(marks["x"]), s.runs["l1_proximal"].landings)
    assert np.all(decode(marks["y"]) == 0)
    # the L1 subgradient run hops inside a plateau about 2αλ wide around 0
    tail = decode(trace(spec, "L1 subgradient")["y"])[20:]
    assert tail.min() < 0 < tail.max() and tail.max() - tail.min() > 1.5 * ab


def test_moving_lambda_changes_the_figure(page):
    before = chart(page, "update_chart")
    page.select_slider(key="lam").set_value(2.0).run()
    assert not page.exception
    after = chart(page, "update_chart")
    assert "λ = 0.6" in before["layout"]["title"]["text"]
    assert "λ = 2" in after["layout"]["title"]["text"]
    y0 = decode(trace(before, "L1 subgradient")["y"])
    y1 = decode(trace(after, "L1 subgradient")["y"])
    assert y0.shape == y1.shape and not np.allclose(y0, y1)
    page.select_slider(key="lam").set_value(0.6).run()


def test_a_link_restores_the_view():
    at = open_page(lam=3, data="false", w0=0.1, steps=10, k=0, alpha=0.1)
    assert at.select_slider(key="lam").value == 3.0
    assert at.toggle(key="data").value is False
    assert at.slider(key="w0").value == pytest.approx(0.1)
    assert at.slider(key="steps").value == 10
    spec = chart(at, "update_chart")
    assert len(decode(trace(spec, "L1 clip")["x"])) == 11
    # the primer's example: +0.1 → −0.2 under subgradient, exactly 0 under clip and proximal
    table = next(m.value for m in at.markdown if m.value.startswith("| rule"))
    final = {r.split("|")[1].strip(): r.split("|")[2].strip() for r in table.splitlines()[2:]}
    assert final["L1 clip"] == final["L1 proximal"] == "0 (exact)"
    assert final["L1 subgradient"] == "0.1000" and final["L2"] != "0 (exact)"


def numbers_in(latex: str) -> list[float]:
    """The numbers of a typeset update (the line after the symbols), in order."""
    line = latex.split(r"\\", 1)[1]
    line = re.sub(r"\\times10\^\{(-?\d+)\}", r"e\1", line)
    return [float(x) for x in re.findall(r"[-+]?\d+(?:\.\d+)?(?:e-?\d+)?", line)]


def shown(x: float) -> float:
    """A number as the page prints it (4 significant digits), read back."""
    return float(f"{x:.4g}")


@pytest.mark.parametrize("params, k", [({}, 0), ({}, 30), ({"lam": 4}, 17),
                                       ({"lam": 3, "data": False, "w0": 0.1}, 0),
                                       ({"a": 2.5, "c": -1.2, "alpha": 0.2, "w0": 2}, 9)])
def test_the_typeset_numbers_are_cores_numbers_for_that_step(params, k):
    url = {key: ("false" if v is False else v) for key, v in params.items()}
    at = open_page(**url, k=k)
    s = core_scene(**params)
    latex = [el.value for el in at.latex]
    rules = {name: next(x for x in latex if rf"\textsf{{{name}:}}" in x)
             for name in ("L1 subgradient", "L1 clip", "L1 proximal", "L2")}
    band, alpha = s.band, s.alpha

    def sign(x):
        return float(np.sign(x))

    n = s.numbers("l1_subgradient", k)
    assert numbers_in(rules["L1 subgradient"]) == [
        k + 1, shown(n.w), shown(band), sign(n.w), shown(alpha), shown(n.grad), shown(n.new)]
    n = s.numbers("l1_clip", k)
    got = numbers_in(rules["L1 clip"])
    assert got[:6] == [shown(n.w), shown(band), sign(n.w), shown(alpha), shown(n.grad),
                       shown(n.raw)]
    assert got[6:] == [k + 1, shown(n.new)]
    assert ("sign flipped" in rules["L1 clip"].split(r"\\")[1]) == n.zeroed
    n = s.numbers("l1_proximal", k)
    assert numbers_in(rules["L1 proximal"]) == [
        shown(n.w), shown(alpha), shown(n.grad), shown(n.v), k + 1, shown(n.v), shown(n.v),
        shown(band), 0.0, shown(n.new)]
    n = s.numbers("l2", k)
    assert numbers_in(rules["L2"]) == [
        k + 1, shown(n.w), 2.0, shown(band), shown(n.w), shown(alpha), shown(n.grad),
        shown(n.new)]
    # an exact zero is typeset as 0, never as a tiny number
    for x in latex:
        assert "e-" not in x


def test_the_primers_example_is_typeset_with_exact_zeros():
    at = open_page(lam=3, data="false", w0=0.1, k=0)
    clip = next(el.value for el in at.latex if r"\textsf{L1 clip:}" in el.value)
    assert numbers_in(clip)[-1] == 0.0 and "sign flipped" in clip.split(r"\\")[1]
    sub = next(el.value for el in at.latex if r"\textsf{L1 subgradient:}" in el.value)
    assert numbers_in(sub)[-1] == -0.2


def test_k_past_the_last_step_shows_the_last_update():
    at = open_page(steps=5, k=50)
    assert any("showing k = 4" in c.value for c in at.caption)
    sub = next(el.value for el in at.latex if r"\textsf{L1 subgradient:}" in el.value)
    assert numbers_in(sub)[0] == 5  # w_{5}


def test_zeno_marks_the_float32_and_float64_zero_steps(page):
    spec = chart(page, "zeno_chart")
    s = core_scene()
    texts = [a["text"] for a in spec["layout"]["annotations"] if "w = 0 exactly" in a["text"]]
    shapes = [sh["x0"] for sh in spec["layout"]["shapes"]]
    for z in s.zeno.values():
        assert z.zero_at > 0
        assert any(f"k = {z.zero_at:,}" in t for t in texts)
        assert z.zero_at in shapes
    bullets = next(m.value for m in page.markdown if "**float32**" in m.value)
    assert f"step **{s.zeno['float32'].zero_at:,}**" in bullets
    assert f"step **{s.zeno['float64'].zero_at:,}**" in bullets


def test_zeno_says_so_when_float64_needs_more_steps_than_the_page_runs():
    at = open_page(lam=0.001, alpha=0.001)
    bullets = next(m.value for m in at.markdown if "**float64**" in m.value)
    assert f"not 0 after {update_rules.ZENO_CAP:,} steps" in bullets


EXTREMES = [
    {"lam": 5, "alpha": 1.5, "a": 4, "c": -2, "w0": 3, "steps": 200},
    {"lam": 0, "alpha": 0.001, "data": "false", "w0": 0, "steps": 1},
    {"lam": 5, "alpha": 0.001, "a": 0.1, "c": 2, "w0": -3, "steps": 1, "problem": "non-convex"},
    {"lam": 0, "alpha": 1.5, "a": 0.1, "c": -2, "w0": 3, "problem": "logistic"},
]


@pytest.mark.parametrize("params", EXTREMES)
def test_extremes_draw_only_finite_numbers(params):
    at = open_page(**params)
    for el in at.get("plotly_chart"):
        for t in json.loads(el.proto.spec)["data"]:
            for axis in ("x", "y", "z"):
                if axis in t:
                    a = decode(t[axis])
                    if a.dtype.kind == "f":
                        assert np.isfinite(a).all(), (t.get("name"), axis)


def test_a_diverging_step_says_so():
    at = open_page(alpha=1.5, a=2)
    assert any("diverged" in w.value and "α·a = 3 > 2" in w.value for w in at.warning)


def test_predict_first_hides_the_numbers_but_keeps_the_rules():
    at = open_page(update_predict="true")
    rules = [el.value for el in at.latex if r"\textsf{" in el.value]
    assert len(rules) == 4 and all(r"\\" not in x for x in rules)  # symbols, no numbers
    assert not any(m.value.startswith("| rule") for m in at.markdown)
    at.button(key="update_reveal_button").click().run()
    rules = [el.value for el in at.latex if r"\textsf{" in el.value]
    assert len(rules) == 4 and all(r"\\" in x for x in rules)


def test_a_diverged_run_is_named_in_the_table_not_given_a_huge_number():
    at = open_page(alpha=1.5, a=2)
    table = next(m.value for m in at.markdown if m.value.startswith("| rule"))
    assert "diverged at step" in table
    spec = chart(at, "update_chart")
    lim = spec["layout"]["yaxis"]["range"][1]
    assert lim == pytest.approx(5.4)  # 3·max(|w0|, |c|, 2αλ, 0.5), 2αλ = 2·1.5·0.6 = 1.8
    assert any("off the chart" in a["text"] for a in spec["layout"]["annotations"])


def test_the_two_weight_paths_start_where_the_sliders_say():
    at = open_page(w1="1.2", w2="-0.7")
    assert not at.exception, at.exception
    spec = chart(at, "two_weight_chart")
    paths = [t for t in spec["data"] if str(t.get("name", "")).startswith("path")]
    assert paths
    for t in paths:
        assert float(decode(t["x"])[0]) == pytest.approx(1.2, abs=1e-6)
        assert float(decode(t["y"])[0]) == pytest.approx(-0.7, abs=1e-6)
