"""The Update rules page's figures: one weight under the three update rules, Zeno's
halving steps, and two weights in the plane."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from core.own_data import nice_ceiling
from ui.figures.fmt import fmt_weight
from ui.figures.spec import PlainFigure, grid_layout, note_on_panel, on_panel, set_layout
from ui.figures.style import RULE_DASH, ZERO_SYMBOL, rgba
from ui.figures.traces import (
    contour_trace,
    finite,
    minimizer_trace,
    one_legend_entry_per_name,
    path_trace,
    square_axes,
    start_trace,
    vline,
    without_empty_lists,
    zero_annotations,
)


def band_trace(steps: int, band: float, color: str) -> dict:
    """The band −αλ ≤ w ≤ αλ over steps 0..steps, shaded: L1's pull of one step around 0."""
    b = float(finite([band])[0])
    return {"type": "scatter", "x": np.asarray([0, steps, steps, 0, 0], np.float32),
            "y": np.asarray([-b, -b, b, b, -b], np.float32), "mode": "lines",
            "fill": "toself", "fillcolor": rgba(color, 0.15), "line": {"width": 0},
            "name": f"±αλ band (αλ = {band:.4g})", "hoverinfo": "name"}


def weight_trace(k, w, color: str, *, name: str, dash: str = "solid") -> dict:
    """w_k against k; exact zeros are said as such on hover."""
    w = finite(w)
    return {"type": "scatter", "x": np.asarray(k, np.int32), "y": w, "mode": "lines+markers",
            "name": name, "line": {"color": color, "width": 2.5, "dash": dash},
            "marker": {"size": 4, "color": color}, "text": [fmt_weight(x) for x in w],
            "hovertemplate": "k = %{x}<br>w = %{text}<extra>" + name + "</extra>"}


def zeros_trace(k, color: str, *, name: str, symbol: str = "x") -> dict:
    """Markers on the axis at the steps ``k`` where a weight becomes exactly 0."""
    k = np.asarray(k, np.int32)
    return {"type": "scatter", "x": k, "y": np.zeros(len(k), np.float32), "mode": "markers",
            "name": name, "marker": {"symbol": symbol, "size": 11, "color": color,
                                     "line": {"width": 1.5, "color": "#000000"}},
            "hovertemplate": "k = %{x}: w = 0 exactly<extra>" + name + "</extra>"}


def level_trace(steps: int, value: float, color: str, *, name: str) -> dict:
    """A horizontal line across the steps: where a run should end up (a minimizer)."""
    v = np.float32(value)
    return {"type": "scatter", "x": np.asarray([0, steps], np.float32), "y": finite([v, v]),
            "mode": "lines", "name": name,
            "line": {"color": color, "width": 1.5, "dash": "longdash"},
            "hovertemplate": name + f": {fmt_weight(value)}<extra></extra>"}


def one_weight_figure(scene, *, palette: dict, names: dict, k: int | None = None,
                      show_answer: bool = True) -> go.Figure:
    """w_k against k under each rule of ``scene.runs`` from one start; the ±αλ band; markers
    where a weight lands on exactly 0; the closed-form minimizers; the step ``k`` the
    formulas show.

    With ``show_answer`` False only the band, the start and the unregularized run are drawn.
    ``names`` maps a run id (and "none", "l1", "l2") to what the page calls it. A
    ``PlainFigure``, as the other two of the page.
    """
    steps, ks = scene.steps, scene.k
    data = [band_trace(steps, scene.band, palette["l1"])]
    for rid, run in scene.runs.items():
        if rid != "none" and not show_answer:
            continue
        dash = "solid" if run.kind in ("none", "l2") else RULE_DASH[run.rule]
        data.append(weight_trace(ks, run.w, palette[run.kind], name=names[rid], dash=dash))
    if show_answer:
        for rid, run in scene.runs.items():
            if rid != "none" and len(run.landings):
                data.append(zeros_trace(run.landings, palette[run.kind],
                                        name=f"{names[rid]}: lands on exactly 0",
                                        symbol=ZERO_SYMBOL.get(run.rule, "x")))
        for kind in ("none", "l1", "l2"):
            m = scene.minimizers[kind]
            if m is not None:
                data.append(level_trace(steps, m, palette[kind], name=f"minimizer, {names[kind]}"))
    data.append({"type": "scatter", "x": np.asarray([0], np.int32), "y": finite([scene.w0]),
                 "mode": "markers", "name": "start",
                 "marker": {"symbol": "circle-open", "size": 12, "color": "#000000",
                            "line": {"width": 2}}})
    shapes, notes = [], []
    if k is not None and show_answer:
        shapes, notes = vline(k, "x", "y", f"k = {k}", color="#777777", dash="dot", top=False)
    # A diverging run would squash the others flat: keep the view where the action is.
    lim = 3 * max(abs(scene.w0), abs(scene.c) if scene.a else 0.0, 2 * scene.band, 0.5)
    drawn = np.concatenate([finite(r.w) for r in scene.runs.values()])
    yaxis = {"title": {"text": "w_k"}, "zeroline": True, "zerolinecolor": "#444",
             "zerolinewidth": 1}
    if np.abs(drawn).max() > lim:
        yaxis["range"] = [-lim, lim]
        notes.append({"xref": "paper", "yref": "paper", "x": 0, "y": 1, "showarrow": False,
                      "xanchor": "left", "yanchor": "top", "font": {"color": "#b00020"},
                      "text": f"runs beyond ±{lim:.3g} are off the chart (diverging)"})
    return PlainFigure({"data": data, "layout": without_empty_lists({
        "height": 540, "margin": {"l": 72, "r": 216, "t": 40, "b": 68},
        "title": {"text": f"One weight, step by step: λ = {scene.lam:g}, α = {scene.alpha:g}"},
        "legend": {"x": 1.02, "y": 1, "yanchor": "top"},
        "xaxis": {"title": {"text": "step k"}}, "yaxis": yaxis,
        "shapes": shapes, "annotations": notes, "uirevision": "one-weight"})})


def zeno_figure(zeno: dict, *, color: str, two_alpha_lambda: float,
                show_answer: bool = True) -> go.Figure:
    """L2 alone: log10|w_k| against k, one panel per precision (``zeno``: dtype name ->
    ``core.scenes.update_rules.ZenoRun``), with the smallest number that precision keeps and
    a vertical line at the step where w reached exactly 0."""
    data, shapes, notes, layout = [], [], [], {}
    n, gap = len(zeno), 0.08
    width = (1 - gap * (n - 1)) / n
    # hidden, every panel spans one round number of steps past the runs (its end would
    # say when w reached 0)
    horizon = int(nice_ceiling(1.2 * max(max(1, int(z.end)) for z in zeno.values())))
    for i, (name, z) in enumerate(zeno.items()):
        ax = "" if i == 0 else str(i + 1)
        x0 = i * (width + gap)
        layout[f"xaxis{ax}"] = {"domain": [x0, x0 + width], "anchor": f"y{ax}",
                                "title": {"text": "step k"}}
        layout[f"yaxis{ax}"] = {"anchor": f"x{ax}",
                                "title": {"text": "log₁₀|w_k|" if i == 0 else ""}}
        notes.append({"xref": "paper", "yref": "paper", "x": x0 + width / 2, "y": 1.0,
                      "xanchor": "center", "yanchor": "bottom", "showarrow": False,
                      "text": name, "font": {"size": 15}})
        span = max(1, int(z.end)) if show_answer else horizon
        floor = level_trace(span, np.log10(z.floor), "#888888",
                            name=f"smallest {name} kept: {z.floor:.2g}")
        floor.update(xaxis=f"x{ax}", yaxis=f"y{ax}")
        data.append(floor)
        notes.append({"xref": f"x{ax}", "yref": f"y{ax}", "x": 0, "y": float(np.log10(z.floor)),
                      "xanchor": "left", "yanchor": "bottom", "showarrow": False,
                      "text": f"smallest {name}<br>kept: {z.floor:.2g}", "align": "left",
                      "font": {"color": "#555555"}})
        if not show_answer:   # the axes the answer would have: from |w₀| down to the floor
            top = float(z.log10_w[0]) if np.isfinite(z.log10_w[0]) else 0.0
            bottom = float(np.log10(z.floor))
            pad = 0.06 * max(top - bottom, 1.0)
            layout[f"xaxis{ax}"]["range"] = [0, horizon]
            layout[f"yaxis{ax}"]["range"] = [bottom - pad, top + pad]
            continue
        ok = np.isfinite(z.log10_w)
        x, y = z.k[ok].astype(np.float64), z.log10_w[ok]
        if z.zero_at > 0:  # reached 0: draw down to the last non-zero value
            x, y = np.append(x, z.end - 1), np.append(y, np.log10(z.last))
        data.append({"type": "scatter", "x": np.asarray(x, np.float32), "y": finite(y),
                     "mode": "lines", "name": f"{name}: log₁₀|w_k|", "xaxis": f"x{ax}",
                     "yaxis": f"y{ax}", "line": {"color": color, "width": 2.5},
                     "hovertemplate": "k = %{x:.0f}<br>log₁₀|w| = %{y:.2f}"
                                      f"<extra>{name}</extra>"})
        if z.zero_at >= 0:
            s, a = vline(z.zero_at, f"x{ax}", f"y{ax}",
                          f"w = 0 exactly<br>at k = {z.zero_at:,}", color="#000000", dash="dash")
            shapes += s
            notes += a
    return PlainFigure({"data": data, "layout": without_empty_lists({
        **layout, "height": 400, "margin": {"l": 80, "r": 10, "t": 70, "b": 68},
        "title": {"text": f"L2 alone (no data loss), 2αλ = {two_alpha_lambda:.4g}: "
                          "when is w exactly 0?"},
        "showlegend": False, "shapes": shapes, "annotations": notes, "uirevision": "zeno"})})


def two_weight_figure(plane, lam: float, *, palette: dict, names: dict,
                      show_answer: bool = True) -> go.Figure:
    """The rules on two weights: L1's three rules over J + λ·|w|₁ (left), L2 over
    J + λ·‖w‖² (right), from one start, with the minimizers (the Landscape builders)."""
    fig = PlainFigure({"layout": grid_layout(
        1, 2, subplot_titles=[f"L1 rules, λ = {lam:g}", f"L2, λ = {lam:g}"],
        horizontal_spacing=0.08)})
    traces, notes = fig.spec["data"], []
    for col, kind in ((1, "l1"), (2, "l2")):
        panel = [contour_trace(plane.w1, plane.w2, plane.total(kind, lam))]
        square_axes(fig, plane.problem.view, col=col)
        if show_answer:
            for rid, run in plane.runs.items():
                if run.kind != kind:
                    continue
                t = path_trace(run.path, palette[kind], name=f"path, {names[rid]}")
                t["line"]["dash"] = "solid" if kind == "l2" else RULE_DASH[run.rule]
                panel.append(t)
            panel += [minimizer_trace(plane.minimizers[k], palette[k],
                                      name=f"minimizer, {names[k]}") for k in ("none", kind)]
            notes += [note_on_panel(n, col)
                      for n in zero_annotations(plane.minimizers[kind], palette[kind])]
        panel.append(start_trace(plane.start))
        traces += [{**tr, **on_panel(col)} for tr in panel]
    one_legend_entry_per_name(traces)   # across the two panels
    set_layout(fig, height=500, margin={"l": 64, "r": 10, "t": 40, "b": 140},
               legend={"orientation": "h", "y": -0.25, "yanchor": "top"},
               annotations=fig.spec["layout"]["annotations"] + notes, uirevision="two-weights")
    return fig
