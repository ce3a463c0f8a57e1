"""A lesson in a real browser: the teacher opens ``?lesson=primer`` in presenter mode and
Page Down (a clicker) walks the twelve steps, each on its page with its settings, its question
on the first screen and the answer hidden until R reveals it; Page Up and ← go back; the URL
follows. A student on a phone opens a posted step link and taps through."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

from playwright.sync_api import Page
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from ui import kit, lessons

from .helpers import wait_for_app

PROJECTOR = {"width": 1280, "height": 720}
PHONE = {"width": 390, "height": 844}
PRIMER = lessons.built_in("primer")
_MAIN = f".st-key-{kit.MAIN_CHART} .js-plotly-plot"

_BOXES_JS = """() => {
  const box = (sel) => { const e = document.querySelector(sel);
    if (!e) return null; const r = e.getBoundingClientRect(); return [r.top, r.bottom]; };
  return {bar: box('nav.lesson'), question: box('.st-key-lesson_question'),
          chart: box('.st-key-main_chart .js-plotly-plot'), H: innerHeight,
          where: document.querySelector('nav.lesson .lesson-where')?.textContent ?? ''};
}"""


def at_step(page: Page, k: int, height: int | None = None) -> dict:
    """Wait until the browser shows step k (its page, its settings, its chart drawn, and
    ``height`` px tall: a phone reports its width first, and the page reruns for it)."""
    step = PRIMER.steps[k - 1]
    path = lessons.PAGES[step.page][2]
    page.wait_for_url(lambda url: parse_qs(urlsplit(url).query).get("step") == [str(k)]
                      and urlsplit(url).path.strip("/") == path, timeout=90_000)
    wait_for_app(page)
    page.wait_for_selector(_MAIN, timeout=90_000)
    if height is not None:
        page.wait_for_function("([sel, h]) => document.querySelector(sel)?._fullLayout"
                               "?.height === h", arg=[_MAIN, height], timeout=90_000)
    wait_for_app(page)
    query = parse_qs(urlsplit(page.url).query)
    for key, value in step.settings.items():
        # a value equal to the control's default leaves the address (Streamlit's binding)
        assert query.get(key, [value]) == [value], (k, key, query)
    assert query["lesson"] == ["primer"]
    return page.evaluate(_BOXES_JS)


def press(page: Page, key: str) -> None:
    page.evaluate("() => document.activeElement?.blur()")   # as in front of a class
    page.keyboard.press(key)


def reveal(page: Page, after) -> None:
    """Press R once the reveal button is drawn; again if a rerun swallowed the press (on a
    loaded machine the button can be replaced while the key goes to the old one), as a
    teacher would press again."""
    for _ in range(3):
        page.wait_for_selector(f".st-key-{kit.MAIN_REVEAL} button", timeout=30_000)
        wait_for_app(page)
        press(page, "r")
        try:
            after.wait_for(timeout=15_000)
            return
        except PlaywrightTimeout:
            continue
    after.wait_for(timeout=1)


def test_page_down_teaches_the_primer_in_presenter_mode_and_page_up_goes_back(browser,
                                                                              app_server):
    context = browser.new_context(viewport=PROJECTOR)
    try:
        page = context.new_page()
        page.goto(f"{app_server}/?lesson=primer&presenter=true")
        for k in range(1, len(PRIMER.steps) + 1):
            boxes = at_step(page, k)
            assert f"step {k} of 12" in boxes["where"]
            H = boxes["H"]
            # the bar, the question and the chart's top on the projector's first screen
            assert boxes["bar"][1] <= H and boxes["question"][1] <= H, (k, boxes)
            assert boxes["chart"][0] < H / 3, (k, boxes)
            assert parse_qs(urlsplit(page.url).query)["presenter"] == ["true"]
            assert page.get_by_test_id("stException").count() == 0
            if k in (1, 12):   # hidden until R; then the sentence to say, on the first screen
                after = page.locator(".st-key-lesson_after")
                assert after.count() == 0
                reveal(page, after)
                assert PRIMER.steps[k - 1].after[:20] in after.inner_text()
                box = after.bounding_box()
                assert box["y"] + box["height"] <= H, (k, box)
            if k < len(PRIMER.steps):
                press(page, "PageDown")
        press(page, "PageUp")
        at_step(page, 11)
        press(page, "ArrowLeft")
        at_step(page, 10)
    finally:
        context.close()


def test_a_student_on_a_phone_opens_a_posted_step_link_and_taps_next(browser, app_server):
    context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
    try:
        page = context.new_page()
        page.goto(f"{app_server}/?lesson=primer&step=3")
        boxes = at_step(page, 3, kit.PHONE_CHART_HEIGHT)
        H = boxes["H"]
        assert boxes["bar"][1] <= H and boxes["question"][1] <= H, boxes
        assert boxes["chart"][0] < H * 0.75, boxes   # the chart starts on the first screen
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
        page.locator("nav.lesson a.lesson-next").tap()
        at_step(page, 4)
    finally:
        context.close()
