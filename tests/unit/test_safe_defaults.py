"""Safe defaults: XSRF on, no raw HTML from users, a private compilation cache."""

import re
import stat
import tomllib
from pathlib import Path

import jax

from core import runtime

ROOT = Path(__file__).resolve().parents[2]
SOURCES = [p for d in ("app.py", "pages", "ui", "core") for p in
           ([ROOT / d] if d.endswith(".py") else sorted((ROOT / d).glob("*.py")))]


def test_streamlit_config_keeps_xsrf_protection_and_sends_no_usage_statistics():
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text())
    assert config["server"]["enableXsrfProtection"] is True
    assert config["browser"]["gatherUsageStats"] is False


def test_no_code_renders_unescaped_html():
    """`unsafe_allow_html` is never used; raw HTML goes through st.html built by the kit or the
    lesson bar (which escape what they put in: tests/unit/test_lessons.py) or by ui/screen.py,
    whose HTML is constant CSS."""
    for path in SOURCES:
        text = path.read_text()
        assert "unsafe_allow_html" not in text, path
        if "st.html(" in text:
            assert path.name in ("kit.py", "screen.py", "lesson_bar.py", "lesson_builder.py"), \
                f"{path}: HTML outside the kit and the lesson bar (which escape what they put in)"
    screen = (ROOT / "ui" / "screen.py").read_text()
    for call in re.findall(r"st\.html\(([^)]*)\)", screen):
        assert "session_state" not in call and "query_params" not in call, call


def test_the_kit_escapes_what_it_puts_in_html():
    from ui import kit

    link = kit._link('<img src=x onerror="alert(1)">', {"lam": '"><script>'}, active=False)
    assert "<script>" not in link and "<img" not in link and 'onerror="' not in link


def test_shown_url_text_keeps_no_markup():
    from ui.controls import plain

    for raw in ("<script>alert(1)</script>", "[x](javascript:alert(1))", "**bold**", "`code`"):
        shown = plain(raw)
        assert not re.search(r"[<>\[\]()*`:]", shown), shown


def test_compilation_cache_is_inside_the_project_and_owner_only(tmp_path):
    assert runtime.CACHE_DIR.parent == ROOT
    before = jax.config.jax_compilation_cache_dir
    try:
        path = runtime.use_compilation_cache(tmp_path / "cache")
        mode = stat.S_IMODE(path.stat().st_mode)
        assert mode == 0o700, oct(mode)
        assert jax.config.jax_compilation_cache_dir == str(path)
    finally:
        jax.config.update("jax_compilation_cache_dir", before)


def test_the_server_address_is_configurable():
    makefile = (ROOT / "Makefile").read_text()
    assert re.search(r"^HOST\s*\?=", makefile, re.M)
    assert "--server.address $(HOST)" in makefile
