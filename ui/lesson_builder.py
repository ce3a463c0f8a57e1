"""Writing a lesson in the app: "add this view" on any page, reorder, download the file, copy
one link, open a file; and the handout of a lesson (``ui.handout``)."""

from __future__ import annotations

import streamlit as st

from ui import handout, lesson_bar, lessons
from ui.lessons import PAGES, Lesson

_IMPORTED = "lesson_file_seen"      # session state: the uploaded file already read
_FILE_NOTICES = "lesson_file_notices"


def builder(settings: dict[str, str]) -> None:
    """The expander under a page (its content is sent once opened, as "Share this view")."""
    box = st.expander("Make a lesson", key="lesson_builder", on_change="rerun",
                      icon=":material/school:")
    if not box.open:
        return
    with box:
        open_file()
        lesson = lesson_bar.draft()
        notice = st.session_state.pop("lesson_builder_notice", None)
        if notice:
            st.warning(notice)
        if lesson is None:
            st.caption("Set this page up for a question, type it, and add this view as the "
                       "first step. A lesson can hold up to "
                       f"{lessons.MAX_STEPS} steps on any pages.")
        else:
            st.text_input("Title", lesson.title, key="lesson_title",
                          max_chars=lessons.MAX_TITLE,
                          on_change=lambda: lesson_bar.rename(st.session_state["lesson_title"]))
            steps_list(lesson)
        st.text_input("Question to ask the class", key="lesson_new_question",
                      max_chars=lessons.MAX_QUESTION)
        st.text_input("After the reveal, say", key="lesson_new_after",
                      max_chars=lessons.MAX_AFTER)
        n = len(lesson.steps) if lesson else 0
        st.button(f"Add this view as step {n + 1}", key="lesson_add", icon=":material/add:",
                  on_click=lesson_bar.add_step, args=(settings,),
                  disabled=n >= lessons.MAX_STEPS)
        if lesson is not None:
            outputs(lesson)


def steps_list(lesson: Lesson) -> None:
    """Each step on a line, with buttons to move it up, down or out."""
    last = len(lesson.steps) - 1
    for i, step in enumerate(lesson.steps):
        row = st.container(horizontal=True, wrap=False, vertical_alignment="center",
                           gap="small")
        row.markdown(f"**{i + 1}. {PAGES[step.page][0]}**: "
                     f"{lesson_bar.md_plain(step.question)}", width="stretch")
        row.button("↑", key=f"lesson_up_{i}", disabled=i == 0, help="Earlier",
                   on_click=lesson_bar.move_step, args=(i, -1))
        row.button("↓", key=f"lesson_down_{i}", disabled=i == last, help="Later",
                   on_click=lesson_bar.move_step, args=(i, 1))
        row.button("✕", key=f"lesson_drop_{i}", help="Remove this step",
                   on_click=lesson_bar.move_step, args=(i, 0))


def outputs(lesson: Lesson) -> None:
    """The lesson as a file, as one link, as a handout; and a link that starts it."""
    row = st.container(horizontal=True, gap="small")
    row.download_button("Lesson file (.toml)", data=lessons.to_toml(lesson),
                        file_name="lesson.toml", mime="application/toml", key="lesson_toml",
                        on_click="ignore", icon=":material/download:")
    row.download_button("Handout (print it)", data=lambda: handout.html(lesson),
                        file_name="handout.html", mime="text/html", key="lesson_handout",
                        on_click="ignore", icon=":material/print:",
                        help="Each step's figure, settings and question; the answers on a "
                             "second page. Opens offline.")
    start = lesson_bar.start_link(lesson)
    if len(start) > lessons.MAX_LINK_CHARS:
        st.caption("This lesson is too long for one link: share its file instead.")
        return
    link = lesson_bar.link_html("lesson-next", start, "▶ Start this lesson")
    st.html(f'<nav class="lesson-start">{link}</nav>{lesson_bar.BAR_CSS}')
    st.caption("The whole lesson in one link (post it before class):")
    st.code(lesson_bar.absolute(start), language=None, wrap_lines=True)


def open_file() -> None:
    """A lesson file opened here becomes the lesson being written; its mistakes are listed."""
    upload = st.file_uploader("Open a lesson file (.toml)", type=["toml", "txt"],
                              key="lesson_file", max_upload_size=1,   # MB: the uploader's least
                              help=f"At most {lessons.MAX_FILE_BYTES // 1000} kB and "
                                   f"{lessons.MAX_STEPS} steps.")
    if upload is not None and st.session_state.get(_IMPORTED) != upload.file_id:
        st.session_state[_IMPORTED] = upload.file_id
        lesson, notices = lessons.read_bytes(upload.getvalue())
        st.session_state[_FILE_NOTICES] = notices
        if lesson is not None:
            lesson_bar.set_draft(lesson)
    for notice in st.session_state.get(_FILE_NOTICES, []):
        st.warning(lesson_bar.md_plain(notice), icon=":material/description:")
