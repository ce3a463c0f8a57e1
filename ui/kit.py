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
import streamlit.components.v2 as components_v2

from ui import controls, figures, live_chart

PRESENTER_KEY = "presenter"

# Every screen: presets on one row, and the phone layout (≤ 640 px: Streamlit stacks the
# columns there, so the main chart, which comes first, leads and its control follows).
_SCREEN_CSS = """
<style>
nav.presets { display: flex; flex-wrap: nowrap; overflow-x: auto; gap: 0.4rem;
  margin: 0 0 0.25rem; padding-bottom: 2px; scrollbar-width: thin; }
nav.presets a.preset { flex: 0 0 auto; white-space: nowrap; }
.st-key-screen_watch { display: none; }
@media (max-width: 640px) {
  [data-testid="stMainBlockContainer"] { padding: 3.25rem 0.75rem 3rem; }
  h1 { font-size: 1.55rem !important; padding: 0.25rem 0 !important; }
  [data-testid="stSlider"] div[style*="translate(-50%, -50%)"] { width: 1.75rem !important;
    height: 1.75rem !important; }
  [data-testid="stSlider"] { padding: 0 0.4rem; }
  .stButton button, .stDownloadButton button { min-height: 2.75rem; }
  nav.presets a.preset { padding: 0.55rem 0.8rem !important; }
}
</style>
"""

# Presenter mode (a 1280×720 projector): larger type, a one-line header, the prose folded
# away, the page as wide as the screen; the header bar's buttons (the sidebar's opener among
# them) float over the page's top-left and top-right corners.
_PRESENTER_CSS = """
<style>
html { font-size: 18px; }
[class*="st-key-prose"] { display: none; }
[data-testid="stMainBlockContainer"] { padding: 0.4rem 2.5rem 2rem 3.25rem; max-width: 100%; }
[data-testid="stHeader"] { background: transparent; height: 2.75rem; pointer-events: none; }
[data-testid="stHeader"] * { pointer-events: auto; }
h1 { font-size: 1.45rem !important; padding: 0.2rem 0 !important; white-space: nowrap;
  overflow: hidden; text-overflow: ellipsis; }
nav.presets a.preset { padding: 0.2rem 0.65rem !important; font-size: 0.85rem !important; }
[data-testid="stMainBlockContainer"] [data-testid="stVerticalBlock"] { gap: 0.6rem; }
@media (max-width: 640px) {
  [data-testid="stMainBlockContainer"] { padding: 3.25rem 0.75rem 3rem; }
}
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
    """The page title and its two-line intro: folded away in presenter mode (the teacher says
    it), behind a one-line expander on a phone (so the chart leads)."""
    st.html(_SCREEN_CSS + (_PRESENTER_CSS if presenter() else ""))
    st.title(title)
    if narrow() and not presenter():
        with st.expander("What this page shows", key="intro"):
            st.markdown(intro)
    else:
        prose(intro)


def prose(text: str) -> None:
    """Explanatory text that presenter mode hides (the teacher says it instead)."""
    with st.container(key=f"prose_{zlib.crc32(text.encode()):08x}"):
        st.markdown(text)


@dataclass(frozen=True)
class Stage:
    """Where a page's first screen goes: ``chart`` (the main chart, first on every screen),
    ``control`` (the control that moves it: beside the chart on a projector or a laptop,
    right under it on a phone), ``side`` (the other controls, under ``control``) and
    ``reveal`` (the main question's predict-first switch, under the main control and the
    clicker's line) and ``below`` (full width, after them: notes, tables, warnings)."""

    chart: st.delta_generator.DeltaGenerator
    control: st.delta_generator.DeltaGenerator
    reveal: st.delta_generator.DeltaGenerator
    side: st.delta_generator.DeltaGenerator
    below: st.delta_generator.DeltaGenerator

    def main_chart(self, fig: go.Figure, key: str, filename: str, *, lead: bool = False
                   ) -> None:
        """Draw the main chart in ``chart``, its export buttons at the top of ``below`` (on a
        phone they would come between the chart and its control)."""
        with self.chart:
            chart(fig, key, filename, lead=lead, main=True, exports=self.below)


# Keyed containers of the stage: the clicker finds the main control and Reveal by them, and
# the browser tests find the main chart.
MAIN_CHART, MAIN_CONTROL, MAIN_REVEAL = "main_chart", "main_control", "main_reveal"


class ControlsBlock:
    """What ``controls_block`` yields: ``stage()`` lays out the page's first screen."""

    def __init__(self) -> None:
        self.hint: st.delta_generator.DeltaGenerator | None = None

    def stage(self, control: str) -> Stage:
        """The main chart's column first (left, or on top on a phone), then the controls.

        ``control``: what the main control is called on the clicker's line ("λ", "t").
        The preset's hint goes under the main control, so it never pushes the chart down.
        """
        main, side = st.columns([3, 1], gap="medium")
        chart = main.container(key=MAIN_CHART)
        with side:
            main_control = st.container(key=MAIN_CONTROL)
            clicker_line(control)
            self.hint = st.container()
            reveal = st.container()
            rest = st.container()
        return Stage(chart, main_control, reveal, rest, st.container())


@contextlib.contextmanager
def controls_block(named: Mapping[str, Preset], keys: Iterable[str]
                   ) -> Iterator[ControlsBlock]:
    """Wrap the code that makes a page's controls; above them it puts the preset links and,
    if the link carried values the page could not use, a short notice naming them.

    It runs after the controls exist, so what it shows and keeps of the URL has been
    checked by them; a URL key that no control takes is dropped from the address bar.
    """
    top = st.container()
    block = ControlsBlock()
    st.session_state[controls.SEEN_KEY] = {PRESENTER_KEY}
    st.session_state[controls.NOTICES_KEY] = []
    yield block
    seen = st.session_state[controls.SEEN_KEY]
    notices = st.session_state[controls.NOTICES_KEY]
    for key in [k for k in st.query_params if k not in seen]:
        notices.append(f"the link's **{controls.plain(key)}** is not a setting of this page, "
                       "so it was ignored")
        del st.query_params[key]
    with top:
        active = presets(named, keys)
        if notices:
            st.warning("Part of this link could not be used: " + "; ".join(notices) + ".",
                       icon=":material/link_off:")
    if active is not None:
        with block.hint if block.hint is not None else top:
            st.info(active.look_for, icon=":material/visibility:")


def presets(named: Mapping[str, Preset], keys: Iterable[str]) -> Preset | None:
    """Links that set the page's controls (``keys``) and a reset, on one row; returns the
    preset the page is on (``controls_block`` shows its hint), if any.

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
    links.append(_link("↺ Reset", kept, active=False))
    st.html(f'<nav class="presets">{"".join(links)}</nav>' + _PRESET_CSS)
    return next((p for p in named.values() if model == dict(p.params)), None)


def _link(label: str, params: Mapping[str, str], *, active: bool) -> str:
    href = html.escape("?" + urlencode(params), quote=True)
    cls = "preset active" if active else "preset"
    return f'<a class="{cls}" href="{href}" target="_self">{html.escape(label)}</a>'


_PRESET_CSS = """<style>
nav.presets a.preset { padding: 0.35rem 0.8rem; border: 1px solid rgba(49,51,63,0.25);
  border-radius: 0.5rem; text-decoration: none; color: inherit; font-size: 0.95rem; }
nav.presets a.preset:hover { border-color: #0072B2; color: #0072B2; }
nav.presets a.preset.active { background: #0072B2; border-color: #0072B2; color: #ffffff; }
</style>"""


def predict_reveal(page: str, signature: tuple, *, main: bool = False) -> bool:
    """A "predict first" switch and a Reveal button; True when the answer may be drawn.

    The reveal holds for the setting it was pressed on (``signature``): change a control
    and the answer hides again, ready for the next question. ``main``: the page's first
    question, whose Reveal the clicker's key presses (``clicker_line``).
    """
    key = f"{page}_reveal"
    on = controls.toggle("Predict first, then reveal", f"{page}_predict", False,
                         help="Hide the answer (paths, minimizers) so the class can guess first.")
    if not on:
        return True
    box = st.container(key=MAIN_REVEAL) if main else st.container()
    if st.session_state.get(key) == signature:
        box.button("Hide the answer", key=f"{page}_hide", on_click=st.session_state.pop,
                   args=(key, None))
        return True
    box.button("Reveal", key=f"{page}_reveal_button", type="primary",
               on_click=st.session_state.__setitem__, args=(key, signature))
    st.caption("The answer is hidden. Ask the class where it will land, then reveal.")
    return False


def clicker_line(control: str) -> None:
    """In presenter mode, one line under the main control: which clicker keys do what."""
    if presenter():
        st.caption(f"Clicker: **Page Down** / **→** {control} up · **Page Up** / **←** "
                   f"{control} down · **R** reveal")


# How long the server waits after the chart a slider moves, before the page's other charts.
# The browser draws charts whose messages arrive within a few milliseconds of each other in
# one go, so the moved chart would be painted only once every other chart is drawn. Building
# a figure used to take long enough (Plotly validated it) to keep them apart; plain figures
# take 1–3 ms. Weights page, interleaved one-page runs: the moved chart's p50 152/166 ms
# with the pause, 182/210 ms without; the other charts arrive 20 ms later.
LEAD_PAUSE_S = 0.02


# The main chart's height on the small screens: on a projector it fills what the one-line
# header and the presets leave of 720 px; on a phone it leaves room for its control under it.
PROJECTOR_CHART_HEIGHT = 600
PHONE_CHART_HEIGHT = 430


def chart(fig: go.Figure, key: str, filename: str, *, lead: bool = False,
          main: bool = False, exports: st.delta_generator.DeltaGenerator | None = None
          ) -> None:
    """A Plotly chart with PNG export at 2× in its toolbar, and its data as CSV and HTML.

    ``lead``: the chart the page's main slider moves, with more charts after it: the server
    pauses ``LEAD_PAUSE_S`` once it is sent, so the browser draws it alone.
    ``main``: the page's main chart (in ``Stage.chart``), sized to fill a projector's first
    screen, or to leave room for its control under it on a phone. ``exports``: where the
    CSV and HTML buttons go (default: under the chart).
    """
    fig = figures.apply_style(fig, style())
    if narrow():   # every chart: its titles and legend wrap to a phone's width
        fig = figures.for_phone(fig, PHONE_CHART_HEIGHT if main else None)
    elif main and presenter():
        fig = figures.for_projector(fig, PROJECTOR_CHART_HEIGHT)
    config = {"displaylogo": False,
              "toImageButtonOptions": {"format": "png", "scale": 2, "filename": filename}}
    if isinstance(fig, figures.PlainFigure) and fig.frame_specs:
        # in place, its frames sent once (a move changes one frame of 24, or none: see
        # live_chart)
        live_chart.plotly(fig.to_dict(), key, config)
    else:
        st.plotly_chart(fig, key=key, config=config)
    row = (exports or st).container(horizontal=True, gap="small")
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


# ---- the screen: a phone's width, and the presentation clicker -------------------------------

SCREEN_KEY = "screen_watch"
NARROW_PX = 640  # Streamlit stacks columns at this width and below

# Reports whether the window is at most NARROW_PX wide (only when that changes, so a laptop
# never reruns for it), and in presenter mode turns a clicker's keys into steps of the main
# control: Page Down / → / ↓ step it up, Page Up / ← / ↑ down, R or . presses Reveal. A key
# pressed in another control (a slider, a box, a radio) is left to it; on the main slider
# itself the keys mean the same (Page Up/Down would jump ten steps there). The slider commits
# a step only when it has the focus, so it keeps the focus after a clicker key. The listeners
# are installed once per browser tab and read the latest settings, since this function runs
# again on every rerun.
_SCREEN_JS = """
export default function (component) {
  const { data, setStateValue } = component;
  const w = window;
  w.__rlScreen = { ...data, setStateValue };
  if (!w.__rlScreenInstalled) {
    w.__rlScreenInstalled = true;
    const query = w.matchMedia('(max-width: __PX__px)');
    w.__rlReport = () => {
      const s = w.__rlScreen;
      if (Boolean(s.narrow) !== query.matches) s.setStateValue('narrow', query.matches);
    };
    query.addEventListener('change', () => w.__rlReport());
    const up = ['PageDown', 'ArrowRight', 'ArrowDown'];
    const down = ['PageUp', 'ArrowLeft', 'ArrowUp'];
    const ownKeys = 'input, textarea, select, [role="slider"], [role="radio"], ' +
      '[role="combobox"], [role="listbox"], [role="option"], [contenteditable="true"], ' +
      '.js-plotly-plot';
    document.addEventListener('keydown', (e) => {
      // !isTrusted: the steps this listener sends the slider itself
      if (!e.isTrusted || !w.__rlScreen.presenter || e.altKey || e.ctrlKey || e.metaKey) return;
      const thumb = document.querySelector('.st-key-__CONTROL__ input[type="range"]');
      const target = e.target instanceof Element ? e.target : null;
      if (target && target.closest(ownKeys) && target !== thumb) return;
      if (up.includes(e.key) || down.includes(e.key)) {
        if (!thumb) return;
        e.preventDefault();
        e.stopPropagation();
        const key = up.includes(e.key) ? 'ArrowRight' : 'ArrowLeft';
        thumb.focus({ preventScroll: true });   // the slider commits a key's step when focused
        for (const type of ['keydown', 'keyup']) {
          thumb.dispatchEvent(new KeyboardEvent(type, { key, code: key, bubbles: true }));
        }
      } else if (e.key === 'r' || e.key === 'R' || e.key === '.') {
        const button = document.querySelector('.st-key-__REVEAL__ button');
        if (!button) return;
        e.preventDefault();
        e.stopPropagation();   // R is also Streamlit's own key for rerunning the whole app
        button.click();
      }
    }, true);
  }
  w.__rlReport();
}
""".replace("__PX__", str(NARROW_PX)).replace("__CONTROL__", MAIN_CONTROL) \
    .replace("__REVEAL__", MAIN_REVEAL)

_screen_component = components_v2.component("regularization_screen", js=_SCREEN_JS)


def watch_screen() -> None:
    """Mount the screen watcher (once a run, from app.py): see ``_SCREEN_JS``."""
    with st.container(key=SCREEN_KEY):
        _screen_component(key="screen", data={"narrow": narrow(), "presenter": presenter()},
                          default={"narrow": False}, on_narrow_change=lambda: None)


def narrow() -> bool:
    """True in a window at most ``NARROW_PX`` wide (a phone), as the browser last reported."""
    state = st.session_state.get("screen")
    return bool(getattr(state, "narrow", None) if not isinstance(state, dict)
                else state.get("narrow"))
