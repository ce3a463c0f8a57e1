"""The classroom kit every page is built from: the first screen (``Stage``), presets and link
notices, predict-then-reveal, charts with their exports, the share link and "show the code".
What the screen is (presenter mode, a phone) is ``ui.screen``.

A page uses it in a few lines (views/geometry.py is the shortest whole example)::

    kit.header("Geometry: diamond vs circle", "Two lines of intro ...")
    with kit.controls_block(PRESETS, keys=MODEL_KEYS) as block:
        stage = block.stage("t")             # the first screen: main chart, its control
        with stage.control:
            t = controls.slider("t, budget (ball radius)", "t", 0.0, 3.5, 1.2, 0.05)
        with stage.reveal:
            show = kit.predict_reveal("geometry", (t,), main=True)
        stage.main_chart(fig, "geometry_chart", "constrained")
    kit.share_link()
    kit.show_code(geometry.project_l1_ball)

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

from ui import (
    controls,
    figures,
    handout,
    lesson_bar,
    lesson_builder,
    lessons,
    live_chart,
    room_links,
    screen,
)
from ui.screen import MAIN_CHART, MAIN_CONTROL, MAIN_REVEAL, PRESENTER_KEY, narrow, presenter


@dataclass(frozen=True)
class Preset:
    """A named setting of a page's controls, with one sentence on what to look for.

    ``params`` are URL query values as the address bar shows them (``{"lam": "1"}``,
    ``{"penalty": "L2"}``); controls not named keep their defaults.
    """

    label: str
    params: Mapping[str, str]
    look_for: str


def style() -> figures.Style:
    """How figures are drawn now: thicker and bigger in presenter mode."""
    return figures.PRESENTER if presenter() else figures.CLASSROOM


def header(title: str, intro: str) -> None:
    """The page title and its two-line intro: folded away in presenter mode (the teacher says
    it), behind a one-line expander on a phone (so the chart leads)."""
    st.html(screen.css())
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

    def main_chart(self, fig: go.Figure, key: str, filename: str, *, lead: bool = False,
                   on_click: Callable[[float, float], None] | None = None) -> None:
        """Draw the main chart in ``chart``, its export buttons at the top of ``below`` (on a
        phone they would come between the chart and its control)."""
        with self.chart:
            chart(fig, key, filename, lead=lead, main=True, exports=self.below,
                  on_click=on_click)




class ControlsBlock:
    """What ``controls_block`` yields: ``stage()`` lays out the page's first screen."""

    def __init__(self) -> None:
        self.hint: st.delta_generator.DeltaGenerator | None = None

    def stage(self, control: str) -> Stage:
        """The main chart's column first (left, or on top on a phone), then the controls.

        ``control``: what the main control is called on the clicker's line ("λ", "t").
        The preset's hint (or a lesson's question) goes under the main control, so it never
        pushes the chart down.
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
def controls_block(named: Mapping[str, Preset], keys: Iterable[str], *, room=None
                   ) -> Iterator[ControlsBlock]:
    """Wrap the code that makes a page's controls; above them it puts the preset links and,
    if the link carried values the page could not use, a short notice naming them.

    ``room`` (``room_panel.Room``): while a class predicts, no preset's hint tells the
    answer, and a student sees no presets: the question is about the teacher's settings,
    and on a phone the question and the chart then share the first screen.

    It runs after the controls exist, so what it shows and keeps of the URL has been
    checked by them; a URL key that no control takes is dropped from the address bar.
    """
    top = st.container()
    block = ControlsBlock()
    st.session_state[controls.SEEN_KEY] = {PRESENTER_KEY, *lesson_bar.URL_KEYS,
                                           *room_links.URL_KEYS}
    st.session_state[controls.NOTICES_KEY] = []
    yield block
    seen = st.session_state[controls.SEEN_KEY]
    notices = st.session_state[controls.NOTICES_KEY]
    for key in [k for k in st.query_params if k not in seen]:
        notices.append(f"the link's **{controls.plain(key)}** is not a setting of this page, "
                       "so it was ignored")
        del st.query_params[key]
    lesson = lesson_bar.running()
    predicting = room is not None and room.hides_answer
    active = None
    with top:
        if lesson is not None:
            lesson_bar.bar(lesson)
        elif not (predicting and room.role == "student"):
            active = presets(named, keys)
        if notices:
            st.warning("Part of this link could not be used: " + "; ".join(notices) + ".",
                       icon=":material/link_off:")
    if lesson_bar.on_step():
        # on a phone the question leads, above the chart; once the answer is shown, the
        # sentence to say takes its place (the first screen has room for one of them)
        with top if narrow() or block.hint is None else block.hint:
            lesson_bar.question_or_after(lesson)
    elif active is not None and not predicting:
        with block.hint or top:
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
    on = controls.toggle("Predict first, then reveal", f"{page}_predict", lesson_bar.on_step(),
                         help="Hide the answer (paths, minimizers) so the class can guess first.")
    if main:
        st.session_state[lesson_bar.SHOWN_KEY] = not on or st.session_state.get(key) == signature
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
        keys = (lesson_bar.clicker_keys() if lesson_bar.on_step() else
                f"**Page Down** / **→** {control} up · **Page Up** / **←** {control} down · "
                "**R** reveal")
        st.caption(f"Clicker: {keys}")


# How long the server waits after the chart a slider moves, before the page's other charts.
# The browser draws charts whose messages arrive within a few milliseconds of each other in
# one go, so the moved chart would be painted only once every other chart is drawn; plain
# figures are built too fast to keep their messages apart on their own (the measurements are
# in docs/performance.md).
LEAD_PAUSE_S = 0.02


# The main chart's height on the small screens: on a projector it fills what the one-line
# header and the presets leave of 720 px; on a phone it leaves room for its control under it.
PROJECTOR_CHART_HEIGHT = 600
PHONE_CHART_HEIGHT = 430


def chart(fig: go.Figure, key: str, filename: str, *, lead: bool = False,
          main: bool = False, exports: st.delta_generator.DeltaGenerator | None = None,
          on_click: Callable[[float, float], None] | None = None) -> None:
    """A Plotly chart with PNG export at 2× in its toolbar, and its data as CSV and HTML.

    ``lead``: the chart the page's main slider moves, with more charts after it: the server
    pauses ``LEAD_PAUSE_S`` once it is sent, so the browser draws it alone.
    ``main``: the page's main chart (in ``Stage.chart``), sized to fill a projector's first
    screen, or to leave room for its control under it on a phone. ``exports``: where the
    CSV and HTML buttons go (default: under the chart). ``on_click(x, y)``: where a click
    on the plot landed (see ``live_chart.plotly``), before the rerun it starts.
    """
    fig = figures.apply_style(fig, style())
    if narrow():   # every chart: its titles and legend wrap to a phone's width
        fig = figures.for_phone(fig, PHONE_CHART_HEIGHT if main else None)
    elif main and presenter():
        fig = figures.for_projector(fig, PROJECTOR_CHART_HEIGHT)
    config = {"displaylogo": False,
              "toImageButtonOptions": {"format": "png", "scale": 2, "filename": filename}}
    if on_click is not None or isinstance(fig, figures.PlainFigure) and fig.frame_specs:
        # in place, its frames sent once (a move changes one frame of 24, or none: see
        # live_chart)
        live_chart.plotly(fig.to_dict(), key, config, on_click=on_click)
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


def warn_diverged(broke: Mapping[str, int], alpha: float, *, why: str = "",
                  unit: str = "step", held: str = "point", try_also: str = "") -> None:
    """The page's notice for runs that diverged, the same on every page: which run, at which
    step (or epoch), why, and what to try. ``broke``: a run's name -> where it diverged;
    nothing is shown if it is empty. ``why``: the curvature's reason, e.g. " (α·L = 3 > 2)"."""
    if not broke:
        return
    runs = "; ".join(f"{name} diverged at {unit} {at}" for name, at in broke.items())
    many = len(broke) > 1
    st.warning(f"{runs[:1].upper()}{runs[1:]}: the step size α = {alpha:g} is too large for "
               f"this curvature{why}, so each step overshoots by more than the last. "
               f"{'They stop' if many else 'It stops'} at {'their' if many else 'its'} last "
               f"finite {held}. Try a smaller α{try_also}.")


def share_link() -> None:
    """The link to this exact view, in a box with a copy button, sent once its expander is
    opened (as ``show_code``): Streamlit draws a code box with its syntax highlighter, whose
    first use loads its grammars in the browser while the page's charts are being drawn."""
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
    page = lesson_bar.current_page()
    settings = {k: v for k, v in params.items() if k in lessons.page_defaults(page)}
    with box:
        st.caption("Every control is in this link:")
        st.code(link, language=None)
        st.download_button("Handout of this view (print it)", icon=":material/print:",
                           data=lambda: handout.html(lesson_bar.view_lesson(settings),
                                                     {1: link}),
                           file_name=f"{page}-handout.html", mime="text/html",
                           key="view_handout", on_click="ignore",
                           help="This view's figure and settings on a printable page; opens "
                                "offline.")
    lesson_builder.builder(settings)


def show_code(*functions: Callable, title: str = "Show the code") -> None:
    """The source of the core functions a page demonstrates, sent once the expander is opened.

    A closed expander's content is still sent and drawn, and highlighting these sources is a
    large share of a fresh browser's first load of a page (docs/performance.md). Opening it
    reruns the page.
    """
    box = st.expander(title, key="code_" + "_".join(f.__name__ for f in functions),
                      on_change="rerun")
    if box.open:
        with box:
            for f in functions:
                st.code(inspect.getsource(f), language="python")
