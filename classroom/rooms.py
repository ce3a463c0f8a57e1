"""A class room: who may do what, and what every input may be. Pure rules over a ``Store``.

A teacher opens a room and gets its code (for students) and a teacher key (in the
teacher's own link only; the store keeps its SHA-256, never the key). Only that key opens,
closes, reveals or clears a question. A student joins with the code and gets a random
member id (kept in the student's session); a member writes only its own answer, to the
open question of the room it joined, at most once every ``ANSWER_INTERVAL`` seconds.

Guessing a code: ``CODE_LENGTH`` = 8 characters of ``ALPHABET`` (32) is 32⁸ ≈ 1.1·10¹²
codes. With ``MAX_ROOMS`` = 1,000 rooms open at once, one guess finds some room with
probability ≤ 10⁻⁹; a session may try ``JOIN_TRIES`` = 10 wrong codes, so a session finds
one with probability ≤ 10⁻⁸, and an attacker needs ~10⁹ tries (10⁸ sessions) for even odds.

Every failure is a ``RoomError`` whose text is one plain sentence for the page.
"""

from __future__ import annotations

import collections
import hashlib
import hmac
import json
import math
import re
import secrets
import threading
from typing import NamedTuple

from classroom.store import RoomRow, Store

ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"   # no 0/O, 1/I: read off a projector
CODE_LENGTH = 8
TTL_S = 3 * 3600          # a room and its answers are deleted 3 hours after it opens
MAX_ROOMS = 1000
JOIN_TRIES = 10           # wrong codes a session may try
ANSWER_INTERVAL = 0.5     # s between two answers of one member
NICK_LIMIT = 20
PROMPT_LIMIT = 200
MAX_CHOICES = 6
VIEW_LIMIT = 4000     # characters of the page settings a question carries
STATES = ("open", "closed", "revealed")
KINDS = ("point", "x", "y", "choice")
MEMBER_CHARS = 64         # a member id is 22 URL-safe characters; anything longer is not one


class RoomError(ValueError):
    """Why an action was refused, in one plain sentence."""


class Question(NamedTuple):
    """A question: ``kind`` "point", "x" or "y" (a click in ``box`` = (x0, x1, y0, y1), in the
    chart's axis units: a log axis's are log₁₀, as ``log`` says) or "choice" (one of
    ``choices``); ``truth``: the point (x, y) or the choice's index. A click answer is close
    when within ``near`` of the truth: by distance for "point", along its one axis for "x"
    ("where on the λ axis") and "y" ("how high is the bar"). ``label``: what an "x" or "y"
    answer is, said before its number ("λ =", "exact zeros:").

    ``page`` and ``view``: where the teacher asked it (a page id and the page's settings as
    a query string), so a student's page can follow the teacher there."""

    kind: str
    prompt: str
    box: tuple[float, float, float, float] = (0.0, 0.0, 0.0, 0.0)
    choices: tuple[str, ...] = ()
    truth: tuple[float, ...] = ()
    near: float = 0.0
    log: tuple[bool, bool] = (False, False)
    label: str = ""
    page: str = ""
    view: str = ""

    def to_json(self) -> str:
        return json.dumps(self._asdict())

    @classmethod
    def from_json(cls, text: str) -> Question:
        d = json.loads(text)
        log = d.get("log", (False, False))
        return cls(d["kind"], d["prompt"], tuple(d["box"]), tuple(d["choices"]),
                   tuple(d["truth"]), float(d["near"]), (bool(log[0]), bool(log[1])),
                   str(d.get("label", "")), str(d.get("page", "")), str(d.get("view", "")))

    def shown(self, value) -> str:
        """An answer in the question's terms: a choice (its index, or the truth's one-element
        tuple), a number on the question's one axis, or a point."""
        v = [value] if not isinstance(value, (list, tuple)) else list(value)
        if self.kind == "choice":
            return self.choices[int(v[0])]
        x, y = (10 ** float(a) if lg else float(a) for a, lg in zip(v[:2], self.log,
                                                                     strict=True))
        if self.kind == "x":
            return f"{self.label} {x:.3g}".strip()
        if self.kind == "y":
            return f"{self.label} {y:,.0f}".strip() if abs(y) >= 10 else \
                f"{self.label} {y:.3g}".strip()
        return f"({x:.3g}, {y:.3g})"


class Opened(NamedTuple):
    code: str
    teacher_key: str


class Asked(NamedTuple):
    """The room's newest question as a page shows it (its truth only once revealed)."""

    id: int
    question: Question
    state: str


# ---- inputs -------------------------------------------------------------------------------

def clean_code(raw: object) -> str:
    """A code as typed: spaces and dashes dropped, upper case; refused unless it could be
    a code at all (so a page never looks up arbitrary text)."""
    text = re.sub(r"[\s-]", "", str(raw))[:2 * CODE_LENGTH].upper()
    if len(text) != CODE_LENGTH or any(c not in ALPHABET for c in text):
        raise RoomError(f"A room code is {CODE_LENGTH} letters and digits (no 0, O, 1 or I): "
                        "check the code on the teacher's screen.")
    return text


def clean_nickname(raw: object) -> str:
    """A nickname shown as plain text: letters, digits, spaces, . - _ only, at most
    ``NICK_LIMIT`` characters; empty is fine."""
    text = re.sub(r"[^\w .\-]", "", str(raw or ""), flags=re.UNICODE)
    return re.sub(r"\s+", " ", text).strip()[:NICK_LIMIT]


def clean_point(value: object, box: tuple[float, float, float, float]) -> tuple[float, float]:
    """A point a student sent: two finite numbers inside the question's box."""
    try:
        x, y = (float(v) for v in value)   # type: ignore[union-attr]
    except (TypeError, ValueError):
        raise RoomError("That answer is not a point on the chart.") from None
    x0, x1, y0, y1 = box
    if not (math.isfinite(x) and math.isfinite(y) and x0 <= x <= x1 and y0 <= y <= y1):
        raise RoomError("That point is outside the chart: click inside it.")
    return round(x, 4), round(y, 4)


def clean_choice(value: object, choices: tuple[str, ...]) -> int:
    try:
        k = int(value)   # type: ignore[call-overload]
    except (TypeError, ValueError):
        raise RoomError("That answer is not one of the choices.") from None
    if not 0 <= k < len(choices):
        raise RoomError("That answer is not one of the choices.")
    return k


def _hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


# ---- limits ---------------------------------------------------------------------------------

class Limiter:
    """At most ``n`` events a minute (in one process: wrong room codes, on top of each
    session's own ``JOIN_TRIES``)."""

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



# ---- the teacher ----------------------------------------------------------------------------

def open_room(store: Store, page: str, now: float) -> Opened:
    """A new room for a page, with its code and teacher key; expired rooms go first."""
    store.expire(now)
    if store.rooms_open(now) >= MAX_ROOMS:
        raise RoomError("The server holds as many rooms as it may: try again later.")
    key = secrets.token_urlsafe(24)   # 192 bits
    for _ in range(10):
        code = "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))
        if store.add_room(RoomRow(code, _hash(key), page, now, now + TTL_S)):
            return Opened(code, key)
    raise RoomError("No free room code was found: try again.")   # ~never: 10⁻⁹ per try


def _room(store: Store, code: str, now: float) -> RoomRow:
    room = store.room(clean_code(code), now)
    if room is None:
        raise RoomError("There is no open room with that code (rooms close after "
                        f"{TTL_S // 3600} hours).")
    return room


def _teacher(store: Store, code: str, key: object, now: float) -> RoomRow:
    room = _room(store, code, now)
    if not isinstance(key, str) or not hmac.compare_digest(_hash(key), room.teacher_hash):
        raise RoomError("Only the teacher's link can do that.")
    return room


def is_teacher(store: Store, code: str, key: object, now: float) -> bool:
    try:
        _teacher(store, code, key, now)
        return True
    except RoomError:
        return False


def ask(store: Store, code: str, key: object, question: Question, now: float) -> int:
    """Open a new question (the one before is closed); returns its id."""
    room = _teacher(store, code, key, now)
    if question.kind not in KINDS:
        raise RoomError("A question is a place on the chart or a choice.")
    if question.kind == "choice" and not 2 <= len(question.choices) <= MAX_CHOICES:
        raise RoomError(f"A choice question has 2 to {MAX_CHOICES} choices.")
    if len(question.view) > VIEW_LIMIT:
        raise RoomError("This page's settings are too long to share with the class.")
    prompt = question.prompt[:PROMPT_LIMIT]
    return store.add_question(room.code, question._replace(prompt=prompt).to_json())


def set_state(store: Store, code: str, key: object, state: str, now: float) -> None:
    """Close or reveal (or reopen) the room's newest question."""
    room = _teacher(store, code, key, now)
    if state not in STATES:
        raise RoomError("A question is open, closed or revealed.")
    q = store.question(room.code)
    if q is None:
        raise RoomError("The room has no question yet.")
    store.set_state(room.code, q.id, state)


def clear(store: Store, code: str, key: object, now: float) -> None:
    """The next question starts from an empty chart: drop the questions and answers."""
    store.clear(_teacher(store, code, key, now).code)


# ---- the student ----------------------------------------------------------------------------

def join(store: Store, code: object, nickname: object, now: float) -> tuple[str, str]:
    """Join a room: its code and the new member's id."""
    room = _room(store, str(code), now)
    member = secrets.token_urlsafe(16)
    store.add_member(room.code, member, clean_nickname(nickname), now)
    return room.code, member


def rejoin(store: Store, code: str, kept: object, fresh: str | None) -> bool:
    """A tab's kept member id (after a reload, or on another replica): True if it is a
    member of this room, and then the fresh id this session was given, if unused, goes."""
    if not isinstance(kept, str) or not 0 < len(kept) <= MEMBER_CHARS:
        return False
    if kept == fresh:
        return True
    if not store.is_member(code, kept):
        return False
    if fresh and not store.has_answered(code, fresh):
        store.drop_member(code, fresh)
    return True


def rename(store: Store, code: str, member: str, nickname: object, now: float) -> str:
    """Set a member's optional nickname (cleaned); returns it as stored."""
    if not store.is_member(_room(store, code, now).code, member):
        raise RoomError("Join the room first (with its code).")
    name = clean_nickname(nickname)
    store.add_member(code, member, name, now)
    return name


def current(store: Store, code: str, now: float) -> Asked | None:
    """The room's newest question, as anyone in the room may see it."""
    q = store.question(_room(store, code, now).code)
    return None if q is None else Asked(q.id, Question.from_json(q.spec), q.state)


def answer(store: Store, code: str, member: object, value: object, now: float) -> None:
    """Write a member's answer to the open question (it replaces the member's last one)."""
    room = _room(store, code, now)
    q = store.question(room.code)
    if q is None or q.state != "open":
        raise RoomError("The question is closed: wait for the next one.")
    question = Question.from_json(q.spec)
    if question.kind == "choice":
        stored = json.dumps(clean_choice(value, question.choices))
    else:
        stored = json.dumps(clean_point(value, question.box))
    said = store.put_answer(room.code, q.id, str(member), stored, now, ANSWER_INTERVAL)
    if said == "closed":
        raise RoomError("The question is closed: wait for the next one.")
    if said == "not a member":
        raise RoomError("Join the room first (with its code).")
    if said == "too fast":
        raise RoomError("One answer every half second: your last one counts.")


def my_answer(store: Store, code: str, qid: int, member: str):
    raw = store.answer_of(code, qid, member)
    return None if raw is None else json.loads(raw)


# ---- what the teacher's screen shows --------------------------------------------------------

class Cloud(NamedTuple):
    """The answers to a question: points (n, 2) with their nicknames ("" for none) or a
    count per choice, and how many."""

    points: list[tuple[float, float]]
    counts: list[int]
    total: int
    names: list[str] = []

    def close(self, question: Question) -> int:
        """How many answers were close to the truth (within ``near``, or the right choice)."""
        if question.kind == "choice":
            return self.counts[int(question.truth[0])] if self.counts else 0
        return sum(is_close(question, p) for p in self.points)


def is_close(question: Question, point: tuple[float, float]) -> bool:
    """|p − truth| ≤ near: the distance for "point", along the question's axis for "x"/"y"."""
    (x, y), (tx, ty) = point, question.truth[:2]
    gap = {"x": abs(x - tx), "y": abs(y - ty)}.get(question.kind, math.hypot(x - tx, y - ty))
    return gap <= question.near


def cloud(store: Store, code: str, qid: int, question: Question) -> Cloud:
    said = store.answers(code, qid)
    values = [json.loads(v) for _, v in said]
    if question.kind == "choice":
        counts = [0] * len(question.choices)
        for k in values:
            counts[int(k)] += 1
        return Cloud([], counts, len(values))
    nicks = store.nicknames(code) if said else {}
    return Cloud([(float(x), float(y)) for x, y in values], [], len(values),
                 [nicks.get(m, "") for m, _ in said])
