"""The figure as a plain spec: ``PlainFigure``, layout merging, subplot grids, typed arrays.

Every figure is built as the plain spec plotly.js reads (trace and layout dicts) and wrapped
in a ``PlainFigure``: a ``go.Figure`` validates each property as it is set, which costs more
than building the figure. Plotly still checks every spec, in the unit tests. NumPy arrays
go to the browser as Plotly typed arrays (base64 and a dtype).

Margins: each figure asks for the margins plotly.js's automargin settles on at its default
view (tick labels, axis titles, legend, slider). With smaller ones plotly.js draws the figure,
finds its margins pushed and draws it all again; automargin stays on, so a longer label
still fits, at the price of that second draw. tests/browser/test_draw_once.py checks every
page.
"""

from __future__ import annotations

import base64
import collections
import copy
import functools
import json
import threading

import numpy as np
import plotly.graph_objects as go
import plotly.io as pio
from plotly.subplots import make_subplots


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
            value = merged(current, value)
        elif isinstance(value, (list, tuple)) and value and isinstance(current, list) \
                and current and isinstance(current[0], dict):
            if len(value) <= len(current):
                value = [merged(c, value[i % len(value)]) for i, c in enumerate(current)]
            else:  # what update_layout gives: the old elements as they were, then the rest
                value = current + list(value[len(current):])
        layout[key] = value
    return fig


def merged(base: dict, new: dict) -> dict:
    """``base`` updated by ``new``: nested dicts merge, anything else replaces."""
    out = dict(base)
    for k, v in new.items():
        out[k] = merged(out[k], v) if isinstance(v, dict) and isinstance(out.get(k), dict) else v
    return out


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


class PlainFigure(go.Figure):
    """A figure kept as the plain spec it was built as: ``{"data": [...], "layout": {...}}``
    and, for a scrubbable figure, ``"frames"`` (see ``add_frame_slider``).

    A ``go.Figure`` validates every property as it is set, which costs more than building
    the figure (docs/performance.md).
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
    once (every chart of every rerun needs it), handed out as copies."""
    return go.Figure().to_dict()["layout"].get("template")


def array_of(v) -> np.ndarray:
    """A figure's array as NumPy: from a list, or from a typed array (base64, dtype, shape)."""
    if isinstance(v, dict) and "bdata" in v:
        a = np.frombuffer(base64.b64decode(v["bdata"]), dtype=np.dtype(v["dtype"]))
        shape = v.get("shape")
        return a.reshape([int(n) for n in shape.split(",")]) if shape else a
    return np.asarray(v if v is not None else [])


def grid_layout(rows: int, cols: int, **kw) -> dict:
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


def axis_name(n: int) -> str:
    """The axis suffix of panel ``n`` (``make_subplots`` numbers panels from 1, row by row,
    skipping empty cells): "" for the first (x, xaxis), "2" for the second (x2, xaxis2), …"""
    return "" if n == 1 else str(n)


def on_panel(n: int) -> dict:
    """The axes of panel ``n`` as a trace names them."""
    return {"xaxis": f"x{axis_name(n)}", "yaxis": f"y{axis_name(n)}"}


def note_on_panel(note: dict, n: int) -> dict:
    """An annotation placed in the data coordinates of panel ``n``."""
    return {**note, "xref": f"x{axis_name(n)}", "yref": f"y{axis_name(n)}"}
