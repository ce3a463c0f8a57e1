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
        # a bar's marker has no size: getattr with a default, not marker.size
        if marker is not None and isinstance(getattr(marker, "size", None), (int, float)):
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

def contour_update(Z) -> dict:
    """What a frame changes in a contour trace: its values and its levels."""
    return {"type": "contour", "z": finite(Z),
            "contours": {**contour_levels(Z), "coloring": "fill", "showlines": True}}


def xy_update(x, y, **more) -> dict:
    """What a frame changes in a scatter trace: its points (and anything in ``more``)."""
    return {"type": "scatter", "x": finite(x), "y": finite(y), **more}


def lambda_label(lam: float) -> str:
    return f"{lam:g}"


def frame_spec(lam: float, data: list[dict], traces: list[int], layout: dict) -> dict:
    """A Plotly frame as a plain dict (validated once, when it is attached to the figure)."""
    return {"name": lambda_label(lam), "data": data, "traces": traces, "layout": layout}


def add_lambda_slider(fig: go.Figure, lams, index: int, frames: list[dict]) -> go.Figure:
    """Attach one frame per λ and a slider inside the figure that shows them, no server needed.

    ``frames[i]`` is the frame of ``lams[i]`` (see ``frame_spec``); the slider starts at
    ``index``.
    """
    return add_frame_slider(fig, [lambda_label(lam) for lam in lams], index, frames,
                            prefix="scrub λ = ")


def add_frame_slider(fig: go.Figure, labels, index: int, frames: list, *, prefix: str
                     ) -> go.Figure:
    """Attach ``frames`` and a slider inside the figure that shows them (one step per frame,
    labelled ``labels[i]``, the current one after ``prefix``), starting at ``index``.

    Any scrubbed quantity (λ, an epoch) works the same way: see ``add_lambda_slider``.
    """
    fig.frames = frames
    anim = {"mode": "immediate", "frame": {"duration": 0, "redraw": True},
            "transition": {"duration": 0}}
    fig.update_layout(sliders=[{
        "active": index, "pad": {"t": 45, "b": 5}, "len": 1.0,
        "currentvalue": {"prefix": prefix, "font": {"size": 14}},
        "steps": [{"label": label, "method": "animate",
                   "args": [[f["name"]], anim]} for label, f in zip(labels, frames, strict=True)],
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

    def frame(i: int) -> dict:
        # A frame carries only what changes with λ: Plotly keeps the rest of each trace.
        data = [contour_update(scene.total(kind, i))]
        if show_answer:
            data += [xy_update(*_ball_xy(scene.minimizer(kind, i).ball)),
                     xy_update(*scene.run(kind, i).path.T)]
            for k in mins:
                w = scene.minimizer(k, i).w
                data.append(xy_update(w[:1], w[1:2], hovertemplate=_minimizer_text(
                    f"minimizer, {names[k]}", w)))
        ids = [_CONTOUR, _BALL, _PATH, *range(_MIN_NONE, _MIN_NONE + len(mins))]
        return frame_spec(scene.lams[i], data, ids[: len(data)], layout(i))

    fig = go.Figure(traces(i0) + [start_trace(w0)] + (minimizers(i0) if show_answer else []))
    fig.update_layout(**layout(i0))
    frames = [frame(i) for i in range(len(scene.lams))]
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

    def frame(i: int) -> dict:
        Z = finite(scene.total(kind, i))
        data = [{"type": "surface", "z": Z, "contours": {"z": contour_levels(Z)}}]
        if show_answer:
            run = scene.run(kind, i)
            data.append({"type": "scatter3d", "x": run.path[:, 0], "y": run.path[:, 1],
                         "z": finite(run.costs.total)})
        return frame_spec(scene.lams[i], data, list(range(len(data))), layout(i))

    fig = go.Figure(traces(i0))
    fig.update_layout(**layout(i0))
    add_lambda_slider(fig, scene.lams, i0, [frame(i) for i in range(len(scene.lams))])
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


# ---- the Update rules page -------------------------------------------------------------------

# How a rule is drawn; the colour says the penalty (PALETTE), the dash says the rule.
RULE_DASH = {"subgradient": "dot", "clip": "dash", "proximal": "solid"}
_ZERO_SYMBOL = {"subgradient": "circle", "clip": "x", "proximal": "diamond"}


def band_trace(steps: int, band: float, color: str) -> go.Scatter:
    """The band −αλ ≤ w ≤ αλ over steps 0..steps, shaded: L1's pull of one step around 0."""
    b = float(finite([band])[0])
    return go.Scatter(x=np.asarray([0, steps, steps, 0, 0], np.float32),
                      y=np.asarray([-b, -b, b, b, -b], np.float32), mode="lines",
                      fill="toself", fillcolor=_rgba(color, 0.15), line={"width": 0},
                      name=f"±αλ band (αλ = {band:.4g})", hoverinfo="name")


def _rgba(color: str, alpha: float) -> str:
    r, g, b = (int(color[i:i + 2], 16) for i in (1, 3, 5))
    return f"rgba({r},{g},{b},{alpha})"


def weight_trace(k, w, color: str, *, name: str, dash: str = "solid") -> go.Scatter:
    """w_k against k; exact zeros are said as such on hover."""
    w = finite(w)
    text = [fmt_weight(x) for x in w]
    return go.Scatter(x=np.asarray(k, np.int32), y=w, mode="lines+markers", name=name,
                      line={"color": color, "width": 2.5, "dash": dash},
                      marker={"size": 4, "color": color}, text=text,
                      hovertemplate="k = %{x}<br>w = %{text}<extra>" + name + "</extra>")


def zeros_trace(k, color: str, *, name: str, symbol: str = "x") -> go.Scatter:
    """Markers on the axis at the steps ``k`` where a weight becomes exactly 0."""
    k = np.asarray(k, np.int32)
    return go.Scatter(x=k, y=np.zeros(len(k), np.float32), mode="markers", name=name,
                      marker={"symbol": symbol, "size": 11, "color": color,
                              "line": {"width": 1.5, "color": "#000000"}},
                      hovertemplate="k = %{x}: w = 0 exactly<extra>" + name + "</extra>")


def level_trace(steps: int, value: float, color: str, *, name: str) -> go.Scatter:
    """A horizontal line across the steps: where a run should end up (a minimizer)."""
    v = np.float32(value)
    return go.Scatter(x=np.asarray([0, steps], np.float32), y=finite([v, v]), mode="lines",
                      name=name, line={"color": color, "width": 1.5, "dash": "longdash"},
                      hovertemplate=name + f": {fmt_weight(value)}<extra></extra>")


def one_weight_figure(scene, *, palette: dict, names: dict, k: int | None = None,
                      show_answer: bool = True) -> go.Figure:
    """w_k against k under each rule of ``scene.runs`` from one start; the ±αλ band; markers
    where a weight lands on exactly 0; the closed-form minimizers; the step ``k`` the
    formulas show.

    With ``show_answer`` False only the band, the start and the unregularized run are drawn.
    ``names`` maps a run id (and "none", "l1", "l2") to what the page calls it.
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
                                        symbol=_ZERO_SYMBOL.get(run.rule, "x")))
        for kind in ("none", "l1", "l2"):
            m = scene.minimizers[kind]
            if m is not None:
                data.append(level_trace(steps, m, palette[kind], name=f"minimizer, {names[kind]}"))
    data.append(go.Scatter(x=np.asarray([0], np.int32), y=finite([scene.w0]), mode="markers",
                           name="start", marker={"symbol": "circle-open", "size": 12,
                                                 "color": "#000000", "line": {"width": 2}}))
    shapes, notes = [], []
    if k is not None and show_answer:
        shapes, notes = _vline(k, "x", "y", f"k = {k}", color="#777777", dash="dot", top=False)
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
    return go.Figure(data, {
        "height": 540, "margin": {"l": 10, "r": 10, "t": 40, "b": 10},
        "title": {"text": f"One weight, step by step: λ = {scene.lam:g}, α = {scene.alpha:g}"},
        "legend": {"x": 1.02, "y": 1, "yanchor": "top"},
        "xaxis": {"title": {"text": "step k"}}, "yaxis": yaxis,
        "shapes": shapes, "annotations": notes, "uirevision": "one-weight"})


def _vline(x, xref: str, yref: str, text: str, *, color: str, dash: str, top: bool = True
           ) -> tuple[list, list]:
    """A vertical line at ``x`` across a panel, and its label (as layout dicts: cheap)."""
    shape = {"type": "line", "xref": xref, "yref": f"{yref} domain", "x0": x, "x1": x,
             "y0": 0, "y1": 1, "line": {"color": color, "width": 1.5, "dash": dash}}
    note = {"xref": xref, "yref": f"{yref} domain", "x": x, "y": 1 if top else 0,
            "text": text, "showarrow": False, "xanchor": "right" if top else "left",
            "yanchor": "top" if top else "bottom", "bgcolor": "rgba(255,255,255,0.8)"}
    return [shape], [note]


def zeno_figure(zeno: dict, *, color: str, two_alpha_lambda: float,
                show_answer: bool = True) -> go.Figure:
    """L2 alone: log10|w_k| against k, one panel per precision (``zeno``: dtype name ->
    ``core.updates.ZenoRun``), with the smallest number that precision keeps and a vertical
    line at the step where w reached exactly 0."""
    data, shapes, notes, layout = [], [], [], {}
    n, gap = len(zeno), 0.08
    width = (1 - gap * (n - 1)) / n
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
        span = max(1, int(z.end))
        floor = level_trace(span, np.log10(z.floor), "#888888",
                            name=f"smallest {name} kept: {z.floor:.2g}")
        floor.update(xaxis=f"x{ax}", yaxis=f"y{ax}")
        data.append(floor)
        notes.append({"xref": f"x{ax}", "yref": f"y{ax}", "x": 0, "y": float(np.log10(z.floor)),
                      "xanchor": "left", "yanchor": "bottom", "showarrow": False,
                      "text": f"smallest {name} kept: {z.floor:.2g}",
                      "font": {"color": "#555555"}})
        if not show_answer:
            continue
        ok = np.isfinite(z.log10_w)
        x, y = z.k[ok].astype(np.float64), z.log10_w[ok]
        if z.zero_at > 0:  # reached 0: draw down to the last non-zero value
            x, y = np.append(x, z.end - 1), np.append(y, np.log10(z.last))
        data.append(go.Scatter(x=np.asarray(x, np.float32), y=finite(y), mode="lines",
                               name=f"{name}: log₁₀|w_k|", xaxis=f"x{ax}", yaxis=f"y{ax}",
                               line={"color": color, "width": 2.5},
                               hovertemplate="k = %{x:.0f}<br>log₁₀|w| = %{y:.2f}"
                                             f"<extra>{name}</extra>"))
        if z.zero_at >= 0:
            s, a = _vline(z.zero_at, f"x{ax}", f"y{ax}",
                          f"w = 0 exactly<br>at k = {z.zero_at:,}", color="#000000", dash="dash")
            shapes += s
            notes += a
    return go.Figure(data, {
        **layout, "height": 400, "margin": {"l": 10, "r": 10, "t": 70, "b": 10},
        "title": {"text": f"L2 alone (no data loss), 2αλ = {two_alpha_lambda:.4g}: "
                          "when is w exactly 0?"},
        "showlegend": False, "shapes": shapes, "annotations": notes, "uirevision": "zeno"})


def two_weight_figure(plane, lam: float, *, palette: dict, names: dict,
                      show_answer: bool = True) -> go.Figure:
    """The rules on two weights: L1's three rules over J + λ·|w|₁ (left), L2 over
    J + λ·‖w‖² (right), from one start, with the minimizers (the Landscape builders)."""
    fig = make_subplots(1, 2, subplot_titles=[f"L1 rules, λ = {lam:g}", f"L2, λ = {lam:g}"],
                        horizontal_spacing=0.08)
    for col, kind in ((1, "l1"), (2, "l2")):
        fig.add_trace(contour_trace(plane.w1, plane.w2, plane.total(kind, lam)), row=1, col=col)
        _square_axes(fig, plane.problem.view, row=1, col=col)
        if show_answer:
            for rid, run in plane.runs.items():
                if run.kind != kind:
                    continue
                t = path_trace(run.path, palette[kind], name=f"path, {names[rid]}")
                t.line.dash = "solid" if kind == "l2" else RULE_DASH[run.rule]
                fig.add_trace(t, row=1, col=col)
            for k in ("none", kind):
                fig.add_trace(minimizer_trace(plane.minimizers[k], palette[k],
                                              name=f"minimizer, {names[k]}"), row=1, col=col)
            for note in zero_annotations(plane.minimizers[kind], palette[kind]):
                fig.add_annotation(note, row=1, col=col)
        fig.add_trace(start_trace(plane.start), row=1, col=col)
    seen = set()
    for t in fig.data:  # one legend entry per name across the two panels
        t.showlegend = bool(t.name) and t.name not in seen and t.type != "contour"
        seen.add(t.name)
    fig.update_layout(height=500, margin={"l": 10, "r": 10, "t": 40, "b": 10},
                      legend={"orientation": "h", "y": -0.25, "yanchor": "top"},
                      uirevision="two-weights")
    return fig


# ---- the Geometry page -----------------------------------------------------------------------

def level_set_trace(points, color: str, *, name: str) -> go.Scatter:
    """A level set {J = value} drawn solid and thick (the ball is dashed): the one that touches."""
    t = ball_trace(points, color, name=name)
    t.line.dash, t.line.width = "solid", 3
    return t


def _constrained_point_trace(w, color: str, *, name: str) -> go.Scatter:
    """The constrained minimizer as a large open ring: it sits around a star when they agree."""
    t = minimizer_trace(w, color, name=name)
    t.marker.update(symbol="circle-open", size=24, line={"width": 2.5, "color": color})
    return t


def _one_legend_entry_per_name(fig: go.Figure) -> None:
    seen = set()
    for t in fig.data:   # a trace already kept out of the legend stays out
        t.showlegend = (t.showlegend is not False and bool(t.name) and t.name not in seen
                        and t.type != "contour")
        seen.add(t.name)


def constrained_figure(scene, *, palette: dict, names: dict, show_answer: bool = True
                       ) -> go.Figure:
    """argmin J s.t. ‖w‖ ≤ t: the L1 diamond (left) and the L2 circle (right) of radius
    ``scene.t`` over the contours of J, each with its constrained minimizer, the level set of J
    through it (the one that touches the ball), and J's own minimizer c.

    With ``show_answer`` False only the contours and the balls are drawn (predict first).
    """
    t = scene.t
    fig = make_subplots(1, 2, horizontal_spacing=0.08, subplot_titles=[
        f"L1 ball (diamond): |w₁| + |w₂| ≤ {t:g}", f"L2 ball (circle): √(w₁² + w₂²) ≤ {t:g}"])
    for col, kind in ((1, "l1"), (2, "l2")):
        a = scene.constrained[kind]
        fig.add_trace(contour_trace(scene.w1, scene.w2, scene.J, name="J(w)"), row=1, col=col)
        fig.add_trace(ball_trace(a.ball, palette[kind], name=f"{names[kind]} ball, t = {t:g}"),
                      row=1, col=col)
        if show_answer:
            fig.add_trace(level_set_trace(a.touching, palette[kind],
                                          name=f"touching level set, {names[kind]}: "
                                               f"J = {a.J:.3g}"), row=1, col=col)
            fig.add_trace(minimizer_trace(scene.center, palette["none"],
                                          name="minimizer of J (no constraint)"), row=1, col=col)
            fig.add_trace(minimizer_trace(a.w, palette[kind],
                                          name=f"minimizer in the {names[kind]} ball"),
                          row=1, col=col)
            for note in zero_annotations(a.w, palette[kind]):
                fig.add_annotation(note, row=1, col=col)
        _square_axes(fig, scene.problem.view, row=1, col=col)
    _one_legend_entry_per_name(fig)
    for tr in fig.data:   # the subplot titles name the balls
        if tr.name and " ball, t = " in tr.name:
            tr.showlegend = False
    fig.update_layout(height=560, margin={"l": 10, "r": 10, "t": 80, "b": 10},
                      title={"text": f"argmin J(w) subject to ‖w‖ ≤ t, t = {t:g}", "y": 0.98},
                      legend={"orientation": "h", "x": 0, "y": -0.14, "yanchor": "top"},
                      uirevision="constrained")
    return fig


def duality_figure(scene, *, palette: dict, names: dict, show_answer: bool = True
                   ) -> go.Figure:
    """Penalized ↔ constrained, λ scrubbable in the figure. Left: the penalized minimizers
    w*(λ) of J + λ·P (stars) for L1 and L2, the ball of radius t(λ) = ‖w*(λ)‖ through each,
    and the constrained minimizer at that t (a ring: it sits on the star). Right: t against
    λ for both, with a dot at the λ shown.

    The frames carry only the coordinates that move (x, y and the hover text), which keeps
    the figure quick to build and to send. With ``show_answer`` False only the contours are
    drawn; the slider still moves the title.
    """
    i0, kinds = scene.index, ("l1", "l2")
    fig = make_subplots(1, 2, column_widths=[0.6, 0.4], horizontal_spacing=0.1,
                        subplot_titles=["w*(λ) and the ball of radius t(λ) through it",
                                        "each λ is a budget: t(λ) = ‖w*(λ)‖"])
    titles = [a.to_plotly_json() for a in fig.layout.annotations]

    def title(i: int) -> str:
        lam = scene.lams[i]
        if not show_answer:
            return f"min J(w) + λ·P(w), λ = {lam:g}"
        t1, t2 = (scene.duality[k].t[i] for k in kinds)
        return f"λ = {lam:g}:  t(λ) = {t1:.3g} (L1), {t2:.3g} (L2)"

    def layout(i: int) -> dict:
        notes = [n for k in kinds for n in zero_annotations(scene.duality[k].w_pen[i], palette[k])]
        return {"title": {"text": title(i)},
                "annotations": titles + notes if show_answer else titles}

    def star_name(k: str) -> str:
        return f"minimizer, {names[k]} (λ)"

    def moving(i: int) -> list[dict]:
        """What changes with λ, as plain coordinates, in the order the traces are added."""
        out = []
        for k in kinds:
            d = scene.duality[k]
            bx, by = _ball_xy(d.balls[i])
            con, pen = finite(d.w_con[i]).tolist(), finite(d.w_pen[i]).tolist()
            out += [{"x": bx, "y": by},   # single points as lists: much quicker to validate
                    {"x": con[:1], "y": con[1:]},
                    {"x": pen[:1], "y": pen[1:],
                     "hovertemplate": _minimizer_text(star_name(k), d.w_pen[i])},
                    {"x": finite([scene.lams[i]]).tolist(), "y": finite([d.t[i]]).tolist()}]
        return out

    fig.add_trace(contour_trace(scene.w1, scene.w2, scene.J, name="J(w)"), row=1, col=1)
    if show_answer:
        fig.add_trace(minimizer_trace(scene.center, palette["none"],
                                      name="minimizer of J (λ = 0)"), row=1, col=1)
        for k in kinds:
            fig.add_trace(go.Scatter(x=finite(scene.curve_lams), y=finite(scene.duality[k].curve_t),
                                     mode="lines", name=f"t(λ), {names[k]}",
                                     line={"color": palette[k], "width": 2.5},
                                     hovertemplate="λ = %{x:g}<br>t = %{y:.4f}<extra>"
                                                   + names[k] + "</extra>"), row=1, col=2)
        first = len(fig.data)
        for k in kinds:
            d, n = scene.duality[k], names[k]
            fig.add_trace(ball_trace(d.balls[i0], palette[k], name=f"{n} ball of radius t(λ)"),
                          row=1, col=1)
            fig.add_trace(_constrained_point_trace(d.w_con[i0], palette[k],
                                                   name=f"constrained minimizer at t(λ), {n}"),
                          row=1, col=1)
            fig.add_trace(minimizer_trace(d.w_pen[i0], palette[k], name=star_name(k)),
                          row=1, col=1)
            fig.add_trace(go.Scatter(x=finite([scene.lams[i0]]), y=finite([d.t[i0]]),
                                     mode="markers", name=f"t(λ), {n}, at λ", showlegend=False,
                                     marker={"size": 12, "color": palette[k],
                                             "line": {"width": 1, "color": "#000000"}},
                                     hovertemplate="λ = %{x:g}<br>t = %{y:.4f}<extra>"
                                                   + n + "</extra>"), row=1, col=2)
        ids = list(range(first, len(fig.data)))
        frames = [go.Frame(name=lambda_label(lam), data=moving(i), traces=ids, layout=layout(i))
                  for i, lam in enumerate(scene.lams)]
    else:
        frames = [go.Frame(name=lambda_label(lam), layout=layout(i))
                  for i, lam in enumerate(scene.lams)]
    fig.update_layout(**layout(i0))
    add_lambda_slider(fig, scene.lams, i0, frames)
    _square_axes(fig, scene.problem.view, row=1, col=1)
    top = max(float(np.max(scene.duality[k].curve_t)) for k in kinds)
    fig.update_xaxes(title_text="λ", range=[-0.1, float(scene.curve_lams[-1]) + 0.1], row=1, col=2)
    fig.update_yaxes(title_text="t(λ)", range=[-0.05, 1.1 * top + 0.05], row=1, col=2)
    _one_legend_entry_per_name(fig)
    fig.update_layout(height=660, margin={"l": 10, "r": 10, "t": 70, "b": 110},
                      title_y=0.98,
                      legend={"orientation": "h", "x": 0, "y": -0.4, "yanchor": "top"},
                      uirevision="duality")
    return fig


def angle_histogram_figure(mc, *, palette: dict, names: dict, show_answer: bool = True
                           ) -> go.Figure:
    """How often each ball's answer lands on an axis: histograms of the answers' angles from
    the w₁ axis (0° and 90° are the axes) for L1 (left) and L2 (right), over ``mc.n`` random
    problems, with the unconstrained minimizers' angles as an outline.

    With ``show_answer`` False only the unconstrained outline is drawn.
    """
    edges = np.asarray(mc.angle_edges, np.float64)
    mid, width = (edges[:-1] + edges[1:]) / 2, float(edges[1] - edges[0])
    fig = make_subplots(1, 2, shared_yaxes=True, horizontal_spacing=0.05,
                        subplot_titles=[f"L1 ball: {100 * mc.share_l1:.1f} % on an axis"
                                        if show_answer else "L1 ball: ?",
                                        f"L2 ball: {100 * mc.share_l2:.1f} % on an axis"
                                        if show_answer else "L2 ball: ?"])
    for col, kind in ((1, "l1"), (2, "l2")):
        if show_answer:
            fig.add_trace(go.Bar(x=mid.astype(np.float32), y=mc.angle_counts[kind].astype(np.int32),
                                 width=width, name=f"answers, {names[kind]} ball",
                                 marker={"color": palette[kind], "line": {"width": 0}},
                                 hovertemplate="%{x:.0f}°: %{y} problems<extra>"
                                               + names[kind] + "</extra>"), row=1, col=col)
        fig.add_trace(go.Scatter(x=mid.astype(np.float32),
                                 y=mc.angle_counts["none"].astype(np.int32), mode="lines",
                                 line={"color": palette["none"], "width": 2, "shape": "hvh"},
                                 name="no constraint (minimizers of J)",
                                 hovertemplate="%{x:.0f}°: %{y} problems<extra>no constraint"
                                               "</extra>"), row=1, col=col)
        fig.update_xaxes(range=[-1, 91], tickvals=[0, 15, 30, 45, 60, 75, 90],
                         ticktext=["0°<br>w₂ = 0", "15°", "30°", "45°", "60°", "75°",
                                   "90°<br>w₁ = 0"], title_text="angle of |w| from the w₁ axis",
                         row=1, col=col)
    fig.update_yaxes(title_text="problems", row=1, col=1)
    _one_legend_entry_per_name(fig)
    text = (f"{mc.n:,} random problems: an exact zero in {100 * mc.share_l1:.1f} % of L1 answers, "
            f"{100 * mc.share_l2:.1f} % of L2 answers" if show_answer
            else f"{mc.n:,} random problems: how many answers have an exact zero?")
    fig.update_layout(height=420, margin={"l": 10, "r": 10, "t": 90, "b": 10}, bargap=0,
                      title={"text": text, "y": 0.99},
                      legend={"orientation": "h", "x": 0, "y": -0.3}, uirevision="how-often")
    return fig


# ---- the Weights page ------------------------------------------------------------------------

def _steps(counts) -> np.ndarray:
    """Counts of B bins as the y of a step line over the B + 1 edges (``line.shape`` "hv")."""
    c = finite(counts)
    return np.append(c, c[-1:])


def histogram_trace(edges, counts, color: str, *, name: str) -> go.Scatter:
    """A histogram as a lightly filled step line over ``edges`` (len(counts) + 1): several
    overlay legibly, and a frame changes only its y."""
    return go.Scatter(x=finite(edges), y=_steps(counts), mode="lines", name=name,
                      line={"color": color, "width": 2.5, "shape": "hv"},
                      fill="tozeroy", fillcolor=_rgba(color, 0.12),
                      hovertemplate="w from %{x:.3g}: %{y} weights<extra>" + name + "</extra>")


def weight_histogram_figure(scene, *, palette: dict, names: dict, show_answer: bool = True
                            ) -> go.Figure:
    """Overlaid histograms of every run's weights (``scene.hist``), with the epoch scrubbable
    inside the figure (one frame per snapshot); the title counts the exact zeros.

    With ``show_answer`` False only the unregularized run is drawn (predict first).
    """
    t, h = scene.training, scene.hist
    runs = [r for r in t.runs if show_answer or r == "none"]
    cols = [t.run(r) for r in runs]
    epochs = [int(e) for e in t.snapshot_epochs]
    last = len(epochs) - 1

    def title(i: int) -> str:
        head = f"Epoch {epochs[i]} of {t.epochs}: {scene.n_weights:,} weights a run"
        if not show_answer:
            return head + ". Where will L1's, L2's and dropout's be?"
        zeros = ", ".join(f"{names[r]} {int(h.zeros[i, j]):,}"
                          for r, j in zip(runs, cols, strict=True))
        return f"{head}; exactly 0: {zeros}"

    fig = go.Figure([histogram_trace(h.edges, h.counts[last, j], palette[r], name=names[r])
                     for r, j in zip(runs, cols, strict=True)])
    frames = [frame_spec(e, [{"type": "scatter", "y": _steps(h.counts[i, j])} for j in cols],
                         list(range(len(cols))), {"title": {"text": title(i)}})
              for i, e in enumerate(epochs)]
    add_frame_slider(fig, [str(e) for e in epochs], last, frames, prefix="epoch ")
    top = float(max(1, h.counts[:, cols].max()))
    xtitle = "weight value w"
    if h.beyond[:, cols].any():
        xtitle += f" (the outer bins also count the few weights beyond ±{h.edges[-1]:.3g})"
    fig.update_layout(
        title={"text": title(last), "y": 0.99}, height=520, uirevision="weights",
        margin={"l": 10, "r": 10, "t": 80, "b": 10},
        legend={"orientation": "h", "x": 0, "y": 1.0, "yanchor": "bottom"},
        xaxis={"title": {"text": xtitle}, "range": [float(h.edges[0]),
                                                              float(h.edges[-1])],
               "zeroline": True, "zerolinecolor": "#444", "zerolinewidth": 1},
        yaxis={"title": {"text": "number of weights"}, "range": [0, 1.08 * top]},
        updatemenus=[{"type": "buttons", "direction": "right", "x": 1, "y": 1.0,
                      "xanchor": "right", "yanchor": "bottom", "showactive": True,
                      "pad": {"b": 4}, "buttons": [
                          {"label": "linear", "method": "relayout",
                           "args": [{"yaxis.type": "linear", "yaxis.range": [0, 1.08 * top]}]},
                          {"label": "log", "method": "relayout",
                           "args": [{"yaxis.type": "log",
                                     "yaxis.range": [-0.1, float(np.log10(1.5 * top))]}]}]}])
    return fig


def training_curves_figure(training, *, palette: dict, names: dict, show_answer: bool = True
                           ) -> go.Figure:
    """Per epoch: the data loss J (test solid, train dotted), the accuracy (the same) and the
    size of the weights ‖w‖₂, for every run (only the unregularized one when the answer is
    hidden)."""
    t, c = training, training.curves
    fig = make_subplots(1, 3, horizontal_spacing=0.07, subplot_titles=[
        "loss J: test (solid), train (dotted)", "accuracy: test (solid), train (dotted)",
        "size of the weights ‖w‖₂"])
    x = np.arange(t.epochs + 1, dtype=np.int32)
    for r in t.runs:
        if not show_answer and r != "none":
            continue
        j, name, color = t.run(r), names[r], palette[r]
        for col, (test, train_) in enumerate(((c.test_loss, c.train_loss),
                                              (c.test_acc, c.train_acc)), start=1):
            fig.add_trace(go.Scatter(x=x, y=finite(test[:, j]), mode="lines", name=name,
                                     legendgroup=r, showlegend=col == 1,
                                     line={"color": color, "width": 2.5},
                                     hovertemplate="epoch %{x}: test %{y:.4f}<extra>"
                                                   + name + "</extra>"), row=1, col=col)
            fig.add_trace(go.Scatter(x=x, y=finite(train_[:, j]), mode="lines",
                                     name=f"{name}, train", legendgroup=r, showlegend=False,
                                     line={"color": color, "width": 1.5, "dash": "dot"},
                                     hovertemplate="epoch %{x}: train %{y:.4f}<extra>"
                                                   + name + "</extra>"), row=1, col=col)
        fig.add_trace(go.Scatter(x=x, y=finite(c.norm[:, j]), mode="lines",
                                 name=f"{name}, ‖w‖", legendgroup=r, showlegend=False,
                                 line={"color": color, "width": 2.5},
                                 hovertemplate="epoch %{x}: ‖w‖ = %{y:.4f}<extra>"
                                               + name + "</extra>"), row=1, col=3)
    for col in (1, 2, 3):
        fig.update_xaxes(title_text="epoch", row=1, col=col)
    fig.update_yaxes(range=[0, 1.02], row=1, col=2)
    fig.update_layout(height=380, margin={"l": 10, "r": 10, "t": 40, "b": 10},
                      legend={"orientation": "h", "x": 0, "y": -0.22, "yanchor": "top"},
                      uirevision="curves")
    return fig


def feature_weights_figure(scene, *, palette: dict, names: dict, show_answer: bool = True
                           ) -> go.Figure:
    """The logistic model's final weight of every feature, per run, over grey bands at the
    informative features; exact zeros are said as such on hover. Dropout starts hidden
    (click it in the legend). With ``show_answer`` False only the unregularized run."""
    t = scene.training
    x = np.arange(1, scene.d + 1, dtype=np.int32)
    data = []
    for r in t.runs:
        if not show_answer and r != "none":
            continue
        w = finite(t.final[t.run(r), : scene.d])
        kept = int(scene.kept[t.run(r)].sum())
        name = f"{names[r]} ({kept} non-zero)"
        shape = "diamond" if r == "l1" else "circle"
        data.append(go.Scatter(x=x, y=w, mode="markers", name=name,
                               visible="legendonly" if r == "dropout" else True,
                               text=[fmt_weight(v) for v in w],
                               marker={"color": palette[r], "size": 8,
                                       "symbol": np.where(w == 0, "line-ew-open", shape).tolist(),
                                       "line": {"width": np.where(w == 0, 2, 0.5).tolist(),
                                                "color": np.where(w == 0, palette[r],
                                                                  "#000000").tolist()}},
                               hovertemplate="feature %{x}: w = %{text}<extra>" + names[r]
                                             + "</extra>"))
    bands = [{"type": "rect", "xref": "x", "yref": "y domain", "x0": float(j) + 0.5,
              "x1": float(j) + 1.5, "y0": 0, "y1": 1, "fillcolor": "rgba(0,0,0,0.10)",
              "line": {"width": 0}, "layer": "below"} for j in np.flatnonzero(scene.informative)]
    fig = go.Figure(data)
    fig.update_layout(
        height=380, margin={"l": 10, "r": 10, "t": 40, "b": 10}, shapes=bands,
        title={"text": f"Each feature's weight after training: the {scene.k} grey bands are "
                       "the informative features; a dash on 0 is exactly 0"},
        xaxis={"title": {"text": "feature"}, "range": [0.5, scene.d + 0.5]},
        yaxis={"title": {"text": "weight w"}, "zeroline": True, "zerolinecolor": "#444",
               "zerolinewidth": 1},
        legend={"orientation": "h", "x": 0, "y": -0.2, "yanchor": "top"},
        uirevision="features")
    return fig
