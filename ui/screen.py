"""What the screen is and what the browser loads: presenter mode (a projector), a phone's
width and the presentation clicker (told by the browser: the server cannot see a width),
the page's CSS for each, and the early fetch of plotly.js on a session's first run."""

from __future__ import annotations

import streamlit as st
import streamlit.components.v2 as components_v2

from ui import controls

PRESENTER_KEY = "presenter"
# Keyed containers of the stage: the clicker finds the main control and Reveal by them, and
# the browser tests find the main chart.
MAIN_CHART, MAIN_CONTROL, MAIN_REVEAL = "main_chart", "main_control", "main_reveal"

# Every screen: presets on one row, and the phone layout (≤ 640 px: Streamlit stacks the
# columns there, so the main chart, which comes first, leads and its control follows).
_SCREEN_CSS = """
<style>
nav.presets { display: flex; flex-wrap: nowrap; overflow-x: auto; gap: 0.4rem;
  margin: 0 0 0.25rem; padding-bottom: 2px; scrollbar-width: thin; }
nav.presets a.preset { flex: 0 0 auto; white-space: nowrap; }
.st-key-screen_watch, .st-key-own_data_keeper_box,
.st-key-room_member_keeper_box { display: none; }
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


def presenter_toggle() -> None:
    """The sidebar switch (in the URL as ``?presenter=true``). Call once, from app.py."""
    controls.toggle("Presenter mode", PRESENTER_KEY, False, container=st.sidebar,
                    help="Larger text, thicker lines, bigger markers, prose folded away: "
                         "legible from the back of the room.")


def presenter() -> bool:
    return bool(st.session_state.get(PRESENTER_KEY, False))

def css() -> str:
    """The page's CSS for this screen: every screen's, and presenter mode's on a projector."""
    return _SCREEN_CSS + (_PRESENTER_CSS if presenter() else "")


# ---- plotly.js, fetched before the first chart ----------------------------------------------

PLOTLY_PRELOAD_KEY = "plotly_preload"
_PLOTLY_PRELOAD_SENT = "_plotly_preload_sent"


def start_loading_plotly() -> st.delta_generator.DeltaGenerator | None:
    """On a session's first run, send a hidden chart so the browser starts loading plotly.js;
    return its slot, for ``stop_loading_plotly`` at the end of the run. Later runs send nothing.

    Streamlit fetches its Plotly component (plotly.js inside, 4.7 MB) only when a chart first
    arrives, and parsing and running it takes a while. A page sends its first chart after
    the work it shows (the first run of a fresh server imports JAX and traces), so on a
    session's first page the browser would sit idle, then load plotly.js. The hidden chart,
    sent before that work, starts the fetch at once: plotly.js loads while the server
    computes. The router calls this before it imports JAX.

    It pays when the browser has a core of its own (in class: a student's laptop; bench/run.py
    measures it as "separate cores"). With both on the same two cores they take turns and it
    gains nothing.
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
# control: Page Down / → / ↓ step it up, Page Up / ← / ↑ down, R or . presses Reveal. In a
# lesson (its bar on the page, any mode) the same keys go to the next / previous step; Page
# Down / Up do so even from a control, since a clicker sends nothing else. A key
# pressed in another control (a slider, a box, a radio) is left to it; on the main slider
# itself the keys mean the same (Page Up/Down would jump ten steps there). The slider commits
# a step only when it has the focus, so it keeps the focus after a clicker key. The listeners
# are installed once per browser tab and read the latest settings, since this function runs
# again on every rerun.
_SCREEN_JS = """
export default function (component) {
  const { data, setStateValue } = component;
  const w = window;
  if (data.go) {
    w.location.replace(new URL(data.go, w.location.href).href);
    return;
  }
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
      if (!e.isTrusted || e.altKey || e.ctrlKey || e.metaKey) return;
      const lesson = document.querySelector('nav.lesson');
      if (!w.__rlScreen.presenter && !lesson) return;
      const thumb = document.querySelector('.st-key-__CONTROL__ input[type="range"]');
      const target = e.target instanceof Element ? e.target : null;
      const paging = e.key === 'PageDown' || e.key === 'PageUp';
      if (lesson && (up.includes(e.key) || down.includes(e.key)) &&
          (paging || !(target && target.closest(ownKeys)))) {
        e.preventDefault();
        e.stopPropagation();
        const link = lesson.querySelector(up.includes(e.key) ? 'a.lesson-next' : 'a.lesson-prev');
        if (link) link.click();
        return;
      }
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


def watch_screen(go: str | None = None) -> None:
    """Mount the screen watcher (once a run, from app.py): see ``_SCREEN_JS``. ``go``: a link
    (relative to this page) the browser opens instead, in place of this address."""
    with st.container(key=SCREEN_KEY):
        _screen_component(key="screen", data={"narrow": narrow(), "presenter": presenter(),
                                              "go": go},
                          default={"narrow": False}, on_narrow_change=lambda: None)


def narrow() -> bool:
    """True in a window at most ``NARROW_PX`` wide (a phone), as the browser last reported."""
    state = st.session_state.get("screen")
    return bool(getattr(state, "narrow", None) if not isinstance(state, dict)
                else state.get("narrow"))
