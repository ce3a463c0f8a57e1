"""Lessons as files and links (ui.lessons) and their handout (ui.handout): the built-in lesson
covers the primer's fifteen claims on the pages the primer names; a lesson round-trips through
its file and its link; every hostile input gives plain notices and keeps the good steps; the
handout holds one figure per step, the page's own, and nothing from the lesson as markup."""

import base64
import html
import json
import re
import zlib
from pathlib import Path

import pytest

from ui import handout, lessons
from ui.lessons import Lesson, Step

ROOT = Path(__file__).resolve().parents[2]
PRIMER = ROOT.parent / "shared" / "PRIMER.md"

GOOD = """title = "Three steps"
[[step]]
page = "landscape"
question = "Where will the L1 minimizer land?"
after = "On an axis."
[step.set]
lam = 1
penalty = "L1"
[[step]]
page = "geometry"
question = "Corner or edge?"
after = "A corner."
[step.set]
t = 1.5
[[step]]
page = "weights"
question = "Which histogram spikes at 0?"
"""


def read(text: str):
    return lessons.read_text(text)


# ---- the built-in lesson --------------------------------------------------------------------

def primer_table() -> dict[int, str]:
    """claim number -> the page column of the primer's table (docs the lesson must follow)."""
    rows = re.findall(r"^\| *(\d+) *\|[^|]*\|([^|]*)\|", PRIMER.read_text(), re.M)
    return {int(n): page for n, page in rows}


def test_the_primer_lesson_has_twelve_steps_and_covers_every_claim_on_its_page():
    lesson = lessons.built_in("primer")
    assert lesson.title == "The primer in 12 steps" and len(lesson.steps) == 12
    table = primer_table() if PRIMER.exists() else {}
    for claim in range(1, 16):
        steps = [s for s in lesson.steps if claim in s.claims]
        assert steps, f"claim {claim} is on no step"
        if table:
            titles = {lessons.PAGES[s.page][0] for s in steps}
            assert any(t.split(" ")[0] in table[claim] for t in titles), (claim, titles)
    for step in lesson.steps:
        assert step.question.endswith("?") and step.after, step


def test_the_primer_file_reads_without_a_notice():
    lesson, notices = lessons.read_bytes((lessons.LESSONS_DIR / "primer.toml").read_bytes())
    assert lesson is not None and notices == []


# ---- round trips ----------------------------------------------------------------------------

def test_a_lesson_round_trips_through_its_file_and_its_link():
    lesson, notices = read(GOOD)
    assert notices == [] and len(lesson.steps) == 3
    assert lesson.steps[0].settings == {"lam": "1", "penalty": "L1"}
    assert read(lessons.to_toml(lesson)) == (lesson, [])
    assert lessons.from_link_value(lessons.to_link_value(lesson)) == (lesson, [])
    primer = lessons.built_in("primer")
    assert read(lessons.to_toml(primer)) == (primer, [])


def test_awkward_text_round_trips():
    """Quotes, backslashes, line breaks, TOML's and Markdown's own marks, other scripts."""
    odd = 'He said "λ = 1\\n"; \\ [x](y) *z* $a$ <b> 日本語 ✓ """ \'\'\''
    lesson = Lesson(odd[:lessons.MAX_TITLE], (Step("sweep", odd, odd + "\n2", {"lam": "0.22"}),))
    back, notices = read(lessons.to_toml(lesson))
    assert notices == []
    assert back.steps[0].question == odd and back.steps[0].after == odd + "\n2"


def test_the_link_of_a_forty_step_lesson_fits_nginx_default_request_line():
    step = Step("landscape", "Where will the L1 minimizer land when λ is this large?" * 2,
                "On an axis, exactly: the diamond's corner." * 3, {"lam": "1", "w1": "-3"})
    value = lessons.to_link_value(Lesson("Long", (step,) * lessons.MAX_STEPS))
    assert len(value) < lessons.MAX_LINK_CHARS


# ---- hostile input --------------------------------------------------------------------------

def assert_plain(notices: list[str]) -> None:
    for n in notices:
        assert n and "Traceback" not in n and "<" not in n and ">" not in n, n


@pytest.mark.parametrize("text, words", [
    ("", "no steps"),
    ("title = 'x'", "no steps"),
    ("[[step]]\npage = 'landscape'", "no question"),
    ("[[step]]\nquestion = 'q?'", "not a page"),
    ("[[step]]\npage = 'pages/../secret'\nquestion = 'q?'", "not a page"),
    ("[[step]]\npage = 'landscape'\nquestion = 'q?'\npage = 'geometry'", "not valid TOML"),
    ("title = 'a'\ntitle = 'b'\n[[step]]\npage = 'landscape'\nquestion = 'q'", "not valid TOML"),
    ("step = 3", "no steps"),
    ("step = [1, 2]", "not a table"),
    ("[[step]]\npage = 7\nquestion = 'q?'", "not a page"),
    ("[[step]]\npage = 'landscape'\nquestion = 12", "no question"),
    ("[[step]]\npage = 'landscape'\nquestion = '" + "q" * 301 + "'", "no question"),
    ("not toml at all {{{", "not valid TOML"),
    ("<script>alert(1)</script>", "not valid TOML"),
])
def test_a_file_that_holds_no_usable_step_gives_a_notice_and_no_lesson(text, words):
    lesson, notices = read(text)
    assert lesson is None and any(words in n for n in notices), notices
    assert_plain(notices)


@pytest.mark.parametrize("step, words", [
    ("page = 'nowhere'\nquestion = 'q?'", "Step 2: “nowhere” is not a page"),
    ("page = 'landscape'\nquestion = 'q?'\n[step.set]\nlam = 'lots'", "Step 2: “lots” is not a "
                                                                      "value lam can take"),
    ("page = 'landscape'\nquestion = 'q?'\n[step.set]\nlam = nan", "Step 2: “nan” is not a"),
    ("page = 'landscape'\nquestion = 'q?'\n[step.set]\nlam = inf", "Step 2: “inf” is not a"),
    ("page = 'landscape'\nquestion = 'q?'\n[step.set]\nwarp = 9", "“warp” is not a setting"),
    ("page = 'landscape'\nquestion = 'q?'\n[step.set]\nlam = [1, 2]", "is not a value lam"),
    ("page = 'landscape'\nquestion = 'q?'\n[step.set]\nview = 'x'\nlam = '" + "9" * 50 + "'",
     "is not a value lam"),
    ("page = 'landscape'\nquestion = 'q?'\nset = 'lam=1'", "settings are not a table"),
    ("page = 'landscape'\nquestion = 'q?'\nclaims = [99]", "claims are not a list"),
    ("page = 'landscape'\nquestion = 'q?'\nafter = 3", "“after” is not a text"),
    ("page = 'landscape'\nquestion = 'q?'\nextra = 1", "“extra” is not part of a step"),
    ("page = 'landscape'\nquestion = 'Where will the L1 minimizer land?'\nafter = 'On an axis.'"
     "\n[step.set]\nlam = 1\npenalty = 'L1'", "Step 2 repeats step 1"),
])
def test_a_bad_step_is_named_and_the_good_steps_are_kept(step, words):
    text = GOOD.split("[[step]]\npage = \"geometry\"")[0] + "[[step]]\n" + step
    lesson, notices = read(text)
    assert lesson is not None and lesson.steps[0].settings["lam"] == "1"
    assert any(words in n for n in notices), notices
    assert_plain(notices)


def test_script_tags_in_a_lesson_are_kept_as_text_and_never_become_markup():
    evil = '<script>alert(1)</script><img src=x onerror="alert(2)">'
    text = (f"title = '{evil}'\n[[step]]\npage = 'landscape'\nquestion = '{evil}'\n"
            f"after = '{evil}'\n[step.set]\nlam = '1'\n'<b>' = 1\n")
    lesson, notices = read(text)
    assert lesson.steps[0].question == evil          # kept as typed: shown escaped
    assert_plain(notices)                            # the bad key is quoted without markup
    page = handout.html(lesson, {1: 'http://x/?"><script>alert(3)</script>'})
    assert "<script>alert" not in page and "<img src=x" not in page
    assert html.escape(evil) in page


def test_the_markdown_the_bar_shows_is_the_text_as_typed():
    from ui.lesson_bar import md_plain

    for raw in ("[x](javascript:alert(1))", "**bold** $x^2$ `c` <b>", "# heading", "a_b_c"):
        shown = md_plain(raw)
        assert re.sub(r"\\(.)", r"\1", shown) == raw
        assert not re.search(r"(?<!\\)[\[\]()*`$<>#_]", shown), shown


def test_a_huge_file_a_binary_file_and_a_bom_each_get_their_answer():
    lesson, notices = lessons.read_bytes(b"x" * (lessons.MAX_FILE_BYTES + 1))
    assert lesson is None and "at most 64 kB" in notices[0]
    lesson, notices = lessons.read_bytes(b"\xff\xfe\x00t\x00i\x00t")
    assert lesson is None and "not UTF-8" in notices[0]
    lesson, notices = lessons.read_bytes(b"\xef\xbb\xbf" + GOOD.encode())
    assert lesson is not None and notices == []
    lesson, notices = lessons.read_bytes(GOOD.encode("utf-16"))
    assert lesson is None and "not UTF-8" in notices[0]


def test_too_many_steps_keep_the_first_forty():
    one = "[[step]]\npage = 'sweep'\nquestion = 'q{}?'\n"
    lesson, notices = read("".join(one.format(i) for i in range(100)))
    assert len(lesson.steps) == lessons.MAX_STEPS and "first 40" in notices[0]


def test_a_damaged_or_forged_link_gives_a_notice():
    good = lessons.to_link_value(read(GOOD)[0])
    bomb = "~" + base64.urlsafe_b64encode(zlib.compress(b"#" * 10_000_000)).decode()
    for value in ("nosuch", good[:-7], "~!!!", "~", bomb, "~" + "A" * 7000, "<script>"):
        lesson, notices = lessons.from_link_value(value)
        assert lesson is None or notices, value
        assert notices and all("<" not in n for n in notices), (value, notices)


# ---- the handout ----------------------------------------------------------------------------

@pytest.fixture(scope="module")
def primer_handout() -> str:
    return handout.html(lessons.built_in("primer"))


def figure_specs(page: str) -> list[dict]:
    found = re.findall(r'<script type="application/json" class="figure-spec" '
                       r'data-for="figure-(\d+)">(.*?)</script>', page, re.S)
    assert [int(k) for k, _ in found] == list(range(1, len(found) + 1))
    return [json.loads(body.replace("<\\/", "</")) for _, body in found]


def test_the_handout_holds_one_figure_per_step_and_the_answers_after_a_page_break(
        primer_handout):
    lesson = lessons.built_in("primer")
    specs = figure_specs(primer_handout)
    assert len(specs) == len(lesson.steps) == primer_handout.count('<div class="figure"')
    for spec in specs:
        # a hidden answer can be the whole plot (the sweep's paths): its axes stay, to draw on
        assert "xaxis" in spec["layout"] and "frames" not in spec
        assert "sliders" not in spec["layout"]
    questions, answers = primer_handout.split('<section class="answers">')
    for step in lesson.steps:
        assert html.escape(step.question) in questions
        assert html.escape(step.after) in answers and html.escape(step.after) not in questions
    assert "break-before: page" in primer_handout


def test_the_handout_opens_offline(primer_handout):
    """plotly.js is inside; nothing is fetched from anywhere."""
    assert "Plotly.toImage" in primer_handout and len(primer_handout) > 3_000_000
    assert not re.search(r'<(script|link|img)[^>]+(src|href)="https?:', primer_handout)


def test_the_handout_hides_the_answer_as_the_class_first_sees_it():
    step = Step("landscape", "q?", "a", {"lam": "1"})
    hidden = {t.get("name") for t in handout.step_figure(step).to_dict()["data"]}
    shown = {t.get("name") for t in handout.step_figure(step, show_answer=True).to_dict()["data"]}
    assert "minimizer, L1" in shown and "minimizer, L1" not in hidden


def test_the_handout_reads_settings_as_the_controls_do():
    v = handout.values("landscape", {"penalty": "L0", "lam": "0", "steps": "30", "w1": "-3",
                                     "rule": "nonsense"})
    assert v["penalty"] == "l0" and v["lam"] == 0.0 and v["steps"] == 30 and v["w1"] == -3.0
    assert v["rule"] == lessons.page_defaults("landscape")["rule"]
    assert handout.values("update_rules", {"data": "false"})["data"] is False
    assert handout.values("weights", {"model": "MLP"})["model"] == "mlp"


def test_the_sweep_figure_marks_the_steps_lambda():
    fig = handout.step_figure(Step("sweep", "q?", "a", {"lam": "0.22"}))
    lines = [sh for sh in fig.spec["layout"]["shapes"] if sh["type"] == "line"]
    assert lines and all(sh["x0"] == sh["x1"] == 0.22 for sh in lines)
