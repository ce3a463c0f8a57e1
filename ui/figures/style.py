"""How things look and what they are called, in one place: each penalty's and run's colour
(``PALETTE``) and name, the problems' and rules' names, the greys and line styles, and the
figure restyled for a projector (presenter mode) or a phone. Builders take the colours
through their ``palette`` argument."""

from __future__ import annotations

import dataclasses
import re

import plotly.graph_objects as go
from plotly.colors import sequential as _sequential

from core import penalties
from core.scenes import sweep
from ui.figures.spec import PlainFigure

# One colour per regularizer and run, the same on every page: the penalties' own (from
# core.penalties.PENALTIES), and dropout's, which is a run, not a penalty.
PALETTE = {k: p.colour for k, p in penalties.PENALTIES.items()} | {"dropout": "#CC79A7"}

PENALTY_NAMES = {k: p.name for k, p in penalties.PENALTIES.items()}

PROBLEM_NAMES = {
    "least_squares": "least squares",
    "logistic": "logistic",
    "sine": "non-convex",
}

RULE_NAMES = {
    "proximal": "proximal",
    "clip": "clip",
    "subgradient": "subgradient",
}

# The pages' own choices and runs, as their controls, charts and tables say them.
LANDSCAPE_VIEWS = {"contours": "Contours", "surface": "3D surface"}
UPDATE_RUN_NAMES = {"none": "no penalty", "l1": "L1", "l2": "L2",
                    "l1_subgradient": "L1 subgradient", "l1_clip": "L1 clip",
                    "l1_proximal": "L1 proximal"}
MODEL_NAMES = {"logistic": "logistic", "mlp": "MLP"}
WEIGHTS_RUN_NAMES = {"none": "none", "l1": "L1", "l2": "L2", "dropout": "dropout"}
SWEEP_KIND_NAMES = {k: PENALTY_NAMES[k] for k in sweep.KINDS}
CROSSES_RUN_NAMES = {"none": "none", "l1": "L1", "l2": "L2"}

# A pale grey ramp: the landscape stays in the background, the coloured paths on top. Its
# dark end and the contour lines are set for a washed-out projector: under a room's light
# every colour line, the sky-blue L2 and the orange L0 among them, still stands apart from
# the darkest fill, and the lines from every fill (tests/unit/test_projector_contrast.py).
SURFACE_SCALE = [[0.0, "#ffffff"], [1.0, "#d2d2d2"]]

CONTOUR_LINE = "rgba(40,40,40,0.5)"

# Contour levels: plotly.js draws a filled contour in time roughly proportional to its
# levels (docs/performance.md).
LEVELS = 16


@dataclasses.dataclass(frozen=True)
class Style:
    """How thick and big things are drawn: the classroom default, or presenter mode."""

    line_scale: float = 1.0
    marker_scale: float = 1.0
    font_size: int = 13


CLASSROOM = Style()

# 16 px at 1280×720 is legible from the back of a room; every smaller font is raised to it.
PRESENTER = Style(line_scale=2.0, marker_scale=1.6, font_size=16)


def apply_style(fig: go.Figure, style: Style) -> go.Figure:
    """``fig`` drawn in ``style``: every trace's line widths and marker sizes scaled, the fonts
    and margins set. Works on the spec (``to_dict()``), so any figure, a ``PlainFigure`` too,
    comes back as a ``PlainFigure``; the classroom style returns ``fig`` itself."""
    if style == CLASSROOM:
        return fig
    spec = fig.to_dict()
    for t in spec["data"]:
        line, marker = t.get("line", {}), t.get("marker", {})
        if isinstance(line.get("width"), (int, float)):
            line["width"] = line["width"] * style.line_scale
        # an array of sizes (a bar's marker has none) stays as it is
        if isinstance(marker.get("size"), (int, float)):
            marker["size"] = marker["size"] * style.marker_scale
    # Margins hold text (ticks, titles, legends): they grow with the font, so plotly.js
    # still draws the figure once (see the note on margins at the top of this module).
    scale = style.font_size / CLASSROOM.font_size
    layout = spec["layout"]
    layout["font"] = {**layout.get("font", {}), "size": style.font_size}
    _set_text_sizes(layout, style.font_size)
    _raise_fonts(layout, style.font_size)
    _raise_fonts(spec["data"], style.font_size)
    for frame in spec.get("frames", []):
        _raise_fonts(frame.get("layout", {}), style.font_size)
    margin = layout.get("margin", {})
    layout["margin"] = {**margin, **{side: round(margin[side] * scale) for side in "lrtb"
                                     if margin.get(side) is not None}}
    _legend_at_foot(layout, style.font_size)
    return PlainFigure(spec)


def _legend_at_foot(layout: dict, size: int) -> None:
    """A legend placed under the plot by a fraction of the plot's height moves to the chart's
    foot, under the x axis's ticks and title: in a larger type they grow, the fraction does
    not, and the legend ran over the title. The bottom margin holds the three."""
    legend = layout.get("legend", {})
    if legend.get("orientation") != "h" or legend.get("y", 1) >= 0 \
            or legend.get("yref", "paper") != "paper":
        return
    layout["legend"] = {**legend, "yref": "container", "y": 0, "yanchor": "bottom"}
    axes = [ax for k, ax in layout.items() if k.startswith("xaxis") and isinstance(ax, dict)]
    tick_lines = 1 + max([str(t).count("<br>") for ax in axes for t in ax.get("ticktext", [])],
                         default=0)
    titled = any(isinstance(ax.get("title"), dict) and ax["title"].get("text") for ax in axes)
    need = 1.3 * size * tick_lines + 8 + (1.3 * size + 8) * titled + 1.6 * size + 8
    margin = layout.get("margin", {})
    layout["margin"] = {**margin, "b": round(max(margin.get("b", 80), need))}


def _set_text_sizes(layout: dict, size: int) -> None:
    """Tick labels, axis titles and the legend at ``size``, set on the figure itself: Streamlit's
    chart theme sizes them in the page's rem otherwise (13.5 px ticks in presenter mode)."""
    axes = [layout[k] for k in list(layout) if k[:5] in ("xaxis", "yaxis")]
    for scene in [layout[k] for k in list(layout) if k.startswith("scene")]:
        axes += [scene.setdefault(a, {}) for a in ("xaxis", "yaxis", "zaxis")]
    for axis in axes:
        axis["tickfont"] = {**axis.get("tickfont", {}), "size": size}
        title = axis.get("title")
        if isinstance(title, dict):
            title["font"] = {**title.get("font", {}), "size": size}
    layout["legend"] = {**layout.get("legend", {}),
                        "font": {**layout.get("legend", {}).get("font", {}), "size": size}}
    title = layout.get("title")
    if isinstance(title, dict):
        title["font"] = {**title.get("font", {}), "size": max(size, 18)}


def _raise_fonts(v, size: int) -> None:
    """Every font of ``v`` (a layout, its annotations, legend, slider, a trace's text…) at least
    ``size``."""
    if isinstance(v, dict):
        for key in ("font", "textfont", "tickfont"):
            font = v.get(key)
            if isinstance(font, dict) and isinstance(font.get("size"), (int, float)):
                font["size"] = max(font["size"], size)
        for x in v.values():
            _raise_fonts(x, size)
    elif isinstance(v, list):
        for x in v:
            _raise_fonts(x, size)


def for_projector(fig: go.Figure, height: int) -> PlainFigure:
    """``fig`` as a projector's main chart: ``height`` px tall, and a legend that lay in a row
    above or below the plot moved to its right, where a wide screen has room, so the plot
    keeps the height (a plot with square axes is as wide as it is tall). A legend at the
    chart's foot (``yref`` "container": a log-log plot with many entries) stays there: to the
    right it would squeeze the plot to half the column."""
    spec = fig.to_dict()
    layout = spec["layout"]
    layout["height"] = height
    legend = layout.get("legend", {})
    if layout.get("showlegend") is not False and legend.get("orientation") == "h" \
            and legend.get("yref") != "container":
        margin = layout.setdefault("margin", {})
        if legend.get("y", 1.0) >= 1.0 and margin.get("t") is not None:
            margin["t"] = min(margin["t"], 70)   # the title's room: the legend moves aside
        layout["legend"] = {**legend, "orientation": "v", "x": 1.02, "xanchor": "left",
                            "y": 1.0, "yanchor": "top"}
    return PlainFigure(spec)


# A phone's chart is the screen's width less the page's padding (390 − 2 × 12 px); a
# character of the sans-serif type is about 0.55 of its size wide.
PHONE_WIDTH_PX = 366

_CHAR_WIDTH = 0.55

_TAG = re.compile(r"<[^>]*>")


def wrap_words(text: str, chars: int) -> str:
    """``text`` broken into lines of at most ``chars`` visible characters at its spaces, the
    lines joined by ``<br>`` (plotly's line break); tags such as ``<sub>`` count for nothing
    and are never split. A word longer than ``chars`` stays whole on its own line."""
    if chars < 1:
        return text
    lines = []
    for paragraph in text.split("<br>"):
        line, seen = "", 0
        for word in paragraph.split(" "):
            n = len(_TAG.sub("", word))
            if line and seen + 1 + n > chars:
                lines.append(line)
                line, seen = word, n
            else:
                line, seen = (f"{line} {word}", seen + 1 + n) if line else (word, n)
        lines.append(line)
    return "<br>".join(lines)


def _chars(width_px: float, size: float) -> int:
    return int(width_px / (_CHAR_WIDTH * size))


def for_phone(fig: go.Figure, height: int | None = None) -> PlainFigure:
    """``fig`` on a phone: ``height`` px tall (None: as tall as it is); its title, the
    subplots' titles (in 13 px), side-by-side panels' x titles, the bands' labels and the
    legend's labels wrapped to the width they have, the plot making room for added lines; the
    legend two entries a row in a smaller type, under the title or at the chart's foot; the
    chart's toolbar standing on its right edge instead of over the title. Widths are
    estimated from the type's size (``_CHAR_WIDTH``): the browser tests measure the result."""
    spec = fig.to_dict()
    layout = spec["layout"]
    height = layout.setdefault("height", height or 450) if height is None else height
    layout["height"] = height
    size = layout.get("font", {}).get("size", CLASSROOM.font_size)
    _wrap_title(layout, height, size)
    _wrap_notes(layout, size)
    layout["modebar"] = {**layout.get("modebar", {}), "orientation": "v"}
    margin = layout.get("margin", {})
    if margin.get("r") is not None and margin["r"] > 40:
        layout["margin"] = {**margin, "r": 40}
    _legend_under(spec)
    return PlainFigure(spec)


def _wrap_title(layout: dict, height: int, size: float) -> None:
    title = layout.get("title")
    if not (isinstance(title, dict) and isinstance(title.get("text"), str)):
        return
    subtitle = title.get("subtitle")
    if isinstance(subtitle, dict) and isinstance(subtitle.get("text"), str):
        subtitle["text"] = wrap_words(subtitle["text"], _chars(
            PHONE_WIDTH_PX - 20, subtitle.get("font", {}).get("size", size)))
    title_size = title.get("font", {}).get("size", size * 1.2)
    lines = title["text"].count("<br>")
    title["text"] = wrap_words(title["text"], _chars(PHONE_WIDTH_PX - 20, title_size))
    added = title["text"].count("<br>") - lines
    if added:
        # plotly.js centres a title's lines on its anchor: lower it by half of the new
        # lines so the first stays in view, and push the plot down under them
        title["yanchor"] = "top"
        title["y"] = 1 - (10 + 0.65 * title_size * added) / height
        _grow_margin(layout, "t", 1.25 * title_size * added)


def _wrap_notes(layout: dict, size: float) -> None:
    """Subplots' titles to their column's width (the plot's top pushed down under their new
    lines), and the labels of bands over the plot to two a row."""
    columns = [ax["domain"] for k, ax in layout.items()
               if k.startswith("xaxis") and isinstance(ax, dict) and "domain" in ax]
    added = 0
    for note in layout.get("annotations", []):
        if not isinstance(note.get("text"), str):
            continue
        note_size = note.get("font", {}).get("size", size)
        where = (note.get("xref"), note.get("yref"), note.get("xanchor"), note.get("yanchor"))
        if where == ("paper", "paper", "center", "bottom"):
            x = note.get("x", 0.5)
            share = min([d1 - d0 for d0, d1 in columns if d0 <= x <= d1],
                        default=2 * min(x, 1 - x))
            # a smaller type than a projector's: a narrow panel's title then takes fewer lines
            was = 1.25 * note_size * (note["text"].count("<br>") + 1)
            note_size = min(note_size, 13)
            note["font"] = {**note.get("font", {}), "size": note_size}
            note["text"] = wrap_words(note["text"], _chars(share * _plot_px(layout), note_size))
            added = max(added, 1.25 * note_size * (note["text"].count("<br>") + 1) - was)
        elif (note.get("yref"), note.get("y"), note.get("yanchor")) \
                == ("y domain", 1.0, "bottom"):
            note["text"] = wrap_words(note["text"], _chars(_plot_px(layout) / 2, note_size))
    _grow_margin(layout, "t", added)
    added = 0
    for k, ax in layout.items():   # side by side panels' axis titles: as wide as the panel
        title = ax.get("title") if k.startswith("xaxis") and isinstance(ax, dict) else None
        if isinstance(title, dict) and isinstance(title.get("text"), str) and "domain" in ax:
            lines = title["text"].count("<br>")
            share = ax["domain"][1] - ax["domain"][0]
            title["text"] = wrap_words(title["text"], _chars(share * _plot_px(layout), size))
            added = max(added, (title["text"].count("<br>") - lines) * 1.25 * size)
    _grow_margin(layout, "b", added)


def _legend_under(spec: dict) -> None:
    """The legend two entries a row, its labels wrapped to half the plot; one beside or under
    the plot moves to the chart's bottom edge, one over the plot hangs under the title; the
    plot makes room for it."""
    layout = spec["layout"]
    margin = layout.get("margin", {})
    label_chars = _chars(_plot_px(layout) / 2 - 40, 11)   # an entry: half the plot; 40: its symbol
    for trace in spec["data"] + [t for f in spec.get("frames", []) for t in f.get("data", [])]:
        if isinstance(trace.get("name"), str):
            trace["name"] = wrap_words(trace["name"], label_chars)
    legend, tall = layout.get("legend", {}), _legend_px(spec)
    title = layout.get("title") if isinstance(layout.get("title"), dict) else {}
    if legend.get("orientation") != "h" or layout.get("updatemenus") or legend.get("y", 1) <= 0:
        # a legend on the right would squeeze the plot; one on top would run under buttons;
        # one placed under the plot by a fraction of its height would run into the x title
        legend = {**legend, "orientation": "h", "x": 0, "xanchor": "left",
                  "y": 0, "yref": "container", "yanchor": "bottom"}
        if margin.get("b") is not None:
            layout["margin"] = {**margin, "b": max(margin["b"], 56 + tall + _x_titles_px(
                layout))}
    elif title.get("text"):
        # over the plot, its rows of two would climb into the title: hang it under the
        # title, and the plot under it and the subplots' titles
        size = title.get("font", {}).get("size", CLASSROOM.font_size * 1.2)
        below = 8 + 1.3 * size * (title["text"].count("<br>") + 1)
        legend = {**legend, "yref": "container", "y": 1 - below / layout["height"],
                  "yanchor": "top"}
        if margin.get("t") is not None:
            layout["margin"] = {**margin, "t": round(max(
                margin["t"], below + tall + 16 + _over_plot_px(layout)))}
    # grouped (plotly's default once traces have legend groups) lays each group out on its
    # own, one a row; the groups still toggle together in the plain order
    order = legend.get("traceorder", "grouped").replace("+grouped", "").replace("grouped", "")
    layout["legend"] = {**legend, "entrywidth": 0.5, "entrywidthmode": "fraction",
                        "traceorder": order or "normal",
                        "font": {**legend.get("font", {}), "size": 11}}


def _legend_px(spec: dict) -> float:
    """How tall a legend two entries a row is in 11 px type (a trace that shows in it is an
    entry; a row as tall as its longer label)."""
    if spec["layout"].get("showlegend") is False:
        return 0
    lines = [t["name"].count("<br>") + 1 for t in spec["data"]
             if t.get("showlegend", True) and isinstance(t.get("name"), str) and t["name"]]
    return sum(6 + 13 * max(lines[i:i + 2]) for i in range(0, len(lines), 2))


def _over_plot_px(layout: dict) -> float:
    """How far the notes standing on the plot's top edge (the subplots' titles, the bands'
    labels) reach above it."""
    size = layout.get("font", {}).get("size", CLASSROOM.font_size)
    return max([1.25 * n.get("font", {}).get("size", size) * (n["text"].count("<br>") + 1)
                for n in layout.get("annotations", []) if isinstance(n.get("text"), str)
                and n.get("yanchor") == "bottom" and abs(n.get("y", 0) - 1) < 1e-6
                and n.get("yref") in ("paper", "y domain")], default=0)


def _x_titles_px(layout: dict) -> float:
    """How much taller than one line the x axes' titles are."""
    size = layout.get("font", {}).get("size", CLASSROOM.font_size)
    return max([1.25 * size * ax["title"]["text"].count("<br>") for k, ax in layout.items()
                if k.startswith("xaxis") and isinstance(ax, dict)
                and isinstance(ax.get("title"), dict)
                and isinstance(ax["title"].get("text"), str)], default=0)


def _plot_px(layout: dict) -> float:
    """How wide the plot is on a phone: the chart less its side margins (once the right one
    is cut to 40 px; plotly's default margins are 80 px)."""
    margin = layout.get("margin", {})
    return PHONE_WIDTH_PX - margin.get("l", 80) - min(margin.get("r", 80), 40)


def _grow_margin(layout: dict, side: str, px: float) -> None:
    margin = layout.get("margin", {})
    if px and margin.get(side) is not None:
        layout["margin"] = {**margin, side: round(margin[side] + px)}


# How a rule is drawn; the colour says the penalty (PALETTE), the dash says the rule.
RULE_DASH = {"subgradient": "dot", "clip": "dash", "proximal": "solid"}

ZERO_SYMBOL = {"subgradient": "circle", "clip": "x", "proximal": "diamond"}


def rgba(color: str, alpha: float) -> str:
    r, g, b = (int(color[i:i + 2], 16) for i in (1, 3, 5))
    return f"rgba({r},{g},{b},{alpha})"


LAND_LINE = "#a9a395"                         # the continents' outline

NO_WEIGHT = "#c9c9c9"                         # a cell with training points but weight 0

TRANSPARENT = "rgba(0,0,0,0)"

# Plotly's "Cividis", spelled out as a go.Figure would spell it (a plain spec is sent as built)
PRICE_SCALE = [[i / (len(_sequential.Cividis) - 1), c] for i, c in enumerate(_sequential.Cividis)]
