"""Lessons: an ordered list of steps, each a page with its settings, a question to ask the class
and the sentence to say after the reveal. No Streamlit here (``ui.lesson_bar`` runs them).

A lesson is a small TOML file (``lessons/primer.toml`` is the built-in one)::

    title = "My lesson"
    [[step]]
    page = "landscape"                  # a key of PAGES
    question = "Where will the L1 minimizer land?"
    after = "On an axis: w₂ is exactly 0."
    claims = [1]                        # optional: the primer's claims it shows
    [step.set]                          # optional: the settings, as a link writes them
    lam = "1"

It also travels in a link: ``?lesson=primer`` names a built-in lesson, ``?lesson=~…`` carries
the file itself (zlib, then URL-safe base64), so a teacher can post step links before class.
Everything here is untrusted input: a lesson is read into plain values, each mistake becomes a
sentence naming its step, and the steps without mistakes are kept.
"""

from __future__ import annotations

import base64
import json
import math
import re
import tomllib
import zlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

LESSONS_DIR = Path(__file__).resolve().parent.parent / "lessons"
BUILT_IN = {"primer": "primer.toml"}

# The pages a step can open: id -> (title, icon, url path; "" is the app's root).
PAGES = {
    "landscape": ("Landscape", "⛰️", ""),
    "geometry": ("Geometry", "🔷", "geometry"),
    "update_rules": ("Update rules", "👣", "update_rules"),
    "weights": ("Weights", "📊", "weights"),
    "sweep": ("λ sweep & residuals", "📈", "sweep"),
    "crosses": ("Sparse crosses", "🗺️", "crosses"),
}

# Limits on what a lesson may be: a file, a link, its steps and their texts.
MAX_FILE_BYTES = 64_000
MAX_LINK_CHARS = 6_000      # what fits in a request line behind nginx's default 8 kB buffer
MAX_STEPS = 40
MAX_TITLE = 80
MAX_QUESTION = 300
MAX_AFTER = 400
MAX_SETTINGS = 20
MAX_VALUE = 40
CLAIMS = range(1, 16)
_KEY = re.compile(r"[a-z][a-z0-9_]{0,23}")
_CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


@dataclass(frozen=True)
class Step:
    page: str
    question: str
    after: str
    settings: Mapping[str, str] = field(default_factory=dict)
    claims: tuple[int, ...] = ()


@dataclass(frozen=True)
class Lesson:
    title: str
    steps: tuple[Step, ...]


def page_defaults(page: str) -> Mapping[str, object]:
    """The settings a page takes and their defaults (``core.scenes.<page>.DEFAULTS``)."""
    from core.scenes import crosses, geometry, landscape, sweep, update_rules, weights

    modules = {"landscape": landscape, "geometry": geometry, "update_rules": update_rules,
               "weights": weights, "sweep": sweep, "crosses": crosses}
    return modules[page].DEFAULTS


def quoted(text: object, limit: int = 24) -> str:
    """Something a file said, made safe to quote in a notice: no markup, no line breaks."""
    text = re.sub(r"[^\w .,+\-]", "·", str(text))
    return text if len(text) <= limit else text[:limit] + "…"


# ---- reading --------------------------------------------------------------------------------

def read_bytes(data: bytes) -> tuple[Lesson | None, list[str]]:
    """A lesson from a file's bytes: UTF-8 (a BOM is dropped), at most ``MAX_FILE_BYTES``."""
    if len(data) > MAX_FILE_BYTES:
        return None, [f"The file is {len(data) / 1000:,.0f} kB; a lesson file may be at most "
                      f"{MAX_FILE_BYTES // 1000} kB."]
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return None, ["The file is not UTF-8 text. Save it as UTF-8 (any text editor can) "
                      "and open it again."]
    return read_text(text)


def read_text(text: str) -> tuple[Lesson | None, list[str]]:
    """A lesson from TOML text, and what was wrong with it, in plain words.

    The lesson holds every step without a mistake; it is None when no step is left.
    """
    try:
        doc = tomllib.loads(text)
    except tomllib.TOMLDecodeError as e:
        return None, [f"This is not a lesson file: it is not valid TOML ({quoted(e, 60)})."]
    problems = [f"“{quoted(k)}” is not part of a lesson file, so it was ignored."
                for k in doc if k not in ("title", "step")]
    title = doc.get("title", "Untitled lesson")
    if not isinstance(title, str) or not title.strip():
        problems.append("The title is not a text, so the lesson is called “Untitled lesson”.")
        title = "Untitled lesson"
    title = _CONTROL_CHARS.sub("", title.strip())[:MAX_TITLE]
    raw = doc.get("step", [])
    if not isinstance(raw, list) or not raw:
        return None, problems + ["The file has no steps: each step starts with [[step]]."]
    if len(raw) > MAX_STEPS:
        problems.append(f"The file has {len(raw)} steps; a lesson keeps its first {MAX_STEPS}.")
    steps = []
    for k, entry in enumerate(raw[:MAX_STEPS], start=1):
        step, wrong = read_step(entry)
        problems += [f"Step {k}: {w}" for w in wrong]
        if step is not None and steps and step == steps[-1]:
            problems.append(f"Step {k} repeats step {k - 1} (same page, settings and "
                            "question), so it was left out.")
        elif step is not None:
            steps.append(step)
    if not steps:
        return None, problems + ["No step of the file could be used."]
    return Lesson(title, tuple(steps)), problems


def read_step(entry: object) -> tuple[Step | None, list[str]]:
    """One ``[[step]]`` table: a Step (None if it cannot be used) and what was wrong."""
    if not isinstance(entry, dict):
        return None, ["it is not a table of page, question and after, so it was left out."]
    page = entry.get("page")
    if page not in PAGES:
        return None, [f"“{quoted(page)}” is not a page of this app ({', '.join(PAGES)}), so "
                      "the step was left out."]
    wrong = [f"“{quoted(k)}” is not part of a step, so it was ignored."
             for k in entry if k not in ("page", "question", "after", "set", "claims")]
    question = _text(entry.get("question"), MAX_QUESTION)
    if not question:
        return None, wrong + ["it has no question (a text of at most "
                              f"{MAX_QUESTION} characters), so it was left out."]
    after = _text(entry.get("after"), MAX_AFTER)
    if not after and entry.get("after") not in (None, ""):
        wrong.append(f"its “after” is not a text of at most {MAX_AFTER} characters, so it "
                     "was ignored.")
    settings, bad = read_settings(page, entry.get("set", {}))
    claims = entry.get("claims", [])
    if not (isinstance(claims, list) and all(type(c) is int and c in CLAIMS for c in claims)):
        wrong.append("its claims are not a list of the primer's claim numbers (1 to 15), so "
                     "they were ignored.")
        claims = []
    return Step(page, question, after, settings, tuple(claims)), wrong + bad


def read_settings(page: str, table: object) -> tuple[dict[str, str], list[str]]:
    """A step's ``[step.set]``: the settings its page takes, as a link writes them.

    Each value is checked against the kind of its setting (a number, on/off, a name); the page
    itself checks it against its control when the step opens and says if it cannot take it.
    """
    if not isinstance(table, dict):
        return {}, ["its settings are not a table, so the page opens at its defaults."]
    defaults, settings, wrong = page_defaults(page), {}, []
    for key, value in list(table.items())[:MAX_SETTINGS]:
        if key not in defaults:
            wrong.append(f"“{quoted(key)}” is not a setting of the {PAGES[page][0]} page, so "
                         "it was ignored.")
            continue
        text = url_value(value)
        if text is None or not _fits(defaults[key], text):
            wrong.append(f"“{quoted(value)}” is not a value {quoted(key)} can take, so it "
                         "keeps its default.")
            continue
        settings[key] = text
    if len(table) > MAX_SETTINGS:
        wrong.append(f"it has {len(table)} settings; a step keeps its first {MAX_SETTINGS}.")
    return settings, wrong


def url_value(value: object) -> str | None:
    """A TOML value as a link writes it: "1", "0.5", "true", "L1"; None for anything else."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float) and math.isfinite(value):
        return f"{value:g}"
    if isinstance(value, str) and 0 < len(value) <= MAX_VALUE and \
            not _CONTROL_CHARS.search(value):
        return value
    return None


def _fits(default: object, text: str) -> bool:
    if isinstance(default, bool):
        return text in ("true", "false")
    if isinstance(default, int | float):
        try:
            return math.isfinite(float(text))
        except ValueError:
            return False
    return True


def _text(value: object, limit: int) -> str:
    if not isinstance(value, str):
        return ""
    value = _CONTROL_CHARS.sub("", value).strip()
    return value if len(value) <= limit else ""


def built_in(name: str) -> Lesson:
    lesson, _ = read_bytes((LESSONS_DIR / BUILT_IN[name]).read_bytes())
    assert lesson is not None, name
    return lesson


# ---- writing --------------------------------------------------------------------------------

def to_toml(lesson: Lesson) -> str:
    """The lesson file (``read_text`` reads it back to the same lesson)."""
    lines = [f"title = {_toml_str(lesson.title)}"]
    for step in lesson.steps:
        lines += ["", "[[step]]", f"page = {_toml_str(step.page)}"]
        if step.claims:
            lines.append(f"claims = [{', '.join(map(str, step.claims))}]")
        lines.append(f"question = {_toml_str(step.question)}")
        if step.after:
            lines.append(f"after = {_toml_str(step.after)}")
        if step.settings:
            lines.append("[step.set]")
            lines += [f"{k} = {_toml_str(v)}" for k, v in step.settings.items()]
    return "\n".join(lines) + "\n"


def _toml_str(s: str) -> str:
    """A TOML basic string: JSON's escapes (\\" \\\\ \\n \\uXXXX) are TOML's too."""
    return json.dumps(s, ensure_ascii=False)


def to_link_value(lesson: Lesson) -> str:
    """The lesson as one URL value: ``~`` then the zlib-compressed file in URL-safe base64."""
    packed = base64.urlsafe_b64encode(zlib.compress(to_toml(lesson).encode(), 9))
    return "~" + packed.decode().rstrip("=")


def from_link_value(value: str) -> tuple[Lesson | None, list[str]]:
    """A lesson from a link's ``lesson`` value: a built-in name or ``to_link_value``'s text."""
    if value in BUILT_IN:
        return built_in(value), []
    if not value.startswith("~") or len(value) > MAX_LINK_CHARS:
        return None, [f"The link's lesson “{quoted(value)}” is not a lesson of this app "
                      f"(built in: {', '.join(BUILT_IN)})."]
    try:
        packed = base64.urlsafe_b64decode(value[1:] + "=" * (-len(value[1:]) % 4))
        inflate = zlib.decompressobj()
        data = inflate.decompress(packed, MAX_FILE_BYTES + 1)
    except (ValueError, zlib.error):
        return None, ["The link's lesson is damaged (cut short when it was copied?): ask for "
                      "the link again."]
    return read_bytes(data)
