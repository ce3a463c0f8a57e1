"""The Landscape page's figures: contours or a 3D surface of J + λ·P with the descent
path and the minimizers, λ scrubbable in the figure; the primer's L1 | L2 pair; the path's
costs."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from ui.figures.fmt import minimizer_text
from ui.figures.frames import (
    add_lambda_slider,
    append_moving,
    contour_update,
    family_frames,
    frame_spec,
    xy_update,
)
from ui.figures.spec import PlainFigure, grid_layout, note_on_panel, on_panel, set_layout
from ui.figures.style import SURFACE_SCALE
from ui.figures.traces import (
    ball_trace,
    ball_xy,
    contour_levels,
    contour_trace,
    finite,
    minimizer_trace,
    path_trace,
    square_axes,
    start_trace,
    without_empty_lists,
    zero_annotations,
)


def _landscape_title(names: dict, kind: str, lam: float) -> str:
    return f"J(w) + λ·P(w), P = {names[kind]}, λ = {lam:g}"


def landscape_figure(scene, *, palette: dict, names: dict, w0, show_answer: bool = True
                     ) -> go.Figure:
    """Contours of J + λ·P for the selected penalty; its norm ball through its minimizer; its
    descent path from ``w0``; the minimizers of none / L1 / L2; and λ scrubbable in the figure.

    With ``show_answer`` False only the landscape and the start are drawn (predict first).
    A ``PlainFigure``.
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
            data += [xy_update(*ball_xy(scene.minimizer(kind, i).ball)),
                     xy_update(*scene.run(kind, i).path.T)]
            for k in mins:
                w = scene.minimizer(k, i).w
                data.append(xy_update(w[:1], w[1:2], hovertemplate=minimizer_text(
                    f"minimizer, {names[k]}", w)))
        return frame_spec(scene.lams[i], data, moving[: len(data)], layout(i))

    data: list[dict] = []
    moving = append_moving(data, traces(i0))
    data.append(start_trace(w0))   # the start does not move with λ
    if show_answer:
        moving += append_moving(data, minimizers(i0))
    fig = PlainFigure({"data": data})
    set_layout(fig, **without_empty_lists(layout(i0)))
    add_lambda_slider(fig, scene.lams, i0, family_frames(scene, "contours", frame,
                                                         show_answer, names, palette))
    square_axes(fig, scene.problem.view)
    set_layout(fig, height=620, margin={"l": 10, "r": 10, "t": 90, "b": 140},
               legend={"orientation": "h", "x": 0, "y": 1.0, "yanchor": "bottom"},
               title={"y": 0.99}, uirevision="landscape")
    return fig


def surface_figure(scene, *, palette: dict, names: dict, show_answer: bool = True
                   ) -> go.Figure:
    """J + λ·P as a 3D surface with the descent path lying on it; λ scrubbable in the figure.
    A ``PlainFigure``."""
    kind, i0 = scene.kind, scene.index

    def traces(i: int) -> list:
        Z = finite(scene.total(kind, i))
        out = [{"type": "surface", "x": scene.w1, "y": scene.w2, "z": Z,
                "colorscale": SURFACE_SCALE, "showscale": False, "opacity": 0.92,
                "name": "J + λ·P",
                "contours": {"z": {"show": True, "usecolormap": False, "color": "#666",
                                   "width": 1, **contour_levels(Z)}}}]
        if show_answer:
            run = scene.run(kind, i)
            out.append({"type": "scatter3d", "x": run.path[:, 0], "y": run.path[:, 1],
                        "z": finite(run.costs.total), "mode": "lines+markers",
                        "name": f"path, {names[kind]}",
                        "line": {"color": palette[kind], "width": 6},
                        "marker": {"size": 2, "color": palette[kind]}})
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
        return frame_spec(scene.lams[i], data, moving[: len(data)], layout(i))

    data: list[dict] = []
    moving = append_moving(data, traces(i0))
    fig = PlainFigure({"data": data})
    set_layout(fig, **layout(i0))
    add_lambda_slider(fig, scene.lams, i0, family_frames(scene, "surface", frame,
                                                         show_answer, names, palette))
    a, b, c, d = scene.problem.view
    set_layout(fig, height=620, margin={"l": 0, "r": 0, "t": 40, "b": 130},
               scene={"xaxis": {"title": {"text": "w₁"}, "range": [a, b]},
                      "yaxis": {"title": {"text": "w₂"}, "range": [c, d]},
                      "zaxis": {"title": {"text": "J + λ·P"}},
                      "aspectmode": "manual", "aspectratio": {"x": 1, "y": 1, "z": 0.6}},
               uirevision="surface")  # keep the user's camera across reruns
    return fig


def side_by_side_figure(scene, *, palette: dict, names: dict, show_answer: bool = True
                        ) -> go.Figure:
    """The primer's figure: the same data loss with L1 (left) and L2 (right) at one λ.
    A ``PlainFigure``."""
    fig = PlainFigure({"layout": grid_layout(
        1, 2, subplot_titles=[f"L1, λ = {scene.lam:g}", f"L2, λ = {scene.lam:g}"],
        horizontal_spacing=0.08)})
    traces, notes = fig.spec["data"], []
    for col, kind in ((1, "l1"), (2, "l2")):
        # Every other grid node: each panel is half as wide as the main chart, so the eye sees
        # no difference, and plotly.js draws the pair in about two thirds of the time.
        panel = [contour_trace(scene.w1[::2], scene.w2[::2], scene.total(kind)[::2, ::2])]
        square_axes(fig, scene.problem.view, col=col)
        if show_answer:
            m = scene.minimizer(kind)
            panel += [ball_trace(m.ball, palette[kind], name=f"{names[kind]} ball"),
                      path_trace(scene.run(kind).path, palette[kind],
                                 name=f"path, {names[kind]}"),
                      minimizer_trace(scene.minimizer("none").w, palette["none"],
                                      name="minimizer, none"),
                      minimizer_trace(m.w, palette[kind], name=f"minimizer, {names[kind]}")]
            notes += [note_on_panel(n, col) for n in zero_annotations(m.w, palette[kind])]
        traces += [{**tr, **on_panel(col)} for tr in panel]
    set_layout(fig, height=460, showlegend=False, margin={"l": 76, "r": 10, "t": 40, "b": 66},
               annotations=fig.spec["layout"]["annotations"] + notes)
    return fig


def path_costs_figure(costs, *, color: str, name: str) -> go.Figure:
    """J, λ·P and their sum at each step of the path. A ``PlainFigure``."""
    k = np.arange(len(costs.J))
    return PlainFigure({"data": [
        {"type": "scatter", "x": k, "y": finite(costs.J), "name": "J (data loss)",
         "line": {"color": "#555555", "width": 2}},
        {"type": "scatter", "x": k, "y": finite(costs.penalty), "name": f"λ·P ({name})",
         "line": {"color": color, "width": 2, "dash": "dot"}},
        {"type": "scatter", "x": k, "y": finite(costs.total), "name": "J + λ·P",
         "line": {"color": color, "width": 3}},
    ], "layout": {"height": 340, "margin": {"l": 36, "r": 24, "t": 40, "b": 94},
                  "title": {"text": "Along the path"}, "xaxis": {"title": {"text": "step k"}},
                  "legend": {"orientation": "h", "y": -0.25}}})
