"""Shared widgets, the palette and the names the pages show.

Every control has a ``key`` and is bound to the URL (``bind="query-params"``),
so a copied link reopens the same view. The URL holds an option's label (``?penalty=L2``),
so labels are short. Streamlit drops a URL value that is not a valid option and
falls back to the default.
"""

from __future__ import annotations

from collections.abc import Sequence

import streamlit as st

# One colour per regularizer, the same on every page (Okabe–Ito, colour-blind safe).
# The primer draws the unregularized weights in red and L1 / L2 in blues.
PALETTE = {
    "none": "#D55E00",         # vermillion
    "l1": "#0072B2",           # blue
    "l2": "#56B4E9",           # sky blue
    "elastic_net": "#009E73",  # bluish green
    "dropout": "#CC79A7",      # reddish purple
    "l0": "#E69F00",           # orange
    "lp": "#E69F00",
}

PENALTY_NAMES = {
    "none": "none",
    "l1": "L1",
    "l2": "L2",
    "elastic_net": "elastic net",
    "l0": "L0",
    "lp": "Lp (p = ½)",
}

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


def _rounded(values) -> list[float]:
    return sorted({round(float(v), 6) for v in values})


def _frange(start: float, stop: float, step: float) -> list[float]:
    n = round((stop - start) / step)
    return [start + i * step for i in range(n + 1)]


# λ from 0 to 5, fine near 0: steps of 0.001 up to 0.01, 0.005 up to 0.1, 0.02 up to 1, 0.1 up to 5.
LAMBDAS = _rounded([0.0] + _frange(0.001, 0.01, 0.001) + _frange(0.01, 0.1, 0.005)
                   + _frange(0.1, 1.0, 0.02) + _frange(1.0, 5.0, 0.1))
# Step sizes, fine where paths are smooth and up to where they diverge.
ALPHAS = _rounded([0.001, 0.002, 0.005, 0.01, 0.02, 0.03, 0.05, 0.07, 0.1, 0.15, 0.2, 0.25,
                   0.3, 0.35, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0, 1.2, 1.5])


def number_label(v: float) -> str:
    """How a slider option reads, and how it is written in the URL: 0.05, 1, 2.5."""
    return f"{v:g}"


def pick_number(label: str, key: str, options: Sequence[float], default: float, *,
                help: str | None = None, container=st) -> float:
    """A select-slider over fixed numeric options (uneven steps), bound to the URL."""
    return container.select_slider(label, options=list(options), value=default, key=key,
                                   format_func=number_label, help=help, bind="query-params")


def slider(label: str, key: str, lo: float, hi: float, default: float, step: float, *,
           help: str | None = None, disabled: bool = False, container=st):
    """A numeric slider, bound to the URL."""
    return container.slider(label, lo, hi, default, step, key=key, help=help,
                            disabled=disabled, bind="query-params")


def choose(label: str, key: str, names: dict[str, str], default: str, *,
           help: str | None = None, horizontal: bool = False, container=st) -> str:
    """A choice among the keys of ``names`` (shown by their values), bound to the URL."""
    options = list(names)
    return container.radio(label, options, index=options.index(default), key=key,
                           format_func=names.__getitem__, help=help, horizontal=horizontal,
                           bind="query-params")


def select(label: str, key: str, names: dict[str, str], default: str, *,
           help: str | None = None, container=st) -> str:
    """A drop-down among the keys of ``names``, bound to the URL."""
    options = list(names)
    return container.selectbox(label, options, index=options.index(default), key=key,
                               format_func=names.__getitem__, help=help, bind="query-params")
