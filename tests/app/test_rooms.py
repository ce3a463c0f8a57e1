"""App tests of a class room on the Landscape page: a teacher opens it and asks, students
join by the link and answer, the teacher's chart holds their cloud, Reveal shows the
answer over it; forged keys and bad codes get a plain notice."""

import html
import re
import time
from urllib.parse import parse_qs, urlsplit

import numpy as np
import pytest
from apptools import chart, decode
from streamlit.testing.v1 import AppTest

from classroom import rooms
from core import problems, solve
from core.scenes import sweep, weights
from tests.app.test_lessons import screen_data
from tests.unit.test_sweep import numpy_design, numpy_ridge_errors
from ui import kit, room_links, room_panel

APP = "../../app.py"


@pytest.fixture(autouse=True)
def own_store(tmp_path, monkeypatch):
    monkeypatch.setenv(room_links.STORE_SETTING, str(tmp_path / "rooms.sqlite3"))
    room_links.store.clear()
    yield
    room_links.store.clear()


def names(at: AppTest) -> list[str]:
    return [t.get("name") for t in chart(at, "landscape_chart")["data"]]


def trace(at: AppTest, prefix: str) -> dict:
    return next(t for t in chart(at, "landscape_chart")["data"]
                if str(t.get("name")).startswith(prefix))


def teacher(lam: str = "1") -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params.update({"lam": lam})
    at.run()
    at.button(key="landscape_room_start").click().run()
    assert not at.exception, at.exception
    return at


def student(code: str) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params.update({"lam": "1", "room": code})
    at.run()
    assert not at.exception, at.exception
    return at


def test_a_teacher_opens_a_room_asks_and_reveals_over_the_class_cloud():
    t = teacher()
    code, key = t.query_params["room"], t.query_params["teacher"]
    assert len(code) == 8 and len(key) >= 32
    assert any(m.value == room_links.shown_code(code) for m in t.metric)
    t.button(key="room_ask").click().run()
    assert "minimizer, L1" not in names(t)     # the answer waits for Reveal
    spots = [(1.0, 0.0), (1.4, 0.1), (-1.0, 2.0)]
    for x, y in spots:
        s = student(code)
        assert any("Where does the L1 minimizer land" in i.value for i in s.info)
        member = s.session_state[f"_room_member_{code}"]
        # what the student's click on the contours calls (the click itself: browser test)
        room_panel.answer_click(room_panel.Room("student", code, member=member))(x, y)
    t.run()
    cloud = trace(t, "the class's answers")
    assert cloud["name"] == "the class's answers (3)"
    assert sorted(zip(decode(cloud["x"]), decode(cloud["y"]), strict=True)) == sorted(spots)
    t.button(key="room_reveal").click().run()
    truth = trace(t, "the answer")
    ref = np.asarray(solve.minimize(problems.demo("least_squares"), "l1", 1.0))
    np.testing.assert_allclose([decode(truth["x"])[0], decode(truth["y"])[0]], ref,
                               atol=1e-5)
    assert "minimizer, L1" in names(t)
    close = sum(np.hypot(x - ref[0], y - ref[1]) <= 0.08 * 6 for x, y in spots)
    assert truth["text"] == [f"{close} of 3 close"]
    assert truth["name"] == f"the answer ({close} of 3 close)"   # the legend says it
    t.button(key="room_next").click().run()
    assert not any(str(n).startswith("the class's") for n in names(t))


def test_a_student_sees_no_cloud_and_no_answer_before_the_reveal():
    t = teacher()
    code = t.query_params["room"]
    t.button(key="room_ask").click().run()
    s = student(code)
    member = s.session_state[f"_room_member_{code}"]
    room_panel.answer_click(room_panel.Room("student", code, member=member))(0.5, 0.5)
    s.run()
    assert "your answer" in names(s)
    assert not any(str(n).startswith(("the class's", "the answer", "minimizer"))
                   for n in names(s))
    assert not [b for b in s.button if b.key in ("room_ask", "room_reveal", "room_close")]
    # a preset would take the student off the question's settings: none until the reveal
    assert not has_presets(s) and has_presets(t)
    t.button(key="room_reveal").click().run()
    s.run()
    assert has_presets(s)


def has_presets(at: AppTest) -> bool:
    return any('class="presets"' in h.proto.body for h in at.get("html"))


def test_a_forged_teacher_key_gets_a_notice_and_no_teacher_buttons():
    t = teacher()
    code = t.query_params["room"]
    s = AppTest.from_file(APP, default_timeout=60)
    s.query_params.update({"room": code, "teacher": "forged"})
    s.run()
    assert not s.exception
    assert any("Only the teacher's link" in w.value for w in s.warning)
    assert not [b for b in s.button if b.key in ("room_ask", "room_reveal", "room_close")]


@pytest.mark.parametrize("code", ["<script>", "ABCDEFGH", "x" * 300])
def test_a_bad_room_code_gets_a_notice_and_the_page_works(code):
    s = AppTest.from_file(APP, default_timeout=60)
    s.query_params.update({"room": code})
    s.run()
    assert not s.exception
    warnings = [w.value for w in s.warning]
    assert any("room code" in w or "no open room" in w for w in warnings), warnings
    assert all("<script>" not in w for w in warnings)
    assert "minimizer, L1" in names(s)


def test_a_student_joins_with_a_typed_code():
    t = teacher()
    code = t.query_params["room"]
    s = AppTest.from_file(APP, default_timeout=60)
    s.run()
    s.text_input(key="landscape_room_code").input(f"{code[:4].lower()} {code[4:]}")
    s.button(key="landscape_room_join").click().run()
    assert not s.exception
    assert s.query_params["room"] == code
    assert rooms.current(room_links.store(), code, time.time()) is None
    assert room_links.store().members(code) == 1


def test_a_choice_question_gets_one_tap_a_student_and_a_bar_per_choice():
    t = teacher()
    code = t.query_params["room"]
    t.selectbox(key="room_which").select(1).run()
    t.button(key="room_ask").click().run()
    taps = [0, 2, 2]
    for k in taps:
        s = student(code)
        assert any("exactly 0" in i.value for i in s.info)
        (radio,) = [r for r in s.radio if r.key.startswith("room_choice_")]
        radio.set_value(k).run()
        assert not s.exception
    t.run()
    bars = [p.proto.text for p in t.get("progress")]
    assert bars[:4] == [f"{c}: **{taps.count(k)}**"
                        for k, c in enumerate(("neither", "w₁ only", "w₂ only", "both"))]
    t.button(key="room_reveal").click().run()
    ref = np.asarray(solve.minimize(problems.demo("least_squares"), "l1", 1.0))
    right = (ref[0] == 0.0) + 2 * (ref[1] == 0.0)
    bars = [p.proto.text for p in t.get("progress")]
    assert [b.endswith("✓") for b in bars[:4]] == [k == right for k in range(4)]


def test_a_reloaded_tab_sends_its_kept_id_and_is_counted_once():
    t = teacher()
    code = t.query_params["room"]
    first = student(code)
    kept = first.session_state[f"_room_member_{code}"]
    again = student(code)   # the same tab after a reload: a new session, a fresh id
    assert room_links.store().members(code) == 2
    # what the tab's keeper sends the new session (sessionStorage's id), as its state
    again.session_state["room_member_keeper"] = {"member": kept}
    again.run()
    assert not again.exception
    assert again.session_state[f"_room_member_{code}"] == kept
    assert room_links.store().members(code) == 1


# ---- the other pages: the sweep's λ axis, the Weights histogram, following the teacher -----

def on_page(page: str, **params) -> AppTest:
    """A page opened from a link (switched to before the first run, as a browser opens it)."""
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params.update(params)
    at.switch_page(f"views/{page}.py").run()
    assert not at.exception, at.exception
    return at


def members(at: AppTest, code: str) -> room_panel.Room:
    return room_panel.Room("student", code, member=at.session_state[f"_room_member_{code}"])


def named(at: AppTest, key: str, prefix: str) -> dict:
    return next(t for t in chart(at, key)["data"] if str(t.get("name")).startswith(prefix))


def test_the_sweeps_best_lambda_question_is_answered_on_its_log_lambda_axis():
    t = on_page("sweep", presenter="true")
    t.button(key="sweep_room_start").click().run()
    code = t.query_params["room"]
    assert chart(t, "sweep_paths_chart")["layout"]["height"] == kit.PROJECTOR_CHART_HEIGHT
    t.button(key="room_ask").click().run()
    # the bias/variance chart takes the first screen while the class answers on its λ axis
    bias = chart(t, "sweep_bias_chart")
    assert bias["layout"]["height"] == kit.PROJECTOR_CHART_HEIGHT
    assert "validation error, L2" not in [d.get("name") for d in bias["data"]]
    clicks = [(-1.0, 0.0), (-0.5, -0.3), (1.5, 0.2)]   # log₁₀ λ, log₁₀ MSE (what p2l gives)
    for x, y in clicks:
        s = on_page("sweep", room=code)
        assert any("error lowest" in i.value for i in s.info)
        room_panel.answer_click(members(s, code))(x, y)
    t.run()
    cloud = named(t, "sweep_bias_chart", "the class's answers")
    np.testing.assert_allclose(sorted(decode(cloud["x"])), sorted(10 ** x for x, _ in clicks),
                               rtol=1e-4)
    t.button(key="room_reveal").click().run()
    # the best λ: the least validation error of ridge in closed form over the page's grid
    F, y, F_val, y_val = numpy_design(0.5, 25, 12)
    train = np.arange(len(y)) < 25
    val = []
    for lam in sweep.LAMBDAS:
        mu, sd, ym = F[train].mean(0), F[train].std(0), y[train].mean()
        _, _, w = numpy_ridge_errors(F, y, train, ~train, lam)
        val.append(((ym + (F_val - mu) / sd @ w - y_val) ** 2).mean())
    best = float(sweep.LAMBDAS[int(np.argmin(val))])
    truth = named(t, "sweep_bias_chart", "the answer")
    assert decode(truth["x"])[0] == pytest.approx(best, rel=1e-6)
    close = sum(abs(x - np.log10(best)) <= np.log10(2) for x, _ in clicks)
    assert truth["text"] == [f"{close} of 3 close"]


def test_the_sweeps_regime_question_is_one_tap():
    t = on_page("sweep", lam="0.001")
    t.button(key="sweep_room_start").click().run()
    code = t.query_params["room"]
    t.selectbox(key="room_which").select(1).run()
    t.button(key="room_ask").click().run()
    s = on_page("sweep", lam="0.001", room=code)
    (radio,) = [r for r in s.radio if r.key.startswith("room_choice_")]
    radio.set_value(0).run()
    t.button(key="room_reveal").click().run()
    bars = [p.proto.text for p in t.get("progress")]
    # λ = 0.001 is far below the validation minimum (0.22 on these data): overfitting
    assert bars[0] == "overfitting (λ too small): **1** ✓", bars


def test_the_weights_zero_count_question_is_answered_at_a_height_of_the_histogram():
    t = on_page("weights")
    t.button(key="weights_room_start").click().run()
    code = t.query_params["room"]
    t.button(key="room_ask").click().run()
    layout = chart(t, "weights_chart")["layout"]
    n = 100   # logistic on d = 100 features: 100 weights a run
    assert layout["yaxis"]["range"][1] >= n and "updatemenus" not in layout
    heights = [10.0, 60.0, 95.0]
    for h in heights:
        s = on_page("weights", room=code)
        room_panel.answer_click(members(s, code))(0.0, h)
    t.button(key="room_reveal").click().run()
    scene = weights.scene(model="logistic", d=100, k=5, flip=0.1, seed=0, lam=0.05,
                          drop=0.5, alpha=0.3, epochs=50)
    t_ = scene.training
    zeros = int((t_.snapshots[-1, t_.run("l1")] == 0).sum())
    truth = named(t, "weights_chart", "the answer")
    assert decode(truth["y"])[0] == zeros
    close = sum(abs(h - zeros) <= 0.1 * n for h in heights)
    assert truth["text"] == [f"{close} of 3 close"]


def test_a_students_page_follows_the_teacher_to_where_the_question_was_asked():
    t = on_page("sweep", lam="1")
    t.button(key="sweep_room_start").click().run()
    code = t.query_params["room"]
    s = on_page("landscape", room=code)   # joined before the question, on another page
    t.button(key="room_ask").click().run()
    s.run()
    assert screen_data(s)["go"] == f"sweep?room={code}&lam=1"
    assert "Opening the teacher's page" in s.caption[0].value
    s.run()   # once a question: the student may move on from there
    assert screen_data(s)["go"] is None


def test_a_room_started_at_a_lesson_step_goes_on_through_the_lesson():
    t = on_page("landscape", lesson="primer", step="1", penalty="L1", lam="1")
    t.button(key="landscape_room_start").click().run()
    code, key = t.query_params["room"], t.query_params["teacher"]
    bar = html.unescape(next(h.proto.body for h in t.get("html")
                             if "lesson-next" in h.proto.body))
    nxt = re.search(r'class="lesson-next" href="([^"]*)"', bar)
    query = parse_qs(urlsplit(nxt.group(1)).query)
    assert query["room"] == [code] and query["teacher"] == [key] and query["step"] == ["2"]
