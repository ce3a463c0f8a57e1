"""The classroom kit every page is built from: presets, presenter mode, predict-then-reveal,
exports, the share link, live formulas and "show the code"; and the router's early fetch of
plotly.js.

A page uses it in a few lines::

    kit.header("Loss landscape", "Two lines of intro ...")
    kit.presets(PRESETS, keys=MODEL_KEYS)
    show = kit.predict_reveal("landscape", signature)
    kit.chart(fig, "landscape_chart", "landscape")
    kit.share_link()
    kit.show_code(penalties.prox)

State lives in the URL and in ``st.session_state`` (one per browser session), never in
module globals.
"""

from __future__ import annotations

import contextlib
import html
import inspect
import time
import zlib
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from urllib.parse import urlencode

import plotly.graph_objects as go
import streamlit as st

from ui import controls, figures

PRESENTER_KEY = "presenter"

# Presenter mode: bigger type everywhere (Streamlit sizes in rem), the prose folded away.
_PRESENTER_CSS = """
<style>
html { font-size: 21px; }
[class*="st-key-prose"] { display: none; }
[data-testid="stMainBlockContainer"] { padding-top: 1rem; max-width: 100%; }
</style>
"""


@dataclass(frozen=True)
class Preset:
    """A named setting of a page's controls, with one sentence on what to look for.

    ``params`` are URL query values as the address bar shows them (``{"lam": "1"}``,
    ``{"penalty": "L2"}``); controls not named keep their defaults.
    """

    label: str
    params: Mapping[str, str]
    look_for: str


def presenter_toggle() -> None:
    """The sidebar switch (in the URL as ``?presenter=true``). Call once, from app.py."""
    controls.toggle("Presenter mode", PRESENTER_KEY, False, container=st.sidebar,
                    help="Larger text, thicker lines, bigger markers, prose folded away: "
                         "legible from the back of the room.")


def presenter() -> bool:
    return bool(st.session_state.get(PRESENTER_KEY, False))


def style() -> figures.Style:
    """How figures are drawn now: thicker and bigger in presenter mode."""
    return figures.PRESENTER if presenter() else figures.CLASSROOM


def header(title: str, intro: str) -> None:
    """The page title and its two-line intro (the intro folds away in presenter mode)."""
    if presenter():
        st.html(_PRESENTER_CSS)
    st.title(title)
    prose(intro)


def prose(text: str) -> None:
    """Explanatory text that presenter mode hides (the teacher says it instead)."""
    with st.container(key=f"prose_{zlib.crc32(text.encode()):08x}"):
        st.markdown(text)


@contextlib.contextmanager
def controls_block(named: Mapping[str, Preset], keys: Iterable[str]) -> Iterator[None]:
    """Wrap the code that makes a page's controls; above them it puts the preset links and,
    if the link carried values the page could not use, a short notice naming them.

    It runs after the controls exist, so what it shows and keeps of the URL has been
    checked by them; a URL key that no control takes is dropped from the address bar.
    """
    top = st.container()
    st.session_state[controls.SEEN_KEY] = {PRESENTER_KEY}
    st.session_state[controls.NOTICES_KEY] = []
    yield
    seen = st.session_state[controls.SEEN_KEY]
    notices = st.session_state[controls.NOTICES_KEY]
    for key in [k for k in st.query_params if k not in seen]:
        notices.append(f"the link's **{controls.plain(key)}** is not a setting of this page, "
                       "so it was ignored")
        del st.query_params[key]
    with top:
        presets(named, keys)
        if notices:
            st.warning("Part of this link could not be used: " + "; ".join(notices) + ".",
                       icon=":material/link_off:")


def presets(named: Mapping[str, Preset], keys: Iterable[str]) -> None:
    """Links that set the page's controls (``keys``), a reset, and the active preset's hint.

    A preset is a link to this page with its query string: opening it sets every
    control from the URL, so the address bar is the preset and can be shared as is.
    (Setting bound widgets from Python does not always reach the address bar in
    Streamlit 1.67, so links are the reliable way.) Display settings that are not in
    ``keys`` (presenter mode, the view) are kept.
    """
    keys = set(keys)
    current = st.query_params.to_dict()
    kept = {k: v for k, v in current.items() if k not in keys}
    model = {k: v for k, v in current.items() if k in keys}
    links = [_link(p.label, {**kept, **p.params}, active=model == dict(p.params))
             for p in named.values()]
    links.append(_link("↺ Reset to defaults", kept, active=False))
    st.html(f'<nav class="presets">{"".join(links)}</nav>' + _PRESET_CSS)
    for p in named.values():
        if model == dict(p.params):
            st.info(p.look_for, icon=":material/visibility:")


def _link(label: str, params: Mapping[str, str], *, active: bool) -> str:
    href = html.escape("?" + urlencode(params), quote=True)
    cls = "preset active" if active else "preset"
    return f'<a class="{cls}" href="{href}" target="_self">{html.escape(label)}</a>'


_PRESET_CSS = """<style>
nav.presets { display: flex; flex-wrap: wrap; gap: 0.5rem; margin: 0.25rem 0 0.5rem; }
nav.presets a.preset { padding: 0.35rem 0.8rem; border: 1px solid rgba(49,51,63,0.25);
  border-radius: 0.5rem; text-decoration: none; color: inherit; font-size: 0.95rem; }
nav.presets a.preset:hover { border-color: #0072B2; color: #0072B2; }
nav.presets a.preset.active { background: #0072B2; border-color: #0072B2; color: #ffffff; }
</style>"""


def predict_reveal(page: str, signature: tuple) -> bool:
    """A "predict first" switch and a Reveal button; True when the answer may be drawn.

    The reveal holds for the setting it was pressed on (``signature``): change a control
    and the answer hides again, ready for the next question.
    """
    key = f"{page}_reveal"
    on = controls.toggle("Predict first, then reveal", f"{page}_predict", False,
                         help="Hide the answer (paths, minimizers) so the class can guess first.")
    if not on:
        return True
    if st.session_state.get(key) == signature:
        st.button("Hide the answer", key=f"{page}_hide", on_click=st.session_state.pop,
                  args=(key, None))
        return True
    st.button("Reveal", key=f"{page}_reveal_button", type="primary",
              on_click=st.session_state.__setitem__, args=(key, signature))
    st.caption("The answer is hidden. Ask the class where it will land, then reveal.")
    return False


# How long the server waits after the chart a slider moves, before the page's other charts.
# The browser draws charts whose messages arrive within a few milliseconds of each other in
# one go, so the moved chart would be painted only once every other chart is drawn. Building
# a figure used to take long enough (Plotly validated it) to keep them apart; plain figures
# take 1–3 ms. Weights page, interleaved one-page runs: the moved chart's p50 152/166 ms
# with the pause, 182/210 ms without; the other charts arrive 20 ms later.
LEAD_PAUSE_S = 0.02


def chart(fig: go.Figure, key: str, filename: str, *, lead: bool = False) -> None:
    """A Plotly chart with PNG export at 2× in its toolbar, and its data as CSV and HTML.

    ``lead``: the chart the page's main slider moves, with more charts after it: the server
    pauses ``LEAD_PAUSE_S`` once it is sent, so the browser draws it alone.
    """
    fig = figures.apply_style(fig, style())
    st.plotly_chart(fig, key=key, config={
        "displaylogo": False,
        "toImageButtonOptions": {"format": "png", "scale": 2, "filename": filename},
    })
    row = st.container(horizontal=True, gap="small")
    row.download_button("CSV of this chart", data=lambda: figures.figure_csv(fig),
                         file_name=f"{filename}.csv", mime="text/csv", key=f"{key}_csv",
                         on_click="ignore", icon=":material/download:")
    row.download_button("Standalone HTML", data=lambda: figures.figure_html(fig),
                          file_name=f"{filename}.html", mime="text/html", key=f"{key}_html",
                          on_click="ignore", icon=":material/download:",
                          help="Opens offline: Plotly is inside the file.")
    if lead:
        time.sleep(LEAD_PAUSE_S)


def share_link() -> None:
    """The link to this exact view, in a box with a copy button, sent once its expander is
    opened (as ``show_code``): Streamlit draws a code box with its syntax highlighter, whose
    first use cost a fresh browser ~0.5 s of CPU (its grammars), while the page's charts were
    being drawn (a CDP profile of the Landscape page's first load)."""
    box = st.expander("Share this view", key="share_link", on_change="rerun",
                      icon=":material/link:")
    if not box.open:
        return
    base = st.context.url or ""
    # only what a control took: a fragment may draw this box before ``controls_block`` has
    # dropped the link's unknown keys from the address bar
    seen = st.session_state.get(controls.SEEN_KEY)
    params = {k: v for k, v in st.query_params.to_dict().items() if seen is None or k in seen}
    link = f"{base}?{urlencode(params)}" if params else base
    with box:
        st.caption("Every control is in this link:")
        st.code(link, language=None)


def show_code(*functions: Callable, title: str = "Show the code") -> None:
    """The source of the core functions a page demonstrates, sent once the expander is opened.

    A closed expander's content is still sent and drawn, and highlighting these sources took
    a fresh browser ~0.5 s of a page's first load (2 cores, the Landscape page, new browser
    context on a warm server: 3.5 → 2.9 s to the first chart). Opening it reruns the page.
    """
    box = st.expander(title, key="code_" + "_".join(f.__name__ for f in functions),
                      on_change="rerun")
    if box.open:
        with box:
            for f in functions:
                st.code(inspect.getsource(f), language="python")


# ---- plotly.js, fetched before the first chart ----------------------------------------------

PLOTLY_PRELOAD_KEY = "plotly_preload"
_PLOTLY_PRELOAD_SENT = "_plotly_preload_sent"


def start_loading_plotly() -> st.delta_generator.DeltaGenerator | None:
    """On a session's first run, send a hidden chart so the browser starts loading plotly.js;
    return its slot, for ``stop_loading_plotly`` at the end of the run. Later runs send nothing.

    Streamlit fetches its Plotly component (plotly.js inside, 4.7 MB) only when a chart first
    arrives, and parsing and running it takes about a second. A page sends its first chart
    after the work it shows (the first run of a fresh server imports JAX and traces for
    ~1.7 s), so on a session's first page the browser sat idle, then spent that second on
    plotly.js. The hidden chart, sent before that work, starts the fetch at once: plotly.js
    loads while the server computes. The router calls this before it imports JAX.

    Server start → first chart drawn, server and Chromium pinned to a core each (as in class,
    where the browser is on a student's laptop): 6.1 → 5.5 s, floor app 3.7–4.2 s
    (bench/run.py, "separate cores"). With both on the same two cores they take turns and
    it gains nothing.
    """
    if st.session_state.get(_PLOTLY_PRELOAD_SENT):
        return None
    st.session_state[_PLOTLY_PRELOAD_SENT] = True
    # A keyed container gets the class st-key-<key>: hidden, it takes no room and never shows.
    st.html(f"<style>.st-key-{PLOTLY_PRELOAD_KEY} {{display: none}}</style>")
    # The slot inside the hidden container, so that emptying it leaves no gap either.
    slot = st.container(key=PLOTLY_PRELOAD_KEY).empty()
    slot.plotly_chart({"data": [{"type": "scatter", "x": [0], "y": [0]}],
                       "layout": {"height": 10}}, config={"staticPlot": True})
    return slot


def stop_loading_plotly(slot) -> None:
    """Remove the hidden chart: the page's charts are then the only ones (tests count them)."""
    if slot is not None:
        slot.empty()
