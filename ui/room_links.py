"""Where a class room lives and the links into it: the server's store, a student's link and
its QR code, and the link a student's page follows to where the teacher asked."""

from __future__ import annotations

import io
import os
import time
from pathlib import Path
from urllib.parse import urlencode

import streamlit as st

from classroom import rooms
from classroom.rooms import RoomError
from classroom.store import Store, open_store
from ui.lessons import PAGES

URL_KEYS = ("room", "teacher")
STORE_SETTING = "RL_ROOMS_DB"   # a SQLite path or a postgresql:// URL
DEFAULT_DB = Path(__file__).resolve().parent.parent / ".rooms.sqlite3"
# what a question's view leaves out: who is who, and the teacher's own screen and lesson
NOT_IN_VIEW = {*URL_KEYS, "presenter", "lesson", "step", "draft"}


@st.cache_resource(show_spinner=False)
def store() -> Store:
    """The server's store (one per process; each thread gets its own connection)."""
    return open_store(os.environ.get(STORE_SETTING) or DEFAULT_DB)


def view() -> str:
    """This page's settings as a query string: what a student's page follows."""
    return urlencode(sorted((k, v) for k, v in st.query_params.to_dict().items()
                            if k not in NOT_IN_VIEW))


_FOLLOWED = "_room_followed"


def follow_link(page: str) -> str | None:
    """For a student: the link to the page and settings where the teacher asked the room's
    newest question, once a question (a student may then move on), when this page shows
    another; else None. Called by app.py before the page runs (``ui.screen.watch_screen``)."""
    raw = st.query_params.get("room")
    if raw is None or st.query_params.get("teacher") is not None:
        return None
    try:
        asked = rooms.current(store(), rooms.clean_code(raw), time.time())
    except RoomError:
        return None   # the page says why
    if asked is None or not asked.question.page or st.session_state.get(_FOLLOWED) == asked.id:
        return None
    st.session_state[_FOLLOWED] = asked.id
    q = asked.question
    if q.page == page and q.view == view():
        return None
    return follow_path(q.page, q.view, rooms.clean_code(raw))


def follow_path(page: str, settings: str, code: str) -> str | None:
    """The relative link of a page id and settings in a room (None for a page not in the
    app: a question's page comes from the store)."""
    if page not in PAGES:
        return None
    query = "&".join(part for part in (urlencode({"room": code}), settings) if part)
    path = PAGES[page][2]
    return f"{path}?{query}" if path else f"./?{query}"


def student_link(code: str) -> str:
    base = (st.context.url or "http://localhost:8501/").split("?")[0]
    return f"{base}?{urlencode({'room': code})}"


def qr_png(text: str) -> bytes:
    import segno  # only a teacher's panel draws one

    out = io.BytesIO()
    segno.make(text, error="m").save(out, kind="png", scale=5, border=2)
    return out.getvalue()


def shown_code(code: str) -> str:
    return f"{code[:4]} {code[4:]}"
