"""Traces and axes the pages share. A trace builder returns a plain dict (Plotly's keys): a
``PlainFigure`` takes it as it is, a ``go.Figure`` validates it as it adds it."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from ui.figures.fmt import minimizer_text, power_label
from ui.figures.spec import axis_name, on_panel, set_layout
from ui.figures.style import CONTOUR_LINE, LEVELS, SURFACE_SCALE


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


def contour_trace(w1, w2, Z, *, name: str = "J + λ·P", showscale: bool = False) -> dict:
    return {"type": "contour", "x": np.asarray(w1, np.float32),
            "y": np.asarray(w2, np.float32), "z": finite(Z),
            "contours": {**contour_levels(Z), "coloring": "fill", "showlines": True},
            "line": {"width": 0.6, "color": CONTOUR_LINE},
            "colorscale": SURFACE_SCALE, "showscale": showscale, "name": name,
            "hovertemplate": "w₁ %{x:.3f}<br>w₂ %{y:.3f}<br>" + name
                             + " %{z:.4f}<extra></extra>"}


def ball_xy(ball) -> tuple[np.ndarray, np.ndarray]:
    ball = np.asarray(ball, np.float32)
    ok = np.isfinite(ball).all(axis=1)
    return ball[ok, 0], ball[ok, 1]


def ball_trace(ball, color: str, *, name: str) -> dict:
    x, y = ball_xy(ball)
    return {"type": "scatter", "x": x, "y": y, "mode": "lines", "name": name,
            "line": {"color": color, "width": 2, "dash": "dash"}, "hoverinfo": "name"}


def path_trace(path, color: str, *, name: str) -> dict:
    path = np.asarray(path, np.float32)
    return {"type": "scatter", "x": path[:, 0], "y": path[:, 1], "mode": "lines+markers",
            "name": name, "line": {"color": color, "width": 2.5},
            "marker": {"size": 4, "color": color},
            "hovertemplate": "w₁ %{x:.4f}<br>w₂ %{y:.4f}<extra>" + name + "</extra>"}


def start_trace(w0) -> dict:
    return {"type": "scatter", "x": np.asarray([w0[0]], np.float32),
            "y": np.asarray([w0[1]], np.float32), "mode": "markers", "name": "start",
            "marker": {"symbol": "circle-open", "size": 12, "color": "#000000",
                       "line": {"width": 2}}}


def minimizer_trace(w, color: str, *, name: str) -> dict:
    """The minimizer as a star, with its coordinates (exact zeros said as such) on hover."""
    w = np.asarray(w, np.float64)
    return {"type": "scatter", "x": w[:1].astype(np.float32), "y": w[1:2].astype(np.float32),
            "mode": "markers", "name": name, "hovertemplate": minimizer_text(name, w),
            "marker": {"symbol": "star", "size": 16, "color": color,
                       "line": {"width": 1, "color": "#000000"}}}


def zero_annotations(w, color: str) -> list[dict]:
    """A label at a minimizer that has an exact zero coordinate: "w₂ = 0 exactly"."""
    zeros = [i for i in range(2) if float(w[i]) == 0.0]
    if not zeros:
        return []
    return [{"x": float(w[0]), "y": float(w[1]), "ax": 40, "ay": -40,
             "text": " and ".join(f"w{'₁₂'[i]} = 0 exactly" for i in zeros),
             "font": {"color": color, "size": 14}, "arrowcolor": color,
             "bgcolor": "rgba(255,255,255,0.85)"}]


def square_axes(fig: go.Figure, view, *, col: int = 1) -> None:
    """Panel ``col``'s axes (of a one-row figure) over ``view``, one unit of w₁ as long as one
    of w₂. Set through the layout by name: ``update_xaxes(col=...)`` is ~10× slower.

    Only the first panel names w₂: every panel has the same w₂ range, and a second title would
    sit in the gap between the panels, over the first one on a phone."""
    a, b, c, d = view
    n = axis_name(col)
    common = {"zeroline": True, "zerolinecolor": "#444", "zerolinewidth": 1,
              "constrain": "domain"}
    set_layout(fig, {f"xaxis{n}": {"range": [a, b], "title": {"text": "w₁"}, **common},
                f"yaxis{n}": {"range": [c, d], "title": {"text": "w₂" if col == 1 else ""},
                              "scaleanchor": f"x{n}", "scaleratio": 1, **common}})


def without_empty_lists(layout: dict) -> dict:
    """``layout`` without its empty lists (no shapes, no notes), as a go.Figure writes it."""
    return {k: v for k, v in layout.items() if not (isinstance(v, list) and not v)}


def vline(x, xref: str, yref: str, text: str, *, color: str, dash: str, top: bool = True
           ) -> tuple[list, list]:
    """A vertical line at ``x`` across a panel, and its label (as layout dicts: cheap)."""
    shape = {"type": "line", "xref": xref, "yref": f"{yref} domain", "x0": x, "x1": x,
             "y0": 0, "y1": 1, "line": {"color": color, "width": 1.5, "dash": dash}}
    note = {"xref": xref, "yref": f"{yref} domain", "x": x, "y": 1 if top else 0,
            "text": text, "showarrow": False, "xanchor": "right" if top else "left",
            "yanchor": "top" if top else "bottom", "bgcolor": "rgba(255,255,255,0.8)"}
    return [shape], [note]


def one_legend_entry_per_name(traces: list[dict]) -> None:
    """Each name once in the legend (contours never), for a plain figure's trace dicts."""
    seen = set()
    for t in traces:   # a trace already kept out of the legend stays out
        t["showlegend"] = (t.get("showlegend") is not False and bool(t.get("name"))
                           and t.get("name") not in seen and t["type"] != "contour")
        seen.add(t.get("name"))


def histogram_steps(counts) -> np.ndarray:
    """Counts of B bins as the y of a step line over the B + 1 edges (``line.shape`` "hv")."""
    c = finite(counts)
    return np.append(c, c[-1:])


def log_edges(lams) -> np.ndarray:
    """Boundaries halfway (in log λ) between the points of a λ grid, and beyond its ends."""
    g = np.log(np.asarray(lams, np.float64))
    mid = (g[1:] + g[:-1]) / 2
    return np.exp(np.concatenate([[g[0] - (mid[0] - g[0])], mid, [g[-1] + (g[-1] - mid[-1])]]))


def log_lambda_axis(lams) -> dict:
    """A log λ axis over the grid, ticked at the powers of ten as plain numbers (0.001, not 1m)."""
    lo, hi = float(np.min(lams)), float(np.max(lams))
    powers = 10.0 ** np.arange(np.floor(np.log10(lo)), np.ceil(np.log10(hi)) + 1)
    return {"type": "log", "range": [float(np.log10(lo)), float(np.log10(hi))],
            "tickvals": powers.tolist(), "ticktext": [power_label(p) for p in powers]}


def log_ticks(lo: float, hi: float) -> dict:
    """Ticks 1, 2, 5 × 10^k between lo and hi (only the powers of ten over many decades),
    labelled in full: 0.2, 0.5, 1, 2, 5, 10."""
    ks = np.arange(np.floor(np.log10(lo)), np.ceil(np.log10(hi)) + 1)
    steps = (1.0, 2.0, 5.0) if len(ks) <= 5 else (1.0,)
    vals = [m * 10.0 ** k for k in ks for m in steps if lo <= m * 10.0 ** k <= hi]
    return {"tickvals": vals, "ticktext": [power_label(v) if len(steps) == 1 else f"{v:g}"
                                           for v in vals]}


def on_grid(trace: dict, row: int, col: int, cols: int) -> dict:
    """A scatter ``trace`` on the panel at ``row``, ``col`` of a grid ``cols`` panels wide."""
    return {"type": "scatter", **trace, **on_panel((row - 1) * cols + col)}


def shaded_region(x0: float, x1: float, text: str, fill: str, *,
                  label_at: str = "centre") -> tuple[dict, dict]:
    """A shaded band x0 ≤ λ ≤ x1 across the plot (a shape), and its label: above the plot,
    centred on the band (``centre``) or at the plot's ``left`` or ``right`` edge, or at the
    band's top inside the plot (``inside``). Edge labels leave the middle free for a narrow
    band's label, which a phone's width would otherwise run into theirs."""
    label = {"xref": "x", "yref": "y domain", "x": float((np.log10(x0) + np.log10(x1)) / 2),
             "y": 1.0, "yanchor": "bottom", "showarrow": False, "text": text,
             "font": {"size": 12, "color": "#333333"}}
    if label_at in ("left", "right"):
        label.update(xref="x domain", x=float(label_at == "right"), xanchor=label_at)
    elif label_at == "inside":
        label.update(yanchor="top", yshift=-3)
    return ({"type": "rect", "xref": "x", "yref": "y domain", "x0": x0, "x1": x1, "y0": 0,
             "y1": 1, "fillcolor": fill, "line": {"width": 0}, "layer": "below"}, label)


def log_error_range(drawn: list, val, noise2: float, *, show_answer: bool) -> tuple[float, float]:
    """The error axis's range (lo, hi): every drawn curve and the noise floor, on log axes."""
    # A very overfit curve would squash the rest: keep four decades above the best.
    values = np.concatenate([finite(v) for v in drawn])
    values = values[values > 0]
    best = float(np.min(finite(val))) if show_answer else float(np.min(values))
    lo = max(float(values.min()) if len(values) else 1e-3, best * 1e-3, 1e-6) * 0.7
    hi = min(float(values.max()) if len(values) else 1.0, max(best, 1e-6) * 1e4) * 1.4
    if noise2 > 0:
        lo = min(lo, noise2 * 0.7)
    return lo, hi


def mark_cut(data: list[dict], hi: float) -> None:
    """Label on hover every curve that goes beyond the top of the view (it is cut there)."""
    for t in data:
        if len(t["y"]) and np.max(np.asarray(t["y"], np.float64)) > hi:
            t["hovertemplate"] = (t.get("hovertemplate") or "").replace(
                "<extra>", " (top of the chart is cut)<extra>", 1)
