"""App tests of the Geometry page: AppTest runs the real script, no browser."""

import json
import math

import numpy as np
import pytest
from apptools import all_charts, chart, chart_ids, decode
from streamlit.testing.v1 import AppTest

from core.scenes import geometry

APP = "../../app.py"
PAGE = "views/geometry.py"
CHARTS = ("geometry_chart", "duality_chart", "often_chart")


def open_geometry(**params) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params.update(params)
    at.switch_page(PAGE)   # before the first run, so the link's params reach this page
    at.run()
    assert not at.exception, at.exception
    return at






def trace(spec, name):
    return next(t for t in spec["data"] if t.get("name") == name)


def point(spec, name):
    t = trace(spec, name)
    return np.array([decode(t["x"])[0], decode(t["y"])[0]], np.float64)


def widget(at, key):
    for kind in ("slider", "select_slider"):
        found = [w for w in getattr(at, kind) if w.key == key]
        if found:
            return found[0]
    raise AssertionError(f"no widget {key!r}")


def all_finite(at):
    for spec in all_charts(at):
        frames = [f.get("data", []) for f in spec.get("frames", [])]
        for t in spec["data"] + [t for data in frames for t in data]:
            for axis in ("x", "y", "z"):
                if axis in t:
                    a = decode(t[axis])
                    if a.dtype.kind in "fi":
                        assert np.isfinite(a.astype(float)).all(), (t.get("name"), axis)


@pytest.fixture(scope="module")
def app():
    return open_geometry()


def test_page_runs_and_draws_its_three_charts(app):
    ids = chart_ids(app)
    for key in CHARTS:
        assert any(key in i for i in ids), key
    assert not app.warning
    assert app.title[0].value.startswith("Geometry")


def test_default_view_l1_lands_on_an_axis_and_l2_does_not(app):
    spec = chart(app, "geometry_chart")
    l1, l2 = point(spec, "minimizer in the L1 ball"), point(spec, "minimizer in the L2 ball")
    assert l1.tolist().count(0.0) == 1 and 0.0 not in l2.tolist()
    # the numbers drawn are the constrained minimizers (an independent solve, float32 on screen)
    p = geometry.quadratic((2.0, 1.2), 2.5, 110)
    for got, kind in ((l1, "l1"), (l2, "l2")):
        want = np.asarray(geometry.constrained_minimize(p, kind, 1.2).w)
        np.testing.assert_allclose(got, want, rtol=0, atol=1e-6)
    # on the boundary of the ball of radius t = 1.2
    assert np.abs(l1).sum() == pytest.approx(1.2, rel=1e-6)
    assert np.linalg.norm(l2) == pytest.approx(1.2, rel=1e-6)
    assert any("0 (exact)" in m.value for m in app.markdown)


def test_the_touching_level_set_passes_through_the_answer(app):
    spec = chart(app, "geometry_chart")
    p = geometry.quadratic((2.0, 1.2), 2.5, 110)
    for kind in ("L1", "L2"):
        w = point(spec, f"minimizer in the {kind} ball")
        t = next(t for t in spec["data"] if t.get("name", "").startswith(
            f"touching level set, {kind}"))
        pts = np.stack([decode(t["x"]), decode(t["y"])], axis=-1).astype(np.float64)
        J = np.asarray(p.loss(pts))
        np.testing.assert_allclose(J, float(p.loss(w)), rtol=1e-4)   # one level: J(w*)
        assert np.min(np.linalg.norm(pts - w, axis=1)) < 0.05        # and it passes by w*


def test_moving_t_changes_the_constrained_chart():
    at = open_geometry()
    before = chart(at, "geometry_chart")
    widget(at, "t").set_value(0.8).run()
    assert not at.exception
    after = chart(at, "geometry_chart")
    assert before["layout"]["title"] != after["layout"]["title"]
    assert "t = 0.8" in after["layout"]["title"]["text"]
    b0 = decode(trace(before, "L1 ball, t = 1.2")["x"])
    b1 = decode(trace(after, "L1 ball, t = 0.8")["x"])
    assert b0.shape == b1.shape and np.max(np.abs(b1)) == pytest.approx(0.8, rel=1e-6)


def test_moving_lambda_changes_the_duality_chart_and_the_link_holds():
    at = open_geometry()
    before = chart(at, "duality_chart")
    widget(at, "lam").set_value(0.3).run()
    after = chart(at, "duality_chart")
    assert before["layout"]["title"] != after["layout"]["title"]
    assert after["layout"]["title"]["text"].startswith("λ = 0.3")
    assert len(after["frames"]) == len(after["layout"]["sliders"][0]["steps"]) > 10
    for k in ("L1", "L2"):
        pen = point(after, f"minimizer, {k} (λ)")
        con = point(after, f"constrained minimizer at t(λ), {k}")
        np.testing.assert_allclose(con, pen, atol=1e-4)   # the ring sits on the star
    # the ball drawn through w*(λ) has radius t(λ) = ‖w*(λ)‖
    pen = point(after, "minimizer, L1 (λ)")
    ball = decode(trace(after, "L1 ball of radius t(λ)")["x"])
    assert np.max(np.abs(ball)) == pytest.approx(np.abs(pen).sum(), rel=1e-5)


def test_moving_n_changes_the_monte_carlo_chart():
    at = open_geometry()
    before = chart(at, "often_chart")
    widget(at, "mc_n").set_value(5000).run()
    after = chart(at, "often_chart")
    assert before["layout"]["title"] != after["layout"]["title"]
    assert "5,000 random problems" in after["layout"]["title"]["text"]
    counts = decode(trace(after, "answers, L1 ball")["y"])
    assert counts.sum() == 5000
    shares = [m.value for m in at.metric]
    mc = geometry.monte_carlo(5000, seed=0, elongation=2.5, max_rotation=90, share=0.5)
    assert shares[0] == f"{100 * mc.share_l1:.1f} %" and shares[1] == f"{100 * mc.share_l2:.1f} %"
    assert mc.share_l1 > 0.3 and mc.share_l2 < 0.01


def test_a_link_restores_the_view():
    params = {"c1": "-1.5", "c2": "0.7", "elong": "4", "rot": "35", "t": "0.9", "lam": "2",
              "mc_n": "2500", "mc_seed": "7", "mc_elong": "1.5", "mc_rot": "20",
              "mc_share": "0.3"}
    at = open_geometry(**params)
    for key, raw in params.items():
        assert widget(at, key).value == pytest.approx(float(raw)), key
    assert "t = 0.9" in chart(at, "geometry_chart")["layout"]["title"]["text"]
    assert chart(at, "duality_chart")["layout"]["title"]["text"].startswith("λ = 2")
    assert "2,500" in chart(at, "often_chart")["layout"]["title"]["text"]
    # the centre drawn is the link's
    c = point(chart(at, "geometry_chart"), "minimizer of J (no constraint)")
    np.testing.assert_allclose(c, [-1.5, 0.7], atol=1e-6)
    assert not at.warning


@pytest.mark.parametrize("params", [
    {"t": "0", "lam": "0", "c1": "0", "c2": "0"},
    {"t": "3.5", "lam": "5", "c1": "-3", "c2": "3", "elong": "5", "rot": "175"},
    {"t": "0.05", "lam": "0.001", "c1": "3", "c2": "0", "elong": "1", "rot": "0"},
    {"mc_n": "10000", "mc_share": "0.1", "mc_elong": "5", "mc_rot": "0", "mc_seed": "99"},
    {"mc_n": "100", "mc_share": "0.9", "mc_elong": "1", "mc_rot": "90"},
])
def test_extremes_draw_only_finite_numbers(params):
    at = open_geometry(**params)
    assert len(chart_ids(at)) == 3
    all_finite(at)


def test_a_ball_that_holds_the_centre_says_so():
    at = open_geometry(c1="0.5", c2="0.3", t="3")
    assert any("already hold" in i.value for i in at.info)
    spec = chart(at, "geometry_chart")
    np.testing.assert_allclose(point(spec, "minimizer in the L1 ball"), [0.5, 0.3], atol=1e-6)


def test_monte_carlo_predict_hides_the_shares_until_revealed():
    at = open_geometry(geometry_mc_predict="true")
    names = [t.get("name") for t in chart(at, "often_chart")["data"]]
    assert not any(n.startswith("answers") for n in names) and not at.metric
    at.button(key="geometry_mc_reveal_button").click().run()
    names = [t.get("name") for t in chart(at, "often_chart")["data"]]
    assert "answers, L1 ball" in names and len(at.metric) == 2
    # the other charts were never hidden: that switch is the Monte Carlo's own
    assert any("minimizer" in t.get("name", "") for t in chart(at, "geometry_chart")["data"])


def test_the_duality_frames_match_core_for_every_lambda(app):
    spec = chart(app, "duality_chart")
    s = geometry.scene((2.0, 1.2), 2.5, 110, 1.2, 0.7)
    names = [t.get("name") for t in spec["data"]]
    star = names.index("minimizer, L1 (λ)")
    for frame, lam, w in zip(spec["frames"], s.lams, s.duality["l1"].w_pen, strict=True):
        assert frame["name"] == f"{lam:g}"
        pos = frame["traces"].index(star)
        got = [frame["data"][pos]["x"][0], frame["data"][pos]["y"][0]]
        np.testing.assert_allclose(got, w, atol=1e-6)
        if 0.0 in w.tolist():
            assert 0.0 in got and "exactly" in json.dumps(frame["layout"]["annotations"])
    assert math.isclose(spec["layout"]["sliders"][0]["active"], s.index)


def test_presenter_mode_styles_every_chart_bars_included():
    """kit.chart scales every trace in presenter mode; a bar chart has no marker size."""
    at = AppTest.from_file(APP, default_timeout=60)
    at.switch_page(PAGE)
    at.session_state["presenter"] = True   # the page runs alone here: no app.py sidebar toggle
    at.run()
    assert not at.exception, at.exception
    plain = open_geometry()
    for key in CHARTS:
        assert chart(at, key)["layout"]["font"]["size"] == 16   # legible from the back: ≥ 16 px
    widths = [[(t.get("line") or {}).get("width") for t in chart(a, "geometry_chart")["data"]]
              for a in (plain, at)]
    pairs = [(a, b) for a, b in zip(*widths, strict=True) if a]
    assert pairs and all(b == pytest.approx(2 * a) for a, b in pairs)
