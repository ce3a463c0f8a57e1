"""Class rooms in a real Chromium. Geometry, two questions in a row: a phone clicks where the
L1 ball's answer lands (the drag handle is gone while it answers), the teacher's chart holds
the click and Reveal puts the brute-force answer over it; then Next, and a tap on "which
weights are exactly 0?" fills the teacher's bar for that choice. Update rules: a phone clicks
the height where L1 proximal's weight ends, and Reveal puts a scalar loop's end over it."""

import re
from urllib.parse import parse_qs, urlsplit

import pytest

from tests.unit.test_geometry import l1_ball_answer_by_search
from tests.unit.test_updates import numpy_path

from .helpers import one_button, open_page
from .test_rooms import PHONE, answer_on_chart

DATA = "document.querySelector('.js-plotly-plot')?.data"


def has_trace(page, prefix: str, timeout: float = 30_000) -> None:
    page.wait_for_function(f"(p) => {DATA}?.some((t) => String(t.name).startsWith(p))",
                           arg=prefix, timeout=timeout)


def start_and_ask(t) -> str:
    """The teacher starts a class room and asks the page's first question: its code."""
    t.get_by_text("Class room: predict together").click()
    t.get_by_role("button", name="Start a class room").click()
    one_button(t, "room_ask", timeout=30_000)
    code = {k: v[-1] for k, v in parse_qs(urlsplit(t.url).query).items()}["room"]
    one_button(t, "room_ask").click()
    one_button(t, "room_reveal", timeout=30_000)
    return code


def test_a_class_answers_two_geometry_questions_a_click_then_a_tap(browser, app_server):
    teacher_ctx = browser.new_context(viewport={"width": 1280, "height": 720})
    phone = browser.new_context(viewport=PHONE)
    try:
        t = open_page(teacher_ctx.new_page(), app_server + "/geometry?presenter=true",
                      charts=3)
        code = start_and_ask(t)

        s = open_page(phone.new_page(), f"{app_server}/geometry?room={code}", charts=1)
        s.get_by_text("Where does the answer in the L1 ball").first.wait_for(timeout=30_000)
        assert s.locator("nav.presets").count() == 0   # the teacher's settings hold
        # no drag handle while a click answers (a drag would move J instead)
        assert s.evaluate("() => document.querySelector('.js-plotly-plot')"
                          "._fullLayout.shapes.length") == 0
        answer_on_chart(s, 1.0, 0.3)
        has_trace(t, "the class's answers (1)", timeout=10_000)

        one_button(t, "room_reveal").click()
        has_trace(t, "the answer")
        truth = t.evaluate(f"() => {{ const a = {DATA}.find((t) => String(t.name)"
                           ".startsWith('the answer')); return [a.x[0], a.y[0], a.name]; }")
        _, best = l1_ball_answer_by_search()
        assert truth[:2] == pytest.approx(best, abs=2e-4)
        assert truth[2] == "the answer (1 of 1 close)"   # (1, 0.3) is 0.36 from (1.2, 0)
        has_trace(s, "the answer")   # the student sees it too, over the class's answers
        s.locator("nav.presets").wait_for(timeout=30_000)   # and may explore again

        one_button(t, "room_next").click()
        t.wait_for_function(f"() => !{DATA}?.some((t) => String(t.name)"
                            ".startsWith('the class'))", timeout=30_000)
        t.locator("[data-testid='stSelectbox']").filter(has_text="Question to ask") \
            .get_by_role("combobox").click()
        t.get_by_role("option", name=re.compile("In the L1 ball")).click()
        one_button(t, "room_ask").click()
        t.get_by_text(re.compile(r"^w₂ only: 0$")).wait_for(timeout=30_000)

        radio = s.locator("[data-testid='stRadio']").filter(has_text="Your answer")
        radio.get_by_text("w₂ only", exact=True).click(timeout=30_000)
        t.get_by_text(re.compile(r"^w₂ only: 1$")).wait_for(timeout=10_000)
        one_button(t, "room_reveal").click()
        # the corner on the w₁ axis (the search above found it): w₂ alone is 0
        assert best[1] == pytest.approx(0.0, abs=1e-9) and abs(best[0]) > 0.5
        t.get_by_text(re.compile(r"^w₂ only: 1 ✓$")).wait_for(timeout=30_000)
    finally:
        teacher_ctx.close()
        phone.close()


def test_a_class_clicks_how_high_l1_proximal_ends_on_update_rules(browser, app_server):
    teacher_ctx = browser.new_context(viewport={"width": 1280, "height": 720})
    phone = browser.new_context(viewport=PHONE)
    try:
        t = open_page(teacher_ctx.new_page(), app_server + "/update_rules?presenter=true&lam=0.2",
                      charts=1)
        code = start_and_ask(t)

        s = open_page(phone.new_page(), f"{app_server}/update_rules?room={code}", charts=1)
        s.get_by_text("where is L1 proximal's weight?").first.wait_for(timeout=30_000)
        assert s.locator("nav.presets").count() == 0   # the teacher's settings hold
        answer_on_chart(s, 30.0, 0.4)
        has_trace(t, "the class's answers (1)", timeout=10_000)

        one_button(t, "room_reveal").click()
        has_trace(t, "the answer")
        truth = t.evaluate(f"() => {{ const a = {DATA}.find((t) => String(t.name)"
                           ".startsWith('the answer')); return [a.x[0], a.y[0], a.name]; }")
        # the page's defaults: J = a(w − c)²/2 with a = 1, c = 0.5, from w₀ = 1.5, α = 0.1
        end = float(numpy_path("l1", "proximal", 0.2, 0.1, 1.0, 0.5, 1.5, 60)[-1])
        assert truth[:2] == pytest.approx([60, end], abs=1e-5)
        # 0.4 is 0.1 from the end (≈ 0.3): within a tenth of the chart's 2.45 in height
        assert truth[2] == "the answer (1 of 1 close)"
        has_trace(s, "the answer")
        s.locator("nav.presets").wait_for(timeout=30_000)
    finally:
        teacher_ctx.close()
        phone.close()
