"""Lessons on the pages: every step of the built-in lesson opens its page with its settings,
the question, predict-first on and no exception; Reveal shows the after-sentence; a bad link
gives a notice; the builder adds, reorders and removes steps, exports a file and a link that
read back to the same lesson, and opens a file with mistakes naming each."""

import html
import json
import re
from urllib.parse import parse_qs, urlsplit

import numpy as np
import pytest
from apptools import chart, decode
from streamlit.testing.v1 import AppTest

from ui import controls, handout, lessons
from ui.figures.style import PENALTY_NAMES

APP = "../../app.py"
PRIMER = lessons.built_in("primer")
# page id -> its main chart's key and its predict toggle's key
MAIN = {"landscape": ("landscape_chart", "landscape_predict"),
        "geometry": ("geometry_chart", "geometry_predict"),
        "update_rules": ("update_chart", "update_predict"),
        "weights": ("weights_chart", "weights_predict"),
        "sweep": ("sweep_paths_chart", "sweep_predict"),
        "crosses": ("crosses_chart", "crosses_predict")}


def open_step(page: str, **params) -> AppTest:
    """The page of ``page`` with ``params`` in its link, as app.py's router would run it."""
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params.update(params)
    if page != "landscape":
        at.switch_page(f"views/{page}.py")
    # AppTest runs a switched-to page without app.py: set what the router sets
    at.session_state["lesson_page"] = page
    at.session_state["presenter"] = params.get("presenter") == "true"
    at.run()
    assert not at.exception, at.exception
    return at


def widget(at: AppTest, key: str):
    for kind in ("select_slider", "slider", "selectbox", "radio", "toggle"):
        found = [w for w in getattr(at, kind) if w.key == key]
        if found:
            return found[0]
    raise AssertionError(f"no widget {key!r}")


def shows(w, text: str) -> bool:
    """Whether the control shows the value a link writes as ``text``."""
    kind = type(w).__name__
    if kind == "Toggle":
        return str(w.value).lower() == text
    if kind in ("Selectbox", "Radio"):
        return w.options[w.index] == text
    if kind == "SelectSlider":
        return controls.number_label(w.value) == text
    return float(w.value) == float(text)


def bar(at: AppTest) -> str:
    return next(h.proto.body for h in at.get("html") if 'class="lesson"' in h.proto.body)


def reveal(at: AppTest) -> AppTest:
    button = next(b for b in at.button if b.label == "Reveal")
    button.click().run()
    assert not at.exception, at.exception
    return at


@pytest.mark.parametrize("k", range(1, len(PRIMER.steps) + 1))
def test_every_step_of_the_primer_opens_its_page_with_its_settings_and_asks(k):
    step = PRIMER.steps[k - 1]
    at = open_step(step.page, lesson="primer", step=str(k), **step.settings)
    assert not at.warning, [w.value for w in at.warning]  # no setting was refused
    for key, text in step.settings.items():
        assert shows(widget(at, key), text), (key, text, widget(at, key).value)
    assert f"step {k} of 12" in bar(at)
    assert step.question[:40] in " ".join(m.value for m in at.markdown).replace("\\", "")
    key, predict = MAIN[step.page]
    assert widget(at, predict).value is True           # predict first, at every step
    assert not any(step.after[:30] in s.value.replace("\\", "") for s in at.success)
    reveal(at)
    assert any(step.after[:30] in s.value.replace("\\", "") for s in at.success)
    # the sentence to say takes the question's place on the first screen
    assert step.question[:40] not in " ".join(m.value for m in at.markdown).replace("\\", "")
    # the handout's figure of the step is the page's own (same settings, answer hidden)
    page_fig = chart(open_step(step.page, lesson="primer", step=str(k), **step.settings), key)
    same_figure(page_fig, handout.step_figure(step).to_dict())


def same_figure(a: dict, b: dict) -> None:
    assert [t.get("name") for t in a["data"]] == [t.get("name") for t in b["data"]]
    for ta, tb in zip(a["data"], b["data"], strict=True):
        for axis in ("x", "y", "z"):
            if axis in ta:
                np.testing.assert_allclose(decode(ta[axis]).astype(float),
                                           decode(tb[axis]).astype(float), rtol=1e-6)


def test_the_bar_links_to_the_previous_and_next_steps_with_their_settings():
    step = PRIMER.steps[4]
    at = open_step(step.page, lesson="primer", step="5", presenter="true", **step.settings)
    links = dict(re.findall(r'<a class="(lesson-\w+)" href="([^"]*)"', bar(at)))
    prev, nxt = (urlsplit(html.unescape(links[c])) for c in ("lesson-prev", "lesson-next"))
    assert prev.path == "update_rules" and nxt.path == "weights"
    q = parse_qs(nxt.query)
    assert q["step"] == ["6"] and q["lesson"] == ["primer"] and q["presenter"] == ["true"]
    assert {k: v[0] for k, v in q.items() if k in PRIMER.steps[5].settings} == \
        dict(PRIMER.steps[5].settings)


@pytest.mark.parametrize("params, words", [
    ({"lesson": "primer", "step": "99"}, "not a step of this lesson"),
    ({"lesson": "primer", "step": "<b>1</b>"}, "not a step of this lesson"),
    ({"lesson": "nosuch"}, "not a lesson of this app"),
    ({"lesson": "~AAAA"}, "damaged"),
])
def test_a_bad_lesson_link_gives_a_notice_and_the_page_works(params, words):
    at = open_step("landscape", **params)
    notices = " ".join(w.value for w in at.warning)
    assert words in notices and "<b>" not in notices
    assert chart(at, "landscape_chart")["data"]


def screen_data(at: AppTest) -> dict:
    [el] = [e for e in at.get("bidi_component") if e.proto.component_name ==
            "regularization_screen"]
    return json.loads(el.proto.json)


@pytest.mark.parametrize("params, page, go", [
    ({"lesson": "primer", "step": "2"}, "landscape",
     "update_rules?lesson=primer&step=2&data=false&w0=0.1&lam=3"),
    ({"lesson": "primer", "presenter": "true"}, "landscape",
     "./?presenter=true&lesson=primer&step=1&penalty=L1&lam=1"),
    ({"lesson": "primer", "step": "1", "lam": "1", "penalty": "L1"}, "geometry",
     "./?lesson=primer&step=1&penalty=L1&lam=1"),
])
def test_a_posted_step_link_opens_its_steps_page_with_its_settings(params, page, go):
    """The router sends the browser to the step's own link and runs no page meanwhile."""
    at = open_step(page, **params)
    assert screen_data(at)["go"] == go
    assert not at.select_slider and "Opening" in at.caption[0].value   # no page ran


def test_a_complete_step_link_opens_in_place():
    step = PRIMER.steps[0]
    at = open_step("landscape", lesson="primer", step="1", **step.settings)
    assert screen_data(at)["go"] is None and chart(at, "landscape_chart")["data"]


# ---- the builder ----------------------------------------------------------------------------

def open_builder(at: AppTest) -> AppTest:
    for label in ("Share this view", "Make a lesson"):
        box = next(e for e in at.expander if e.label == label)
        at.session_state[box.proto.id.rsplit("-", 1)[-1]] = True
        at.run()
        assert not at.exception, at.exception
    return at


def add(at: AppTest, question: str, after: str) -> AppTest:
    at.text_input(key="lesson_new_question").input(question)
    at.text_input(key="lesson_new_after").input(after)
    at.button(key="lesson_add").click().run()
    assert not at.exception, at.exception
    return at


def draft_value(at: AppTest) -> str:
    value = at.query_params["draft"]
    return value[0] if isinstance(value, list) else value


def draft(at: AppTest) -> lessons.Lesson:
    lesson, notices = lessons.from_link_value(draft_value(at))
    assert notices == []
    return lesson


def test_a_teacher_builds_a_three_step_lesson_reorders_it_and_gets_a_file_and_a_link():
    # each view opened from its link, as a preset or a step does (the draft rides along)
    at = open_builder(open_step("landscape", lam="1"))
    add(at, "Where will the L1 minimizer land?", "On the w₁ axis.")
    at = open_builder(open_step("landscape", lam="5", draft=draft_value(at)))
    add(at, "And at λ = 5?", "At the origin.")
    at = open_builder(open_step("landscape", lam="5", penalty="L2", draft=draft_value(at)))
    add(at, "<script>alert(1)</script> and L2?", "Shrunk, not zero.")
    lesson = draft(at)
    assert [s.settings.get("lam") for s in lesson.steps] == ["1", "5", "5"]
    assert lesson.steps[2].settings["penalty"] == PENALTY_NAMES["l2"]
    assert lesson.steps[2].question.startswith("<script>")
    at.button(key="lesson_up_2").click().run()          # the third step becomes the second
    lesson = draft(at)
    assert [s.question[:5] for s in lesson.steps] == ["Where", "<scri", "And a"]
    # the file reads back to the same lesson; so does the link of "Start this lesson"
    file_text = lessons.to_toml(lesson)
    assert lessons.read_text(file_text) == (lesson, [])
    start = next(h.proto.body for h in at.get("html") if "lesson-start" in h.proto.body)
    assert "<script>alert" not in start
    href = html.unescape(re.search(r'href="([^"]*)"', start).group(1))
    assert lessons.from_link_value(parse_qs(urlsplit(href).query)["lesson"][0]) == (lesson, [])
    at.button(key="lesson_drop_0").click().run()
    assert [s.question[:5] for s in draft(at).steps] == ["<scri", "And a"]
    assert not any("<script>" in m.value for m in at.markdown)


def test_adding_without_a_question_says_so():
    at = open_builder(open_step("sweep"))
    at.button(key="lesson_add").click().run()
    assert any("Type the question first" in w.value for w in at.warning)


MIXED = ("title = 'Mixed'\n[[step]]\npage = 'geometry'\nquestion = 'Corner?'\n[step.set]\n"
         "t = 1.5\n[[step]]\npage = 'nowhere'\nquestion = 'x?'\n[[step]]\npage = 'sweep'\n"
         "question = 'Best λ?'\n[step.set]\nlam = 'lots'\n")


def upload(at: AppTest, name: str, data: bytes) -> AppTest:
    at.file_uploader(key="lesson_file").set_value((name, data, "application/toml")).run()
    assert not at.exception, at.exception
    return at


def test_a_lesson_file_with_mistakes_opens_with_a_notice_per_mistake_and_its_good_steps():
    at = upload(open_builder(open_step("geometry")), "mixed.toml", MIXED.encode())
    notices = [w.value for w in at.warning]
    assert any("Step 2" in n and "nowhere" in n for n in notices), notices
    assert any("Step 3" in n and "lots" in n for n in notices), notices
    lesson = draft(at)
    assert lesson.title == "Mixed" and [s.page for s in lesson.steps] == ["geometry", "sweep"]
    at = open_step("geometry", lesson=lessons.to_link_value(lesson), step="1", t="1.5")
    assert "step 1 of 2" in bar(at) and not at.warning


@pytest.mark.parametrize("data, words", [
    (b"x" * 70_000, "at most 64 kB"),
    (b"\xff\xfe\x00\x01", "not UTF-8"),
    (b"<script>alert(1)</script>", "not valid TOML"),
    (b"title = 'only a title'", "no steps"),
])
def test_a_bad_lesson_file_gives_its_notice_and_the_page_keeps_working(data, words):
    at = upload(open_builder(open_step("weights")), "bad.toml", data)
    notices = " ".join(w.value for w in at.warning)
    assert words in notices.replace("\\", "") and "<script>" not in notices
    assert chart(at, "weights_chart")["data"]
