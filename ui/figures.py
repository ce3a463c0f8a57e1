"""Pure Plotly builders: arrays in, ``go.Figure`` out. No Streamlit here.

Figures take float32 NumPy arrays (Plotly sends them as base64) and colours from
``ui.controls.PALETTE`` via the ``palette`` argument, so a kind has one colour
everywhere. A figure that scrubs λ carries one Plotly frame per λ of the family
and a slider inside the figure: scrubbing needs no server round trip and a rotated
3D camera stays where the user left it.
"""

from __future__ import annotations

import csv
import dataclasses
import io

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

# A pale grey ramp: the landscape stays in the background, the coloured paths on top.
SURFACE_SCALE = [[0.0, "#ffffff"], [1.0, "#b4b4b4"]]
LEVELS = 24


@dataclasses.dataclass(frozen=True)
class Style:
    """How thick and big things are drawn: the classroom default, or presenter mode."""

    line_scale: float = 1.0
    marker_scale: float = 1.0
    font_size: int = 13


CLASSROOM = Style()
PRESENTER = Style(line_scale=2.0, marker_scale=1.6, font_size=20)


def apply_style(fig: go.Figure, style: Style) -> go.Figure:
    """Scale every trace's line widths and marker sizes, and the fonts, for ``style``."""
    if style == CLASSROOM:
        return fig
    for t in fig.data:
        line = getattr(t, "line", None)
        if line is not None and line.width is not None:
            line.width = line.width * style.line_scale
        marker = getattr(t, "marker", None)
        if marker is not None and isinstance(marker.size, (int, float)):
            marker.size = marker.size * style.marker_scale
    top = fig.layout.margin.t
    fig.update_layout(font_size=style.font_size,
                      margin_t=None if top is None else top * style.font_size / CLASSROOM.font_size)
    return fig


def fmt_weight(x: float) -> str:
    """A weight as the page prints it: an exact zero is "0 (exact)", never 1e-9 or −0."""
    x = float(x)
    if x == 0.0:
        return "0 (exact)"
    if abs(x) < 5e-5:
        return f"{x:.1e} (not 0)"
    return f"{x:.4f}"


def finite(a) -> np.ndarray:
    """float32 with every non-finite value replaced by the largest finite one (never NaN)."""
    a = np.asarray(a, np.float32)
    ok = np.isfinite(a)
    if ok.all():
        return a
    return np.where(ok, a, np.float32(np.max(a[ok], initial=0)))


def contour_levels(Z) -> dict:
    """Evenly spaced levels from the minimum up to the 80th percentile, where the action is."""
    Z = np.asarray(Z)
    lo, hi = float(Z.min()), float(np.quantile(Z, 0.8))
    if not hi > lo:
        hi = lo + 1.0
    return {"start": lo, "end": hi, "size": (hi - lo) / LEVELS}


# ---- traces ------------------------------------------------------------------------------

def contour_trace(w1, w2, Z, *, name: str = "J + λ·P", showscale: bool = False) -> go.Contour:
    return go.Contour(
        x=np.asarray(w1, np.float32), y=np.asarray(w2, np.float32), z=finite(Z),
        contours={**contour_levels(Z), "coloring": "fill", "showlines": True},
        line={"width": 0.6, "color": "rgba(60,60,60,0.35)"},
        colorscale=SURFACE_SCALE, showscale=showscale, name=name,
        hovertemplate="w₁ %{x:.3f}<br>w₂ %{y:.3f}<br>" + name + " %{z:.4f}<extra></extra>",
    )


def _ball_xy(ball) -> tuple[np.ndarray, np.ndarray]:
    ball = np.asarray(ball, np.float32)
    ok = np.isfinite(ball).all(axis=1)
    return ball[ok, 0], ball[ok, 1]


def ball_trace(ball, color: str, *, name: str) -> go.Scatter:
    x, y = _ball_xy(ball)
    return go.Scatter(x=x, y=y, mode="lines", name=name,
                      line={"color": color, "width": 2, "dash": "dash"}, hoverinfo="name")


def path_trace(path, color: str, *, name: str) -> go.Scatter:
    path = np.asarray(path, np.float32)
    return go.Scatter(x=path[:, 0], y=path[:, 1], mode="lines+markers", name=name,
                      line={"color": color, "width": 2.5}, marker={"size": 4, "color": color},
                      hovertemplate="w₁ %{x:.4f}<br>w₂ %{y:.4f}<extra>" + name + "</extra>")


def start_trace(w0) -> go.Scatter:
    return go.Scatter(x=np.asarray([w0[0]], np.float32), y=np.asarray([w0[1]], np.float32),
                      mode="markers", name="start",
                      marker={"symbol": "circle-open", "size": 12, "color": "#000000",
                              "line": {"width": 2}})


def _minimizer_text(name: str, w) -> str:
    return f"{name}<br>w₁ = {fmt_weight(w[0])}<br>w₂ = {fmt_weight(w[1])}<extra></extra>"


def minimizer_trace(w, color: str, *, name: str) -> go.Scatter:
    """The minimizer as a star, with its coordinates (exact zeros said as such) on hover."""
    w = np.asarray(w, np.float64)
    return go.Scatter(x=w[:1].astype(np.float32), y=w[1:2].astype(np.float32),
                      mode="markers", name=name, hovertemplate=_minimizer_text(name, w),
                      marker={"symbol": "star", "size": 16, "color": color,
                              "line": {"width": 1, "color": "#000000"}})


def zero_annotations(w, color: str) -> list[dict]:
    """A label at a minimizer that has an exact zero coordinate: "w₂ = 0 exactly"."""
    zeros = [i for i in range(2) if float(w[i]) == 0.0]
    if not zeros:
        return []
    return [{"x": float(w[0]), "y": float(w[1]), "ax": 40, "ay": -40,
             "text": " and ".join(f"w{'₁₂'[i]} = 0 exactly" for i in zeros),
             "font": {"color": color, "size": 14}, "arrowcolor": color,
             "bgcolor": "rgba(255,255,255,0.85)"}]


def _square_axes(fig: go.Figure, view, **where) -> None:
    a, b, c, d = view
    fig.update_xaxes(range=[a, b], title_text="w₁", zeroline=True, zerolinecolor="#444",
                     zerolinewidth=1, constrain="domain", **where)
    col = where.get("col", 1)
    fig.update_yaxes(range=[c, d], title_text="w₂", zeroline=True, zerolinecolor="#444",
                     zerolinewidth=1, scaleanchor="x" if col == 1 else f"x{col}",
                     scaleratio=1, constrain="domain", **where)


# ---- λ inside the figure -----------------------------------------------------------------

def lambda_label(lam: float) -> str:
    return f"{lam:g}"


def add_lambda_slider(fig: go.Figure, lams, index: int, frames: list[go.Frame]) -> go.Figure:
    """Attach one frame per λ and a slider inside the figure that shows them, no server needed.

    ``frames[i]`` is the frame of ``lams[i]``; the slider starts at ``index``.
    """
    fig.frames = frames
    anim = {"mode": "immediate", "frame": {"duration": 0, "redraw": True},
            "transition": {"duration": 0}}
    fig.update_layout(sliders=[{
        "active": index, "pad": {"t": 45, "b": 5}, "len": 1.0,
        "currentvalue": {"prefix": "scrub λ = ", "font": {"size": 14}},
        "steps": [{"label": lambda_label(lam), "method": "animate",
                   "args": [[f.name], anim]} for lam, f in zip(lams, frames, strict=True)],
    }])
    return fig


# ---- the Landscape page --------------------------------------------------------------------

# Trace order of the landscape figure; frames update these by index.
_CONTOUR, _BALL, _PATH, _START, _MIN_NONE, _MIN_L1, _MIN_L2, _MIN_KIND = range(8)


def _landscape_title(names: dict, kind: str, lam: float) -> str:
    return f"J(w) + λ·P(w), P = {names[kind]}, λ = {lam:g}"


def landscape_figure(scene, *, palette: dict, names: dict, w0, show_answer: bool = True
                     ) -> go.Figure:
    """Contours of J + λ·P for the selected penalty; its norm ball through its minimizer; its
    descent path from ``w0``; the minimizers of none / L1 / L2; and λ scrubbable in the figure.

    With ``show_answer`` False only the landscape and the start are drawn (predict first).
    """
    kind, i0 = scene.kind, scene.index
    extra = kind not in ("none", "l1", "l2")
    mins = ["none", "l1", "l2"] + ([kind] if extra else [])

    def traces(i: int) -> list:
        m, run = scene.minimizer(kind, i), scene.run(kind, i)
        out = [contour_trace(scene.w1, scene.w2, scene.total(kind, i))]
        if show_answer:
            out += [ball_trace(m.ball, palette[kind], name=f"{names[kind]} ball through its "
                               "minimizer"),
                    path_trace(run.path, palette[kind], name=f"path, {names[kind]}")]
        return out

    def minimizers(i: int) -> list:
        return [minimizer_trace(scene.minimizer(k, i).w, palette[k], name=f"minimizer, {names[k]}")
                for k in mins]

    def layout(i: int) -> dict:
        notes = zero_annotations(scene.minimizer(kind, i).w, palette[kind]) \
            if show_answer and kind != "none" else []
        return {"title": {"text": _landscape_title(names, kind, scene.lams[i])},
                "annotations": notes}

    fig = go.Figure(traces(i0) + [start_trace(w0)] + (minimizers(i0) if show_answer else []))
    fig.update_layout(**layout(i0))
    if show_answer:
        ids = [_CONTOUR, _BALL, _PATH] + list(range(_MIN_NONE, _MIN_NONE + len(mins)))
        frames = [go.Frame(name=lambda_label(lam), data=traces(i) + minimizers(i), traces=ids,
                           layout=layout(i)) for i, lam in enumerate(scene.lams)]
    else:
        frames = [go.Frame(name=lambda_label(lam), data=traces(i), traces=[_CONTOUR],
                           layout=layout(i)) for i, lam in enumerate(scene.lams)]
    add_lambda_slider(fig, scene.lams, i0, frames)
    _square_axes(fig, scene.problem.view)
    fig.update_layout(height=620, margin={"l": 10, "r": 10, "t": 90, "b": 10},
                      legend={"orientation": "h", "x": 0, "y": 1.0, "yanchor": "bottom"},
                      title_y=0.99, uirevision="landscape")
    return fig


def surface_figure(scene, *, palette: dict, names: dict, show_answer: bool = True
                   ) -> go.Figure:
    """J + λ·P as a 3D surface with the descent path lying on it; λ scrubbable in the figure."""
    kind, i0 = scene.kind, scene.index

    def traces(i: int) -> list:
        Z = finite(scene.total(kind, i))
        out = [go.Surface(x=scene.w1, y=scene.w2, z=Z, colorscale=SURFACE_SCALE,
                          showscale=False, opacity=0.92, name="J + λ·P",
                          contours={"z": {"show": True, "usecolormap": False, "color": "#666",
                                          "width": 1, **contour_levels(Z)}})]
        if show_answer:
            run = scene.run(kind, i)
            out.append(go.Scatter3d(x=run.path[:, 0], y=run.path[:, 1],
                                    z=finite(run.costs.total), mode="lines+markers",
                                    name=f"path, {names[kind]}",
                                    line={"color": palette[kind], "width": 6},
                                    marker={"size": 2, "color": palette[kind]}))
        return out

    def layout(i: int) -> dict:
        return {"title": {"text": _landscape_title(names, kind, scene.lams[i])}}

    fig = go.Figure(traces(i0))
    fig.update_layout(**layout(i0))
    ids = list(range(len(fig.data)))
    add_lambda_slider(fig, scene.lams, i0, [
        go.Frame(name=lambda_label(lam), data=traces(i), traces=ids, layout=layout(i))
        for i, lam in enumerate(scene.lams)])
    a, b, c, d = scene.problem.view
    fig.update_layout(height=620, margin={"l": 0, "r": 0, "t": 40, "b": 0},
                      scene={"xaxis": {"title": {"text": "w₁"}, "range": [a, b]},
                             "yaxis": {"title": {"text": "w₂"}, "range": [c, d]},
                             "zaxis": {"title": {"text": "J + λ·P"}},
                             "aspectmode": "manual", "aspectratio": {"x": 1, "y": 1, "z": 0.6}},
                      uirevision="surface")  # keep the user's camera across reruns
    return fig


def side_by_side_figure(scene, *, palette: dict, names: dict, show_answer: bool = True
                        ) -> go.Figure:
    """The primer's figure: the same data loss with L1 (left) and L2 (right) at one λ."""
    fig = make_subplots(1, 2, subplot_titles=[f"L1, λ = {scene.lam:g}", f"L2, λ = {scene.lam:g}"],
                        horizontal_spacing=0.08)
    for col, kind in ((1, "l1"), (2, "l2")):
        fig.add_trace(contour_trace(scene.w1, scene.w2, scene.total(kind)), row=1, col=col)
        _square_axes(fig, scene.problem.view, row=1, col=col)
        if not show_answer:
            continue
        m = scene.minimizer(kind)
        fig.add_trace(ball_trace(m.ball, palette[kind], name=f"{names[kind]} ball"), row=1, col=col)
        fig.add_trace(path_trace(scene.run(kind).path, palette[kind], name=f"path, {names[kind]}"),
                      row=1, col=col)
        fig.add_trace(minimizer_trace(scene.minimizer("none").w, palette["none"],
                                      name="minimizer, none"), row=1, col=col)
        fig.add_trace(minimizer_trace(m.w, palette[kind], name=f"minimizer, {names[kind]}"),
                      row=1, col=col)
        for note in zero_annotations(m.w, palette[kind]):
            fig.add_annotation(note, row=1, col=col)
    fig.update_layout(height=460, showlegend=False, margin={"l": 10, "r": 10, "t": 40, "b": 10})
    return fig


def path_costs_figure(costs, *, color: str, name: str) -> go.Figure:
    """J, λ·P and their sum at each step of the path."""
    k = np.arange(len(costs.J))
    fig = go.Figure()
    fig.add_trace(go.Scatter(x=k, y=finite(costs.J), name="J (data loss)",
                             line={"color": "#555555", "width": 2}))
    fig.add_trace(go.Scatter(x=k, y=finite(costs.penalty), name=f"λ·P ({name})",
                             line={"color": color, "width": 2, "dash": "dot"}))
    fig.add_trace(go.Scatter(x=k, y=finite(costs.total), name="J + λ·P",
                             line={"color": color, "width": 3}))
    fig.update_layout(height=340, margin={"l": 10, "r": 10, "t": 40, "b": 10},
                      title={"text": "Along the path"}, xaxis_title="step k",
                      legend={"orientation": "h", "y": -0.25})
    return fig


# ---- exports -----------------------------------------------------------------------------

def figure_csv(fig: go.Figure) -> str:
    """The data behind a figure as CSV: one row per point (a grid is written out long).

    Columns: trace, point, x, y, z. A contour or surface gives one row per grid node.
    """
    out = io.StringIO()
    w = csv.writer(out)
    w.writerow(["trace", "point", "x", "y", "z"])
    for t in fig.data:
        name = t.name or t.type
        x = np.asarray(t.x if t.x is not None else [], dtype=float)
        y = np.asarray(t.y if t.y is not None else [], dtype=float)
        z = np.asarray(getattr(t, "z", None) if getattr(t, "z", None) is not None else [],
                       dtype=float)
        if z.ndim == 2:  # a grid: z[i, j] at (x[j], y[i])
            for i in range(z.shape[0]):
                for j in range(z.shape[1]):
                    w.writerow([name, i * z.shape[1] + j, _num(x[j]), _num(y[i]), _num(z[i, j])])
        else:
            for p in range(len(x)):
                w.writerow([name, p, _num(x[p]), _num(y[p]) if p < len(y) else "",
                            _num(z[p]) if p < len(z) else ""])
    return out.getvalue()


def _num(v: float) -> str:
    return repr(float(v))


def figure_html(fig: go.Figure) -> str:
    """A standalone HTML page of the figure with Plotly embedded: opens offline."""
    return fig.to_html(include_plotlyjs=True, full_html=True)
