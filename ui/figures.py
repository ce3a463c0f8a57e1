"""Pure Plotly builders: arrays in, a ``PlainFigure`` out. No Streamlit here.

Every figure is built as the plain spec plotly.js reads (trace and layout dicts) and
wrapped in a ``PlainFigure``: a ``go.Figure`` would validate each property as it is set,
which was most of a rerun's server time. Plotly still checks every spec, in the unit tests.
Figures take float32 NumPy arrays (sent as base64) and colours from
``ui.controls.PALETTE`` via the ``palette`` argument, so a kind has one colour
everywhere. A figure that scrubs λ carries one Plotly frame per λ of the family
and a slider inside the figure: scrubbing needs no server round trip and a rotated
3D camera stays where the user left it.
"""

from __future__ import annotations

import base64
import collections
import copy
import csv
import dataclasses
import functools
import io
import json
import re
import threading

import numpy as np
import plotly.graph_objects as go
import plotly.io as pio
from plotly.colors import sequential as _sequential
from plotly.subplots import make_subplots

# A pale grey ramp: the landscape stays in the background, the coloured paths on top. Its
# dark end and the contour lines are set for a washed-out projector: under a room's light
# every colour line, the sky-blue L2 and the orange L0 among them, still stands apart from
# the darkest fill, and the lines from every fill (tests/unit/test_projector_contrast.py).
SURFACE_SCALE = [[0.0, "#ffffff"], [1.0, "#d2d2d2"]]
CONTOUR_LINE = "rgba(40,40,40,0.5)"
# Contour levels: plotly.js draws a filled contour in time roughly proportional to its
# levels (the L1|L2 pair took 120 ms at 24 levels, 100 ms at 16: bench notes in the README).
LEVELS = 16
# Margins: each figure asks for the margins plotly.js's automargin settles on at its default
# view (tick labels, axis titles, legend, slider). Smaller ones, and plotly.js draws the figure,
# finds its margins pushed and draws it all again: half the browser's time on a slider move
# (the L1|L2 pair: ~185 → ~55 ms). automargin stays on, so a longer label still fits, at the
# price of that second draw. tests/browser/test_draw_once.py checks every page.


def set_layout(fig: PlainFigure, props: dict | None = None, **kw) -> PlainFigure:
    """Merge ``props`` and ``kw`` into a ``PlainFigure``'s layout as
    ``go.Figure.update_layout`` would (tests/unit/test_figures.py compares the two): a dict
    updates a dict key by key; a list of dicts given for a non-empty list of dicts
    (``annotations``) updates it element-wise, cycling, or, if longer, keeps it and appends
    the rest; anything else replaces. Plain data only: nested dicts, not magic-underscore keys
    (``title={"y": 0.98}``, not ``title_y``).
    """
    layout = fig.spec["layout"]
    for key, value in {**(props or {}), **kw}.items():
        current = layout.get(key)
        if isinstance(value, dict) and isinstance(current, dict):
            value = _merged(current, value)
        elif isinstance(value, (list, tuple)) and value and isinstance(current, list) \
                and current and isinstance(current[0], dict):
            if len(value) <= len(current):
                value = [_merged(c, value[i % len(value)]) for i, c in enumerate(current)]
            else:  # what update_layout gives: the old elements as they were, then the rest
                value = current + list(value[len(current):])
        layout[key] = value
    return fig


def _merged(base: dict, new: dict) -> dict:
    """``base`` updated by ``new``: nested dicts merge, anything else replaces."""
    out = dict(base)
    for k, v in new.items():
        out[k] = _merged(out[k], v) if isinstance(v, dict) and isinstance(out.get(k), dict) else v
    return out


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
    return PlainFigure(spec)


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
    keeps the height (a plot with square axes is as wide as it is tall)."""
    spec = fig.to_dict()
    layout = spec["layout"]
    layout["height"] = height
    legend = layout.get("legend", {})
    if layout.get("showlegend") is not False and legend.get("orientation") == "h":
        margin = layout.setdefault("margin", {})
        if legend.get("y", 1.0) >= 1.0 and margin.get("t") is not None:
            margin["t"] = min(margin["t"], 70)   # the title's room, no longer the legend's
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
    subplots' titles and the legend's labels wrapped to the width they have; the legend two
    entries a row under the plot in a smaller type; the chart's toolbar standing on its right
    edge instead of over the title."""
    spec = fig.to_dict()
    layout = spec["layout"]
    height = layout.setdefault("height", height or 450) if height is None else height
    layout["height"] = height
    size = layout.get("font", {}).get("size", CLASSROOM.font_size)
    title = layout.get("title")
    if isinstance(title, dict) and isinstance(title.get("text"), str):
        title_size = title.get("font", {}).get("size", size * 1.2)
        lines = title["text"].count("<br>")
        title["text"] = wrap_words(title["text"], _chars(PHONE_WIDTH_PX - 20, title_size))
        added = title["text"].count("<br>") - lines
        if added:
            # plotly.js centres a title's lines on its anchor: lower it by half of the
            # new lines so the first stays in view, and push the plot down under them
            title["yanchor"] = "top"
            title["y"] = 1 - (10 + 0.65 * title_size * added) / height
            margin = layout.get("margin", {})
            if margin.get("t") is not None:
                layout["margin"] = {**margin, "t": round(margin["t"] + 1.25 * title_size * added)}
    for note in layout.get("annotations", []):
        if (note.get("xref"), note.get("yref"), note.get("xanchor"), note.get("yanchor")) \
                == ("paper", "paper", "center", "bottom") and isinstance(note.get("text"), str):
            # a subplot's title, centred over its column: as wide as that column
            share = 2 * min(note.get("x", 0.5), 1 - note.get("x", 0.5))
            note_size = note.get("font", {}).get("size", size)
            note["text"] = wrap_words(note["text"], _chars(share * PHONE_WIDTH_PX, note_size))
    legend = layout.get("legend", {})
    if legend.get("orientation") != "h" or layout.get("updatemenus"):
        # a legend on the right would squeeze the plot; one on top would run under buttons
        legend = {**legend, "orientation": "h", "x": 0, "xanchor": "left",
                  "y": 0, "yref": "container", "yanchor": "bottom"}
    layout["legend"] = {**legend, "entrywidth": 0.5, "entrywidthmode": "fraction",
                        "font": {**legend.get("font", {}), "size": 11}}
    label_chars = _chars(PHONE_WIDTH_PX / 2 - 40, 11)  # 40 px: the entry's symbol
    for trace in spec["data"] + [t for f in spec.get("frames", []) for t in f.get("data", [])]:
        if isinstance(trace.get("name"), str):
            trace["name"] = wrap_words(trace["name"], label_chars)
    layout["modebar"] = {**layout.get("modebar", {}), "orientation": "v"}
    margin = layout.get("margin", {})
    if margin.get("r") is not None and margin["r"] > 40:
        layout["margin"] = {**margin, "r": 40}
    return PlainFigure(spec)


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

# Trace builders return plain dicts (Plotly's keys): a PlainFigure takes them as they are, a
# go.Figure validates them as it adds them.

def contour_trace(w1, w2, Z, *, name: str = "J + λ·P", showscale: bool = False) -> dict:
    return {"type": "contour", "x": np.asarray(w1, np.float32),
            "y": np.asarray(w2, np.float32), "z": finite(Z),
            "contours": {**contour_levels(Z), "coloring": "fill", "showlines": True},
            "line": {"width": 0.6, "color": CONTOUR_LINE},
            "colorscale": SURFACE_SCALE, "showscale": showscale, "name": name,
            "hovertemplate": "w₁ %{x:.3f}<br>w₂ %{y:.3f}<br>" + name
                             + " %{z:.4f}<extra></extra>"}


def _ball_xy(ball) -> tuple[np.ndarray, np.ndarray]:
    ball = np.asarray(ball, np.float32)
    ok = np.isfinite(ball).all(axis=1)
    return ball[ok, 0], ball[ok, 1]


def ball_trace(ball, color: str, *, name: str) -> dict:
    x, y = _ball_xy(ball)
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


def _minimizer_text(name: str, w) -> str:
    return f"{name}<br>w₁ = {fmt_weight(w[0])}<br>w₂ = {fmt_weight(w[1])}<extra></extra>"


def minimizer_trace(w, color: str, *, name: str) -> dict:
    """The minimizer as a star, with its coordinates (exact zeros said as such) on hover."""
    w = np.asarray(w, np.float64)
    return {"type": "scatter", "x": w[:1].astype(np.float32), "y": w[1:2].astype(np.float32),
            "mode": "markers", "name": name, "hovertemplate": _minimizer_text(name, w),
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


def _square_axes(fig: go.Figure, view, *, col: int = 1) -> None:
    """Panel ``col``'s axes (of a one-row figure) over ``view``, one unit of w₁ as long as one
    of w₂. Set through the layout by name: ``update_xaxes(col=...)`` is ~10× slower."""
    a, b, c, d = view
    n = _ax(col)
    common = {"zeroline": True, "zerolinecolor": "#444", "zerolinewidth": 1,
              "constrain": "domain"}
    set_layout(fig, {f"xaxis{n}": {"range": [a, b], "title": {"text": "w₁"}, **common},
                f"yaxis{n}": {"range": [c, d], "title": {"text": "w₂"},
                              "scaleanchor": f"x{n}", "scaleratio": 1, **common}})


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
    """A Plotly frame as a plain dict (sent as it is: see ``PlainFigure``)."""
    return {"name": lambda_label(lam), "data": data, "traces": traces, "layout": layout}


def add_lambda_slider(fig: PlainFigure, lams, index: int, frames: list[dict]
                      ) -> PlainFigure:
    """Attach one frame per λ and a slider inside the figure that shows them, no server needed.

    ``frames[i]`` is the frame of ``lams[i]`` (see ``frame_spec``); the slider starts at
    ``index``.
    """
    return add_frame_slider(fig, [lambda_label(lam) for lam in lams], index, frames,
                            prefix="scrub λ = ")


def _typed_arrays(v):
    """A copy of ``v`` with every NumPy array as a Plotly typed array (base64 and its dtype),
    as ``go.Figure.to_dict`` writes them (without its per-array dataframe checks)."""
    if isinstance(v, dict):
        return {k: _typed_arrays(x) for k, x in v.items()}
    if isinstance(v, (list, tuple)):
        return [_typed_arrays(x) for x in v]
    if isinstance(v, np.ndarray) and v.size and v.dtype.kind in "fiu":
        if v.dtype.itemsize == 8 and v.dtype.kind != "f":  # plotly.js has no 64-bit integers:
            # the narrowest type that holds the values, as Plotly picks it
            narrow = next((t for t in ((np.int8, np.int16, np.int32) if v.dtype.kind == "i"
                                       else (np.uint8, np.uint16, np.uint32))
                           if np.iinfo(t).min <= v.min() and v.max() <= np.iinfo(t).max), None)
            if narrow is None:
                return v.tolist()
            v = v.astype(narrow)
        v = np.ascontiguousarray(v)
        spec = {"dtype": v.dtype.str[1:], "bdata": base64.b64encode(v).decode("ascii")}
        if v.ndim > 1:
            spec["shape"] = ", ".join(map(str, v.shape))
        return spec
    if isinstance(v, (np.ndarray, np.generic)):   # empty, boolean or text: plain JSON
        return v.tolist()
    return v


class BuiltFrames:
    """Frames built from a scene's λ family, shared by every session (bounded, least recently
    used out first).

    A frame of the Landscape's family depends only on its λ and on the values the family
    was computed from (``LandscapeScene.settings``), and every move of the page's λ rebuilds
    23 frames it does not change: building them and encoding their arrays is most of a move's
    figure work. The cache holds each frame as built (NumPy arrays, never changed) and its
    typed-array copy for ``PlainFigure.to_dict``.
    """

    def __init__(self, size: int):
        self.size = size
        self._frames: collections.OrderedDict = collections.OrderedDict()
        self._typed: dict[int, dict] = {}   # id of a cached frame -> its typed copy
        self._lock = threading.Lock()

    def get(self, key: tuple, build) -> dict:
        """The frame cached under ``key``, or ``build()`` cached there."""
        with self._lock:
            frame = self._frames.get(key)
            if frame is not None:
                self._frames.move_to_end(key)
                return frame
        frame = build()
        typed = _typed_arrays(frame)
        with self._lock:
            if key in self._frames:   # another session built it meanwhile: keep one
                return self._frames[key]
            self._frames[key] = frame
            self._typed[id(frame)] = typed   # the cache holds the frame, so its id is its own
            while len(self._frames) > self.size:
                _, old = self._frames.popitem(last=False)
                del self._typed[id(old)]
        return frame

    def typed(self, frame: dict) -> dict | None:
        """The typed-array form of a frame this cache holds (None for any other frame)."""
        with self._lock:
            return self._typed.get(id(frame))


# A Landscape frame is ~27 kB encoded and as much as built: 2,048 are ~110 MB a server.
FRAMES = BuiltFrames(2048)


def _family_frames(scene, tag: str, frame, *args) -> list[dict]:
    """``frame(i)`` for every λ of the scene's family, through ``FRAMES`` when the scene says
    what it was computed from; ``args``: whatever else the frames are drawn with."""
    if not scene.settings:
        return [frame(i) for i in range(len(scene.lams))]
    drawn_with = tuple(tuple(a.items()) if isinstance(a, dict) else a for a in args)
    return [FRAMES.get((tag, scene.settings, float(lam), drawn_with), functools.partial(frame, i))
            for i, lam in enumerate(scene.lams)]


class PlainFigure(go.Figure):
    """A figure kept as the plain spec it was built as: ``{"data": [...], "layout": {...}}``
    and, for a scrubbable figure, ``"frames"`` (see ``add_frame_slider``).

    A ``go.Figure`` validates every property as it is set: the λ sweep's paths figure (35
    traces, six panels) took ~35 ms to build, the Geometry page's three ~80 ms, every rerun.
    The builders here make traces and layouts as dicts (known keys, finite float32 arrays;
    ``tests/unit/test_figures.py`` has Plotly validate every figure's spec and write it back
    unchanged). Streamlit takes a ``go.Figure``'s ``to_dict()`` as validated, so the spec goes
    out as built, its arrays base64-encoded once, with the template a ``go.Figure`` would get.
    ``fig.data`` and ``fig.layout`` stay empty: read ``fig.spec`` (NumPy arrays) or
    ``fig.to_dict()`` (as sent).
    """

    def __init__(self, spec: dict):
        super().__init__()
        self._spec = {"data": [], "layout": {}, **spec}

    @property
    def spec(self) -> dict:
        """The spec as built (NumPy arrays, not yet encoded): read it in tests."""
        return self._spec

    @property
    def frame_specs(self) -> tuple[dict, ...]:
        """The frames as built (NumPy arrays)."""
        return tuple(self._spec.get("frames", ()))

    def to_dict(self) -> dict:
        out = _typed_arrays({k: v for k, v in self._spec.items() if k != "frames"})
        if "frames" in self._spec:   # a copy, as of the rest: styling edits what it gets
            out["frames"] = [_typed_arrays(FRAMES.typed(f) or f) for f in self._spec["frames"]]
        layout = out.setdefault("layout", {})
        template = _default_template(pio.templates.default)
        if "template" not in layout and template is not None:  # as go.Figure() sets it
            layout["template"] = copy.deepcopy(template)
        return out


@functools.cache
def _default_template(name: str | None) -> dict | None:
    """The template an empty ``go.Figure`` gets under the default template ``name``: made
    once (0.5 ms each time, for every chart of every rerun), handed out as copies."""
    return go.Figure().to_dict()["layout"].get("template")


def _array(v) -> np.ndarray:
    """A figure's array as NumPy: from a list, or from a typed array (base64, dtype, shape)."""
    if isinstance(v, dict) and "bdata" in v:
        a = np.frombuffer(base64.b64decode(v["bdata"]), dtype=np.dtype(v["dtype"]))
        shape = v.get("shape")
        return a.reshape([int(n) for n in shape.split(",")]) if shape else a
    return np.asarray(v if v is not None else [])


def add_frame_slider(fig: PlainFigure, labels, index: int, frames: list[dict], *, prefix: str
                     ) -> PlainFigure:
    """Attach ``frames`` and a slider inside the figure that shows them (one step per frame,
    labelled ``labels[i]``, the current one after ``prefix``), starting at ``index``.

    Any scrubbed quantity (λ, an epoch) works the same way: see ``add_lambda_slider``.
    """
    if not isinstance(fig, PlainFigure):
        raise TypeError("build a scrubbable figure as a PlainFigure (see its docstring)")
    fig.spec["frames"] = list(frames)
    anim = {"mode": "immediate", "frame": {"duration": 0, "redraw": True},
            "transition": {"duration": 0}}
    set_layout(fig, sliders=[{
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
            data += [xy_update(*_ball_xy(scene.minimizer(kind, i).ball)),
                     xy_update(*scene.run(kind, i).path.T)]
            for k in mins:
                w = scene.minimizer(k, i).w
                data.append(xy_update(w[:1], w[1:2], hovertemplate=_minimizer_text(
                    f"minimizer, {names[k]}", w)))
        ids = [_CONTOUR, _BALL, _PATH, *range(_MIN_NONE, _MIN_NONE + len(mins))]
        return frame_spec(scene.lams[i], data, ids[: len(data)], layout(i))

    fig = PlainFigure({"data": traces(i0) + [start_trace(w0)]
                               + (minimizers(i0) if show_answer else [])})
    set_layout(fig, **_without_empty_lists(layout(i0)))
    add_lambda_slider(fig, scene.lams, i0, _family_frames(scene, "contours", frame,
                                                         show_answer, names, palette))
    _square_axes(fig, scene.problem.view)
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
        return frame_spec(scene.lams[i], data, list(range(len(data))), layout(i))

    fig = PlainFigure({"data": traces(i0)})
    set_layout(fig, **layout(i0))
    add_lambda_slider(fig, scene.lams, i0, _family_frames(scene, "surface", frame,
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
    fig = PlainFigure({"layout": _grid_layout(
        1, 2, subplot_titles=[f"L1, λ = {scene.lam:g}", f"L2, λ = {scene.lam:g}"],
        horizontal_spacing=0.08)})
    traces, notes = fig.spec["data"], []
    for col, kind in ((1, "l1"), (2, "l2")):
        # Every other grid node: each panel is half as wide as the main chart, so the eye sees
        # no difference, and plotly.js draws the pair in about two thirds of the time.
        panel = [contour_trace(scene.w1[::2], scene.w2[::2], scene.total(kind)[::2, ::2])]
        _square_axes(fig, scene.problem.view, col=col)
        if show_answer:
            m = scene.minimizer(kind)
            panel += [ball_trace(m.ball, palette[kind], name=f"{names[kind]} ball"),
                      path_trace(scene.run(kind).path, palette[kind],
                                 name=f"path, {names[kind]}"),
                      minimizer_trace(scene.minimizer("none").w, palette["none"],
                                      name="minimizer, none"),
                      minimizer_trace(m.w, palette[kind], name=f"minimizer, {names[kind]}")]
            notes += [_note_on_panel(n, col) for n in zero_annotations(m.w, palette[kind])]
        traces += [{**tr, **_on_panel(col)} for tr in panel]
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


# ---- exports -----------------------------------------------------------------------------

def figure_csv(fig: go.Figure) -> str:
    """The data behind a figure as CSV: one row per point (a grid is written out long).

    Columns: trace, point, x, y, z. A contour or surface gives one row per grid node.
    """
    out = io.StringIO()
    w = csv.writer(out)
    w.writerow(["trace", "point", "x", "y", "z"])
    for t in fig.to_dict()["data"]:  # the spec as sent: a PlainFigure has no fig.data
        name = t.get("name") or t.get("type", "scatter")
        x, y, z = (_array(t.get(k)).astype(float) for k in ("x", "y", "z"))
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


def band_trace(steps: int, band: float, color: str) -> dict:
    """The band −αλ ≤ w ≤ αλ over steps 0..steps, shaded: L1's pull of one step around 0."""
    b = float(finite([band])[0])
    return {"type": "scatter", "x": np.asarray([0, steps, steps, 0, 0], np.float32),
            "y": np.asarray([-b, -b, b, b, -b], np.float32), "mode": "lines",
            "fill": "toself", "fillcolor": _rgba(color, 0.15), "line": {"width": 0},
            "name": f"±αλ band (αλ = {band:.4g})", "hoverinfo": "name"}


def _rgba(color: str, alpha: float) -> str:
    r, g, b = (int(color[i:i + 2], 16) for i in (1, 3, 5))
    return f"rgba({r},{g},{b},{alpha})"


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
                                        symbol=_ZERO_SYMBOL.get(run.rule, "x")))
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
    return PlainFigure({"data": data, "layout": _without_empty_lists({
        "height": 540, "margin": {"l": 72, "r": 216, "t": 40, "b": 68},
        "title": {"text": f"One weight, step by step: λ = {scene.lam:g}, α = {scene.alpha:g}"},
        "legend": {"x": 1.02, "y": 1, "yanchor": "top"},
        "xaxis": {"title": {"text": "step k"}}, "yaxis": yaxis,
        "shapes": shapes, "annotations": notes, "uirevision": "one-weight"})})


def _without_empty_lists(layout: dict) -> dict:
    """``layout`` without its empty lists (no shapes, no notes), as a go.Figure writes it."""
    return {k: v for k, v in layout.items() if not (isinstance(v, list) and not v)}


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
        data.append({"type": "scatter", "x": np.asarray(x, np.float32), "y": finite(y),
                     "mode": "lines", "name": f"{name}: log₁₀|w_k|", "xaxis": f"x{ax}",
                     "yaxis": f"y{ax}", "line": {"color": color, "width": 2.5},
                     "hovertemplate": "k = %{x:.0f}<br>log₁₀|w| = %{y:.2f}"
                                      f"<extra>{name}</extra>"})
        if z.zero_at >= 0:
            s, a = _vline(z.zero_at, f"x{ax}", f"y{ax}",
                          f"w = 0 exactly<br>at k = {z.zero_at:,}", color="#000000", dash="dash")
            shapes += s
            notes += a
    return PlainFigure({"data": data, "layout": _without_empty_lists({
        **layout, "height": 400, "margin": {"l": 80, "r": 10, "t": 70, "b": 68},
        "title": {"text": f"L2 alone (no data loss), 2αλ = {two_alpha_lambda:.4g}: "
                          "when is w exactly 0?"},
        "showlegend": False, "shapes": shapes, "annotations": notes, "uirevision": "zeno"})})


def two_weight_figure(plane, lam: float, *, palette: dict, names: dict,
                      show_answer: bool = True) -> go.Figure:
    """The rules on two weights: L1's three rules over J + λ·|w|₁ (left), L2 over
    J + λ·‖w‖² (right), from one start, with the minimizers (the Landscape builders)."""
    fig = PlainFigure({"layout": _grid_layout(
        1, 2, subplot_titles=[f"L1 rules, λ = {lam:g}", f"L2, λ = {lam:g}"],
        horizontal_spacing=0.08)})
    traces, notes = fig.spec["data"], []
    for col, kind in ((1, "l1"), (2, "l2")):
        panel = [contour_trace(plane.w1, plane.w2, plane.total(kind, lam))]
        _square_axes(fig, plane.problem.view, col=col)
        if show_answer:
            for rid, run in plane.runs.items():
                if run.kind != kind:
                    continue
                t = path_trace(run.path, palette[kind], name=f"path, {names[rid]}")
                t["line"]["dash"] = "solid" if kind == "l2" else RULE_DASH[run.rule]
                panel.append(t)
            panel += [minimizer_trace(plane.minimizers[k], palette[k],
                                      name=f"minimizer, {names[k]}") for k in ("none", kind)]
            notes += [_note_on_panel(n, col)
                      for n in zero_annotations(plane.minimizers[kind], palette[kind])]
        panel.append(start_trace(plane.start))
        traces += [{**tr, **_on_panel(col)} for tr in panel]
    _one_legend_entry_per_name(traces)   # across the two panels
    set_layout(fig, height=500, margin={"l": 64, "r": 10, "t": 40, "b": 140},
               legend={"orientation": "h", "y": -0.25, "yanchor": "top"},
               annotations=fig.spec["layout"]["annotations"] + notes, uirevision="two-weights")
    return fig


# ---- the Geometry page -----------------------------------------------------------------------

def level_set_trace(points, color: str, *, name: str) -> dict:
    """A level set {J = value} drawn solid and thick (the ball is dashed): the one that touches."""
    t = ball_trace(points, color, name=name)
    t["line"].update(dash="solid", width=3)
    return t


def _constrained_point_trace(w, color: str, *, name: str) -> dict:
    """The constrained minimizer as a large open ring: it sits around a star when they agree."""
    t = minimizer_trace(w, color, name=name)
    t["marker"].update(symbol="circle-open", size=24, line={"width": 2.5, "color": color})
    return t


def _one_legend_entry_per_name(traces: list[dict]) -> None:
    """Each name once in the legend (contours never), for a plain figure's trace dicts."""
    seen = set()
    for t in traces:   # a trace already kept out of the legend stays out
        t["showlegend"] = (t.get("showlegend") is not False and bool(t.get("name"))
                           and t.get("name") not in seen and t["type"] != "contour")
        seen.add(t.get("name"))


def constrained_figure(scene, *, palette: dict, names: dict, show_answer: bool = True
                       ) -> go.Figure:
    """argmin J s.t. ‖w‖ ≤ t: the L1 diamond (left) and the L2 circle (right) of radius
    ``scene.t`` over the contours of J, each with its constrained minimizer, the level set of J
    through it (the one that touches the ball), and J's own minimizer c.

    With ``show_answer`` False only the contours and the balls are drawn (predict first).
    A ``PlainFigure``.
    """
    t = scene.t
    fig = PlainFigure({"layout": _grid_layout(1, 2, horizontal_spacing=0.08, subplot_titles=[
        f"L1 ball (diamond): |w₁| + |w₂| ≤ {t:g}", f"L2 ball (circle): √(w₁² + w₂²) ≤ {t:g}"])})
    traces, notes = fig.spec["data"], []
    for col, kind in ((1, "l1"), (2, "l2")):
        a = scene.constrained[kind]
        panel = [contour_trace(scene.w1, scene.w2, scene.J, name="J(w)"),
                 ball_trace(a.ball, palette[kind], name=f"{names[kind]} ball, t = {t:g}")]
        if show_answer:
            panel += [level_set_trace(a.touching, palette[kind],
                                      name=f"touching level set, {names[kind]}: J = {a.J:.3g}"),
                      minimizer_trace(scene.center, palette["none"],
                                      name="minimizer of J (no constraint)"),
                      minimizer_trace(a.w, palette[kind],
                                      name=f"minimizer in the {names[kind]} ball")]
            notes += [_note_on_panel(n, col) for n in zero_annotations(a.w, palette[kind])]
        traces += [{**tr, **_on_panel(col)} for tr in panel]
        _square_axes(fig, scene.problem.view, col=col)
    _one_legend_entry_per_name(traces)
    for tr in traces:   # the subplot titles name the balls
        if " ball, t = " in tr["name"]:
            tr["showlegend"] = False
    # b: the legend takes three rows at the width of the main chart's column
    set_layout(fig, height=560, margin={"l": 76, "r": 10, "t": 80, "b": 132},
               title={"text": f"argmin J(w) subject to ‖w‖ ≤ t, t = {t:g}", "y": 0.98},
               legend={"orientation": "h", "x": 0, "y": -0.14, "yanchor": "top"},
               annotations=fig.spec["layout"]["annotations"] + notes, uirevision="constrained")
    return fig


def duality_figure(scene, *, palette: dict, names: dict, show_answer: bool = True
                   ) -> go.Figure:
    """Penalized ↔ constrained, λ scrubbable in the figure. Left: the penalized minimizers
    w*(λ) of J + λ·P (stars) for L1 and L2, the ball of radius t(λ) = ‖w*(λ)‖ through each,
    and the constrained minimizer at that t (a ring: it sits on the star). Right: t against
    λ for both, with a dot at the λ shown.

    The frames carry only the coordinates that move (x, y and the hover text), which keeps
    the figure quick to build and to send. With ``show_answer`` False only the contours are
    drawn; the slider still moves the title. A ``PlainFigure``.
    """
    i0, kinds = scene.index, ("l1", "l2")
    fig = PlainFigure({"layout": _grid_layout(
        1, 2, column_widths=[0.6, 0.4], horizontal_spacing=0.1,
        subplot_titles=["w*(λ) and the ball of radius t(λ) through it",
                        "each λ is a budget: t(λ) = ‖w*(λ)‖"])})
    titles = fig.spec["layout"]["annotations"]
    traces = fig.spec["data"]

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
            out += [{"x": bx, "y": by},
                    {"x": con[:1], "y": con[1:]},
                    {"x": pen[:1], "y": pen[1:],
                     "hovertemplate": _minimizer_text(star_name(k), d.w_pen[i])},
                    {"x": finite([scene.lams[i]]).tolist(), "y": finite([d.t[i]]).tolist()}]
        return out

    left, right = _on_panel(1), _on_panel(2)
    traces.append({**contour_trace(scene.w1, scene.w2, scene.J, name="J(w)"), **left})
    if show_answer:
        traces.append({**minimizer_trace(scene.center, palette["none"],
                                         name="minimizer of J (λ = 0)"), **left})
        for k in kinds:
            traces.append({"type": "scatter", "x": finite(scene.curve_lams),
                           "y": finite(scene.duality[k].curve_t), "mode": "lines",
                           "name": f"t(λ), {names[k]}",
                           "line": {"color": palette[k], "width": 2.5},
                           "hovertemplate": "λ = %{x:g}<br>t = %{y:.4f}<extra>" + names[k]
                                            + "</extra>", **right})
        first = len(traces)
        for k in kinds:
            d, n = scene.duality[k], names[k]
            traces += [
                {**ball_trace(d.balls[i0], palette[k], name=f"{n} ball of radius t(λ)"), **left},
                {**_constrained_point_trace(d.w_con[i0], palette[k],
                                            name=f"constrained minimizer at t(λ), {n}"), **left},
                {**minimizer_trace(d.w_pen[i0], palette[k], name=star_name(k)), **left},
                {"type": "scatter", "x": finite([scene.lams[i0]]), "y": finite([d.t[i0]]),
                 "mode": "markers", "name": f"t(λ), {n}, at λ", "showlegend": False,
                 "marker": {"size": 12, "color": palette[k],
                            "line": {"width": 1, "color": "#000000"}},
                 "hovertemplate": "λ = %{x:g}<br>t = %{y:.4f}<extra>" + n + "</extra>", **right}]
        ids = list(range(first, len(traces)))
        frames = [frame_spec(lam, moving(i), ids, layout(i)) for i, lam in enumerate(scene.lams)]
    else:
        frames = [frame_spec(lam, [], [], layout(i)) for i, lam in enumerate(scene.lams)]
    set_layout(fig, **layout(i0))
    add_lambda_slider(fig, scene.lams, i0, frames)
    _square_axes(fig, scene.problem.view)
    top = max(float(np.max(scene.duality[k].curve_t)) for k in kinds)
    set_layout(fig, xaxis2={"title": {"text": "λ"},
                            "range": [-0.1, float(scene.curve_lams[-1]) + 0.1]},
               yaxis2={"title": {"text": "t(λ)"}, "range": [-0.05, 1.1 * top + 0.05]})
    _one_legend_entry_per_name(traces)
    set_layout(fig, height=660, margin={"l": 54, "r": 10, "t": 70, "b": 226},
               title={"y": 0.98},
               legend={"orientation": "h", "x": 0, "y": -0.4, "yanchor": "top"},
               uirevision="duality")
    return fig


def angle_histogram_figure(mc, *, palette: dict, names: dict, show_answer: bool = True
                           ) -> go.Figure:
    """How often each ball's answer lands on an axis: histograms of the answers' angles from
    the w₁ axis (0° and 90° are the axes) for L1 (left) and L2 (right), over ``mc.n`` random
    problems, with the unconstrained minimizers' angles as an outline.

    With ``show_answer`` False only the unconstrained outline is drawn. A ``PlainFigure``.
    """
    edges = np.asarray(mc.angle_edges, np.float64)
    mid, width = (edges[:-1] + edges[1:]) / 2, float(edges[1] - edges[0])
    fig = PlainFigure({"layout": _grid_layout(
        1, 2, shared_yaxes=True, horizontal_spacing=0.05,
        subplot_titles=[f"L1 ball: {100 * mc.share_l1:.1f} % on an axis"
                        if show_answer else "L1 ball: ?",
                        f"L2 ball: {100 * mc.share_l2:.1f} % on an axis"
                        if show_answer else "L2 ball: ?"])})
    traces = fig.spec["data"]
    for col, kind in ((1, "l1"), (2, "l2")):
        if show_answer:
            traces.append({"type": "bar", "x": mid.astype(np.float32),
                           "y": mc.angle_counts[kind].astype(np.int32), "width": width,
                           "name": f"answers, {names[kind]} ball",
                           "marker": {"color": palette[kind], "line": {"width": 0}},
                           "hovertemplate": "%{x:.0f}°: %{y} problems<extra>" + names[kind]
                                            + "</extra>", **_on_panel(col)})
        traces.append({"type": "scatter", "x": mid.astype(np.float32),
                       "y": mc.angle_counts["none"].astype(np.int32), "mode": "lines",
                       "line": {"color": palette["none"], "width": 2, "shape": "hvh"},
                       "name": "no constraint (minimizers of J)",
                       "hovertemplate": "%{x:.0f}°: %{y} problems<extra>no constraint</extra>",
                       **_on_panel(col)})
        set_layout(fig, {f"xaxis{_ax(col)}": {
            "range": [-1, 91], "tickvals": [0, 15, 30, 45, 60, 75, 90],
            "ticktext": ["0°<br>w₂ = 0", "15°", "30°", "45°", "60°", "75°", "90°<br>w₁ = 0"],
            "title": {"text": "angle of |w| from the w₁ axis"}}})
    set_layout(fig, yaxis={"title": {"text": "problems"}})
    _one_legend_entry_per_name(traces)
    text = (f"{mc.n:,} random problems: an exact zero in {100 * mc.share_l1:.1f} % of L1 answers, "
            f"{100 * mc.share_l2:.1f} % of L2 answers" if show_answer
            else f"{mc.n:,} random problems: how many answers have an exact zero?")
    set_layout(fig, height=420, margin={"l": 76, "r": 26, "t": 90, "b": 108}, bargap=0,
               title={"text": text, "y": 0.99},
               legend={"orientation": "h", "x": 0, "y": -0.3}, uirevision="how-often")
    return fig


# ---- the Weights page ------------------------------------------------------------------------

def _steps(counts) -> np.ndarray:
    """Counts of B bins as the y of a step line over the B + 1 edges (``line.shape`` "hv")."""
    c = finite(counts)
    return np.append(c, c[-1:])


def histogram_trace(edges, counts, color: str, *, name: str) -> dict:
    """A histogram as a lightly filled step line over ``edges`` (len(counts) + 1): several
    overlay legibly, and a frame changes only its y."""
    return {"type": "scatter", "x": finite(edges), "y": _steps(counts), "mode": "lines",
            "name": name, "line": {"color": color, "width": 2.5, "shape": "hv"},
            "fill": "tozeroy", "fillcolor": _rgba(color, 0.12),
            "hovertemplate": "w from %{x:.3g}: %{y} weights<extra>" + name + "</extra>"}


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
    beyond = [] if not h.beyond[:, cols].any() else [{
        "xref": "paper", "yref": "paper", "x": 1, "y": 1, "xanchor": "right", "yanchor": "top",
        "align": "right", "showarrow": False, "font": {"color": "#555555"},
        "text": f"the outer bins also count<br>the few weights beyond ±{h.edges[-1]:.3g}"}]

    def layout(i: int) -> dict:
        if show_answer:
            text = "<b>exactly 0</b><br>" + "<br>".join(
                f"<span style='color:{palette[r]}'>{names[r]}: {int(h.zeros[i, j]):,}</span>"
                for r, j in zip(runs, cols, strict=True))
        else:
            text = "Where will L1's, L2's<br>and dropout's weights be?"
        zeros = {"xref": "paper", "yref": "paper", "x": 0, "y": 1, "xanchor": "left",
                 "yanchor": "top", "align": "left", "showarrow": False, "text": text,
                 "bgcolor": "rgba(255,255,255,0.85)"}
        return {"title": {"text": f"λ = {lam:g}, epoch {epochs[i]} of {t.epochs}: "
                                  f"{scene.n_weights:,} weights a run"},
                "annotations": [zeros] + beyond}

    fig = PlainFigure({"data": [histogram_trace(h.edges, h.counts[last, j], palette[r],
                                                name=names[r])
                                for r, j in zip(runs, cols, strict=True)]})
    frames = [frame_spec(e, [{"type": "scatter", "y": _steps(h.counts[i, j])} for j in cols],
                         list(range(len(cols))), layout(i))
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
        updatemenus=[{"type": "buttons", "direction": "right", "x": 1, "y": 1.0,
                      "xanchor": "right", "yanchor": "bottom", "showactive": True,
                      "pad": {"b": 4}, "buttons": [
                          {"label": "linear", "method": "relayout",
                           "args": [{"yaxis.type": "linear", "yaxis.range": [0, 1.15 * top]}]},
                          {"label": "log", "method": "relayout",
                           "args": [{"yaxis.type": "log",
                                     "yaxis.range": [-0.1, float(np.log10(2 * top))]}]}]}])
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
    return PlainFigure({"data": data, "layout": _without_empty_lists({
        "height": 380, "margin": {"l": 78, "r": 20, "t": 40, "b": 92}, "shapes": bands,
        "title": {"text": f"Each feature's weight after training: the {scene.k} grey bands are "
                          "the informative features; a dash on 0 is exactly 0"},
        "xaxis": {"title": {"text": "feature"}, "range": [0.5, scene.d + 0.5]},
        "yaxis": {"title": {"text": "weight w"}, "zeroline": True, "zerolinecolor": "#444",
                  "zerolinewidth": 1},
        "legend": {"orientation": "h", "x": 0, "y": -0.2, "yanchor": "top"},
        "uirevision": "features"})})


# ---- the λ sweep & residuals page ------------------------------------------------------------

def _log_edges(lams) -> np.ndarray:
    """Boundaries halfway (in log λ) between the points of a λ grid, and beyond its ends."""
    g = np.log(np.asarray(lams, np.float64))
    mid = (g[1:] + g[:-1]) / 2
    return np.exp(np.concatenate([[g[0] - (mid[0] - g[0])], mid, [g[-1] + (g[-1] - mid[-1])]]))


def _log_lambda_axis(lams) -> dict:
    """A log λ axis over the grid, ticked at the powers of ten as plain numbers (0.001, not 1m)."""
    lo, hi = float(np.min(lams)), float(np.max(lams))
    powers = 10.0 ** np.arange(np.floor(np.log10(lo)), np.ceil(np.log10(hi)) + 1)
    return {"type": "log", "range": [float(np.log10(lo)), float(np.log10(hi))],
            "tickvals": powers.tolist(), "ticktext": [_power_label(p) for p in powers]}


def _log_ticks(lo: float, hi: float) -> dict:
    """Ticks 1, 2, 5 × 10^k between lo and hi (only the powers of ten over many decades),
    labelled in full: 0.2, 0.5, 1, 2, 5, 10."""
    ks = np.arange(np.floor(np.log10(lo)), np.ceil(np.log10(hi)) + 1)
    steps = (1.0, 2.0, 5.0) if len(ks) <= 5 else (1.0,)
    vals = [m * 10.0 ** k for k in ks for m in steps if lo <= m * 10.0 ** k <= hi]
    return {"tickvals": vals, "ticktext": [_power_label(v) if len(steps) == 1 else f"{v:g}"
                                           for v in vals]}


def _power_label(p: float) -> str:
    """A power of ten in at most four characters: 10⁻⁴, 0.01, 0.1, 1, 10, 100, 10³."""
    k = int(round(np.log10(p)))
    if -2 <= k <= 2:
        return f"{p:g}"
    sup = str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹")
    return "10" + str(k).translate(sup)


def _weight_text(w) -> list[str]:
    return [fmt_weight(v) for v in np.asarray(w, np.float64)]


def _grid_layout(rows: int, cols: int, **kw) -> dict:
    """The layout ``make_subplots(rows, cols, **kw)`` gives (axes, domains, panel titles) as
    plain data, without the template: a fresh copy of one computed once per set of arguments
    (``kw`` as JSON would write it)."""
    return copy.deepcopy(_grid_layout_of(json.dumps([rows, cols, kw], sort_keys=True)))


@functools.lru_cache(maxsize=16)
def _grid_layout_of(args: str) -> dict:
    rows, cols, kw = json.loads(args)
    layout = make_subplots(rows, cols, **kw).layout.to_plotly_json()
    layout.pop("template", None)
    return layout


def _ax(n: int) -> str:
    """The axis suffix of panel ``n`` (``make_subplots`` numbers panels from 1, row by row,
    skipping empty cells): "" for the first (x, xaxis), "2" for the second (x2, xaxis2), …"""
    return "" if n == 1 else str(n)


def _on_panel(n: int) -> dict:
    """The axes of panel ``n`` as a trace names them."""
    return {"xaxis": f"x{_ax(n)}", "yaxis": f"y{_ax(n)}"}


def _note_on_panel(note: dict, n: int) -> dict:
    """An annotation placed in the data coordinates of panel ``n``."""
    return {**note, "xref": f"x{_ax(n)}", "yref": f"y{_ax(n)}"}


def paths_figure(paths, index: int, *, palette: dict, names: dict, kinds=("l1", "elastic_net",
                 "l2"), mix: float = 0.5, show_answer: bool = True) -> go.Figure:
    """Every weight against λ (log axis) for L1, elastic net and L2 side by side (top), the
    number of non-zero weights against λ (bottom), a vertical line and markers at the λ of
    the page (``paths.lams[index]``), and L1's λ_max (elastic net: λ_max / mix).

    ``paths`` is ``core.sweep.Paths``. A feature the data were made from (true weight ≠ 0)
    is drawn solid, one that does not matter dotted. Hover says an exact zero as such. With
    ``show_answer`` False only the axes and the λ line are drawn (predict first). Built as a
    ``PlainFigure``: 35 traces, rebuilt on every λ move.
    """
    lams, lam = np.asarray(paths.lams, np.float32), float(paths.lams[index])
    d, cols = len(paths.names), len(kinds)
    titles = [names[k] if k != "elastic_net" else f"{names[k]} (mix {mix:g})" for k in kinds]
    layout = _grid_layout(2, cols, subplot_titles=titles + [""] * cols, shared_xaxes=True,
                          row_heights=[0.7, 0.3], vertical_spacing=0.07, horizontal_spacing=0.05)
    traces, shapes, notes, axes = [], [], [], {}
    matters = np.asarray(paths.w_true) != 0

    def add(trace: dict, row: int, col: int) -> None:
        traces.append({"type": "scatter", **trace, **_on_panel((row - 1) * cols + col)})

    for c, kind in enumerate(kinds, start=1):
        coef, color = np.asarray(paths.coef[kind]), palette[kind]
        panels = (c, cols + c)  # this column's top and bottom panels
        edge = {"l1": paths.lam_max, "elastic_net": paths.lam_max / mix}.get(kind)
        for n_ in panels:
            shapes += _vline(lam, f"x{_ax(n_)}", f"y{_ax(n_)}", "", color="#777777", dash="dot")[0]
            if edge is not None and show_answer:
                shapes += _vline(edge, f"x{_ax(n_)}", f"y{_ax(n_)}", "", color="#000000",
                                 dash="dash")[0]
            axes[f"xaxis{_ax(n_)}"] = _log_lambda_axis(lams)
        axes[f"xaxis{_ax(cols + c)}"]["title"] = {"text": "λ (log scale)"}
        axes[f"yaxis{_ax(c)}"] = {"zeroline": True, "zerolinecolor": "#444", "zerolinewidth": 1}
        axes[f"yaxis{_ax(cols + c)}"] = {"range": [-0.5, d + 2.5], "dtick": 2}
        if edge is not None and show_answer:
            sym = "λ_max" if kind == "l1" else "λ_max/mix"
            notes.append({"xref": f"x{_ax(c)}", "yref": f"y{_ax(c)} domain",
                          "x": float(np.log10(edge)), "y": 0.02, "xanchor": "left",
                          "yanchor": "bottom", "showarrow": False,
                          "text": f" {sym} = {edge:.3g}:<br> all 0 from here",
                          "font": {"size": 11}, "bgcolor": "rgba(255,255,255,0.8)"})
        if not show_answer:
            continue
        for j in range(d):
            add({"x": lams, "y": finite(coef[:, j]), "mode": "lines", "showlegend": False,
                 "name": f"path, {paths.names[j]}, {names[kind]}",
                 "line": {"color": color, "width": 2.2 if matters[j] else 1.3,
                          "dash": "solid" if matters[j] else "dot"},
                 "text": _weight_text(coef[:, j]),
                 "hovertemplate": f"{paths.names[j]}" + "<br>λ = %{x:.3g}<br>w = %{text}"
                                  f"<extra>{names[kind]}</extra>"}, 1, c)
        at = coef[index]
        add({"x": np.full(d, lam, np.float32), "y": finite(at), "mode": "markers",
             "showlegend": False, "name": f"weights at λ, {names[kind]}",
             "marker": {"size": 7, "color": color, "line": {"width": 1, "color": "#000000"}},
             "text": [f"{nm} = {fmt_weight(v)}" for nm, v in zip(paths.names, at, strict=True)],
             "hovertemplate": "%{text}<extra>λ = " + f"{lam:g}</extra>"}, 1, c)
        nz = np.asarray(paths.nonzeros[kind])
        add({"x": lams, "y": nz.astype(np.float32), "mode": "lines", "showlegend": False,
             "name": f"non-zero weights, {names[kind]}",
             "line": {"color": color, "width": 2.5, "shape": "hv"},
             "hovertemplate": "λ = %{x:.3g}: %{y} non-zero<extra>" + names[kind] + "</extra>"},
            2, c)
        add({"x": np.asarray([lam], np.float32), "y": np.asarray([nz[index]], np.float32),
             "mode": "markers+text", "text": [f"{int(nz[index])}"],
             "textposition": "top right", "showlegend": False,
             "name": f"non-zero weights at λ, {names[kind]}",
             "marker": {"size": 9, "color": color, "line": {"width": 1, "color": "#000000"}},
             "hovertemplate": f"λ = {lam:g}: " + "%{y} non-zero<extra>" + names[kind]
                              + "</extra>"}, 2, c)
    if show_answer:  # the legend says what solid and dotted mean, once
        for label, dash, width in (("feature that matters (true w ≠ 0)", "solid", 2.2),
                                   ("feature that does not (true w = 0)", "dot", 1.3)):
            # legend only: one point draws no line (an empty trace would get no legend entry)
            add({"x": lams[:1], "y": np.zeros(1, np.float32), "mode": "lines", "name": label,
                 "hoverinfo": "skip", "line": {"color": "#555555", "dash": dash, "width": width}},
                1, 1)
    axes["yaxis"]["title"] = {"text": "weight w_k"}
    axes[f"yaxis{_ax(cols + 1)}"]["title"] = {"text": "non-zero"}
    if show_answer:
        counts = ", ".join(f"{names[k]} {int(paths.nonzeros[k][index])}" for k in kinds)
        title = f"λ = {lam:g}: non-zero weights {counts} (of {d})"
    else:
        title = f"λ = {lam:g}: which weights reach exactly 0, and when?"
    for key, value in axes.items():
        layout[key] = _merged(layout.get(key, {}), value)
    layout.update(height=560, margin={"l": 72, "r": 18, "t": 90, "b": 80},
                  title={"text": title, "y": 0.98},
                  legend={"orientation": "h", "x": 0, "y": 1.06, "yanchor": "bottom"},
                  shapes=shapes, annotations=layout.get("annotations", []) + notes,
                  uirevision="paths")
    return PlainFigure({"data": traces, "layout": layout})


def _region(x0: float, x1: float, text: str, fill: str) -> tuple[dict, dict]:
    """A shaded band x0 ≤ λ ≤ x1 across the plot (a shape), and its label at the top."""
    return ({"type": "rect", "xref": "x", "yref": "y domain", "x0": x0, "x1": x1, "y0": 0,
             "y1": 1, "fillcolor": fill, "line": {"width": 0}, "layer": "below"},
            {"xref": "x", "yref": "y domain", "x": float((np.log10(x0) + np.log10(x1)) / 2),
             "y": 1.0, "yanchor": "bottom", "showarrow": False, "text": text,
             "font": {"size": 12, "color": "#333333"}})


def bias_variance_figure(errors, kind: str, index: int, *, palette: dict, names: dict,
                         show_answer: bool = True) -> go.Figure:
    """Train and validation error (mean squared error, log axes) against λ for one penalty;
    with cross-validation on, the k-fold CV error and its ±1 standard-error band; the best λ
    (star) of the curve that picks λ (CV when on, else validation); the primer's three regimes
    shaded (``core.sweep.Choice``: within one standard error of the minimum is
    "appropriate"); the noise floor σ²; a line and markers at the page's λ.

    ``errors`` is ``core.sweep.Errors``. With ``show_answer`` False only the train error and
    the λ line are drawn (predict first: where will validation error be lowest?). A
    ``PlainFigure``.
    """
    lams, lam = np.asarray(errors.lams, np.float64), float(errors.lams[index])
    color, name = palette[kind], names[kind]
    train, val = np.asarray(errors.train[kind]), np.asarray(errors.validation[kind])
    data, bands, labels = [], [], []
    drawn = [train]
    if show_answer:
        choice = errors.choice(kind)
        edges = _log_edges(lams)
        regions = [(edges[0], edges[choice.lo], "λ too small: overfits (variance)",
                    "rgba(0,0,0,0.07)"),
                   (edges[choice.lo], edges[choice.hi + 1], "appropriate", _rgba(color, 0.12)),
                   (edges[choice.hi + 1], edges[-1], "λ too large: underfits (bias)",
                    "rgba(0,0,0,0.07)")]
        for x0, x1, text, fill in regions:
            if x1 > x0 * 1.0001:
                band, label = _region(float(x0), float(x1), text, fill)
                bands.append(band)
                labels.append(label)
    data.append({"type": "scatter", "x": lams.astype(np.float32), "y": finite(train),
                 "mode": "lines", "name": f"train error, {name}",
                 "line": {"color": color, "width": 2, "dash": "dot"},
                 "hovertemplate": "λ = %{x:.3g}<br>train MSE %{y:.4g}<extra></extra>"})
    if show_answer:
        drawn.append(val)
        data.append({"type": "scatter", "x": lams.astype(np.float32), "y": finite(val),
                     "mode": "lines", "name": f"validation error, {name}",
                     "line": {"color": color, "width": 3},
                     "hovertemplate": "λ = %{x:.3g}<br>validation MSE %{y:.4g}<extra></extra>"})
        if errors.cv is not None:
            cv, se = np.asarray(errors.cv[kind]), np.asarray(errors.cv_se[kind])
            drawn.append(cv)
            x = lams.astype(np.float32)
            lo = np.maximum(cv - se, cv * 0.05)
            data += [{"type": "scatter", "x": np.concatenate([x, x[::-1]]),
                      "y": finite(np.concatenate([cv + se, lo[::-1]])), "fill": "toself",
                      "fillcolor": _rgba(color, 0.15), "line": {"width": 0},
                      "hoverinfo": "skip",
                      "name": f"CV error ± 1 standard error ({errors.folds} folds)"},
                     {"type": "scatter", "x": x, "y": finite(cv), "mode": "lines",
                      "name": f"{errors.folds}-fold CV error, {name}",
                      "line": {"color": "#333333", "width": 2, "dash": "dash"},
                      "hovertemplate": "λ = %{x:.3g}<br>CV MSE %{y:.4g}<extra></extra>"}]
        curve, _ = errors.curve(kind)
        b = choice.best
        by = "CV" if errors.cv is not None else "validation"
        star = minimizer_trace([lams[b], curve[b]], "#000000" if errors.cv is not None
                               else color, name=f"best λ = {lams[b]:g} (minimizer of {by} "
                                                 "error)")
        star["hovertemplate"] = (f"best λ = {lams[b]:g}<br>{by} MSE {curve[b]:.4g}"
                                 "<extra></extra>")
        data.append(star)
    at_y = [train[index]] + ([val[index]] if show_answer else [])
    data.append({"type": "scatter", "x": np.full(len(at_y), lam, np.float32),
                 "y": finite(at_y), "mode": "markers", "name": f"at λ = {lam:g}",
                 "marker": {"size": 9, "color": color, "symbol": "circle",
                            "line": {"width": 1.5, "color": "#000000"}},
                 "text": ["train", "validation"][: len(at_y)],
                 "hovertemplate": "%{text} MSE %{y:.4g}<extra>λ = " + f"{lam:g}</extra>"})
    shapes, notes = _vline(lam, "x", "y", f"λ = {lam:g}", color="#777777", dash="dot", top=False)
    notes[0]["x"] = float(np.log10(lam))
    noise2 = errors.noise ** 2
    if show_answer and noise2 > 0:
        shapes.append({"type": "line", "xref": "x domain", "yref": "y", "x0": 0, "x1": 1,
                       "y0": noise2, "y1": noise2,
                       "line": {"color": "#555555", "width": 1.2, "dash": "longdash"}})
        notes.append({"xref": "x domain", "yref": "y", "x": 1, "y": float(np.log10(noise2)),
                      "xanchor": "right", "yanchor": "bottom", "showarrow": False,
                      "text": f"noise floor σ² = {noise2:.3g}", "font": {"color": "#555555"}})
    # Log axes; a very overfit curve would squash the rest: keep four decades above the best.
    values = np.concatenate([finite(v) for v in drawn])
    values = values[values > 0]
    best = float(np.min(finite(val))) if show_answer else float(np.min(values))
    lo = max(float(values.min()) if len(values) else 1e-3, best * 1e-3, 1e-6) * 0.7
    hi = min(float(values.max()) if len(values) else 1.0, max(best, 1e-6) * 1e4) * 1.4
    if noise2 > 0:
        lo = min(lo, noise2 * 0.7)
    title = f"λ = {lam:g}: train MSE {train[index]:.3g}"
    if show_answer:
        title += f", validation {val[index]:.3g}"
    title += (f"<br><sup>{name}, σ = {errors.noise:.2f}, n = {errors.n}, degree "
              f"{errors.degree}</sup>")
    for t in data:  # a curve beyond the top of the view is cut there, honestly labelled
        if len(t["y"]) and np.max(np.asarray(t["y"], np.float64)) > hi:
            t["hovertemplate"] = (t.get("hovertemplate") or "").replace(
                "<extra>", " (top of the chart is cut)<extra>", 1)
    fig = PlainFigure({"data": data})
    set_layout(
        fig, height=480, margin={"l": 76, "r": 20, "t": 80, "b": 144},
        title={"text": title, "y": 0.98},
        xaxis={**_log_lambda_axis(lams), "title": {"text": "λ (log scale)"}},
        yaxis={"type": "log", "title": {"text": "mean squared error (log scale)"},
               "range": [float(np.log10(lo)), float(np.log10(hi))],
               **_log_ticks(lo, hi)},
        legend={"orientation": "h", "x": 0, "y": -0.18, "yanchor": "top"},
        shapes=bands + shapes, annotations=labels + notes, uirevision="bias-variance")
    return fig


def residuals_figure(res, *, palette: dict, show_answer: bool = True) -> go.Figure:
    """A line fitted to the same points with squared loss (L2, least squares) and with absolute
    loss (L1, least absolute deviations), left; the histograms of their residuals on one set
    of bins, right, with the residuals that are exactly 0 counted apart.

    ``res`` is ``core.sweep.Residuals``. With ``show_answer`` False only the data are drawn.
    A ``PlainFigure``: rebuilt on every rerun of the page.
    """
    data, sq, ab = res.data, res.squared, res.absolute
    # panels: 1 the data (both rows), 2 the squared loss's residuals, 3 the absolute loss's
    layout = _grid_layout(2, 2, specs=[[{"rowspan": 2}, {}], [None, {}]],
                          column_widths=[0.55, 0.45], horizontal_spacing=0.08,
                          vertical_spacing=0.16,
                          subplot_titles=["the data and the two lines",
                                          "residuals, squared loss (L2)",
                                          "residuals, absolute loss (L1)"])
    traces, notes = [], []
    x, y, out = (np.asarray(a) for a in (data.x, data.y, data.outlier))
    for mask, label, symbol in ((~out, "data", "circle"),
                                (out, "outliers (pushed up)", "x-thin-open")):
        traces.append({"type": "scatter", "x": x[mask].astype(np.float32), "y": finite(y[mask]),
                       "mode": "markers", "name": label,
                       "marker": {"size": 7, "color": "#555555", "symbol": symbol,
                                  "line": {"width": 1.5}},
                       "hovertemplate": "x %{x:.3f}<br>y %{y:.3f}<extra></extra>", **_on_panel(1)})
    if show_answer:
        xs = np.asarray([x.min(), x.max()], np.float64)
        for line, kind, label in ((sq, "l2", "squared loss (L2): least squares"),
                                  (ab, "l1", "absolute loss (L1): least absolute deviations")):
            traces.append({"type": "scatter", "x": xs.astype(np.float32),
                           "y": finite(line.a + line.b * xs), "mode": "lines", "name": label,
                           "line": {"color": palette[kind], "width": 3},
                           "hovertemplate": f"y = {line.a:.4f} + {line.b:.4f}·x<extra></extra>",
                           **_on_panel(1)})
        zero = np.asarray(ab.residuals) == 0
        traces.append({"type": "scatter", "x": x[zero].astype(np.float32),
                       "y": finite(y[zero]), "mode": "markers",
                       "name": f"residual exactly 0 (absolute loss): {int(zero.sum())}",
                       "marker": {"size": 15, "color": palette["l1"], "symbol": "circle-open",
                                  "line": {"width": 2.5}},
                       "hovertemplate": "on the L1 line: residual 0 exactly<extra></extra>",
                       **_on_panel(1)})
        r_all = np.concatenate([sq.residuals, ab.residuals])
        span = max(float(np.max(np.abs(r_all))), 1e-6)
        edges = np.linspace(-span, span, 31)
        mid, width = (edges[:-1] + edges[1:]) / 2, float(edges[1] - edges[0])
        top = 0
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
                           **_on_panel(panel)})
            traces.append({"type": "bar", "x": np.asarray([0.0], np.float32),
                           "y": np.asarray([line.exact_zeros], np.int32), "width": width / 3,
                           "showlegend": False, "name": f"exactly 0, {loss} loss",
                           "marker": {"color": "#000000"},
                           "hovertemplate": "%{y} residuals exactly 0<extra></extra>",
                           **_on_panel(panel)})
            notes.append({"x": 0, "y": line.exact_zeros, "ax": -45, "ay": -28,
                          "showarrow": True, "arrowcolor": "#000000", "arrowwidth": 1.5,
                          "text": f"<b>{line.exact_zeros}</b> exactly 0",
                          "bgcolor": "rgba(255,255,255,0.85)",
                          "xref": f"x{panel}", "yref": f"y{panel}"})
        for panel in (2, 3):
            layout[f"yaxis{panel}"].update(title={"text": "count"}, range=[0, top * 1.3 + 2])
            layout[f"xaxis{panel}"]["range"] = [-span * 1.05, span * 1.05]
        layout["xaxis3"]["title"] = {"text": "residual y − ŷ"}
    layout["xaxis"]["title"] = {"text": "x"}
    layout["yaxis"]["title"] = {"text": "y"}
    share = f"{100 * res.share:.0f} % outliers"
    title = (f"{share}: the absolute-loss line passes through {ab.exact_zeros} points exactly"
             if show_answer else f"{share}: where will each line go?")
    layout.update(height=500, margin={"l": 70, "r": 10, "t": 80, "b": 124}, barmode="overlay",
                  title={"text": title, "y": 0.98},
                  legend={"orientation": "h", "x": 0, "y": -0.15, "yanchor": "top"},
                  annotations=layout.get("annotations", []) + notes, uirevision="residuals")
    return PlainFigure({"data": traces, "layout": layout})


# ---- the Sparse crosses page -------------------------------------------------------------------

LAND_LINE = "#a9a395"                         # the continents' outline
NO_WEIGHT = "#c9c9c9"                         # a cell with training points but weight 0
_TRANSPARENT = "rgba(0,0,0,0)"
# Plotly's "Cividis", spelled out as a go.Figure would spell it (a plain spec is sent as built)
PRICE_SCALE = [[i / (len(_sequential.Cividis) - 1), c] for i, c in enumerate(_sequential.Cividis)]


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
    scale = [[0.0, _TRANSPARENT], [1 / 3, _TRANSPARENT], [1 / 3, NO_WEIGHT], [2 / 3, NO_WEIGHT],
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


def fmt_bytes(b: float) -> str:
    """Bytes in decimal units, as the page says them: 259 kB, 933 MB."""
    b = float(b)
    for unit, scale in (("GB", 1e9), ("MB", 1e6), ("kB", 1e3)):
        if b >= scale:
            return f"{b / scale:.3g} {unit}"
    return f"{b:.0f} B"


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
        layout["annotations"].append(_panel_title(title, 0.5, domain[1]))
        layout["shapes"] += _cell_edges(scene.size, x=x, y=y)
    fig = PlainFigure({"data": data, "layout": _without_empty_lists(layout)})
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
        "layout": _without_empty_lists({**_map_axes(), "shapes": _cell_edges(scene.size)})})
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
