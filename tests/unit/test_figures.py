"""ui.figures: pure builders, checked against NumPy recomputations of what they draw."""

import base64
import copy
import csv
import io
import textwrap

import numpy as np
import plotly.graph_objects as go
import pytest
from plotly.subplots import make_subplots

from core import problems
from core.scenes import landscape
from ui import figures
from ui.figures.style import PALETTE, PENALTY_NAMES


@pytest.fixture(scope="module")
def scene():
    return landscape.scene("least_squares", "l1", 1.0, alpha=0.1, steps=30, w0=(-2.5, 2.5), n=41)


def numpy_total(scene, lam):
    p = problems.demo("least_squares")
    X, y = np.asarray(p.X, np.float64), np.asarray(p.y, np.float64)
    W1, W2 = np.meshgrid(scene.w1.astype(np.float64), scene.w2.astype(np.float64))
    W = np.stack([W1, W2], -1)
    J = ((W @ X.T - y) ** 2).mean(-1)
    return J + lam * np.abs(W).sum(-1)


def test_fmt_weight_says_exact_zero_and_never_minus_zero():
    assert figures.fmt_weight(0.0) == "0 (exact)"
    assert figures.fmt_weight(-0.0) == "0 (exact)"
    assert figures.fmt_weight(1e-9) == "1.0e-09 (not 0)"
    assert figures.fmt_weight(-1.23456) == "-1.2346"


def test_landscape_frames_hold_every_lambda_of_the_family(scene):
    fig = figures.landscape_figure(scene, palette=PALETTE, names=PENALTY_NAMES, w0=(-2.5, 2.5))
    assert len(fig.frame_specs) == len(scene.lams)
    slider = fig.spec["layout"]["sliders"][0]
    assert [s["label"] for s in slider["steps"]] == [f"{lam:g}" for lam in scene.lams]
    assert slider["active"] == scene.index
    for i in (0, 5, len(scene.lams) - 1):
        z = np.asarray(fig.frame_specs[i]["data"][0]["z"], np.float64)
        np.testing.assert_allclose(z, numpy_total(scene, scene.lams[i]), rtol=2e-5, atol=2e-5)
    # The figure's own data is the frame of the page's λ.
    np.testing.assert_array_equal(np.asarray(fig.spec["data"][0]["z"]),
                                  np.asarray(fig.frame_specs[scene.index]["data"][0]["z"]))


def test_landscape_figure_marks_the_exact_zero(scene):
    fig = figures.landscape_figure(scene, palette=PALETTE, names=PENALTY_NAMES, w0=(-2.5, 2.5))
    l1 = next(t for t in fig.spec["data"] if t["name"] == "minimizer, L1")
    assert float(l1["y"][0]) == 0.0 and float(l1["x"][0]) != 0.0
    assert any("w₂ = 0 exactly" in a["text"] for a in fig.spec["layout"]["annotations"])


def test_predict_mode_draws_no_answer(scene):
    fig = figures.landscape_figure(scene, palette=PALETTE, names=PENALTY_NAMES, w0=(0, 0),
                                   show_answer=False)
    assert [t["name"] for t in fig.spec["data"]] == ["J + λ·P", "start"]
    assert all(len(f["data"]) == 1 for f in fig.frame_specs)


def test_surface_figure_has_frames_and_keeps_the_camera(scene):
    fig = figures.surface_figure(scene, palette=PALETTE, names=PENALTY_NAMES)
    assert fig.spec["data"][0]["type"] == "surface" and len(fig.frame_specs) == len(scene.lams)
    assert fig.spec["layout"]["uirevision"] == "surface"


def test_plain_figure_sends_the_frames_plotly_would_send(scene):
    """A PlainFigure skips Plotly's validation of its frames, not their meaning: its dict must
    equal the one go.Figure makes from the same frames (validated, then base64-encoded), but
    for one thing: an empty annotation list is kept, so scrubbing to a λ with no exact zero
    clears the previous frame's "w₂ = 0 exactly" (Plotly's validation drops the empty list)."""
    fig = figures.landscape_figure(scene, palette=PALETTE, names=PENALTY_NAMES, w0=(-2.5, 2.5))
    mine = fig.to_dict()
    plotly_made = go.Figure(mine["data"], mine["layout"], frames=list(fig.frame_specs)).to_dict()
    cleared = [f for f in mine["frames"] if f["layout"]["annotations"] == []]
    assert cleared and any(f["layout"]["annotations"] for f in mine["frames"])
    for f in cleared:
        del f["layout"]["annotations"]
    assert mine == plotly_made
    assert mine["frames"][3]["data"][0]["z"]["dtype"] == "f4"  # base64 float32
    # to_dict encodes copies: the frames it holds keep their NumPy arrays
    assert isinstance(fig.frame_specs[3]["data"][0]["z"], np.ndarray)


def test_a_scrubbable_figure_must_be_a_plain_figure():
    with pytest.raises(TypeError):
        figures.add_frame_slider(go.Figure(), ["a"], 0, [figures.frame_spec(0, [], [], {})],
                                 prefix="")


def test_csv_writes_every_point_and_every_grid_node():
    w1, w2 = np.array([0.0, 1.0, 2.0], np.float32), np.array([-1.0, 1.0], np.float32)
    Z = np.arange(6, dtype=np.float32).reshape(2, 3)
    fig = go.Figure([figures.contour_trace(w1, w2, Z),
                     figures.path_trace(np.array([[0.5, 0.25], [1.5, -0.75]]), "#000", name="p")])
    rows = list(csv.DictReader(io.StringIO(figures.figure_csv(fig))))
    assert len(rows) == 6 + 2
    grid = {(float(r["x"]), float(r["y"])): float(r["z"]) for r in rows if r["trace"] == "J + λ·P"}
    assert grid[(2.0, -1.0)] == 2.0 and grid[(0.0, 1.0)] == 3.0  # z[i, j] at (x[j], y[i])
    path = [r for r in rows if r["trace"] == "p"]
    assert [(float(r["x"]), float(r["y"])) for r in path] == [(0.5, 0.25), (1.5, -0.75)]


def test_standalone_html_embeds_plotly_and_needs_no_network(scene):
    fig = figures.path_costs_figure(scene.run().costs, color="#000", name="L1")
    html = figures.figure_html(fig)
    assert "<html>" in html and "Plotly.newPlot" in html
    assert "J (data loss)" in html and "Along the path" in html  # the figure's own spec
    assert 'src="http' not in html  # plotly.js is inside the file, nothing is fetched


def font_sizes(v) -> list[float]:
    """Every font size set anywhere in ``v`` (a spec or part of one)."""
    if isinstance(v, dict):
        own = [f["size"] for k, f in v.items() if k.endswith("font") and isinstance(f, dict)
               and isinstance(f.get("size"), (int, float))]
        return own + [s for x in v.values() for s in font_sizes(x)]
    if isinstance(v, list):
        return [s for x in v for s in font_sizes(x)]
    return []


def test_presenter_text_is_16_px_or_more_everywhere(scene):
    """Ticks, axis titles, legend, annotations, the in-figure slider: ≥ 16 px on a projector,
    set on the figure itself (Streamlit's chart theme would size unset ones in rem)."""
    fig = figures.landscape_figure(scene, palette=PALETTE, names=PENALTY_NAMES, w0=(0, 0))
    assert min(font_sizes(fig.to_dict()["layout"])) < 16   # the classroom style has smaller
    layout = figures.apply_style(fig, figures.PRESENTER).to_dict()["layout"]
    assert min(font_sizes(layout)) >= 16
    for axis in ("xaxis", "yaxis"):
        assert layout[axis]["tickfont"]["size"] >= 16
        assert layout[axis]["title"]["font"]["size"] >= 16
    assert layout["legend"]["font"]["size"] >= 16


def test_presenter_style_doubles_lines_and_scales_markers(scene):
    fig = figures.landscape_figure(scene, palette=PALETTE, names=PENALTY_NAMES, w0=(0, 0))
    plain = go.Figure(fig.to_dict())
    before = [(t.line.width if getattr(t, "line", None) else None) for t in plain.data]
    sizes = [t.marker.size if getattr(t, "marker", None) else None for t in plain.data]
    margins = {side: getattr(plain.layout.margin, side) for side in "lrtb"}
    styled = figures.apply_style(fig, figures.PRESENTER)
    spec = go.Figure(styled.to_dict())  # Plotly validates the styled spec
    after = [(t.line.width if getattr(t, "line", None) else None) for t in spec.data]
    for a, b in zip(before, after, strict=True):
        if a:
            assert b == pytest.approx(2 * a)
    for a, b in zip(sizes, [t.marker.size if getattr(t, "marker", None) else None
                            for t in spec.data], strict=True):
        if isinstance(a, (int, float)):
            assert b == pytest.approx(1.6 * a)
    assert spec.layout.font.size == figures.PRESENTER.font_size
    # text 16/13 as big needs margins 16/13 as wide (else plotly.js widens them and redraws)
    for side, m in margins.items():
        assert getattr(spec.layout.margin, side) == round(m * 16 / 13)
    # the frames (λ scrubbing) go along: the same data, their text as big as the figure's
    frames, before = styled.to_dict()["frames"], fig.to_dict()["frames"]
    assert [f["data"] for f in frames] == [f["data"] for f in before]
    assert all(s >= 16 for f in frames for s in font_sizes(f["layout"]))
    assert figures.apply_style(fig, figures.CLASSROOM) is fig


def test_non_finite_values_never_reach_a_chart():
    a = figures.finite([1.0, np.nan, np.inf, -np.inf, 3.0])
    assert np.isfinite(a).all() and a.dtype == np.float32


# ---- set_layout: update_layout's result, on a plain layout ---------------------------------

def _two_panels():
    fig = make_subplots(1, 2, subplot_titles=["left", "right"], horizontal_spacing=0.08)
    fig.add_trace(go.Scatter(x=[0, 1], y=[1, 0]), row=1, col=2)
    return fig


SET_LAYOUT_CASES = [
    # nested dicts merge key by key into what make_subplots set (domain, anchor)
    ({"xaxis2": {"range": [-1, 1], "title": {"text": "w₁"}}, "yaxis": {"scaleanchor": "x"}}, {}),
    # scalars replace; a dict merges into an existing compound (title keeps its text)
    ({"title": {"text": "t"}}, {"height": 300, "font": {"size": 18}}),
    # a longer list: update_layout keeps the subplot titles as they were, appends the rest
    ({"annotations": [{"font": {"size": 20}}, {"text": "new right"}, {"text": "extra", "x": 0.5}]},
     {}),
    # a shorter list updates every element, cycling; one as long, element-wise
    ({"annotations": [{"font": {"color": "red"}}]}, {"margin": {"l": 10, "t": 40}}),
    ({"annotations": [{"font": {"size": 20}}, {"text": "new right"}]}, {}),
    # arrays of objects on a figure without any: taken as they are
    ({"shapes": [{"type": "line", "x0": 0, "x1": 1, "y0": 0, "y1": 1}],
      "sliders": [{"active": 1, "steps": [{"label": "a"}, {"label": "b"}]}]}, {}),
    # an axis the figure does not have yet (xaxis3 on two panels)
    ({"xaxis3": {"range": [0, 1]}}, {"yaxis3": {"title": {"text": "w"}}}),
]


@pytest.mark.parametrize("props, kw", SET_LAYOUT_CASES)
def test_set_layout_gives_update_layouts_figure(props, kw):
    want = _two_panels()
    want.update_layout(copy.deepcopy(props), **copy.deepcopy(kw))
    got = figures.set_layout(figures.PlainFigure(_two_panels().to_dict()),
                             copy.deepcopy(props), **copy.deepcopy(kw))
    assert got.to_dict() == want.to_dict()


@pytest.mark.parametrize("rows, cols, kw", [
    (1, 2, {"subplot_titles": ["L1", "L2"], "horizontal_spacing": 0.08}),
    (1, 2, {"shared_yaxes": True, "column_widths": [0.6, 0.4], "subplot_titles": ["a", "b"]}),
    (2, 3, {"shared_xaxes": True, "row_heights": [0.7, 0.3], "vertical_spacing": 0.07,
            "subplot_titles": ["a", "b", "c", "", "", ""]}),
    (2, 2, {"specs": [[{"rowspan": 2}, {}], [None, {}]], "subplot_titles": ["a", "b", "c"]}),
])
def test_a_grid_layout_is_make_subplots_layout_and_a_fresh_copy(rows, cols, kw):
    want = make_subplots(rows, cols, **kw).to_dict()["layout"]
    del want["template"]
    got = figures.grid_layout(rows, cols, **kw)
    assert got == want
    got["xaxis"]["domain"] = [0, 0.01]    # the cached layout is not the one handed out
    assert figures.grid_layout(rows, cols, **kw) == want


# ---- PlainFigure: a spec built as plain data, validated here rather than on every rerun ----

@pytest.fixture(scope="module")
def page_paths():
    from core.scenes import sweep
    return sweep.paths()


def _plain_figures(scene, show_answer: bool) -> dict:
    """Every figure built as a PlainFigure, at a page's setting."""
    from core.scenes import crosses, geometry, sweep, update_rules, weights
    names = {**PENALTY_NAMES, "l1_subgradient": "L1 subgradient", "l1_clip": "L1 clip",
             "l1_proximal": "L1 proximal"}
    geo = geometry.scene((2.0, 1.2), 2.5, 110, 1.2, 0.7)
    upd = update_rules.scene(1.0, 0.1, a=1.0, c=0.5, w0=1.5, steps=60)
    kw = {"palette": PALETTE, "names": PENALTY_NAMES, "show_answer": show_answer}
    crossed = crosses.scene(10, 0.002, 0.5)
    weights = weights.scene(model="logistic", d=20, k=4, flip=0.1, seed=0, lam=0.05, drop=0.5,
                          alpha=0.3, epochs=6)
    wnames = {"none": "none", "l1": "L1", "l2": "L2", "dropout": "dropout"}
    return {
        "crosses map": figures.crosses_map_figure(crossed, **kw),
        "crosses bytes": figures.bytes_figure(crossed, minute_cells=10**6, **kw),
        "crosses sweep": figures.crosses_sweep_figure(crossed, **kw),
        "crosses data": figures.crosses_data_figure(crossed),
        "histograms": figures.weight_histogram_figure(weights, lam=0.05, palette=PALETTE,
                                                      names=wnames, show_answer=show_answer),
        "curves": figures.training_curves_figure(weights.training, palette=PALETTE,
                                                 names=wnames, show_answer=show_answer),
        "features": figures.feature_weights_figure(weights, palette=PALETTE, names=wnames,
                                                   show_answer=show_answer),
        "one weight": figures.one_weight_figure(upd, palette=PALETTE, names=names, k=5,
                                                show_answer=show_answer),
        "two weights": figures.two_weight_figure(upd.plane, 1.0, palette=PALETTE, names=names,
                                                 show_answer=show_answer),
        "zeno": figures.zeno_figure(upd.zeno, color="#000", two_alpha_lambda=0.2,
                                    show_answer=show_answer),
        "landscape": figures.landscape_figure(scene, w0=(-2.5, 2.5), **kw),
        "surface": figures.surface_figure(scene, **kw),
        "side by side": figures.side_by_side_figure(scene, **kw),
        "path costs": figures.path_costs_figure(scene.run().costs, color="#000", name="L1"),
        "constrained": figures.constrained_figure(geo, **kw),
        "duality": figures.duality_figure(geo, **kw),
        "how often": figures.angle_histogram_figure(
            geometry.monte_carlo(200, seed=0, elongation=2.5, max_rotation=90, share=0.5), **kw),
        "paths": figures.paths_figure(sweep.paths(), 100, **kw),
        "bias/variance": figures.bias_variance_figure(sweep.bias_variance(0.3, 40, 8, 5), "l1",
                                                      60, **kw),
        "residuals": figures.residuals_figure(sweep.residuals(0.2), palette=PALETTE,
                                              show_answer=show_answer),
    }


@pytest.mark.parametrize("show_answer", [True, False])
def test_plain_figures_are_specs_plotly_accepts_unchanged(scene, show_answer):
    """Plotly validates every key and value of a plain spec (it raises on an unknown key or
    a bad value) and, reading it back, writes the same spec: nothing was coerced. The
    template is the one a go.Figure gets. A frame keeps an empty annotation list on purpose
    (see the FramedFigure test above); Plotly leaves that and an empty trace list out, and
    writes the default type of a frame's trace that has none."""
    template = go.Figure().to_dict()["layout"]["template"]
    for name, fig in _plain_figures(scene, show_answer).items():
        assert isinstance(fig, figures.PlainFigure), name
        spec = fig.to_dict()
        expected = copy.deepcopy(spec)
        for f in expected.get("frames", []):
            if f["layout"].get("annotations") == []:
                del f["layout"]["annotations"]
            for t in f["data"]:   # a frame's trace without a type: Plotly's default
                t.setdefault("type", "scatter")
            if f["data"] == []:   # a frame that moves no trace (predict first)
                del f["data"]
        assert go.Figure(spec).to_dict() == expected, name
        assert spec["layout"]["template"] == template, name


def test_each_spec_gets_its_own_copy_of_the_template(scene):
    """The default template is made once and handed out as copies: a change to one spec's
    template (presenter mode edits layouts) does not reach the next figure's."""
    fig = figures.side_by_side_figure(scene, palette=PALETTE, names=PENALTY_NAMES)
    first = fig.to_dict()
    first["layout"]["template"]["layout"]["font"] = {"size": 99}
    assert fig.to_dict()["layout"]["template"] == go.Figure().to_dict()["layout"]["template"]


def test_paths_figure_draws_nothing_but_axes_before_the_reveal(page_paths):
    n = len(page_paths.names)
    for show, traces in ((True, 3 * (n + 3) + 2), (False, 0)):
        fig = figures.paths_figure(page_paths, 100, palette=PALETTE, names=PENALTY_NAMES,
                                   show_answer=show)
        assert len(fig.to_dict()["data"]) == traces


def _decoded(v):
    """A spec's array: a list, or a typed array (base64 of little-endian values)."""
    if isinstance(v, dict):
        return np.frombuffer(base64.b64decode(v["bdata"]), dtype=np.dtype(v["dtype"]))
    return np.asarray(v)


def test_paths_figure_draws_every_path_in_its_panel(page_paths):
    """Each path is core's column, on the log-λ axes of its penalty's top panel."""
    data = figures.paths_figure(page_paths, 60, palette=PALETTE,
                                names=PENALTY_NAMES).to_dict()["data"]
    for c, kind in enumerate(("l1", "elastic_net", "l2"), start=1):
        for j, feature in enumerate(page_paths.names):
            t = next(t for t in data if t["name"] == f"path, {feature}, {PENALTY_NAMES[kind]}")
            assert (t["xaxis"], t["yaxis"]) == (f"x{c if c > 1 else ''}",
                                                f"y{c if c > 1 else ''}")
            np.testing.assert_array_equal(_decoded(t["y"]),
                                          np.asarray(page_paths.coef[kind][:, j], np.float32))
            np.testing.assert_array_equal(_decoded(t["x"]),
                                          np.asarray(page_paths.lams, np.float32))
        nz = next(t for t in data if t["name"] == f"non-zero weights, {PENALTY_NAMES[kind]}")
        assert (nz["xaxis"], nz["yaxis"]) == (f"x{c + 3}", f"y{c + 3}")
        np.testing.assert_array_equal(_decoded(nz["y"]), (page_paths.coef[kind] != 0).sum(1))


def test_csv_and_style_read_a_plain_figure(page_paths):
    fig = figures.paths_figure(page_paths, 60, palette=PALETTE, names=PENALTY_NAMES)
    rows = list(csv.DictReader(io.StringIO(figures.figure_csv(fig))))
    first = [r for r in rows if r["trace"] == f"path, {page_paths.names[0]}, L1"]
    assert len(first) == len(page_paths.lams)
    assert float(first[-1]["y"]) == float(np.float32(page_paths.coef["l1"][-1, 0]))
    styled = figures.apply_style(fig, figures.PRESENTER).to_dict()
    widths = [(t["line"]["width"], s["line"]["width"]) for t, s in
              zip(fig.to_dict()["data"], styled["data"], strict=True) if "line" in t]
    assert widths and all(s == pytest.approx(2 * w) for w, s in widths)


def test_projector_main_chart_moves_a_top_legend_to_the_right(scene):
    """On a projector the landscape's legend row above the plot goes to its right, and the
    room it took above the plot goes back to the plot; the traces stay as they were."""
    fig = figures.landscape_figure(scene, palette=PALETTE, names=PENALTY_NAMES, w0=(0, 0))
    before = fig.to_dict()
    out = figures.for_projector(fig, 600).to_dict()
    assert out["layout"]["height"] == 600
    assert out["layout"]["legend"]["orientation"] == "v"
    assert out["layout"]["legend"]["x"] > 1
    assert out["layout"]["margin"]["t"] < before["layout"]["margin"]["t"]
    assert out["data"] == before["data"] and out["frames"] == before["frames"]
    go.Figure(out)  # Plotly validates it


def test_phone_main_chart_has_a_two_column_legend_under_a_side_toolbar(scene):
    fig = figures.landscape_figure(scene, palette=PALETTE, names=PENALTY_NAMES, w0=(0, 0))
    out = figures.for_phone(fig, 430).to_dict()
    assert out["layout"]["height"] == 430
    assert out["layout"]["legend"]["entrywidth"] == 0.5
    assert out["layout"]["legend"]["entrywidthmode"] == "fraction"
    assert out["layout"]["modebar"]["orientation"] == "v"
    unwrapped = [{**t, "name": t["name"].replace("<br>", " ")} if "name" in t else t
                 for t in out["data"]]
    assert unwrapped == fig.to_dict()["data"]   # only the legend's labels are wrapped
    half = figures.PHONE_WIDTH_PX / 2 - 40
    for t in out["data"]:
        for line in t.get("name", "").split("<br>"):
            assert len(line) * 0.55 * 11 <= half or " " not in line, line
    go.Figure(out)


@pytest.mark.parametrize("chars", [8, 17, 30, 200])
def test_wrap_words_breaks_as_textwrap_does(chars):
    """Without tags, the greedy wrap at spaces is the standard library's."""
    text = ("the validation error bottoms out where the penalty removes the weights "
            "that only fit noise, supercalifragilistic words stay whole")
    expected = textwrap.wrap(text, chars, break_long_words=False, break_on_hyphens=False)
    assert figures.wrap_words(text, chars).split("<br>") == expected


def test_wrap_words_counts_no_tags_and_keeps_given_breaks():
    text = "L1 ball: |w<sub>1</sub>| + |w<sub>2</sub>| ≤ t<br>a second line here"
    out = figures.wrap_words(text, 18)
    assert out == "L1 ball: |w<sub>1</sub>| +<br>|w<sub>2</sub>| ≤ t<br>a second line here"
    assert figures.wrap_words("short", 40) == "short"


def test_phone_title_wraps_and_the_plot_makes_room():
    fig = go.Figure(layout={"title": {"text": "a long title " * 8, "font": {"size": 16}},
                            "margin": {"t": 60}})
    out = figures.for_phone(fig, 430).to_dict()["layout"]
    lines = out["title"]["text"].split("<br>")
    assert len(lines) > 1
    # 16 px type is about 8.8 px a character: 39 of them across the phone's chart
    assert all(len(x) <= (figures.PHONE_WIDTH_PX - 20) / (0.55 * 16) for x in lines), lines
    assert out["margin"]["t"] == round(60 + 1.25 * 16 * (len(lines) - 1))
    assert out["title"]["y"] < 1 and out["title"]["yanchor"] == "top"


def test_shared_frames_are_the_frames_the_figure_would_build_itself(scene):
    """Frames come from ``figures.FRAMES`` (shared by sessions) when the scene says what it
    was computed from; a scene that does not (settings ``()``) builds its own: both must send
    the same figure, and a figure styled for the projector must not change the shared ones."""
    own = figures.landscape_figure(scene._replace(settings=()), palette=PALETTE,
                                   names=PENALTY_NAMES, w0=(-2.5, 2.5)).to_dict()
    shared = figures.landscape_figure(scene, palette=PALETTE, names=PENALTY_NAMES,
                                      w0=(-2.5, 2.5))
    assert shared.to_dict() == own
    big = figures.for_projector(figures.apply_style(shared, figures.PRESENTER), 560)
    assert big.to_dict()["frames"] != own["frames"]     # the styled copy has bigger fonts
    again = figures.landscape_figure(scene, palette=PALETTE, names=PENALTY_NAMES,
                                     w0=(-2.5, 2.5))
    assert all(a is b for a, b in zip(again.frame_specs, shared.frame_specs, strict=True))
    assert again.to_dict() == own
    # what the frames are drawn with is part of their key: other names, other frames
    names = {**PENALTY_NAMES, "l1": "Lasso"}
    renamed = figures.landscape_figure(scene, palette=PALETTE, names=names, w0=(-2.5, 2.5))
    assert "Lasso" in str(renamed.to_dict()["frames"]) and "Lasso" not in str(own["frames"])
    # the predict-first figure has frames of its own (no answer in them)
    hidden = figures.landscape_figure(scene, palette=PALETTE, names=PENALTY_NAMES,
                                      w0=(-2.5, 2.5), show_answer=False)
    assert all(len(f["data"]) == 1 for f in hidden.to_dict()["frames"])


def test_the_frame_cache_is_bounded_and_forgets_the_oldest():
    cache = figures.BuiltFrames(2)
    built = []

    def build(n):
        built.append(n)
        return {"data": [{"z": np.full((2, 2), n, np.float32)}]}

    a = cache.get(("a",), lambda: build(1))
    assert cache.get(("a",), lambda: build(99)) is a and built == [1]
    assert cache.typed(a)["data"][0]["z"]["dtype"] == "f4"
    cache.get(("b",), lambda: build(2))
    cache.get(("c",), lambda: build(3))     # over the bound: "a" goes
    assert cache.typed(a) is None
    assert cache.get(("a",), lambda: build(4)) is not a and built == [1, 2, 3, 4]
    assert cache.typed({"data": []}) is None   # a frame it never held


def test_room_answers_on_log_axes_are_drawn_where_the_chart_puts_those_values():
    from classroom.rooms import Asked, Cloud, Question
    from ui.figures.room import room_traces
    from ui.room_panel import Room

    q = Question("x", "best λ?", (-4.0, 3.0, -12.0, 12.0), truth=(-1.0, 0.5), near=0.3,
                 log=(True, True))
    cloud = Cloud([(-1.2, 0.0), (2.0, -1.0)], [], 2, ["", "Ada"])
    room = Room("teacher", "ABCDEFGH", asked=Asked(1, q, "revealed"), cloud=cloud)
    answers, truth = room_traces(room, color="#000")
    np.testing.assert_allclose(answers["x"], [10 ** -1.2, 100.0])
    np.testing.assert_allclose(answers["y"], [1.0, 0.1])
    np.testing.assert_allclose([truth["x"][0], truth["y"][0]], [0.1, 10 ** 0.5])
    assert truth["text"] == ["1 of 2 close"]     # |−1.2 − (−1)| ≤ 0.3 < |2 − (−1)|
