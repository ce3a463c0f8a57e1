"""Pure Plotly builders: arrays in, ``go.Figure`` out. No Streamlit here.

Figures take float32 NumPy arrays (Plotly sends them as base64) and colours from
``ui.controls.PALETTE`` via the ``palette`` argument, so a kind has one colour
everywhere.
"""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

# A pale grey ramp: the landscape stays in the background, the coloured paths on top.
SURFACE_SCALE = [[0.0, "#ffffff"], [1.0, "#b4b4b4"]]
LEVELS = 24


def fmt_weight(x: float) -> str:
    """A weight as the page prints it: an exact zero is "0 (exact)", never 1e-9 or −0."""
    x = float(x)
    if x == 0.0:
        return "0 (exact)"
    if abs(x) < 5e-5:
        return f"{x:.1e} (not 0)"
    return f"{x:.4f}"


def _finite(a) -> np.ndarray:
    """float32, with anything non-finite turned to NaN-free values Plotly can draw (a gap)."""
    a = np.asarray(a, np.float32)
    return np.where(np.isfinite(a), a, np.float32(np.nanmax(a[np.isfinite(a)], initial=0)))


def contour_levels(Z) -> dict:
    """Evenly spaced levels from the minimum up to the 80th percentile, where the action is."""
    Z = np.asarray(Z)
    lo, hi = float(Z.min()), float(np.quantile(Z, 0.8))
    if not hi > lo:
        hi = lo + 1.0
    return {"start": lo, "end": hi, "size": (hi - lo) / LEVELS}


def contour_trace(w1, w2, Z, *, name: str = "J + λ·P", showscale: bool = True) -> go.Contour:
    return go.Contour(
        x=np.asarray(w1, np.float32), y=np.asarray(w2, np.float32), z=_finite(Z),
        contours={**contour_levels(Z), "coloring": "fill", "showlines": True},
        line={"width": 0.6, "color": "rgba(60,60,60,0.35)"},
        colorscale=SURFACE_SCALE, showscale=showscale, name=name,
        colorbar={"title": {"text": name, "side": "right"}, "thickness": 12},
        hovertemplate="w₁ %{x:.3f}<br>w₂ %{y:.3f}<br>" + name + " %{z:.4f}<extra></extra>",
    )


def ball_trace(ball, color: str, *, name: str) -> go.Scatter:
    ball = np.asarray(ball, np.float32)
    ok = np.isfinite(ball).all(axis=1)
    return go.Scatter(x=ball[ok, 0], y=ball[ok, 1], mode="lines", name=name,
                      line={"color": color, "width": 2, "dash": "dash"}, hoverinfo="name")


def path_trace(path, color: str, *, name: str) -> go.Scatter:
    path = np.asarray(path, np.float32)
    return go.Scatter(x=path[:, 0], y=path[:, 1], mode="lines+markers", name=name,
                      line={"color": color, "width": 2.5}, marker={"size": 4, "color": color},
                      customdata=np.arange(len(path)),
                      hovertemplate="step %{customdata}<br>w₁ %{x:.4f}<br>w₂ %{y:.4f}<extra>"
                      + name + "</extra>")


def start_trace(w0) -> go.Scatter:
    return go.Scatter(x=[w0[0]], y=[w0[1]], mode="markers", name="start",
                      marker={"symbol": "circle-open", "size": 12, "color": "#000000",
                              "line": {"width": 2}})


def minimizer_trace(w, color: str, *, name: str) -> go.Scatter:
    """The minimizer as a star, with its coordinates (exact zeros said as such) on hover."""
    w = np.asarray(w, np.float64)
    text = f"w₁ = {fmt_weight(w[0])}<br>w₂ = {fmt_weight(w[1])}"
    return go.Scatter(x=w[:1].astype(np.float32), y=w[1:2].astype(np.float32),
                      mode="markers", name=name,
                      marker={"symbol": "star", "size": 16, "color": color,
                              "line": {"width": 1, "color": "#000000"}},
                      hovertemplate=f"{name}<br>{text}<extra></extra>")


def _square_axes(fig: go.Figure, view, **where) -> None:
    a, b, c, d = view
    fig.update_xaxes(range=[a, b], title_text="w₁", zeroline=True, zerolinecolor="#444",
                     zerolinewidth=1, constrain="domain", **where)
    col = where.get("col", 1)
    fig.update_yaxes(range=[c, d], title_text="w₂", zeroline=True, zerolinecolor="#444",
                     zerolinewidth=1, scaleanchor="x" if col == 1 else f"x{col}",
                     scaleratio=1, constrain="domain", **where)


def landscape_figure(scene, *, palette: dict, names: dict, w0) -> go.Figure:
    """Contours of J + λ·P for the selected penalty, its norm ball through its minimizer,
    its descent path from ``w0``, and the minimizers of none / L1 / L2."""
    kind = scene.kind
    fig = go.Figure(contour_trace(scene.w1, scene.w2, scene.total(), showscale=False))
    m = scene.minimizers[kind]
    if np.isfinite(m.ball).all():
        fig.add_trace(ball_trace(m.ball, palette[kind],
                                 name=f"{names[kind]} ball through its minimizer"))
    fig.add_trace(path_trace(scene.runs[kind].path, palette[kind], name=f"path, {names[kind]}"))
    fig.add_trace(start_trace(w0))
    for k, mk in scene.minimizers.items():
        fig.add_trace(minimizer_trace(mk.w, palette[k], name=f"minimizer, {names[k]}"))
    zeros = [i for i in range(2) if m.w[i] == 0.0]
    if zeros and kind != "none":
        fig.add_annotation(x=float(m.w[0]), y=float(m.w[1]), ax=40, ay=-40,
                           text=" and ".join(f"w{'₁₂'[i]} = 0 exactly" for i in zeros),
                           font={"color": palette[kind], "size": 14}, arrowcolor=palette[kind],
                           bgcolor="rgba(255,255,255,0.8)")
    _square_axes(fig, scene.problem.view)
    fig.update_layout(height=560, margin={"l": 10, "r": 10, "t": 90, "b": 10},
                      title={"text": f"J(w) + λ·P(w), P = {names[kind]}, λ = {scene.lam:g}"},
                      legend={"orientation": "h", "x": 0, "y": 1.0, "yanchor": "bottom"},
                      title_y=0.99)
    return fig


def side_by_side_figure(scene, *, palette: dict, names: dict, w0) -> go.Figure:
    """The primer's figure: the same data loss with L1 (left) and L2 (right) at one λ."""
    fig = make_subplots(1, 2, subplot_titles=[f"L1, λ = {scene.lam:g}", f"L2, λ = {scene.lam:g}"],
                        horizontal_spacing=0.08)
    for col, kind in ((1, "l1"), (2, "l2")):
        fig.add_trace(contour_trace(scene.w1, scene.w2, scene.total(kind), showscale=False),
                      row=1, col=col)
        m = scene.minimizers[kind]
        fig.add_trace(ball_trace(m.ball, palette[kind], name=f"{names[kind]} ball"), row=1, col=col)
        fig.add_trace(path_trace(scene.runs[kind].path, palette[kind], name=f"path, {names[kind]}"),
                      row=1, col=col)
        fig.add_trace(minimizer_trace(scene.minimizers["none"].w, palette["none"],
                                      name="minimizer, none"), row=1, col=col)
        fig.add_trace(minimizer_trace(m.w, palette[kind], name=f"minimizer, {names[kind]}"),
                      row=1, col=col)
        _square_axes(fig, scene.problem.view, row=1, col=col)
    fig.update_layout(height=460, showlegend=False, margin={"l": 10, "r": 10, "t": 40, "b": 10})
    return fig


def surface_figure(scene, *, palette: dict, names: dict) -> go.Figure:
    """J + λ·P as a 3D surface, with the descent path lying on it."""
    kind = scene.kind
    Z = _finite(scene.total())
    run = scene.runs[kind]
    path_z = run.costs.total
    fig = go.Figure(go.Surface(x=scene.w1, y=scene.w2, z=Z, colorscale=SURFACE_SCALE,
                               showscale=False, opacity=0.92, name="J + λ·P",
                               contours={"z": {"show": True, "usecolormap": False,
                                               "color": "#666", "width": 1,
                                               **contour_levels(Z)}}))
    fig.add_trace(go.Scatter3d(x=run.path[:, 0], y=run.path[:, 1], z=_finite(path_z),
                               mode="lines+markers", name=f"path, {names[kind]}",
                               line={"color": palette[kind], "width": 6},
                               marker={"size": 2, "color": palette[kind]}))
    a, b, c, d = scene.problem.view
    fig.update_layout(height=520, margin={"l": 0, "r": 0, "t": 40, "b": 0},
                      title={"text": f"J + λ·P, P = {names[kind]}, λ = {scene.lam:g}"},
                      scene={"xaxis": {"title": {"text": "w₁"}, "range": [a, b]},
                             "yaxis": {"title": {"text": "w₂"}, "range": [c, d]},
                             "zaxis": {"title": {"text": "J + λ·P"}},
                             "aspectmode": "manual", "aspectratio": {"x": 1, "y": 1, "z": 0.6}},
                      uirevision="surface")  # keep the user's camera across reruns
    return fig


def path_costs_figure(costs, *, color: str, name: str) -> go.Figure:
    """J, λ·P and their sum at each step of the path."""
    k = np.arange(len(costs.J))
    fig = go.Figure()
    fig.add_trace(go.Scatter(x=k, y=_finite(costs.J), name="J (data loss)",
                             line={"color": "#555555", "width": 2}))
    fig.add_trace(go.Scatter(x=k, y=_finite(costs.penalty), name=f"λ·P ({name})",
                             line={"color": color, "width": 2, "dash": "dot"}))
    fig.add_trace(go.Scatter(x=k, y=_finite(costs.total), name="J + λ·P",
                             line={"color": color, "width": 3}))
    fig.update_layout(height=340, margin={"l": 10, "r": 10, "t": 40, "b": 10},
                      title={"text": "Along the path"}, xaxis_title="step k",
                      legend={"orientation": "h", "y": -0.25})
    return fig
