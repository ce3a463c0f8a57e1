"""The classroom kit on every page: presets, reset, presenter mode, predict-then-reveal, link."""

import html
import re
from urllib.parse import parse_qs, urlsplit

import pytest
from apptools import chart
from streamlit.testing.v1 import AppTest

APP = "../../app.py"

# page file -> its key prefix, its λ control and the value "λ too large" gives it, its main chart
PAGES = {
    "views/landscape.py": {"prefix": "landscape", "key": "lam", "value": 5.0,
                           "chart": "landscape_chart"},
    "views/update_rules.py": {"prefix": "update", "key": "lam", "value": 4.0,
                              "chart": "update_chart"},
    "views/geometry.py": {"prefix": "geometry", "key": "lam", "value": 5.0,
                          "chart": "geometry_chart"},
    # "answer": a word in the names of the traces predict-first hides (default "minimizer")
    "views/weights.py": {"prefix": "weights", "key": "lam", "value": 1.0,
                         "chart": "weights_chart", "answer": "L1"},
    "views/crosses.py": {"prefix": "crosses", "key": "lambda", "value": 0.1,
                         "chart": "crosses_chart"},
    "views/sweep.py": {"prefix": "sweep", "key": "lam", "value": 100.0,
                       "chart": "sweep_bias_chart"},
}


def open_page(page: str, **params) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=30)
    at.query_params.update(params)
    if page != "views/landscape.py":
        # Switch before the first run: a run of the home page first would drop the link's
        # parameters that the home page does not take (kit.controls_block). (AppTest then
        # runs the page file alone, without app.py's sidebar toggle: set presenter mode the
        # way that toggle would.)
        at.switch_page(page)
        at.session_state["presenter"] = params.get("presenter") == "true"
    at.run()
    assert not at.exception, at.exception
    return at


def spec(at: AppTest, key: str) -> dict:
    return chart(at, key)


def names(at: AppTest, key: str) -> list[str]:
    return [t.get("name", "") for t in spec(at, key)["data"]]


def widget(at: AppTest, key: str):
    for kind in ("select_slider", "slider", "selectbox", "radio", "toggle", "number_input"):
        found = [w for w in getattr(at, kind) if w.key == key]
        if found:
            return found[0]
    raise AssertionError(f"no widget {key!r}")


def preset_links(at: AppTest) -> dict[str, dict[str, list[str]]]:
    """label -> query of every preset link on the page (they live in one <nav>)."""
    body = next(h.proto.body for h in at.get("html") if 'class="presets"' in h.proto.body)
    found = re.findall(r'<a class="preset[^"]*" href="([^"]*)"[^>]*>([^<]*)</a>', body)
    return {html.unescape(label): parse_qs(urlsplit(html.unescape(href)).query)
            for href, label in found}


@pytest.mark.parametrize("page", PAGES)
def test_every_preset_link_sets_its_controls_and_says_what_to_look_for(page):
    p = PAGES[page]
    at = open_page(page, presenter="true")
    links = preset_links(at)
    assert len(links) >= 4  # the primer's three λ regimes and a reset
    for label, query in links.items():
        params = {k: v[-1] for k, v in query.items()}
        assert params.get("presenter") == "true", "a preset keeps presenter mode"
        opened = open_page(page, **params)
        assert not opened.exception, label
        if "Reset" in label:
            assert not opened.info
            assert widget(opened, p["key"]).value == widget(open_page(page), p["key"]).value
        else:
            assert opened.info, f"{label}: the active preset says what to look for"
            assert any('class="preset active"' in h.proto.body for h in opened.get("html"))


@pytest.mark.parametrize("page", PAGES)
def test_the_large_lambda_preset_sets_lambda(page):
    p = PAGES[page]
    links = preset_links(open_page(page))
    query = next(q for label, q in links.items() if "too large" in label)
    opened = open_page(page, **{k: v[-1] for k, v in query.items()})
    assert widget(opened, p["key"]).value == p["value"]


@pytest.mark.parametrize("page", PAGES)
def test_presenter_mode_thickens_lines_and_is_in_the_url(page):
    p = PAGES[page]
    plain = open_page(page)
    big = open_page(page, presenter="true")
    toggles = {t.key: t.value for t in big.toggle}
    if page == "views/landscape.py":  # the home page runs app.py and its sidebar toggle
        assert toggles["presenter"] is True
    assert any("st-key-prose" in h.proto.body for h in big.get("html"))
    widths = [[(t.get("line") or {}).get("width") for t in spec(at, p["chart"])["data"]]
              for at in (plain, big)]
    pairs = [(a, b) for a, b in zip(*widths, strict=True) if a]
    assert pairs and all(b == pytest.approx(2 * a) for a, b in pairs)
    assert spec(big, p["chart"])["layout"]["font"]["size"] == 16   # legible from the back


@pytest.mark.parametrize("page", PAGES)
def test_predict_then_reveal_hides_until_revealed_and_survives_reruns(page):
    p = PAGES[page]
    answer = p.get("answer", "minimizer")
    at = open_page(page, **{f"{p['prefix']}_predict": "true"})
    hidden = names(at, p["chart"])
    assert not any(answer in n or "path" in n for n in hidden)
    at.button(key=f"{p['prefix']}_reveal_button").click().run()
    shown = names(at, p["chart"])
    assert any(answer in n for n in shown)
    at.run()  # a plain rerun keeps the answer shown
    assert any(answer in n for n in names(at, p["chart"]))
    # A new question (another setting) hides the answer again.
    widget(at, p["key"]).set_value(p["value"]).run()
    assert not any(answer in n for n in names(at, p["chart"]))


@pytest.mark.parametrize("page", PAGES)
def test_share_link_is_sent_once_opened_and_holds_the_controls(page):
    p = PAGES[page]
    at = open_page(page, **{p["key"]: f"{p['value']:g}"})
    box = next(e for e in at.expander if e.label == "Share this view")
    assert not at.code, "a closed share box's code is sent (and highlighted) for nothing"
    at.session_state[box.proto.id.rsplit("-", 1)[-1]] = True  # what opening it does
    at.run()
    assert not at.exception, at.exception
    box = next(e for e in at.expander if e.label == "Share this view")
    [link] = [c.value for c in box.code]
    assert f"{p['key']}={p['value']:g}" in link


@pytest.mark.parametrize("page", PAGES)
def test_the_code_is_sent_only_once_its_expander_is_opened(page):
    at = open_page(page)
    box = next(e for e in at.expander if e.label == "Show the code")
    assert not box.code, "a closed expander's code is sent (and highlighted) for nothing"
    at.session_state[box.proto.id.rsplit("-", 1)[-1]] = True  # what opening it does
    at.run()
    assert not at.exception, at.exception
    shown = [c.value for c in next(e for e in at.expander if e.label == "Show the code").code]
    assert shown and all(s.lstrip().startswith(("def ", "@")) for s in shown)
    assert any("return" in s for s in shown)
