"""Bad input never breaks a page: untrusted links, sliders at their extremes, diverging runs."""


import numpy as np
import pytest
from apptools import all_charts, decode
from streamlit.testing.v1 import AppTest
from test_kit import PAGES, open_page

BAD_VALUES = ["nan", "inf", "1e309", "-1e309", "", "abc", "<script>alert(1)</script>",
              "[x](javascript:alert(1))", "9" * 400, "x" * 5000]
KINDS = ("select_slider", "slider", "selectbox", "radio", "toggle")


def bound_widgets(at: AppTest) -> dict:
    """key -> widget, for every keyed control on the page (they are all bound to the URL)."""
    return {w.key: w for kind in KINDS for w in getattr(at, kind)
            if w.key and not w.key.startswith("$$")}




def assert_charts_finite(at: AppTest) -> None:
    """No NaN or inf in any number any chart (or any of its frames) would draw."""
    for spec in all_charts(at):
        traces = list(spec["data"]) + [t for f in spec.get("frames", []) for t in f["data"]]
        for t in traces:
            for axis in ("x", "y", "z"):
                a = decode(t[axis]) if axis in t else np.array([])
                if a.dtype.kind == "f":
                    assert np.isfinite(a).all(), (t.get("name"), axis)


@pytest.mark.parametrize("page", PAGES)
@pytest.mark.parametrize("bad", BAD_VALUES)
def test_a_bad_link_falls_back_to_defaults_and_says_so(page, bad):
    defaults = {k: w.value for k, w in bound_widgets(open_page(page)).items()}
    at = open_page(page, **dict.fromkeys(defaults, bad))
    assert not at.exception
    values = {k: w.value for k, w in bound_widgets(at).items()}
    for key, value in values.items():
        if isinstance(value, bool) or bad.lower() in ("true", "false"):
            continue
        assert value == defaults[key], key
    notices = " ".join(w.value for w in at.warning)
    if bad:  # an empty value is the same as no value
        named = [k for k in defaults if f"**{k}**" in notices]
        assert len(named) >= len(defaults) - 1, notices  # at most a boolean took it
    # Shown as plain text: no markup, no link, no script survives from the URL.
    assert "<" not in notices and "](" not in notices and "javascript:" not in notices
    assert_charts_finite(at)


@pytest.mark.parametrize("page", PAGES)
def test_unknown_link_keys_are_dropped_with_a_notice(page):
    at = open_page(page, utm_source="x", **{"<b>": "1"})
    assert not at.exception
    notices = " ".join(w.value for w in at.warning)
    assert "**utm_source**" in notices and "<b>" not in notices
    assert "utm_source" not in at.query_params


@pytest.mark.parametrize("page", PAGES)
def test_a_good_link_gives_no_notice(page):
    at = open_page(page)
    assert not at.warning


def extreme(w, end: int):
    if hasattr(w, "options") and w.options:
        opts = w.options
        return opts[end] if not isinstance(w.value, float) else float(opts[end])
    return (w.min if end == 0 else w.max) if hasattr(w, "min") else w.value


@pytest.mark.parametrize("page", PAGES)
@pytest.mark.parametrize("end", [0, -1])
def test_every_slider_at_its_extreme_still_draws_finite_charts(page, end):
    at = open_page(page)
    for w in bound_widgets(at).values():
        if type(w).__name__ in ("Slider", "SelectSlider") and not w.disabled:
            w.set_value(extreme(w, end))
    at.run()
    assert not at.exception
    assert_charts_finite(at)
