"""The Sparse crosses page's figures: the maps of L1 and L2 weights over the grid of cells,
the data, the model's bytes, and the sweep over λ."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from ui.figures.fmt import fmt_bytes
from ui.figures.spec import PlainFigure, set_layout
from ui.figures.style import LAND_LINE, NO_WEIGHT, PRICE_SCALE, TRANSPARENT
from ui.figures.traces import finite, without_empty_lists


def land_trace(land, *, name: str = "land (rough outline)", showlegend: bool = False
               ) -> dict:
    """The continents as thin outlines in one trace (not filled: Plotly draws a heatmap below
    every scatter trace, so a fill would hide the cells). ``land`` is a sequence of closed
    (k, 2) (longitude, latitude) arrays; between two polygons the line lifts its pen (a
    ``None`` gap, Plotly's way: every coordinate drawn is finite)."""
    xs: list = []
    ys: list = []
    for p in land:
        xs += finite(p[:, 0]).tolist() + [None]
        ys += finite(p[:, 1]).tolist() + [None]
    return {"type": "scatter", "x": xs[:-1], "y": ys[:-1], "mode": "lines",
            "connectgaps": False, "line": {"color": LAND_LINE, "width": 1}, "name": name,
            "legendgroup": "land", "showlegend": showlegend, "hoverinfo": "skip"}


def cells_trace(lat, lon, codes, color: str, *, name: str) -> dict:
    """A map of cells: ``codes`` (rows, cols) is 0 for no training point (transparent), 1 for
    training points but a weight of exactly 0 (grey), 2 for a non-zero weight (``color``)."""
    scale = [[0.0, TRANSPARENT], [1 / 3, TRANSPARENT], [1 / 3, NO_WEIGHT], [2 / 3, NO_WEIGHT],
             [2 / 3, color], [1.0, color]]
    return {"type": "heatmap", "x": finite(lon), "y": finite(lat),
            "z": np.asarray(codes, np.int8), "zmin": 0, "zmax": 2, "colorscale": scale,
            "showscale": False, "name": name,
            "hovertemplate": "cell at lat %{y:.1f}°, lon %{x:.1f}°<extra>" + name + "</extra>"}


def _map_axes(domain=(0.0, 1.0), *, x: str = "x", y: str = "y") -> dict:
    """Layout of longitude × latitude axes ``x``/``y`` (one degree as wide as tall, the whole
    globe), the latitude axis over ``domain`` of the height."""
    lons, lats = list(range(-180, 181, 60)), list(range(-90, 91, 30))
    n = lambda a: "" if a in ("x", "y") else a[1:]   # noqa: E731  ("x2" -> "2")
    return {f"xaxis{n(x)}": {"range": [-180, 180], "tickvals": lons, "showgrid": False,
                             "ticktext": [f"{v}°" for v in lons], "zeroline": False,
                             "constrain": "domain", "anchor": y},
            f"yaxis{n(y)}": {"range": [-90, 90], "tickvals": lats, "showgrid": False,
                             "ticktext": [f"{v}°" for v in lats], "zeroline": False,
                             "scaleanchor": x, "scaleratio": 1, "constrain": "domain",
                             "domain": list(domain), "anchor": x}}


def _cell_edges(size: int, *, x: str = "x", y: str = "y") -> list[dict]:
    """Thin lines on the cell edges (every ``size``°) when the cells are big enough to see."""
    if size < 5:
        return []
    line = {"color": "rgba(0,0,0,0.15)", "width": 0.5}
    return ([{"type": "line", "xref": x, "yref": y, "x0": v, "x1": v, "y0": -90, "y1": 90,
              "line": line} for v in range(-180, 181, size)]
            + [{"type": "line", "xref": x, "yref": y, "x0": -180, "x1": 180, "y0": v, "y1": v,
                "line": line} for v in range(-90, 91, size)])


def _panel_title(text: str, x: float, y: float) -> dict:
    """A subplot's title, as ``make_subplots`` writes it (an annotation above the panel)."""
    return {"text": text, "x": x, "y": y, "xref": "paper", "yref": "paper",
            "xanchor": "center", "yanchor": "bottom", "showarrow": False, "font": {"size": 16}}


def crosses_title(scene) -> str:
    """The map's title: the λ and the cell size the sliders show (the benchmark watches it)."""
    return (f"Cells that keep a non-zero weight, λ = {scene.lam:g}, {scene.size}° cells "
            f"({scene.cells:,} crosses)")


def crosses_map_figure(scene, *, palette: dict, names: dict, show_answer: bool = True
                       ) -> go.Figure:
    """Two world maps of the crossed cells, L1 (top) and L2 (bottom): coloured where the
    trained weight is non-zero, grey where the cell has training points but a weight of
    exactly 0, blank where no training point falls. With ``show_answer`` False both maps
    show only the cells with training points (grey): which will keep a weight?"""
    occupied = scene.count > 0
    titles = []
    for kind in ("l1", "l2"):
        k = int(scene.nonzero[scene.run(kind)])
        titles.append(f"{names[kind]}: {k:,} non-zero of {scene.cells:,} cells "
                      f"({scene.occupied:,} with training points)" if show_answer else
                      f"{names[kind]}: which of the {scene.occupied:,} cells with training "
                      "points keep a weight?")
    data, layout = [], {"annotations": [], "shapes": []}
    for (x, y), kind, domain, title in ((("x", "y"), "l1", (0.55, 1.0), titles[0]),
                                        (("x2", "y2"), "l2", (0.0, 0.45), titles[1])):
        if show_answer:
            codes = np.where(scene.w[scene.run(kind)] != 0, 2, np.where(occupied, 1, 0))
            name = f"{names[kind]} minimizer: cells with a non-zero weight"
        else:
            codes = np.where(occupied, 1, 0)
            name = "cells with training points"
        data += [{**land_trace(scene.land), "xaxis": x, "yaxis": y},
                 {**cells_trace(scene.lat, scene.lon, codes, palette[kind], name=name),
                  "xaxis": x, "yaxis": y}]
        layout.update(_map_axes(domain, x=x, y=y))
        if kind == "l1":   # the maps share their longitudes: the lower one labels them, so the
            layout["xaxis"]["showticklabels"] = False   # L2 title has the gap to itself
        layout["annotations"].append(_panel_title(title, 0.5, domain[1]))
        layout["shapes"] += _cell_edges(scene.size, x=x, y=y)
    fig = PlainFigure({"data": data, "layout": without_empty_lists(layout)})
    set_layout(fig, height=800, margin={"l": 50, "r": 10, "t": 70, "b": 20},
               title={"text": crosses_title(scene), "y": 0.99}, showlegend=False,
               plot_bgcolor="#ffffff", uirevision="crosses")
    return fig


def crosses_data_figure(scene) -> go.Figure:
    """The data on the map: a sample of the training points coloured by price, over the
    continents, with the cell edges (when the cells are 5° or more)."""
    lat, lon, price = (finite(a) for a in scene.points)
    fig = PlainFigure({"data": [land_trace(scene.land, showlegend=True), {
        "type": "scatter", "x": lon, "y": lat, "mode": "markers",
        "name": "training points (a sample)",
        "marker": {"size": 4, "color": price, "colorscale": PRICE_SCALE, "showscale": True,
                   "opacity": 0.8, "colorbar": {"title": {"text": "price"}, "len": 0.8}},
        "hovertemplate": "lat %{y:.1f}°, lon %{x:.1f}°<br>price %{marker.color:.2f}"
                         "<extra></extra>"}],
        "layout": without_empty_lists({**_map_axes(), "shapes": _cell_edges(scene.size)})})
    edges = (f"the lines are the edges of the {scene.size}° cells" if scene.size >= 5 else
             f"{scene.size}° cells are too small to draw their edges")
    set_layout(fig, height=430, margin={"l": 28, "r": 86, "t": 50, "b": 66},
               title={"text": f"{len(lat):,} of the {scene.n_train:,} training points, "
                              f"coloured by price; {edges}", "y": 0.98},
               legend={"orientation": "h", "x": 0, "y": -0.08, "yanchor": "top"},
               plot_bgcolor="#ffffff", uirevision="crosses-data")
    return fig


def bytes_figure(scene, *, palette: dict, names: dict, minute_cells: int,
                 show_answer: bool = True) -> go.Figure:
    """Bytes at inference on a log axis: dense (4 bytes a cell) at this resolution and at
    minute-level cells, and sparse (4-byte index + 4-byte value a non-zero weight) per run."""
    rows = [(f"dense, any penalty: 4 B × {scene.cells:,} cells", 4 * scene.cells, "#7a7a7a"),
            (f"dense at minute-level cells: 4 B × {minute_cells:,}", 4 * minute_cells,
             "#3d3d3d")]
    if show_answer:
        for kind in ("none", "l2", "l1"):
            k = int(scene.nonzero[scene.run(kind)])
            rows.append((f"sparse, {names[kind]}: 8 B × {k:,} non-zero", 8 * k, palette[kind]))
    labels, values, colors = zip(*rows, strict=True)
    shown = np.maximum(np.asarray(values, np.float64), 1.0)   # 0 bytes sits at 1 on a log axis
    pos = np.arange(len(rows), dtype=np.int32)
    fig = PlainFigure({"data": [{
        "type": "bar", "x": finite(shown), "y": pos, "orientation": "h",
        "name": "bytes at inference", "marker": {"color": list(colors)},
        "text": [fmt_bytes(v) for v in values], "textposition": "outside", "cliponaxis": False,
        "customdata": list(labels), "hovertemplate": "%{customdata}: %{text}<extra></extra>"}]})
    top = float(shown.max())
    set_layout(
        fig, height=300, margin={"l": 246, "r": 10, "t": 40, "b": 68}, showlegend=False,
        title={"text": f"Bytes at inference, λ = {scene.lam:g}" + ("" if show_answer else
                                                                  ": and sparse?"), "y": 0.97},
        xaxis={"type": "log", "range": [0, float(np.log10(top)) + 1.0],
               "title": {"text": "bytes"},
               "tickformat": "~s"},
        yaxis={"tickvals": pos.tolist(), "ticktext": list(labels), "autorange": "reversed"},
        uirevision="crosses-bytes")
    return fig


def crosses_sweep_figure(scene, *, palette: dict, names: dict, show_answer: bool = True
                         ) -> go.Figure:
    """Across λ (log axis): how many weights L1 and L2 keep (left) and their test error
    (right); dashed, the cells with training points and the unpenalized run's error; big
    dots at the page's λ. Runs that diverged or did not settle are left out."""
    sw = scene.sweep
    lams = np.asarray(sw.lams, np.float64)
    xs = [float(lams[0]), float(lams[-1])]
    left, right = {"xaxis": "x", "yaxis": "y"}, {"xaxis": "x2", "yaxis": "y2"}
    none_err = float(scene.test_mse[scene.run("none")])
    data = [{"type": "scatter", "x": finite(xs), "y": finite([scene.occupied] * 2),
             "mode": "lines", "name": "cells with training points",
             "line": {"color": "#7a7a7a", "width": 1.5, "dash": "dash"}, **left},
            {"type": "scatter", "x": finite(xs), "y": finite([none_err] * 2), "mode": "lines",
             "name": f"{names['none']} (λ = 0)",
             "line": {"color": palette["none"], "width": 1.5, "dash": "dash"}, **right}]
    if show_answer:
        for kind in ("l1", "l2"):
            ok = ~np.asarray(sw.unstable[kind], bool)
            for axes, y, fmt in ((left, sw.nonzero[kind], "%{y:,}"),
                                 (right, sw.test_mse[kind], "%{y:.4f}")):
                data.append({
                    "type": "scatter", "x": finite(lams[ok]),
                    "y": finite(np.asarray(y, np.float64)[ok]), "mode": "lines+markers",
                    "name": names[kind], "legendgroup": kind, "showlegend": axes is left,
                    "line": {"color": palette[kind], "width": 2.5},
                    "marker": {"size": 6, "color": palette[kind]},
                    "hovertemplate": "λ = %{x:g}: " + fmt + "<extra>" + names[kind]
                                     + "</extra>", **axes})
            if scene.lam > 0:   # the page's λ, on the curves
                i = int(np.argmin(np.abs(lams - scene.lam)))
                for axes, y in ((left, sw.nonzero[kind][i]), (right, sw.test_mse[kind][i])):
                    data.append({
                        "type": "scatter", "x": finite([lams[i]]), "y": finite([y]),
                        "mode": "markers", "name": f"{names[kind]} at λ = {scene.lam:g}",
                        "showlegend": False,
                        "marker": {"size": 13, "color": palette[kind],
                                   "line": {"width": 1.5, "color": "#000000"}},
                        "hoverinfo": "skip", **axes})
    log_x = {"type": "log", "title": {"text": "λ"}, "exponentformat": "power"}
    layout = {
        "xaxis": {**log_x, "domain": [0.0, 0.45], "anchor": "y"},
        "xaxis2": {**log_x, "domain": [0.55, 1.0], "anchor": "y2"},
        "yaxis": {"rangemode": "tozero", "anchor": "x"}, "yaxis2": {"anchor": "x2"},
        "annotations": [_panel_title("non-zero weights", 0.225, 1.0),
                        _panel_title("test error J = mean squared error", 0.775, 1.0)],
        "height": 380, "margin": {"l": 48, "r": 10, "t": 70, "b": 90},
        "title": {"text": f"Across λ at {scene.size}° cells; the big dots are "
                          f"λ = {scene.lam:g}", "y": 0.98},
        "legend": {"orientation": "h", "x": 0, "y": -0.22, "yanchor": "top"},
        "uirevision": "crosses-sweep"}
    return PlainFigure({"data": data, "layout": layout})
