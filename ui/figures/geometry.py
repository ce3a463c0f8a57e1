"""The Geometry page's figures: level sets touching the L1 diamond and the L2 circle,
penalized ↔ constrained over λ, and the angles of many random problems' answers."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from ui.figures.fmt import minimizer_text
from ui.figures.frames import add_lambda_slider, append_moving, frame_spec
from ui.figures.spec import PlainFigure, axis_name, grid_layout, note_on_panel, on_panel, set_layout
from ui.figures.style import rgba
from ui.figures.traces import (
    ball_trace,
    ball_xy,
    contour_trace,
    finite,
    minimizer_trace,
    one_legend_entry_per_name,
    square_axes,
    zero_annotations,
)


def level_set_trace(points, color: str, *, name: str) -> dict:
    """A level set {J = value} drawn solid and thick (the ball is dashed): the one that touches."""
    t = ball_trace(points, color, name=name)
    t["line"].update(dash="solid", width=3)
    return t


def _constrained_point_trace(w, color: str, *, name: str) -> dict:
    """The constrained minimizer as a large open ring: it sits around a star when they agree."""
    t = minimizer_trace(w, color, name=name)
    t["marker"].update(symbol="circle-open", size=24, line={"width": 2.5, "color": color})
    return t


def constrained_figure(scene, *, palette: dict, names: dict, show_answer: bool = True
                       ) -> go.Figure:
    """argmin J s.t. ‖w‖ ≤ t: the L1 diamond (left) and the L2 circle (right) of radius
    ``scene.t`` over the contours of J, each with its constrained minimizer, the level set of J
    through it (the one that touches the ball), and J's own minimizer c.

    With ``show_answer`` False only the contours and the balls are drawn (predict first).
    A ``PlainFigure``.
    """
    t = scene.t
    fig = PlainFigure({"layout": grid_layout(1, 2, horizontal_spacing=0.08, subplot_titles=[
        f"L1 ball (diamond): |w₁| + |w₂| ≤ {t:g}", f"L2 ball (circle): √(w₁² + w₂²) ≤ {t:g}"])})
    traces, notes = fig.spec["data"], []
    for col, kind in ((1, "l1"), (2, "l2")):
        a = scene.constrained[kind]
        panel = [contour_trace(scene.w1, scene.w2, scene.J, name="J(w)"),
                 ball_trace(a.ball, palette[kind], name=f"{names[kind]} ball, t = {t:g}")]
        if show_answer:
            panel += [level_set_trace(a.touching, palette[kind],
                                      name=f"touching level set, {names[kind]}: J = {a.J:.3g}"),
                      minimizer_trace(scene.center, palette["none"],
                                      name="minimizer of J (no constraint)"),
                      minimizer_trace(a.w, palette[kind],
                                      name=f"minimizer in the {names[kind]} ball")]
            notes += [note_on_panel(n, col) for n in zero_annotations(a.w, palette[kind])]
        traces += [{**tr, **on_panel(col)} for tr in panel]
        square_axes(fig, scene.problem.view, col=col)
    one_legend_entry_per_name(traces)
    c1, c2 = (float(v) for v in scene.center)
    r = 0.03 * (scene.problem.view[1] - scene.problem.view[0])   # ~15 px on a projector
    # A handle on J's centre in each panel: dragging it (see ui.live_chart) moves J. Filled,
    # so that plotly.js lets it be grabbed anywhere inside, not only on its outline
    fig.spec["layout"]["shapes"] = [
        {"type": "circle", "name": "rl-drag", "xref": f"x{col}",
         "yref": f"y{col}", "x0": c1 - r, "x1": c1 + r, "y0": c2 - r, "y1": c2 + r,
         "line": {"color": palette["none"], "width": 2},
         "fillcolor": rgba(palette["none"], 0.25)} for col in ("", "2")]
    for tr in traces:   # the subplot titles name the balls
        if " ball, t = " in tr["name"]:
            tr["showlegend"] = False
    # b: the legend takes three rows at the width of the main chart's column
    set_layout(fig, height=560, margin={"l": 76, "r": 10, "t": 80, "b": 132},
               title={"text": f"argmin J(w) subject to ‖w‖ ≤ t, t = {t:g}", "y": 0.98},
               legend={"orientation": "h", "x": 0, "y": -0.14, "yanchor": "top"},
               annotations=fig.spec["layout"]["annotations"] + notes, uirevision="constrained")
    return fig


def _duality_title(scene, i: int, *, show_answer: bool) -> str:
    """The title at the i-th λ: λ, and t(λ) of L1 and L2 once the answer is shown."""
    lam = scene.lams[i]
    if not show_answer:
        return f"min J(w) + λ·P(w), λ = {lam:g}"
    t1, t2 = (scene.duality[k].t[i] for k in ("l1", "l2"))
    return f"λ = {lam:g}:  t(λ) = {t1:.3g} (L1), {t2:.3g} (L2)"


def _duality_layout(scene, i: int, titles: list[dict], *, palette: dict, show_answer: bool
                    ) -> dict:
    """The layout at the i-th λ: the title and, with the answer, the stars' exact-zero notes."""
    notes = [n for k in ("l1", "l2")
             for n in zero_annotations(scene.duality[k].w_pen[i], palette[k])]
    return {"title": {"text": _duality_title(scene, i, show_answer=show_answer)},
            "annotations": titles + notes if show_answer else titles}


def _star_name(names: dict, k: str) -> str:
    """The legend name of the penalized minimizer's star for ``k``."""
    return f"minimizer, {names[k]} (λ)"


def _duality_moving(scene, i: int, names: dict) -> list[dict]:
    """What changes with λ, as plain coordinates, in the order ``_duality_at_lambda`` adds it."""
    out = []
    for k in ("l1", "l2"):
        d = scene.duality[k]
        bx, by = ball_xy(d.balls[i])
        con, pen = finite(d.w_con[i]).tolist(), finite(d.w_pen[i]).tolist()
        out += [{"x": bx, "y": by},
                {"x": con[:1], "y": con[1:]},
                {"x": pen[:1], "y": pen[1:],
                 "hovertemplate": minimizer_text(_star_name(names, k), d.w_pen[i])},
                {"x": finite([scene.lams[i]]).tolist(), "y": finite([d.t[i]]).tolist()}]
    return out


def _budget_curves(scene, *, palette: dict, names: dict) -> list[dict]:
    """The curves t(λ) = ‖w*(λ)‖ of L1 and L2, on the right panel."""
    return [{"type": "scatter", "x": finite(scene.curve_lams),
             "y": finite(scene.duality[k].curve_t), "mode": "lines",
             "name": f"t(λ), {names[k]}",
             "line": {"color": palette[k], "width": 2.5},
             "hovertemplate": "λ = %{x:g}<br>t = %{y:.4f}<extra>" + names[k]
                              + "</extra>", **on_panel(2)}
            for k in ("l1", "l2")]


def _duality_at_lambda(scene, i: int, *, palette: dict, names: dict) -> list[dict]:
    """At the i-th λ: each ball of radius t(λ), its ring and star (left), its dot on t(λ)."""
    left, right = on_panel(1), on_panel(2)
    traces = []
    for k in ("l1", "l2"):
        d, n = scene.duality[k], names[k]
        traces += [
            {**ball_trace(d.balls[i], palette[k], name=f"{n} ball of radius t(λ)"), **left},
            {**_constrained_point_trace(d.w_con[i], palette[k],
                                        name=f"constrained minimizer at t(λ), {n}"), **left},
            {**minimizer_trace(d.w_pen[i], palette[k], name=_star_name(names, k)), **left},
            {"type": "scatter", "x": finite([scene.lams[i]]), "y": finite([d.t[i]]),
             "mode": "markers", "name": f"t(λ), {n}, at λ", "showlegend": False,
             "marker": {"size": 12, "color": palette[k],
                        "line": {"width": 1, "color": "#000000"}},
             "hovertemplate": "λ = %{x:g}<br>t = %{y:.4f}<extra>" + n + "</extra>", **right}]
    return traces


def _budget_axes(fig: PlainFigure, scene) -> None:
    """The right panel's axes: λ across, t(λ) up, both curves in full."""
    top = max(float(np.max(scene.duality[k].curve_t)) for k in ("l1", "l2"))
    set_layout(fig, xaxis2={"title": {"text": "λ"},
                            "range": [-0.1, float(scene.curve_lams[-1]) + 0.1]},
               yaxis2={"title": {"text": "t(λ)"}, "range": [-0.05, 1.1 * top + 0.05]})


def duality_figure(scene, *, palette: dict, names: dict, show_answer: bool = True
                   ) -> go.Figure:
    """Penalized ↔ constrained, λ scrubbable in the figure. Left: the penalized minimizers
    w*(λ) of J + λ·P (stars) for L1 and L2, the ball of radius t(λ) = ‖w*(λ)‖ through each,
    and the constrained minimizer at that t (a ring: it sits on the star). Right: t against
    λ for both, with a dot at the λ shown.

    The frames carry only the coordinates that move (x, y and the hover text), which keeps
    the figure quick to build and to send. With ``show_answer`` False only the contours are
    drawn; the slider still moves the title. A ``PlainFigure``.
    """
    i0 = scene.index
    fig = PlainFigure({"layout": grid_layout(
        1, 2, column_widths=[0.6, 0.4], horizontal_spacing=0.1,
        subplot_titles=["w*(λ) and the ball of radius t(λ) through it",
                        "each λ is a budget: t(λ) = ‖w*(λ)‖"])})
    titles = fig.spec["layout"]["annotations"]
    traces = fig.spec["data"]

    def layout(i: int) -> dict:
        """The layout at the i-th λ (``_duality_layout`` with this figure's titles)."""
        return _duality_layout(scene, i, titles, palette=palette, show_answer=show_answer)

    traces.append({**contour_trace(scene.w1, scene.w2, scene.J, name="J(w)"), **on_panel(1)})
    if show_answer:
        traces.append({**minimizer_trace(scene.center, palette["none"],
                                         name="minimizer of J (λ = 0)"), **on_panel(1)})
        traces += _budget_curves(scene, palette=palette, names=names)
        ids = append_moving(traces, _duality_at_lambda(scene, i0, palette=palette, names=names))
        frames = [frame_spec(lam, _duality_moving(scene, i, names), ids, layout(i))
                  for i, lam in enumerate(scene.lams)]
    else:
        frames = [frame_spec(lam, [], [], layout(i)) for i, lam in enumerate(scene.lams)]
    set_layout(fig, **layout(i0))
    add_lambda_slider(fig, scene.lams, i0, frames)
    square_axes(fig, scene.problem.view)
    _budget_axes(fig, scene)
    one_legend_entry_per_name(traces)
    set_layout(fig, height=660, margin={"l": 54, "r": 10, "t": 70, "b": 226},
               title={"y": 0.98},
               legend={"orientation": "h", "x": 0, "y": -0.4, "yanchor": "top"},
               uirevision="duality")
    return fig


def angle_histogram_figure(mc, *, palette: dict, names: dict, show_answer: bool = True
                           ) -> go.Figure:
    """How often each ball's answer lands on an axis: histograms of the answers' angles from
    the w₁ axis (0° and 90° are the axes) for L1 (left) and L2 (right), over ``mc.n`` random
    problems, with the unconstrained minimizers' angles as an outline.

    With ``show_answer`` False only the unconstrained outline is drawn. A ``PlainFigure``.
    """
    edges = np.asarray(mc.angle_edges, np.float64)
    mid, width = (edges[:-1] + edges[1:]) / 2, float(edges[1] - edges[0])
    fig = PlainFigure({"layout": grid_layout(
        1, 2, shared_yaxes=True, horizontal_spacing=0.05,
        subplot_titles=[f"L1 ball: {100 * mc.share_l1:.1f} % on an axis"
                        if show_answer else "L1 ball: ?",
                        f"L2 ball: {100 * mc.share_l2:.1f} % on an axis"
                        if show_answer else "L2 ball: ?"])})
    traces = fig.spec["data"]
    for col, kind in ((1, "l1"), (2, "l2")):
        if show_answer:
            traces.append({"type": "bar", "x": mid.astype(np.float32),
                           "y": mc.angle_counts[kind].astype(np.int32), "width": width,
                           "name": f"answers, {names[kind]} ball",
                           "marker": {"color": palette[kind], "line": {"width": 0}},
                           "hovertemplate": "%{x:.0f}°: %{y} problems<extra>" + names[kind]
                                            + "</extra>", **on_panel(col)})
        traces.append({"type": "scatter", "x": mid.astype(np.float32),
                       "y": mc.angle_counts["none"].astype(np.int32), "mode": "lines",
                       "line": {"color": palette["none"], "width": 2, "shape": "hvh"},
                       "name": "no constraint (minimizers of J)",
                       "hovertemplate": "%{x:.0f}°: %{y} problems<extra>no constraint</extra>",
                       **on_panel(col)})
        set_layout(fig, {f"xaxis{axis_name(col)}": {
            "range": [-1, 91], "tickvals": [0, 15, 30, 45, 60, 75, 90],
            "ticktext": ["0°<br>w₂ = 0", "15°", "30°", "45°", "60°", "75°", "90°<br>w₁ = 0"],
            "title": {"text": "angle of |w| from the w₁ axis"}}})
    set_layout(fig, yaxis={"title": {"text": "problems"}})
    one_legend_entry_per_name(traces)
    text = (f"{mc.n:,} random problems: an exact zero in {100 * mc.share_l1:.1f} % of L1 answers, "
            f"{100 * mc.share_l2:.1f} % of L2 answers" if show_answer
            else f"{mc.n:,} random problems: how many answers have an exact zero?")
    set_layout(fig, height=420, margin={"l": 76, "r": 26, "t": 90, "b": 108}, bargap=0,
               title={"text": text, "y": 0.99},
               legend={"orientation": "h", "x": 0, "y": -0.3}, uirevision="how-often")
    return fig
