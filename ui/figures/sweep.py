"""The λ sweep page's figures: coefficient paths, bias and variance over λ, residuals."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from ui.figures.fmt import fmt_weight, weight_text
from ui.figures.spec import PlainFigure, axis_name, grid_layout, merged, on_panel, set_layout
from ui.figures.style import rgba
from ui.figures.traces import (
    finite,
    log_edges,
    log_error_range,
    log_lambda_axis,
    log_ticks,
    mark_cut,
    minimizer_trace,
    on_grid,
    shaded_region,
    vline,
)


def _lambda_max_note(edge: float, kind: str, c: int) -> dict:
    """The note at λ_max (elastic net: λ_max / mix) on column ``c``'s top panel, upright."""
    sym = "λ_max" if kind == "l1" else "λ_max/mix"
    return {"xref": f"x{axis_name(c)}", "yref": f"y{axis_name(c)} domain", "y": 0.02,
            "x": float(np.log10(edge)), "xanchor": "left", "yanchor": "bottom",
            "showarrow": False, "text": f" {sym} = {edge:.3g}:<br> all 0 from here",
            "font": {"size": 11}, "bgcolor": "rgba(255,255,255,0.8)", "textangle": -90}


def _paths_guides(paths, kind: str, c: int, cols: int, lam: float, *, mix: float,
                  show_answer: bool) -> tuple[list[dict], dict, list[dict]]:
    """Column ``c``'s λ line, its λ_max line and note (with the answer) and its axes."""
    lams, d = np.asarray(paths.lams, np.float32), len(paths.names)
    shapes, axes, notes = [], {}, []
    edge = {"l1": paths.lam_max, "elastic_net": paths.lam_max / mix}.get(kind)
    for n_ in (c, cols + c):  # this column's top and bottom panels
        shapes += vline(lam, f"x{axis_name(n_)}", f"y{axis_name(n_)}", "", color="#777777",
                        dash="dot")[0]
        if edge is not None and show_answer:
            shapes += vline(edge, f"x{axis_name(n_)}", f"y{axis_name(n_)}", "", color="#000000",
                             dash="dash")[0]
        axes[f"xaxis{axis_name(n_)}"] = log_lambda_axis(lams)
    axes[f"xaxis{axis_name(cols + c)}"]["title"] = {"text": "λ (log scale)"}
    axes[f"yaxis{axis_name(c)}"] = {"zeroline": True, "zerolinecolor": "#444",
                                    "zerolinewidth": 1}
    axes[f"yaxis{axis_name(cols + c)}"] = {"range": [-0.5, d + 2.5], "dtick": 2}
    if edge is not None and show_answer:
        notes.append(_lambda_max_note(edge, kind, c))
    return shapes, axes, notes


def _weight_paths(paths, kind: str, index: int, c: int, cols: int, *, color: str,
                  names: dict) -> list[dict]:
    """Column ``c``'s top panel: every weight's path over λ and the weights at λ as markers."""
    lams, lam = np.asarray(paths.lams, np.float32), float(paths.lams[index])
    coef, d = np.asarray(paths.coef[kind]), len(paths.names)
    matters = np.asarray(paths.w_true) != 0
    traces = [on_grid({"x": lams, "y": finite(coef[:, j]), "mode": "lines", "showlegend": False,
                       "name": f"path, {paths.names[j]}, {names[kind]}",
                       "line": {"color": color, "width": 2.2 if matters[j] else 1.3,
                                "dash": "solid" if matters[j] else "dot"},
                       "text": weight_text(coef[:, j]),
                       "hovertemplate": f"{paths.names[j]}" + "<br>λ = %{x:.3g}<br>w = %{text}"
                                        f"<extra>{names[kind]}</extra>"}, 1, c, cols)
              for j in range(d)]
    at = coef[index]
    traces.append(on_grid(
        {"x": np.full(d, lam, np.float32), "y": finite(at), "mode": "markers",
         "showlegend": False, "name": f"weights at λ, {names[kind]}",
         "marker": {"size": 7, "color": color, "line": {"width": 1, "color": "#000000"}},
         "text": [f"{nm} = {fmt_weight(v)}" for nm, v in zip(paths.names, at, strict=True)],
         "hovertemplate": "%{text}<extra>λ = " + f"{lam:g}</extra>"}, 1, c, cols))
    return traces


def _nonzero_counts(paths, kind: str, index: int, c: int, cols: int, *, color: str,
                    names: dict) -> list[dict]:
    """Column ``c``'s bottom panel: the number of non-zero weights over λ and at λ."""
    lams, lam = np.asarray(paths.lams, np.float32), float(paths.lams[index])
    nz = np.asarray(paths.nonzeros[kind])
    return [on_grid({"x": lams, "y": nz.astype(np.float32), "mode": "lines", "showlegend": False,
                     "name": f"non-zero weights, {names[kind]}",
                     "line": {"color": color, "width": 2.5, "shape": "hv"},
                     "hovertemplate": "λ = %{x:.3g}: %{y} non-zero<extra>" + names[kind]
                                      + "</extra>"}, 2, c, cols),
            on_grid({"x": np.asarray([lam], np.float32), "y": np.asarray([nz[index]], np.float32),
                     "mode": "markers+text", "text": [f"{int(nz[index])}"],
                     "textposition": "top right", "showlegend": False,
                     "name": f"non-zero weights at λ, {names[kind]}",
                     "marker": {"size": 9, "color": color,
                                "line": {"width": 1, "color": "#000000"}},
                     "hovertemplate": f"λ = {lam:g}: " + "%{y} non-zero<extra>" + names[kind]
                                      + "</extra>"}, 2, c, cols)]


def _solid_dotted_legend(lams, cols: int) -> list[dict]:
    """Two legend entries that say once what a solid and a dotted path mean: one point each,
    which draws no line (an empty trace would get no legend entry)."""
    return [on_grid({"x": lams[:1], "y": np.zeros(1, np.float32), "mode": "lines", "name": label,
                    "hoverinfo": "skip",
                    "line": {"color": "#555555", "dash": dash, "width": width}}, 1, 1, cols)
            for label, dash, width in (("feature that matters (true w ≠ 0)", "solid", 2.2),
                                       ("feature that does not (true w = 0)", "dot", 1.3))]


def _paths_title(paths, index: int, kinds, *, names: dict, show_answer: bool) -> str:
    """The title: λ, and each penalty's count of non-zero weights once the answer is shown."""
    lam, d = float(paths.lams[index]), len(paths.names)
    if not show_answer:
        return f"λ = {lam:g}: which weights reach exactly 0, and when?"
    counts = ", ".join(f"{names[k]} {int(paths.nonzeros[k][index])}" for k in kinds)
    return f"λ = {lam:g}: non-zero weights {counts} (of {d})"


def paths_figure(paths, index: int, *, palette: dict, names: dict, kinds=("l1", "elastic_net",
                 "l2"), mix: float = 0.5, show_answer: bool = True) -> go.Figure:
    """Every weight against λ (log axis) for L1, elastic net and L2 side by side (top), the
    number of non-zero weights against λ (bottom), a vertical line and markers at the λ of
    the page (``paths.lams[index]``), and L1's λ_max (elastic net: λ_max / mix).

    ``paths`` is ``core.scenes.sweep.Paths``. A feature the data were made from (true weight ≠ 0)
    is drawn solid, one that does not matter dotted. Hover says an exact zero as such. With
    ``show_answer`` False only the axes and the λ line are drawn (predict first). Built as a
    ``PlainFigure``: 35 traces, rebuilt on every λ move.
    """
    lams, lam = np.asarray(paths.lams, np.float32), float(paths.lams[index])
    cols = len(kinds)
    titles = [names[k] if k != "elastic_net" else f"{names[k]} (mix {mix:g})" for k in kinds]
    layout = grid_layout(2, cols, subplot_titles=titles + [""] * cols, shared_xaxes=True,
                          row_heights=[0.7, 0.3], vertical_spacing=0.07, horizontal_spacing=0.05)
    traces, shapes, notes, axes = [], [], [], {}
    for c, kind in enumerate(kinds, start=1):
        col_shapes, col_axes, col_notes = _paths_guides(paths, kind, c, cols, lam, mix=mix,
                                                        show_answer=show_answer)
        shapes += col_shapes
        axes.update(col_axes)
        notes += col_notes
        if show_answer:
            traces += _weight_paths(paths, kind, index, c, cols, color=palette[kind], names=names)
            traces += _nonzero_counts(paths, kind, index, c, cols, color=palette[kind],
                                      names=names)
    if show_answer and np.isfinite(paths.w_true).any():   # once: what solid, dotted mean
        traces += _solid_dotted_legend(lams, cols)
    axes["yaxis"]["title"] = {"text": "weight w_k"}
    axes[f"yaxis{axis_name(cols + 1)}"]["title"] = {"text": "non-zero"}
    title = _paths_title(paths, index, kinds, names=names, show_answer=show_answer)
    for key, value in axes.items():
        layout[key] = merged(layout.get(key, {}), value)
    layout.update(height=560, margin={"l": 72, "r": 18, "t": 90, "b": 80},
                  title={"text": title, "y": 0.98},
                  legend={"orientation": "h", "x": 0, "y": 1.06, "yanchor": "bottom"},
                  shapes=shapes, annotations=layout.get("annotations", []) + notes,
                  uirevision="paths")
    return PlainFigure({"data": traces, "layout": layout})


def _regimes(lams, choice, color: str) -> tuple[list[dict], list[dict]]:
    """The three regimes over λ shaded (overfits, appropriate, underfits), and their labels."""
    edges = log_edges(lams)
    grey, lo, hi = "rgba(0,0,0,0.07)", edges[choice.lo], edges[choice.hi + 1]
    regions = [(edges[0], lo, "λ too small: overfits (variance)", grey, "left"),
               (lo, hi, "appropriate", rgba(color, 0.12), "inside"),
               (hi, edges[-1], "λ too large: underfits (bias)", grey, "right")]
    bands, labels = [], []
    for x0, x1, text, fill, at in regions:
        if x1 > x0 * 1.0001:
            band, label = shaded_region(float(x0), float(x1), text, fill, label_at=at)
            bands.append(band)
            labels.append(label)
    return bands, labels


def _cv_traces(errors, kind: str, lams, *, color: str, name: str) -> list[dict]:
    """The k-fold CV error of one penalty and its ±1 standard-error band."""
    x = lams.astype(np.float32)
    cv, se = np.asarray(errors.cv[kind]), np.asarray(errors.cv_se[kind])
    lo = np.maximum(cv - se, cv * 0.05)
    return [{"type": "scatter", "x": np.concatenate([x, x[::-1]]),
             "y": finite(np.concatenate([cv + se, lo[::-1]])), "fill": "toself",
             "fillcolor": rgba(color, 0.15), "line": {"width": 0},
             "hoverinfo": "skip",
             "name": f"CV error ± 1 standard error ({errors.folds} folds)"},
            {"type": "scatter", "x": x, "y": finite(cv), "mode": "lines",
             "name": f"{errors.folds}-fold CV error, {name}",
             "line": {"color": "#333333", "width": 2, "dash": "dash"},
             "hovertemplate": "λ = %{x:.3g}<br>CV MSE %{y:.4g}<extra></extra>"}]


def _best_lambda_star(errors, kind: str, lams, choice, *, color: str) -> dict:
    """A star at the best λ of the curve that picks λ (CV when on, else validation)."""
    curve, _ = errors.curve(kind)
    b = choice.best
    by = "CV" if errors.cv is not None else "validation"
    star = minimizer_trace([lams[b], curve[b]], "#000000" if errors.cv is not None
                           else color, name=f"best λ = {lams[b]:g} (minimizer of {by} "
                                             "error)")
    star["hovertemplate"] = (f"best λ = {lams[b]:g}<br>{by} MSE {curve[b]:.4g}"
                             "<extra></extra>")
    return star


def _at_lambda_markers(lam: float, at_y: list, *, color: str) -> dict:
    """Markers on the train (and validation) error at the page's λ."""
    return {"type": "scatter", "x": np.full(len(at_y), lam, np.float32),
            "y": finite(at_y), "mode": "markers", "name": f"at λ = {lam:g}",
            "marker": {"size": 9, "color": color, "symbol": "circle",
                       "line": {"width": 1.5, "color": "#000000"}},
            "text": ["train", "validation"][: len(at_y)],
            "hovertemplate": "%{text} MSE %{y:.4g}<extra>λ = " + f"{lam:g}</extra>"}


def _lambda_line_and_noise_floor(lam: float, noise2: float, *, show_answer: bool
                                 ) -> tuple[list[dict], list[dict]]:
    """The line at the page's λ and, with the answer, the noise floor σ²: shapes and notes."""
    shapes, notes = vline(lam, "x", "y", f"λ = {lam:g}", color="#777777", dash="dot", top=False)
    notes[0]["x"] = float(np.log10(lam))
    if show_answer and noise2 > 0:
        shapes.append({"type": "line", "xref": "x domain", "yref": "y", "x0": 0, "x1": 1,
                       "y0": noise2, "y1": noise2,
                       "line": {"color": "#555555", "width": 1.2, "dash": "longdash"}})
        notes.append({"xref": "x domain", "yref": "y", "x": 1, "y": float(np.log10(noise2)),
                      "xanchor": "right", "yanchor": "bottom", "showarrow": False,
                      "text": f"noise floor σ² = {noise2:.3g}", "font": {"color": "#555555"}})
    return shapes, notes


def _bias_variance_title(errors, lam: float, train_at, val_at, *, name: str) -> str:
    """The title: the train (and validation, unless None) error at λ, and the data's settings."""
    title = f"λ = {lam:g}: train MSE {train_at:.3g}"
    if val_at is not None:
        title += f", validation {val_at:.3g}"
    about = (f"σ = {errors.noise:.2f}, n = {errors.n}, degree {errors.degree}"
             if np.isfinite(errors.noise)   # NaN: a class's own data
             else f"fitted on {errors.n} rows, {errors.degree} features")
    return f"{title}<br><sup>{name}, {about}</sup>"


def bias_variance_figure(errors, kind: str, index: int, *, palette: dict, names: dict,
                         show_answer: bool = True) -> go.Figure:
    """Train and validation error (mean squared error, log axes) against λ for one penalty;
    with cross-validation on, the k-fold CV error and its ±1 standard-error band; the best λ
    (star) of the curve that picks λ (CV when on, else validation); the primer's three regimes
    shaded (``core.scenes.sweep.Choice``: within one standard error of the minimum is
    "appropriate"); the noise floor σ²; a line and markers at the page's λ.

    ``errors`` is ``core.scenes.sweep.Errors``. With ``show_answer`` False only the train error and
    the λ line are drawn (predict first: where will validation error be lowest?). A
    ``PlainFigure``.
    """
    lams, lam = np.asarray(errors.lams, np.float64), float(errors.lams[index])
    color, name = palette[kind], names[kind]
    train, val = np.asarray(errors.train[kind]), np.asarray(errors.validation[kind])
    bands, labels = [], []
    drawn = [train]
    if show_answer:
        choice = errors.choice(kind)
        bands, labels = _regimes(lams, choice, color)
    data = [{"type": "scatter", "x": lams.astype(np.float32), "y": finite(train),
             "mode": "lines", "name": f"train error, {name}",
             "line": {"color": color, "width": 2, "dash": "dot"},
             "hovertemplate": "λ = %{x:.3g}<br>train MSE %{y:.4g}<extra></extra>"}]
    if show_answer:
        drawn.append(val)
        data.append({"type": "scatter", "x": lams.astype(np.float32), "y": finite(val),
                     "mode": "lines", "name": f"validation error, {name}",
                     "line": {"color": color, "width": 3},
                     "hovertemplate": "λ = %{x:.3g}<br>validation MSE %{y:.4g}<extra></extra>"})
        if errors.cv is not None:
            drawn.append(np.asarray(errors.cv[kind]))
            data += _cv_traces(errors, kind, lams, color=color, name=name)
        data.append(_best_lambda_star(errors, kind, lams, choice, color=color))
    at_y = [train[index]] + ([val[index]] if show_answer else [])
    data.append(_at_lambda_markers(lam, at_y, color=color))
    noise2 = errors.noise ** 2
    shapes, notes = _lambda_line_and_noise_floor(lam, noise2, show_answer=show_answer)
    lo, hi = log_error_range(drawn, val, noise2, show_answer=show_answer)
    title = _bias_variance_title(errors, lam, train[index], val[index] if show_answer else None,
                                 name=name)
    mark_cut(data, hi)  # a curve beyond the top of the view is cut there, honestly labelled
    fig = PlainFigure({"data": data})
    set_layout(
        fig, height=480, margin={"l": 76, "r": 20, "t": 80, "b": 144},
        title={"text": title, "y": 0.98},
        xaxis={**log_lambda_axis(lams), "title": {"text": "λ (log scale)"}},
        yaxis={"type": "log", "title": {"text": "mean squared error (log scale)"},
               "range": [float(np.log10(lo)), float(np.log10(hi))], **log_ticks(lo, hi)},
        # at the chart's foot: a share of the plot would run into a short chart's axis title
        legend={"orientation": "h", "x": 0, "y": 0, "yref": "container", "yanchor": "bottom"},
        shapes=bands + shapes, annotations=labels + notes, uirevision="bias-variance")
    return fig


def _data_points(x, y, out) -> list[dict]:
    """The data as grey markers, the outliers (pushed up) as crosses, on the left panel."""
    return [{"type": "scatter", "x": x[mask].astype(np.float32), "y": finite(y[mask]),
             "mode": "markers", "name": label,
             "marker": {"size": 7, "color": "#555555", "symbol": symbol,
                        "line": {"width": 1.5}},
             "hovertemplate": "x %{x:.3f}<br>y %{y:.3f}<extra></extra>", **on_panel(1)}
            for mask, label, symbol in ((~out, "data", "circle"),
                                        (out, "outliers (pushed up)", "x-thin-open"))]


def _fitted_lines(res, x, y, *, palette: dict) -> list[dict]:
    """Both fitted lines, and rings on the points the absolute-loss line passes through."""
    sq, ab = res.squared, res.absolute
    xs = np.asarray([x.min(), x.max()], np.float64)
    traces = []
    for line, kind, label in ((sq, "l2", "squared loss (L2): least squares"),
                              (ab, "l1", "absolute loss (L1): least absolute deviations")):
        traces.append({"type": "scatter", "x": xs.astype(np.float32),
                       "y": finite(line.a + line.b * xs), "mode": "lines", "name": label,
                       "line": {"color": palette[kind], "width": 3},
                       "hovertemplate": f"y = {line.a:.4f} + {line.b:.4f}·x<extra></extra>",
                       **on_panel(1)})
    zero = np.asarray(ab.residuals) == 0
    traces.append({"type": "scatter", "x": x[zero].astype(np.float32),
                   "y": finite(y[zero]), "mode": "markers",
                   "name": f"residual exactly 0 (absolute loss): {int(zero.sum())}",
                   "marker": {"size": 15, "color": palette["l1"], "symbol": "circle-open",
                              "line": {"width": 2.5}},
                   "hovertemplate": "on the L1 line: residual 0 exactly<extra></extra>",
                   **on_panel(1)})
    return traces


def _residual_histograms(res, edges, *, palette: dict) -> tuple[list[dict], list[dict], int]:
    """Each loss's residuals ≠ 0 as bars and its exact zeros as a black bar with a note."""
    sq, ab = res.squared, res.absolute
    mid, width = (edges[:-1] + edges[1:]) / 2, float(edges[1] - edges[0])
    traces, notes, top = [], [], 0
    for panel, line, kind in ((2, sq, "l2"), (3, ab, "l1")):
        loss = "squared" if kind == "l2" else "absolute"
        r = np.asarray(line.residuals)
        nz = r[r != 0]
        counts, _ = np.histogram(nz, edges)
        top = max(top, int(counts.max()) if len(counts) else 0, line.exact_zeros)
        traces.append({"type": "bar", "x": mid.astype(np.float32),
                       "y": counts.astype(np.int32), "width": width, "showlegend": False,
                       "name": f"residuals ≠ 0, {loss} loss",
                       "marker": {"color": palette[kind], "line": {"width": 0}},
                       "hovertemplate": "%{y} residuals near %{x:.2f}<extra></extra>",
                       **on_panel(panel)})
        traces.append({"type": "bar", "x": np.asarray([0.0], np.float32),
                       "y": np.asarray([line.exact_zeros], np.int32), "width": width / 3,
                       "showlegend": False, "name": f"exactly 0, {loss} loss",
                       "marker": {"color": "#000000"},
                       "hovertemplate": "%{y} residuals exactly 0<extra></extra>",
                       **on_panel(panel)})
        notes.append({"x": 0, "y": line.exact_zeros, "ax": -45, "ay": -28,
                      "showarrow": True, "arrowcolor": "#000000", "arrowwidth": 1.5,
                      "text": f"<b>{line.exact_zeros}</b> exactly 0",
                      "bgcolor": "rgba(255,255,255,0.85)",
                      "xref": f"x{panel}", "yref": f"y{panel}"})
    return traces, notes, top


def residuals_figure(res, *, palette: dict, show_answer: bool = True) -> go.Figure:
    """A line fitted to the same points with squared loss (L2, least squares) and with absolute
    loss (L1, least absolute deviations), left; the histograms of their residuals on one set
    of bins, right, with the residuals that are exactly 0 counted apart.

    ``res`` is ``core.scenes.sweep.Residuals``. With ``show_answer`` False only the data are drawn.
    A ``PlainFigure``: rebuilt on every rerun of the page.
    """
    # panels: 1 the data (both rows), 2 the squared loss's residuals, 3 the absolute loss's
    layout = grid_layout(2, 2, specs=[[{"rowspan": 2}, {}], [None, {}]],
                          column_widths=[0.55, 0.45], horizontal_spacing=0.08,
                          vertical_spacing=0.16,
                          subplot_titles=["the data and the two lines",
                                          "residuals, L2",
                                          "residuals, L1"])
    x, y, out = (np.asarray(a) for a in (res.data.x, res.data.y, res.data.outlier))
    traces, notes = _data_points(x, y, out), []
    if show_answer:
        traces += _fitted_lines(res, x, y, palette=palette)
        r_all = np.concatenate([res.squared.residuals, res.absolute.residuals])
        span = max(float(np.max(np.abs(r_all))), 1e-6)   # the bins run from −span to span
        bars, notes, top = _residual_histograms(res, np.linspace(-span, span, 31),
                                                palette=palette)
        traces += bars
        for panel in (2, 3):
            layout[f"yaxis{panel}"].update(title={"text": "count"}, range=[0, top * 1.3 + 2])
            layout[f"xaxis{panel}"]["range"] = [-span * 1.05, span * 1.05]
        layout["xaxis3"]["title"] = {"text": "residual y − ŷ"}
        layout["xaxis2"]["showticklabels"] = False   # the same bins: the lower axis says them
    layout["xaxis"]["title"] = {"text": "x"}
    layout["yaxis"]["title"] = {"text": "y"}
    share = f"{100 * res.share:.0f} % outliers"
    title = (f"{share}: the absolute-loss line passes through {res.absolute.exact_zeros} points "
             "exactly" if show_answer else f"{share}: where will each line go?")
    layout.update(height=500, margin={"l": 70, "r": 10, "t": 80, "b": 124}, barmode="overlay",
                  title={"text": title, "y": 0.98},
                  legend={"orientation": "h", "x": 0, "y": -0.19, "yanchor": "top"},
                  annotations=layout.get("annotations", []) + notes, uirevision="residuals")
    return PlainFigure({"data": traces, "layout": layout})
