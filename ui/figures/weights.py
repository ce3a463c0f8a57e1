"""The Weights page's figures: histograms of the trained weights (the epoch scrubbable),
the training curves, and the weight of each feature."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from ui.figures.frames import add_frame_slider, append_moving, frame_spec
from ui.figures.spec import PlainFigure, set_layout
from ui.figures.style import rgba
from ui.figures.traces import finite, histogram_steps, without_empty_lists


def histogram_trace(edges, counts, color: str, *, name: str) -> dict:
    """A histogram as a lightly filled step line over ``edges`` (len(counts) + 1): several
    overlay legibly, and a frame changes only its y."""
    return {"type": "scatter", "x": finite(edges), "y": histogram_steps(counts), "mode": "lines",
            "name": name, "line": {"color": color, "width": 2.5, "shape": "hv"},
            "fill": "tozeroy", "fillcolor": rgba(color, 0.12),
            "hovertemplate": "w from %{x:.3g}: %{y} weights<extra>" + name + "</extra>"}


def _beyond_note(h, cols: list[int]) -> list[dict]:
    """The note that the outer bins also count the weights beyond them, if any run has some."""
    if not h.beyond[:, cols].any():
        return []
    return [{"xref": "paper", "yref": "paper", "x": 1, "y": 1, "xanchor": "right",
             "yanchor": "top", "align": "right", "showarrow": False, "font": {"color": "#555555"},
             "bgcolor": "rgba(255,255,255,0.85)",   # legible over L1's spike at 0
             "text": f"the outer bins also count<br>the few weights beyond ±{h.edges[-1]:.3g}"}]


def _scale_buttons(top: float) -> list[dict]:
    """The linear / log buttons of the count axis, top right."""
    return [{"type": "buttons", "direction": "right", "x": 1, "y": 1.0,
             "xanchor": "right", "yanchor": "bottom", "showactive": True,
             "pad": {"b": 4}, "buttons": [
                 {"label": "linear", "method": "relayout",
                  "args": [{"yaxis.type": "linear", "yaxis.range": [0, 1.15 * top]}]},
                 {"label": "log", "method": "relayout",
                  "args": [{"yaxis.type": "log",
                            "yaxis.range": [-0.1, float(np.log10(2 * top))]}]}]}]


def weight_histogram_figure(scene, *, lam: float, palette: dict, names: dict,
                            show_answer: bool = True) -> go.Figure:
    """Overlaid histograms of every run's weights (``scene.hist``), with the epoch scrubbable
    inside the figure (one frame per snapshot). The title says λ and the epoch; a note in
    the top left corner counts each run's exact zeros at that epoch.

    With ``show_answer`` False only the unregularized run is drawn (predict first). A
    ``PlainFigure``, as the other two of the page.
    """
    t, h = scene.training, scene.hist
    runs = [r for r in t.runs if show_answer or r == "none"]
    cols = [t.run(r) for r in runs]
    epochs = [int(e) for e in t.snapshot_epochs]
    last = len(epochs) - 1
    beyond = _beyond_note(h, cols)

    def layout(i: int) -> dict:
        """The layout at the i-th snapshot: the title and the count of exact zeros (hidden:
        the question, under the title, so the note on the outer bins keeps the top right)."""
        title = f"λ = {lam:g}, epoch {epochs[i]} of {t.epochs}: {scene.n_weights:,} weights a run"
        if not show_answer:
            return {"title": {"text": title, "subtitle": {
                "text": "Where will L1's, L2's and dropout's weights be?",
                "font": {"size": 16}}}, "annotations": beyond}   # a projector's smallest
        text = "<b>exactly 0</b><br>" + "<br>".join(
            f"<span style='color:{palette[r]}'>{names[r]}: {int(h.zeros[i, j]):,}</span>"
            for r, j in zip(runs, cols, strict=True))
        zeros = {"xref": "paper", "yref": "paper", "x": 0, "y": 1, "xanchor": "left",
                 "yanchor": "top", "align": "left", "showarrow": False, "text": text,
                 "bgcolor": "rgba(255,255,255,0.85)"}
        return {"title": {"text": title}, "annotations": [zeros] + beyond}

    data: list[dict] = []
    moving = append_moving(data, [histogram_trace(h.edges, h.counts[last, j], palette[r],
                                                  name=names[r])
                                  for r, j in zip(runs, cols, strict=True)])
    fig = PlainFigure({"data": data})
    frames = [frame_spec(e, [{"type": "scatter", "y": histogram_steps(h.counts[i, j])}
                             for j in cols], moving, layout(i))
              for i, e in enumerate(epochs)]
    add_frame_slider(fig, [str(e) for e in epochs], last, frames, prefix="epoch ")
    # clear of the axis title, in presenter mode too
    fig.spec["layout"]["sliders"][0]["pad"]["t"] = 60
    top = float(max(1, h.counts[:, cols].max()))
    set_layout(
        fig, **layout(last), height=540, uirevision="weights",
        margin={"l": 76, "r": 10, "t": 80, "b": 154},
        legend={"orientation": "h", "x": 0, "y": 1.0, "yanchor": "bottom"},
        xaxis={"title": {"text": "weight value w"}, "range": [float(h.edges[0]),
                                                              float(h.edges[-1])],
               "zeroline": True, "zerolinecolor": "#444", "zerolinewidth": 1},
        yaxis={"title": {"text": "number of weights"}, "range": [0, 1.15 * top]},
        updatemenus=_scale_buttons(top))
    set_layout(fig, title={"y": 0.99})
    return fig


def training_curves_figure(training, *, palette: dict, names: dict, show_answer: bool = True
                           ) -> go.Figure:
    """Per epoch: the data loss J (test solid, train dotted), the accuracy (the same) and the
    size of the weights ‖w‖₂, for every run (only the unregularized one when the answer is
    hidden). Three panels side by side, a ``PlainFigure``."""
    t, c = training, training.curves
    x = np.arange(t.epochs + 1, dtype=np.int32)
    titles = ["loss J: test (solid), train (dotted)", "accuracy: test (solid), train (dotted)",
              "size of the weights ‖w‖₂"]
    gap = 0.07
    width = (1 - 2 * gap) / 3
    layout, notes, data = {}, [], []
    for i, title in enumerate(titles):
        ax, x0 = "" if i == 0 else str(i + 1), i * (width + gap)
        layout[f"xaxis{ax}"] = {"domain": [x0, x0 + width], "anchor": f"y{ax}",
                                "title": {"text": "epoch"}}
        layout[f"yaxis{ax}"] = {"anchor": f"x{ax}"}
        notes.append({"xref": "paper", "yref": "paper", "x": x0 + width / 2, "y": 1.0,
                      "xanchor": "center", "yanchor": "bottom", "showarrow": False,
                      "text": title, "font": {"size": 14}})
    layout["yaxis2"]["range"] = [0, 1.02]

    def line(y, ax: str, name: str, color: str, *, what: str, group: str, legend: bool,
             dotted: bool = False) -> dict:
        return {"type": "scatter", "x": x, "y": finite(y), "mode": "lines", "name": name,
                "xaxis": f"x{ax}", "yaxis": f"y{ax}", "legendgroup": group,
                "showlegend": legend,
                "line": {"color": color, "width": 1.5 if dotted else 2.5,
                         "dash": "dot" if dotted else "solid"},
                "hovertemplate": f"epoch %{{x}}: {what} %{{y:.4f}}<extra>{name}</extra>"}

    for r in t.runs:
        if not show_answer and r != "none":
            continue
        j, name, color = t.run(r), names[r], palette[r]
        for ax, test, train_ in (("", c.test_loss, c.train_loss), ("2", c.test_acc, c.train_acc)):
            data.append(line(test[:, j], ax, name, color, what="test", group=r,
                             legend=ax == ""))
            data.append(line(train_[:, j], ax, f"{name}, train", color, what="train", group=r,
                             legend=False, dotted=True))
        data.append(line(c.norm[:, j], "3", f"{name}, ‖w‖", color, what="‖w‖ =", group=r,
                         legend=False))
    return PlainFigure({"data": data, "layout": {
        **layout, "annotations": notes, "height": 380,
        "margin": {"l": 40, "r": 10, "t": 40, "b": 96},
        "legend": {"orientation": "h", "x": 0, "y": -0.22, "yanchor": "top"},
        "uirevision": "curves"}})


def feature_weights_figure(scene, *, palette: dict, names: dict, show_answer: bool = True
                           ) -> go.Figure:
    """The logistic model's final weight of every feature, per run, over grey bands at the
    informative features. A run is two traces: its non-zero weights as markers and its exact
    zeros as dashes on 0 (said "0 (exact)" on hover). Dropout starts hidden (click it in the
    legend). With ``show_answer`` False only the unregularized run."""
    t = scene.training
    x = np.arange(1, scene.d + 1, dtype=np.int32)
    data = []
    for r in t.runs:
        if not show_answer and r != "none":
            continue
        w = finite(t.final[t.run(r), : scene.d])
        zero = w == 0
        name = f"{names[r]} ({int(scene.kept[t.run(r)].sum())} non-zero)"
        shown = "legendonly" if r == "dropout" else True
        data.append({"type": "scatter", "x": x[~zero], "y": w[~zero], "mode": "markers",
                     "name": name, "legendgroup": r, "visible": shown,
                     "marker": {"color": palette[r], "size": 8,
                                "symbol": "diamond" if r == "l1" else "circle",
                                "line": {"width": 0.5, "color": "#000000"}},
                     "hovertemplate": f"feature %{{x}}: w = %{{y:.4g}}<extra>{names[r]}</extra>"})
        if zero.any():
            data.append({"type": "scatter", "x": x[zero], "y": w[zero], "mode": "markers",
                         "name": f"{names[r]}: exactly 0", "legendgroup": r, "visible": shown,
                         "showlegend": False,
                         "marker": {"color": palette[r], "size": 8, "symbol": "line-ew-open",
                                    "line": {"width": 2, "color": palette[r]}},
                         "hovertemplate": f"feature %{{x}}: w = 0 (exact)<extra>{names[r]}"
                                          "</extra>"})
    bands = [{"type": "rect", "xref": "x", "yref": "y domain", "x0": float(j) + 0.5,
              "x1": float(j) + 1.5, "y0": 0, "y1": 1, "fillcolor": "rgba(0,0,0,0.10)",
              "line": {"width": 0}, "layer": "below"} for j in np.flatnonzero(scene.informative)]
    return PlainFigure({"data": data, "layout": without_empty_lists({
        "height": 380, "margin": {"l": 78, "r": 20, "t": 40, "b": 92}, "shapes": bands,
        "title": {"text": f"Each feature's weight after training: the {scene.k} grey bands are "
                          "the informative features; a dash on 0 is exactly 0"},
        "xaxis": {"title": {"text": "feature"}, "range": [0.5, scene.d + 0.5]},
        "yaxis": {"title": {"text": "weight w"}, "zeroline": True, "zerolinecolor": "#444",
                  "zerolinewidth": 1},
        "legend": {"orientation": "h", "x": 0, "y": -0.2, "yanchor": "top"},
        "uirevision": "features"})})
