"""A class room on a page (``classroom.rooms``): the teacher's panel (the code, a QR code of
the student link, ask / close / reveal / next, the count) and the student's (the question,
the answer a click on the chart gives); the class's answers drawn on the page's figure.

The link says who is who: ``?room=CODE`` for a student, ``?room=CODE&teacher=KEY`` for the
teacher. A student's member id lives in the session and in the tab (its ``sessionStorage``,
see ``_KEEPER_JS``), so a reload, or a reconnect to another replica, answers as the same
member. The teacher's page looks at the room twice a second and the students' once (a
fragment), and each reruns when the room changed.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import NamedTuple

import streamlit as st
import streamlit.components.v2 as components_v2

from classroom import rooms
from classroom.rooms import Asked, Cloud, Question, RoomError
from classroom.store import Store
from ui.room_links import qr_png, shown_code, store, student_link, view

WRONG_CODES_PER_MINUTE = 60     # for the whole server process, on top of a session's tries
POLL_S = {"teacher": 0.5, "student": 1.0}   # the teacher's screen follows within a second
CLICK_HINTS = {"point": "Click the chart where you think it is",
               "x": "Click the chart above the place on its bottom axis you think it is",
               "y": "Click the chart at the height you think it is"}
# the taps of "which weights are exactly 0?" (the truth: 1 if w₁ is, + 2 if w₂ is)
ZERO_CHOICES = ("neither", "w₁ only", "w₂ only", "both")
_WRONG = "_room_wrong_codes"
_NOTICE = "_room_notice"
_wrong_codes = rooms.Limiter(WRONG_CODES_PER_MINUTE)


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
        """A student's click on the chart answers (an open question about a place)."""
        return (self.role == "student" and self.asked is not None
                and self.asked.state == "open" and self.asked.question.kind != "choice")


def zero_choice(w) -> int:
    """The index in ``ZERO_CHOICES`` of a two-weight answer ``w``: 1 if w₁ is exactly 0,
    + 2 if w₂ is."""
    return int(w[0] == 0.0) + 2 * int(w[1] == 0.0)


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
        kept = getattr(st.session_state.get(_KEEPER), "member", None)   # the tab's id
        if kept != member and rooms.rejoin(s, code, kept, member):
            member = st.session_state[f"_room_member_{code}"] = kept
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
    # a student sees the class's answers only after the reveal: its poll reads no cloud before
    sees = room.role == "teacher" or asked.state == "revealed"
    cloud = rooms.cloud(s, room.code, asked.id, asked.question) if sees else None
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

def box(room: Room, stage, above) -> st.delta_generator.DeltaGenerator:
    """Where a page puts the room's panel: a student's question in ``above`` (a container
    made before the controls: it leads, above the chart), the teacher's panel (or the start
    and join box) beside the chart, under the main control."""
    if room.role == "student":
        return above
    with stage.side:
        return st.container()


def panel(room: Room, page: str, asks: list[Question]) -> None:
    """The room's panel: start or join one, or run it (teacher) or follow it (student).
    ``asks``: the questions the teacher may put on this page, with their truths (the first
    is the page's main one)."""
    notice = st.session_state.pop(_NOTICE, None)
    if notice:
        st.warning(notice, icon=":material/group:")
    if room.role == "none":
        _start_or_join(page)
    elif room.role == "teacher":
        _teacher(room, [q._replace(page=page, view=view()) for q in asks])
        _watch_for_teacher(room)
    else:
        _student(room)
        _keeper(room)
        _watch_for_student(room)


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


def _teacher(room: Room, asks: list[Question]) -> None:
    """The question to ask and the buttons first (the clicker's moment), then the code, the
    count and the QR."""
    link = student_link(room.code)
    ask = asks[0]
    if len(asks) > 1:
        ask = asks[st.selectbox("Question to ask", range(len(asks)), key="room_which",
                                format_func=lambda k: asks[k].prompt)]
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
    if room.asked is not None and room.asked.question.kind == "choice":
        choice_bars(room)
    st.metric("Room code", shown_code(room.code))
    top = st.columns([3, 2], vertical_alignment="center")
    top[0].caption(_count_line(room) + (f" · {state}" if state else ""))
    top[1].image(qr_png(link), width=110)
    with st.popover("Student link", icon=":material/link:"):
        st.code(link, language=None)


def choice_bars(room: Room) -> None:
    """A bar per choice with its count; after the reveal the right one is marked."""
    q, cloud = room.asked.question, room.cloud
    counts = cloud.counts if cloud and cloud.counts else [0] * len(q.choices)
    total = max(sum(counts), 1)
    revealed = room.asked.state == "revealed"
    for k, (choice, n) in enumerate(zip(q.choices, counts, strict=True)):
        mark = " ✓" if revealed and k == int(q.truth[0]) else ""
        st.progress(n / total, text=f"{choice}: **{n}**{mark}")


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
        _nickname(room)
        return
    q, state = room.asked.question, room.asked.state
    st.info(q.prompt, icon=":material/quiz:")
    if q.kind == "choice":
        _choices(room)
    elif state == "open":
        st.caption(CLICK_HINTS[q.kind] + "; you can change it until the teacher closes "
                   "the question.")
    if state == "closed":
        st.caption("The question is closed: wait for the reveal.")
    if room.mine is not None and q.kind != "choice":
        st.caption(f"Your answer: {q.shown(room.mine)}")
    if state == "revealed":
        st.caption(f"The answer: {q.shown(q.truth)}.")


def _choices(room: Room) -> None:
    """One tap among the choices; it can change while the question is open."""
    q = room.asked.question
    key = f"room_choice_{room.code}_{room.asked.id}"
    if room.mine is not None and key not in st.session_state:
        st.session_state[key] = int(room.mine)
    st.radio("Your answer", range(len(q.choices)), key=key, index=None, horizontal=True,
             format_func=lambda k: q.choices[k], disabled=room.asked.state != "open",
             on_change=_chose, args=(room, key))


def _chose(room: Room, key: str) -> None:
    try:
        rooms.answer(store(), room.code, room.member, st.session_state.get(key), time.time())
        st.session_state.pop(_NOTICE, None)
    except RoomError as e:
        _notice(str(e))


def _nickname(room: Room) -> None:
    key = f"room_nick_{room.code}"
    st.text_input("Nickname (optional)", key=key, max_chars=rooms.NICK_LIMIT,
                  help="Shown to the teacher beside your answer; leave it empty to stay "
                       "anonymous.", on_change=_renamed, args=(room, key))


def _renamed(room: Room, key: str) -> None:
    try:
        st.session_state[key] = rooms.rename(store(), room.code, room.member,
                                             st.session_state.get(key), time.time())
    except RoomError as e:
        _notice(str(e))


# Keeps the tab's member id of a room (sessionStorage: this tab only) and hands it to a new
# session of the same tab: after a reload, or when a replica went and another took over.
_KEEPER_JS = """
export default function (component) {
  const { data, setStateValue } = component;
  try {
    const KEY = 'rl-room-' + data.code;
    const kept = sessionStorage.getItem(KEY);
    if (kept && kept !== data.member && !data.replace) setStateValue('member', kept);
    else if (data.member) sessionStorage.setItem(KEY, data.member);
  } catch (e) { /* storage off (private mode): the id lasts this session only */ }
}
"""
_KEEPER = "room_member_keeper"
_keeper_component = components_v2.component("regularization_room_keeper", js=_KEEPER_JS)


def _keeper(room: Room) -> None:
    """Mount the tab's keeper; ``replace``: the id it sent is no member here, so it takes
    this session's."""
    kept = getattr(st.session_state.get(_KEEPER), "member", None)
    data = {"code": room.code, "member": room.member,
            "replace": kept is not None and kept != room.member}
    with st.container(key=f"{_KEEPER}_box"):   # hidden by ui.screen's CSS
        _keeper_component(key=_KEEPER, data=data, default={"member": None},
                          on_member_change=lambda: None)


def _changed(room: Room) -> bool:
    """Whether the room moved on since this run drew it: a question, its state, and on the
    teacher's screen the answers themselves (a student may move an answer or change a
    choice, which leaves the count as it was)."""
    def seen(r: Room) -> tuple:
        return (r.asked.id if r.asked else None, r.asked.state if r.asked else None,
                r.cloud if room.role == "teacher" else None)
    try:
        now = _with_question(store(), room._replace(asked=None, cloud=None, mine=None),
                             time.time())
    except RoomError:
        return False
    return seen(now) != seen(room)


@st.fragment(run_every=POLL_S["teacher"])
def _watch_for_teacher(room: Room) -> None:
    if _changed(room):
        st.rerun(scope="app")


@st.fragment(run_every=POLL_S["student"])
def _watch_for_student(room: Room) -> None:
    if _changed(room):
        st.rerun(scope="app")
