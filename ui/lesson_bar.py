"""Running a lesson (``ui.lessons``) on the pages: the lesson bar, the step's question and its
after-sentence, the clicker's keys (``ui.screen``) and the lesson builder.

A lesson runs from the link alone (``?lesson=primer&step=3`` and the step's settings): a step
is a link, as a preset is, so opening it sets every control, a posted step link works on a
phone, and nothing depends on the server remembering a session. The lesson a teacher is
writing travels in the link too (``draft``), so presets and steps keep it.
"""

from __future__ import annotations

import functools
import html
import re
from dataclasses import dataclass, replace
from urllib.parse import urlencode, urljoin

import streamlit as st

from ui import lessons
from ui.lessons import PAGES, Lesson, Step
from ui.room_links import URL_KEYS as ROOM_KEYS
from ui.screen import PRESENTER_KEY, presenter

LESSON_KEY, STEP_KEY, DRAFT_KEY = "lesson", "step", "draft"
URL_KEYS = (LESSON_KEY, STEP_KEY, DRAFT_KEY)
PAGE_KEY = "lesson_page"        # session state: the page app.py runs (a key of PAGES)
SHOWN_KEY = "lesson_shown"      # session state: whether the page's main answer is shown
_DRAFT_COPY = "lesson_draft"    # session state: the draft, for the sidebar's page switches
_OPENED = "lesson_opened"       # session state: the (lesson, step) whose address was checked


@dataclass(frozen=True)
class Running:
    """The lesson a link runs: ``k`` is the step shown (1-based), ``notices`` what the link
    or the lesson got wrong."""

    lesson: Lesson | None
    ref: str
    k: int
    notices: tuple[str, ...]

    @property
    def step(self) -> Step | None:
        return self.lesson.steps[self.k - 1] if self.lesson else None


@functools.lru_cache(maxsize=64)
def _read_link(value: str) -> tuple[Lesson | None, tuple[str, ...]]:
    lesson, notices = lessons.from_link_value(value)
    return lesson, tuple(notices)


def running() -> Running | None:
    """The lesson of this link, or None when the link runs none."""
    ref = st.query_params.get(LESSON_KEY)
    if ref is None:
        return None
    lesson, notices = _read_link(ref)
    raw = st.query_params.get(STEP_KEY, "1")
    n = len(lesson.steps) if lesson else 1
    k = int(raw) if re.fullmatch(r"[0-9]{1,3}", raw) else 0
    if not 1 <= k <= n:
        notices += (f"The link's step “{lessons.quoted(raw)}” is not a step of this lesson "
                    f"(1 to {n}), so it opens at step 1.",)
        k = 1
    return Running(lesson, ref, k, notices)


def current_page() -> str:
    return st.session_state.get(PAGE_KEY, "landscape")


def on_step() -> bool:
    """True when this page shows a lesson's step: every "predict first" starts on."""
    r = running()
    return r is not None and r.step is not None and r.step.page == current_page()


def opening_link() -> str | None:
    """The step's own link, when this address runs a lesson step but lacks the step's page or
    settings (a posted ``?lesson=primer&step=3``, or ``?lesson=primer``); else None. Checked
    on the address a page first opens with, once a step, so moving a control during the step
    never takes the page back."""
    r = running()
    # a link with mistakes opens as it is, so its notice is read (the bar links to the step)
    if r is None or r.step is None or r.notices or st.session_state.get(_OPENED) == (r.ref, r.k):
        return None
    st.session_state[_OPENED] = (r.ref, r.k)
    if r.step.page == current_page() and all(
            st.query_params.get(k) == v for k, v in r.step.settings.items()):
        return None
    return step_link(r.ref, r.k, r.step, kept())


def kept() -> dict[str, str]:
    """What a step's link keeps of this one: presenter mode, the lesson being written and the
    class room the teacher runs (so a room started at a step goes on through the lesson)."""
    return {k: v for k, v in st.query_params.to_dict().items()
            if k in (PRESENTER_KEY, DRAFT_KEY, *ROOM_KEYS)}


def step_link(ref: str, k: int, step: Step, keep: dict[str, str]) -> str:
    """A step's link, relative to this page: its page, the lesson, the step, its settings."""
    path = PAGES[step.page][2]
    query = urlencode({**keep, LESSON_KEY: ref, STEP_KEY: str(k), **step.settings})
    return f"{path}?{query}" if path else f"./?{query}"


def md_plain(text: str) -> str:
    """Text from a lesson as Markdown that shows it as typed: no links, images, HTML or maths."""
    return re.sub(r"([\\`*_{}\[\]()#+\-.!|<>~$])", r"\\\1", text)


# ---- the bar, the question and the after-sentence -------------------------------------------

def bar(r: Running) -> None:
    """One row where the presets go: the lesson, step k of n, previous / next, end."""
    if r.notices:
        st.warning("This lesson link has problems: " + " ".join(r.notices),
                   icon=":material/school:")
    if r.lesson is None:
        return
    n, keep = len(r.lesson.steps), kept()
    parts = [f'<span class="lesson-where">📖 {html.escape(r.lesson.title)} · step {r.k} of '
             f'{n}</span>']
    if r.k > 1:
        href = step_link(r.ref, r.k - 1, r.lesson.steps[r.k - 2], keep)
        parts.append(link_html("lesson-prev", href, "← Previous"))
    if r.k < n:
        href = step_link(r.ref, r.k + 1, r.lesson.steps[r.k], keep)
        parts.append(link_html("lesson-next", href, "Next →"))
    parts.append(link_html("lesson-end", "?" + urlencode(keep), "✕ End lesson"))
    if r.step.page != current_page() or r.notices:
        href = step_link(r.ref, r.k, r.step, keep)
        label = (f"Open step {r.k}" if r.step.page == current_page() else
                 f"Step {r.k} is on the {PAGES[r.step.page][0]} page: open it")
        parts.append(link_html("lesson-back", href, label))
    st.html(f'<nav class="lesson">{"".join(parts)}</nav>' + BAR_CSS)


def link_html(cls: str, href: str, label: str) -> str:
    """A link of the lesson bar's style: everything in it escaped."""
    return (f'<a class="{cls}" href="{html.escape(href, quote=True)}" target="_self">'
            f"{html.escape(label)}</a>")


BAR_CSS = """<style>
nav.lesson { display: flex; flex-wrap: wrap; align-items: center; gap: 0.4rem 0.8rem;
  margin: 0 0 0.25rem; }
nav.lesson .lesson-where { font-weight: 600; }
nav.lesson a, nav.lesson-start a { padding: 0.25rem 0.75rem; border: 1px solid #0072B2;
  border-radius: 0.5rem; text-decoration: none; color: #0072B2; white-space: nowrap; }
nav.lesson a.lesson-next, nav.lesson-start a { background: #0072B2; color: #ffffff; }
nav.lesson a.lesson-end { border-color: rgba(49,51,63,0.25); color: inherit; }
@media (max-width: 640px) { nav.lesson a, nav.lesson-start a { padding: 0.55rem 0.8rem; } }
</style>"""


def question_or_after(r: Running) -> None:
    """The step's question, where the page's hint goes (beside the chart, or above it on a
    phone); once the answer is shown, the sentence to say after it."""
    if r.step.after and st.session_state.get(SHOWN_KEY, True):
        with st.container(key="lesson_after"):
            st.success(md_plain(r.step.after), icon=":material/record_voice_over:")
        return
    with st.container(key="lesson_question", border=True):
        st.markdown(f"**Ask the class:** {md_plain(r.step.question)}")


def clicker_keys() -> str:
    return "**Page Down** / **→** next step · **Page Up** / **←** previous step · **R** reveal"


# ---- the lesson being written ---------------------------------------------------------------

def draft() -> Lesson | None:
    """The lesson being written: from the link, else from this session (a page switch in the
    sidebar drops the link's query)."""
    value = st.query_params.get(DRAFT_KEY) or st.session_state.get(_DRAFT_COPY)
    if not value:
        return None
    lesson, _ = _read_link(value)
    return lesson


def set_draft(lesson: Lesson | None) -> None:
    if lesson is None:
        st.session_state.pop(_DRAFT_COPY, None)
        if DRAFT_KEY in st.query_params:
            del st.query_params[DRAFT_KEY]
        return
    value = lessons.to_link_value(lesson)
    st.session_state[_DRAFT_COPY] = value
    st.query_params[DRAFT_KEY] = value


def add_step(settings: dict[str, str]) -> None:
    """The builder's "add this view": the page, its settings and the two texts typed."""
    q = st.session_state.get("lesson_new_question", "").strip()[:lessons.MAX_QUESTION]
    a = st.session_state.get("lesson_new_after", "").strip()[:lessons.MAX_AFTER]
    if not q:
        st.session_state["lesson_builder_notice"] = "Type the question first."
        return
    old = draft() or Lesson(st.session_state.get("lesson_title") or "My lesson", ())
    step = Step(current_page(), q, a, dict(settings))
    set_draft(replace(old, steps=(*old.steps, step)[:lessons.MAX_STEPS]))
    st.session_state["lesson_new_question"] = ""
    st.session_state["lesson_new_after"] = ""


def move_step(i: int, by: int) -> None:
    """Move step i (0-based) by one place, or drop it (``by`` = 0)."""
    old = draft()
    if old is None or not 0 <= i < len(old.steps):
        return
    steps = list(old.steps)
    step = steps.pop(i)
    if by:
        steps.insert(max(0, min(len(steps), i + by)), step)
    set_draft(replace(old, steps=tuple(steps)) if steps else None)


def rename(title: str) -> None:
    old = draft()
    if old is not None and title.strip():
        set_draft(replace(old, title=title.strip()[:lessons.MAX_TITLE]))


def absolute(link: str) -> str:
    """A step's relative link as a full address, to copy or post."""
    return urljoin(st.context.url or "http://localhost/", link)


def start_link(lesson: Lesson) -> str:
    return step_link(lessons.to_link_value(lesson), 1, lesson.steps[0],
                     {PRESENTER_KEY: "true"} if presenter() else {})


def view_lesson(settings: dict[str, str]) -> Lesson:
    """This view alone as a lesson of one step with no question (its handout)."""
    page = current_page()
    return Lesson(PAGES[page][0], (Step(page, "", "", dict(settings)),))
