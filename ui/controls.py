"""Shared widgets, the palette and the names the pages show.

Every control has a ``key`` and is bound to the URL (``bind="query-params"``),
so a copied link reopens the same view. The URL holds an option's label (``?penalty=L2``),
so labels are short. A link can carry anything: a value a control cannot take falls back
to the control's default, and the page says so (``ui.kit.controls``).
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence

import streamlit as st


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


# ---- the URL is untrusted ----------------------------------------------------------------
# Streamlit drops a URL value a widget cannot take and uses the widget's default. Each
# wrapper below also notes such a value (ui.kit.controls shows the notes), comparing the
# raw text of the link with the value the widget ended up with.

SEEN_KEY = "_url_seen"        # session state: the URL keys bound in this run
NOTICES_KEY = "_url_notices"  # session state: what this run ignored, in plain words
_SAFE = re.compile(r"[^A-Za-z0-9 ._+-]")


def plain(text: str, limit: int = 24) -> str:
    """A URL string made safe to show: only letters, digits and . _ + - (no markup)."""
    text = _SAFE.sub("·", str(text))
    return text if len(text) <= limit else text[:limit] + "…"


def url_value(key: str) -> str | None:
    """The link's (last) value of ``key``, as text, or None: untrusted."""
    values = st.query_params.get_all(key)
    return values[-1] if values else None


def _note(key: str, raw: str | None, accepted: bool, shown: str) -> None:
    st.session_state.setdefault(SEEN_KEY, set()).add(key)
    if raw is not None and not accepted:
        st.session_state.setdefault(NOTICES_KEY, []).append(
            f"the link's **{plain(key)}** = “{plain(raw)}” is not a value this control "
            f"takes, so it uses {plain(shown)}")


def _same_number(raw: str, value: float) -> bool:
    try:
        return math.isfinite(float(raw)) and float(raw) == float(value)
    except ValueError:
        return False


def pick_number(label: str, key: str, options: Sequence[float], default: float, *,
                help: str | None = None, container=st) -> float:
    """A select-slider over fixed numeric options (uneven steps), bound to the URL."""
    raw = url_value(key)
    value = container.select_slider(label, options=list(options), value=default, key=key,
                                    format_func=number_label, help=help, bind="query-params")
    _note(key, raw, raw == number_label(value), number_label(value))
    return value


def slider(label: str, key: str, lo: float, hi: float, default: float, step: float, *,
           help: str | None = None, disabled: bool = False, container=st):
    """A numeric slider, bound to the URL."""
    raw = url_value(key)
    value = container.slider(label, lo, hi, default, step, key=key, help=help,
                             disabled=disabled, bind="query-params")
    _note(key, raw, raw is not None and _same_number(raw, value), number_label(value))
    return value


def snap(v: float, lo: float, hi: float, step: float) -> float:
    """``v`` on a slider's grid: rounded to its step, kept inside [lo, hi]."""
    return min(max(round(round(v / step) * step, 10), lo), hi)


def set_from_chart(values: dict[str, float]) -> None:
    """Move URL-bound sliders from code (a click on a chart, in its callback); the link
    follows by itself (Streamlit refuses to set a bound key of ``st.query_params``). The
    values must be on the sliders' grids (``snap``)."""
    for key, v in values.items():
        st.session_state[key] = v


def toggle(label: str, key: str, default: bool, *, help: str | None = None,
           disabled: bool = False, container=st):
    """An on/off switch, bound to the URL (``?key=true``)."""
    raw = url_value(key)
    value = container.toggle(label, value=default, key=key, help=help, disabled=disabled,
                             bind="query-params")
    _note(key, raw, raw is not None and raw.lower() == str(value).lower(),
          "on" if value else "off")
    return value


def choose(label: str, key: str, names: dict[str, str], default: str, *,
           help: str | None = None, horizontal: bool = False, container=st) -> str:
    """A choice among the keys of ``names`` (shown by their values), bound to the URL."""
    options, raw = list(names), url_value(key)
    value = container.radio(label, options, index=options.index(default), key=key,
                            format_func=names.__getitem__, help=help, horizontal=horizontal,
                            bind="query-params")
    _note(key, raw, raw == names[value], names[value])
    return value


def select(label: str, key: str, names: dict[str, str], default: str, *,
           help: str | None = None, disabled: bool = False, container=st) -> str:
    """A drop-down among the keys of ``names``, bound to the URL."""
    options, raw = list(names), url_value(key)
    value = container.selectbox(label, options, index=options.index(default), key=key,
                                format_func=names.__getitem__, help=help, disabled=disabled,
                                bind="query-params")
    _note(key, raw, raw == names[value], names[value])
    return value
