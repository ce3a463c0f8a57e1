"""λ (or an epoch) inside the figure: one Plotly frame per value and a slider that shows
them in the browser, no server round trip; frames of a λ family shared by every session."""

from __future__ import annotations

import functools

from ui.figures.fmt import lambda_label
from ui.figures.spec import FRAMES, PlainFigure, set_layout
from ui.figures.traces import contour_levels, finite


def contour_update(Z) -> dict:
    """What a frame changes in a contour trace: its values and its levels."""
    return {"type": "contour", "z": finite(Z),
            "contours": {**contour_levels(Z), "coloring": "fill", "showlines": True}}


def xy_update(x, y, **more) -> dict:
    """What a frame changes in a scatter trace: its points (and anything in ``more``)."""
    return {"type": "scatter", "x": finite(x), "y": finite(y), **more}


def append_moving(traces: list[dict], new: list[dict]) -> list[int]:
    """Append ``new`` to a figure's ``traces`` and return their indices: the traces its
    frames update, in the order the frames list their data (the one way every builder
    tracks them)."""
    first = len(traces)
    traces.extend(new)
    return list(range(first, len(traces)))


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


def family_frames(scene, tag: str, frame, *args) -> list[dict]:
    """``frame(i)`` for every λ of the scene's family, through ``FRAMES`` when the scene says
    what it was computed from; ``args``: whatever else the frames are drawn with."""
    if not scene.settings:
        return [frame(i) for i in range(len(scene.lams))]
    drawn_with = tuple(tuple(a.items()) if isinstance(a, dict) else a for a in args)
    return [FRAMES.get((tag, scene.settings, float(lam), drawn_with), functools.partial(frame, i))
            for i, lam in enumerate(scene.lams)]


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
