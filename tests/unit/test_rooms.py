"""A class room (classroom.rooms over classroom.store), on SQLite and on a real PostgreSQL
started from Debian's binaries: who may do what, what every input may be, answers counted
once, expiry, and concurrent writers."""

import json
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest

from classroom import rooms
from classroom.rooms import Question, RoomError
from classroom.store import open_store
from tests.services import postgres_server

T0 = 1_000_000.0
POINT = Question("point", "Where does the L1 minimizer land?", (-3.0, 3.0, -3.0, 3.0),
                 truth=(1.2, 0.0), near=0.3)
CHOICE = Question("choice", "Which weight hits zero first?", choices=("w₁", "w₂"),
                  truth=(1,))


@pytest.fixture(scope="module")
def postgres_url():
    with postgres_server() as url:
        yield url


_databases = iter(range(10_000))


@pytest.fixture(params=["sqlite", "postgresql"])
def store(request, tmp_path):
    if request.param == "sqlite":
        return open_store(tmp_path / "rooms.sqlite3")
    import psycopg

    url = request.getfixturevalue("postgres_url")
    name = f"t{next(_databases)}"
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(f"CREATE DATABASE {name}")
    return open_store(url.rsplit("/", 1)[0] + "/" + name)


@pytest.fixture
def room(store):
    opened = rooms.open_room(store, "landscape", T0)
    return store, opened.code, opened.teacher_key


def test_a_room_code_is_hard_to_guess_and_easy_to_read(store):
    codes = {rooms.open_room(store, "landscape", T0).code for _ in range(50)}
    assert len(codes) == 50
    for code in codes:
        assert len(code) == 8 and set(code) <= set(rooms.ALPHABET)
        assert not set(code) & set("01OI")
    assert len(rooms.ALPHABET) ** rooms.CODE_LENGTH > 10 ** 12


def test_the_store_keeps_a_hash_of_the_teacher_key_never_the_key(room):
    store, code, key = room
    row = store.room(code, T0)
    assert key not in row.teacher_hash and len(row.teacher_hash) == 64
    assert rooms.is_teacher(store, code, key, T0)


def test_a_class_answers_a_point_question_and_the_teacher_reveals(room):
    store, code, key = room
    qid = rooms.ask(store, code, key, POINT, T0)
    members = [rooms.join(store, code, f"s{k}", T0)[1] for k in range(5)]
    spots = [(1.2, 0.1), (1.0, 0.0), (-2.0, 2.0), (1.3, -0.1), (0.0, 0.0)]
    for m, p in zip(members, spots, strict=True):
        rooms.answer(store, code, m, p, T0 + 1)
    asked = rooms.current(store, code, T0 + 1)
    cloud = rooms.cloud(store, code, asked.id, asked.question)
    assert asked.id == qid and cloud.total == 5
    assert sorted(cloud.points) == sorted(spots)
    assert cloud.close(POINT) == 3   # within 0.3 of (1.2, 0)
    rooms.set_state(store, code, key, "revealed", T0 + 2)
    assert rooms.current(store, code, T0 + 2).state == "revealed"


def test_a_student_may_change_the_answer_until_the_question_closes(room):
    store, code, key = room
    rooms.ask(store, code, key, POINT, T0)
    _, m = rooms.join(store, code, "", T0)
    rooms.answer(store, code, m, (0.5, 0.5), T0 + 1)
    rooms.answer(store, code, m, (1.5, -0.5), T0 + 2)
    asked = rooms.current(store, code, T0 + 2)
    assert rooms.cloud(store, code, asked.id, POINT).points == [(1.5, -0.5)]
    rooms.set_state(store, code, key, "closed", T0 + 3)
    with pytest.raises(RoomError, match="closed"):
        rooms.answer(store, code, m, (0.0, 0.0), T0 + 4)
    assert rooms.my_answer(store, code, asked.id, m) == [1.5, -0.5]


def test_choices_are_counted_per_choice(room):
    store, code, key = room
    rooms.ask(store, code, key, CHOICE, T0)
    for k, pick in enumerate([0, 1, 1, 1]):
        _, m = rooms.join(store, code, f"n{k}", T0)
        rooms.answer(store, code, m, pick, T0 + 1)
    asked = rooms.current(store, code, T0 + 1)
    c = rooms.cloud(store, code, asked.id, CHOICE)
    assert c.counts == [1, 3] and c.total == 4 and c.close(CHOICE) == 3


def test_the_next_question_clears_the_cloud(room):
    store, code, key = room
    rooms.ask(store, code, key, POINT, T0)
    _, m = rooms.join(store, code, "", T0)
    rooms.answer(store, code, m, (1.0, 1.0), T0 + 1)
    qid = rooms.ask(store, code, key, POINT, T0 + 2)
    assert rooms.cloud(store, code, qid, POINT).total == 0
    rooms.clear(store, code, key, T0 + 3)
    assert rooms.current(store, code, T0 + 3) is None


@pytest.mark.parametrize("action", ["ask", "close", "reveal", "clear"])
@pytest.mark.parametrize("key", [None, "", "forged-key", 42, "x" * 10_000])
def test_only_the_teacher_key_opens_closes_reveals_or_clears(room, action, key):
    store, code, real = room
    rooms.ask(store, code, real, POINT, T0)
    do = {"ask": lambda k: rooms.ask(store, code, k, POINT, T0),
          "close": lambda k: rooms.set_state(store, code, k, "closed", T0),
          "reveal": lambda k: rooms.set_state(store, code, k, "revealed", T0),
          "clear": lambda k: rooms.clear(store, code, k, T0)}[action]
    with pytest.raises(RoomError, match="Only the teacher"):
        do(key)
    assert rooms.current(store, code, T0).state == "open"


def test_a_teacher_key_of_another_room_is_refused(store):
    a = rooms.open_room(store, "landscape", T0)
    b = rooms.open_room(store, "landscape", T0)
    rooms.ask(store, a.code, a.teacher_key, POINT, T0)
    with pytest.raises(RoomError, match="Only the teacher"):
        rooms.set_state(store, a.code, b.teacher_key, "revealed", T0)


def test_a_student_writes_only_its_own_answer_in_a_room_it_joined(store):
    a = rooms.open_room(store, "landscape", T0)
    b = rooms.open_room(store, "landscape", T0)
    for r in (a, b):
        rooms.ask(store, r.code, r.teacher_key, POINT, T0)
    _, member_of_a = rooms.join(store, a.code, "", T0)
    with pytest.raises(RoomError, match="Join the room"):
        rooms.answer(store, b.code, member_of_a, (0.0, 0.0), T0 + 1)
    with pytest.raises(RoomError, match="Join the room"):
        rooms.answer(store, a.code, "made-up-member", (0.0, 0.0), T0 + 1)
    asked = rooms.current(store, b.code, T0 + 1)
    assert rooms.cloud(store, b.code, asked.id, POINT).total == 0


@pytest.mark.parametrize("code", ["", "abc", "ABCDEFGH1", "0OIL2345", "<script>", "A" * 500,
                                  "'; DROP TABLE rooms; --", None, 12345678])
def test_a_code_that_cannot_be_one_is_refused_before_any_lookup(store, code):
    with pytest.raises(RoomError, match="A room code is 8"):
        rooms.join(store, code, "", T0)


def test_a_wrong_code_and_an_expired_room_say_so(store):
    with pytest.raises(RoomError, match="no open room"):
        rooms.join(store, "ABCDEFGH", "", T0)
    r = rooms.open_room(store, "landscape", T0)
    with pytest.raises(RoomError, match="no open room"):
        rooms.join(store, r.code, "", T0 + rooms.TTL_S + 1)


def test_a_code_is_read_as_typed():
    assert rooms.clean_code(" abcd-efgh ") == "ABCDEFGH"


@pytest.mark.parametrize("value", [None, "here", (1,), (1, 2, 3), ("nan", 0), (float("inf"), 0),
                                   (4.0, 0.0), (0.0, -3.5), {"x": 1}, [[1], [2]]])
def test_a_point_outside_the_chart_or_not_a_point_is_refused(room, value):
    store, code, key = room
    rooms.ask(store, code, key, POINT, T0)
    _, m = rooms.join(store, code, "", T0)
    with pytest.raises(RoomError):
        rooms.answer(store, code, m, value, T0 + 1)


@pytest.mark.parametrize("value", [None, -1, 2, "w₁", 1.5e300, "1; DROP"])
def test_a_choice_that_was_not_offered_is_refused(room, value):
    store, code, key = room
    rooms.ask(store, code, key, CHOICE, T0)
    _, m = rooms.join(store, code, "", T0)
    with pytest.raises(RoomError, match="not one of the choices"):
        rooms.answer(store, code, m, value, T0 + 1)


def test_nicknames_are_plain_and_short():
    assert rooms.clean_nickname("<b>Ada</b> & co") == "bAdab co"
    assert len(rooms.clean_nickname("x" * 500)) == rooms.NICK_LIMIT
    assert rooms.clean_nickname(None) == ""


def test_a_flood_from_one_session_is_throttled(room):
    store, code, key = room
    rooms.ask(store, code, key, POINT, T0)
    _, m = rooms.join(store, code, "", T0)
    rooms.answer(store, code, m, (0.0, 0.0), T0 + 1)
    refused = 0
    for k in range(1, 50):
        try:
            rooms.answer(store, code, m, (0.01 * k, 0.0), T0 + 1 + k * 0.01)
        except RoomError as e:
            assert "half second" in str(e)
            refused += 1
    assert refused == 49
    rooms.answer(store, code, m, (2.0, 2.0), T0 + 1.6)
    asked = rooms.current(store, code, T0 + 2)
    assert rooms.cloud(store, code, asked.id, POINT).points == [(2.0, 2.0)]


def test_expired_rooms_are_deleted_with_everything_in_them(room):
    store, code, key = room
    rooms.ask(store, code, key, POINT, T0)
    _, m = rooms.join(store, code, "", T0)
    rooms.answer(store, code, m, (1.0, 1.0), T0 + 1)
    assert store.expire(T0 + rooms.TTL_S + 1) == 1
    assert store.question(code) is None and store.members(code) == 0
    assert store.answers(code, 1) == []


def test_sixty_students_at_once_are_each_counted_exactly_once(room):
    """Sixty threads (each its own connection, as replicas are), each answering twice."""
    store, code, key = room
    qid = rooms.ask(store, code, key, POINT, T0)
    members = [rooms.join(store, code, "", T0)[1] for _ in range(60)]

    def student(k):
        rooms.answer(store, code, members[k], (0.01 * k, 0.0), T0 + 1)
        rooms.answer(store, code, members[k], (0.01 * k, 1.0), T0 + 2)

    with ThreadPoolExecutor(max_workers=12) as pool:
        list(pool.map(student, range(60)))
    c = rooms.cloud(store, code, qid, POINT)
    assert c.total == 60
    assert sorted(c.points) == sorted((round(0.01 * k, 4), 1.0) for k in range(60))
    assert threading.active_count() >= 1


def test_a_question_round_trips_through_its_stored_text():
    for q in (POINT, CHOICE):
        assert Question.from_json(q.to_json()) == q
        json.loads(q.to_json())


# ---- a tab's kept id, nicknames, questions along one axis -----------------------------------

def test_a_reloaded_tab_answers_as_its_kept_member_and_its_fresh_id_goes(room):
    store, code, key = room
    rooms.ask(store, code, key, POINT, T0)
    _, kept = rooms.join(store, code, "", T0)
    rooms.answer(store, code, kept, (1.0, 0.0), T0)
    _, fresh = rooms.join(store, code, "", T0 + 5)     # the new session's own id
    assert store.members(code) == 2
    assert rooms.rejoin(store, code, kept, fresh)
    assert store.members(code) == 1                   # counted once, as before the reload
    rooms.answer(store, code, kept, (1.1, 0.0), T0 + 6)
    assert rooms.cloud(store, code, 1, POINT).points == [(1.1, 0.0)]


def test_a_kept_id_that_is_no_member_or_no_id_is_refused(room):
    store, code, _ = room
    _, fresh = rooms.join(store, code, "", T0)
    for bad in ("nobody", "", None, 7, "x" * 500, ["a"]):
        assert not rooms.rejoin(store, code, bad, fresh)
    assert store.is_member(code, fresh)
    other = rooms.open_room(store, "landscape", T0)
    _, elsewhere = rooms.join(store, other.code, "", T0)
    assert not rooms.rejoin(store, code, elsewhere, fresh)   # another room's member


def test_a_fresh_id_that_already_answered_is_kept(room):
    store, code, key = room
    rooms.ask(store, code, key, POINT, T0)
    _, kept = rooms.join(store, code, "", T0)
    _, fresh = rooms.join(store, code, "", T0)
    rooms.answer(store, code, fresh, (0.5, 0.5), T0)
    assert rooms.rejoin(store, code, kept, fresh)
    assert store.is_member(code, fresh)               # its answer is not thrown away


def test_a_nickname_is_cleaned_and_shown_beside_the_answer(room):
    store, code, key = room
    rooms.ask(store, code, key, POINT, T0)
    _, m = rooms.join(store, code, "", T0)
    assert rooms.rename(store, code, m, "<b>Ada</b> =1+1", T0) == "bAdab 11"
    rooms.answer(store, code, m, (1.0, 0.0), T0)
    assert rooms.cloud(store, code, 1, POINT).names == ["bAdab 11"]
    with pytest.raises(RoomError):
        rooms.rename(store, code, "nobody", "Eve", T0)


def test_questions_along_one_axis_are_close_by_that_axis_alone():
    x_q = Question("x", "Where is the best λ?", (-4.0, 3.0, -10.0, 10.0), truth=(-1.0, 0.2),
                   near=0.25)
    y_q = Question("y", "How many exact zeros?", (-1.0, 1.0, 0.0, 500.0), truth=(0.0, 300.0),
                   near=25.0)
    assert rooms.is_close(x_q, (-1.2, 9.0)) and not rooms.is_close(x_q, (-1.3, 0.2))
    assert rooms.is_close(y_q, (0.9, 320.0)) and not rooms.is_close(y_q, (0.0, 330.0))
    assert rooms.is_close(POINT, (1.2, 0.29)) and not rooms.is_close(POINT, (1.4, 0.25))


def test_an_axis_question_takes_clicks_inside_its_box_only(room):
    store, code, key = room
    x_q = Question("x", "Where is the best λ?", (-4.0, 3.0, -10.0, 10.0), truth=(-1.0, 0.2),
                   near=0.25)
    rooms.ask(store, code, key, x_q, T0)
    _, m = rooms.join(store, code, "", T0)
    for bad in ((5.0, 0.0), (float("nan"), 0.0), "left", (1,)):
        with pytest.raises(RoomError):
            rooms.answer(store, code, m, bad, T0)
    rooms.answer(store, code, m, (-0.9, 0.0), T0)
    assert rooms.cloud(store, code, 1, x_q).close(x_q) == 1


def test_the_wrong_code_limiter_allows_n_a_minute():
    limit = rooms.Limiter(3)
    assert [limit.allow(T0 + k) for k in range(5)] == [True, True, True, False, False]
    assert limit.allow(T0 + 61)          # the first one left the minute


def test_an_answer_is_said_in_the_questions_terms_on_log_and_linear_axes():
    x_q = Question("x", "Where is the best λ?", (-4.0, 3.0, -12.0, 12.0), truth=(-0.66, 0.1),
                   log=(True, True), label="λ =")
    y_q = Question("y", "How many exact zeros?", (-1.0, 1.0, 0.0, 500.0), truth=(0.0, 312.4),
                   label="exactly 0:")
    assert x_q.shown(x_q.truth) == f"λ = {10 ** -0.66:.3g}" == "λ = 0.219"
    assert y_q.shown([0.3, 1234.4]) == "exactly 0: 1,234" and y_q.shown((0, 3.14)) == \
        "exactly 0: 3.14"
    assert POINT.shown((1.2, 0.0)) == "(1.2, 0)" and CHOICE.shown((1,)) == "w₂" == CHOICE.shown(1)


def test_a_question_stored_before_its_axes_and_page_were_kept_still_reads():
    old = json.dumps({k: v for k, v in POINT._asdict().items()
                      if k not in ("log", "label", "page", "view")})
    assert Question.from_json(old) == POINT
    x_q = POINT._replace(kind="x", log=(True, False), label="λ =", page="sweep", view="lam=1")
    assert Question.from_json(x_q.to_json()) == x_q


def test_a_question_carrying_a_huge_view_is_refused(room):
    store, code, key = room
    with pytest.raises(RoomError, match="too long"):
        rooms.ask(store, code, key, POINT._replace(view="lam=1&" * 1000), T0)


def test_a_students_follow_link_stays_in_the_app_and_in_the_room():
    from ui.room_links import follow_path

    assert follow_path("sweep", "lam=1&penalty=L1", "ABCDEFGH") == \
        "sweep?room=ABCDEFGH&lam=1&penalty=L1"
    assert follow_path("landscape", "", "ABCDEFGH") == "./?room=ABCDEFGH"
    assert follow_path("https://evil.example", "x=1", "ABCDEFGH") is None
