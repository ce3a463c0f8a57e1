"""A class room on a page (``classroom.rooms``): the teacher's panel (the code, a QR code of
the student link, ask / close / reveal / next, the count) and the student's (the question,
the answer a click on the chart gives); the class's answers drawn on the page's figure.

The link says who is who: ``?room=CODE`` for a student, ``?room=CODE&teacher=KEY`` for the
teacher. A student's member id lives in the session only. The teacher's and the students'
pages look at the room once a second (a fragment) and rerun when it changed.
"""

from __future__ import annotations

import collections
import io
import os
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import NamedTuple
from urllib.parse import urlencode

import streamlit as st

from classroom import rooms
from classroom.rooms import Asked, Cloud, Question, RoomError
from classroom.store import Store, open_store

URL_KEYS = ("room", "teacher")
STORE_SETTING = "RL_ROOMS_DB"   # a SQLite path or a postgresql:// URL
DEFAULT_DB = Path(__file__).resolve().parent.parent / ".rooms.sqlite3"
WRONG_CODES_PER_MINUTE = 60     # for the whole server process, on top of a session's tries
POLL_S = 1.0
_WRONG = "_room_wrong_codes"
_NOTICE = "_room_notice"


@st.cache_resource(show_spinner=False)
def store() -> Store:
    """The server's store (one per process; each thread gets its own connection)."""
    return open_store(os.environ.get(STORE_SETTING) or DEFAULT_DB)


class _Limiter:
    """At most ``n`` events a minute in this process."""

    def __init__(self, n: int) -> None:
        self.n, self.times, self.lock = n, collections.deque(), threading.Lock()

    def allow(self, now: float) -> bool:
        with self.lock:
            while self.times and self.times[0] < now - 60:
                self.times.popleft()
            if len(self.times) >= self.n:
                return False
            self.times.append(now)
            return True


_wrong_codes = _Limiter(WRONG_CODES_PER_MINUTE)


class Room(NamedTuple):
    """Where this session stands in a room: ``role`` "none", "teacher" or "student"."""

    role: str = "none"
    code: str = ""
    key: str | None = None
    member: str | None = None
    asked: Asked | None = None
    cloud: Cloud | None = None
    mine: list | None = None

    @property
    def hides_answer(self) -> bool:
        """A question is out and not yet revealed: the page keeps its answer hidden."""
        return self.asked is not None and self.asked.state != "revealed"

    @property
    def takes_answers(self) -> bool:
        return (self.role == "student" and self.asked is not None
                and self.asked.state == "open" and self.asked.question.kind == "point")


def _notice(text: str) -> None:
    st.session_state[_NOTICE] = text


def current_room() -> Room:
    """This session's room, from the link (joining it once as a student)."""
    raw = st.query_params.get("room")
    if raw is None:
        return Room()
    now = time.time()
    s = store()
    try:
        code = rooms.clean_code(raw)
        key = st.query_params.get("teacher")
        if key is not None:
            if not rooms.is_teacher(s, code, key, now):
                raise RoomError("Only the teacher's link can run this room: this link's "
                                "teacher key is wrong.")
            return _with_question(s, Room("teacher", code, key=key), now)
        member = st.session_state.get(f"_room_member_{code}")
        if member is None:
            if st.session_state.get(_WRONG, 0) >= rooms.JOIN_TRIES:
                raise RoomError("Too many wrong room codes from this tab: ask the teacher "
                                "for the link.")
            try:
                code, member = rooms.join(s, code, "", now)
            except RoomError:
                st.session_state[_WRONG] = st.session_state.get(_WRONG, 0) + 1
                if not _wrong_codes.allow(now):
                    raise RoomError("Too many wrong room codes on this server: wait a "
                                    "minute.") from None
                raise
            st.session_state[f"_room_member_{code}"] = member
        return _with_question(s, Room("student", code, member=member), now)
    except RoomError as e:
        _notice(str(e))
        return Room()


def _with_question(s: Store, room: Room, now: float) -> Room:
    asked = rooms.current(s, room.code, now)
    if asked is None:
        return room
    cloud = rooms.cloud(s, room.code, asked.id, asked.question)
    mine = rooms.my_answer(s, room.code, asked.id, room.member) if room.member else None
    return room._replace(asked=asked, cloud=cloud, mine=mine)


def answer_click(room: Room) -> Callable[[float, float], None]:
    """What a student's click on the chart does while a point question is open."""
    def clicked(x: float, y: float) -> None:
        try:
            rooms.answer(store(), room.code, room.member, (x, y), time.time())
            st.session_state.pop(_NOTICE, None)
        except RoomError as e:
            _notice(str(e))
    return clicked


# ---- the panel ------------------------------------------------------------------------------

def panel(room: Room, page: str, ask: Question) -> None:
    """The room's panel: start or join one, or run it (teacher) or follow it (student).
    ``ask``: the question the teacher's Ask button puts, with its truth."""
    notice = st.session_state.pop(_NOTICE, None)
    if notice:
        st.warning(notice, icon=":material/group:")
    if room.role == "none":
        _start_or_join(page)
    elif room.role == "teacher":
        _teacher(room, ask)
        _watch(room)
    else:
        _student(room)
        _watch(room)


def _start_or_join(page: str) -> None:
    with st.expander("Class room: predict together", icon=":material/groups:",
                     key=f"{page}_room_box"):
        st.button("Start a class room", key=f"{page}_room_start", on_click=_start,
                  args=(page,), help="Your link then holds a teacher key: keep it to yourself.")
        row = st.columns([3, 2], vertical_alignment="bottom")
        row[0].text_input("Room code", key=f"{page}_room_code", max_chars=12,
                          placeholder="ABCD EFGH")
        row[1].button("Join", key=f"{page}_room_join", on_click=_join, args=(page,))


def _start(page: str) -> None:
    try:
        opened = rooms.open_room(store(), page, time.time())
    except RoomError as e:
        _notice(str(e))
        return
    st.query_params["room"], st.query_params["teacher"] = opened.code, opened.teacher_key


def _join(page: str) -> None:
    try:
        st.query_params["room"] = rooms.clean_code(st.session_state.get(f"{page}_room_code"))
    except RoomError as e:
        _notice(str(e))


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


def _teacher(room: Room, ask: Question) -> None:
    """The buttons first (the clicker's moment), then the code, the count and the QR."""
    link = student_link(room.code)
    row = st.container(horizontal=True, gap="small")
    state = room.asked.state if room.asked else None
    row.button("Ask" if state is None else "Ask again", key="room_ask", type="primary",
               on_click=_act, args=(room, "ask", ask), help=ask.prompt)
    if state == "open":
        row.button("Close", key="room_close", on_click=_act, args=(room, "closed", None))
    if state in ("open", "closed"):
        row.button("Reveal", key="room_reveal", on_click=_act, args=(room, "revealed", None))
    if state is not None:
        row.button("Next", key="room_next", on_click=_act, args=(room, "clear", None),
                   help="Clear the answers for the next question.")
    st.metric("Room code", shown_code(room.code))
    top = st.columns([3, 2], vertical_alignment="center")
    top[0].caption(_count_line(room) + (f" · {state}" if state else ""))
    top[1].image(qr_png(link), width=110)
    with st.popover("Student link", icon=":material/link:"):
        st.code(link, language=None)


def _count_line(room: Room) -> str:
    joined = store().members(room.code)
    if room.cloud is None:
        return f"{joined} joined"
    line = f"{room.cloud.total} answers · {joined} joined"
    if room.asked and room.asked.state == "revealed":
        line += f" · {room.cloud.close(room.asked.question)} close"
    return line


def _act(room: Room, action: str, question: Question | None) -> None:
    now = time.time()
    try:
        if action == "ask":
            rooms.ask(store(), room.code, room.key, question, now)
        elif action == "clear":
            rooms.clear(store(), room.code, room.key, now)
        else:
            rooms.set_state(store(), room.code, room.key, action, now)
    except RoomError as e:
        _notice(str(e))


def _student(room: Room) -> None:
    st.markdown(f"**Room** `{shown_code(room.code)}`")
    if room.asked is None:
        st.caption("Joined. Wait for the teacher's question.")
        return
    q, state = room.asked.question, room.asked.state
    st.info(q.prompt, icon=":material/quiz:")
    if state == "open":
        st.caption("Click the chart where you think it is; you can change it until the "
                   "teacher closes the question.")
    elif state == "closed":
        st.caption("The question is closed: wait for the reveal.")
    if room.mine is not None:
        st.caption(f"Your answer: ({room.mine[0]:g}, {room.mine[1]:g})")
    if state == "revealed" and q.kind == "point":
        st.caption(f"The answer: ({q.truth[0]:.3g}, {q.truth[1]:.3g}).")


@st.fragment(run_every=POLL_S)
def _watch(room: Room) -> None:
    """Rerun the page once the room changed (a question, its state, the count)."""
    seen = (room.asked.id if room.asked else None, room.asked.state if room.asked else None,
            room.cloud.total if room.cloud and room.role == "teacher" else None)
    try:
        now_room = _with_question(store(), room._replace(asked=None, cloud=None, mine=None),
                                  time.time())
    except RoomError:
        return
    now = (now_room.asked.id if now_room.asked else None,
           now_room.asked.state if now_room.asked else None,
           now_room.cloud.total if now_room.cloud and room.role == "teacher" else None)
    if now != seen:
        st.rerun(scope="app")


# ---- on the figure --------------------------------------------------------------------------

def traces(room: Room, *, color: str) -> list[dict]:
    """The class's answers (the teacher's screen, and everyone's after the reveal), the
    student's own answer, and after the reveal the true one."""
    out: list[dict] = []
    if room.asked is None or room.asked.question.kind != "point":
        return out
    q, revealed = room.asked.question, room.asked.state == "revealed"
    if room.cloud is not None and room.cloud.points and (room.role == "teacher" or revealed):
        xs, ys = zip(*room.cloud.points, strict=True)
        out.append({"type": "scatter", "mode": "markers", "x": list(xs), "y": list(ys),
                    "name": f"the class's answers ({room.cloud.total})",
                    "marker": {"size": 11, "color": "rgba(120,120,120,0.45)",
                               "line": {"color": "#333333", "width": 1}},
                    "hovertemplate": "(%{x:.2f}, %{y:.2f})<extra>an answer</extra>"})
    if room.mine is not None:
        out.append({"type": "scatter", "mode": "markers", "x": [room.mine[0]],
                    "y": [room.mine[1]], "name": "your answer",
                    "marker": {"size": 16, "symbol": "x", "color": "#000000"}})
    if revealed:
        close = room.cloud.close(q) if room.cloud else 0
        total = room.cloud.total if room.cloud else 0
        out.append({"type": "scatter", "mode": "markers+text", "x": [q.truth[0]],
                    "y": [q.truth[1]], "text": [f"{close} of {total} close"],
                    "textposition": "bottom center", "name": "the answer",
                    "marker": {"size": 22, "symbol": "star", "color": color,
                               "line": {"color": "#000000", "width": 2}}})
    return out
