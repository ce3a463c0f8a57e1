"""Browser-test fixtures: the app on a free port, Playwright on the system Chromium.

- `app_server` (session): base URL of `streamlit run app.py`, started from the
  repo root; its log is attached to the report of any failing browser test.
- `browser_type_launch_args` / `browser_context_args`: pytest-playwright's
  fixtures, pointed at Debian's Chromium (never a downloaded browser).
- No Chromium: the tests skip, or fail when CI=true.
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

import pytest

from .helpers import log_tail, streamlit_server

REPO_ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path(os.environ.get("CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
_HERE = Path(__file__).resolve().parent
_LOG_KEY = pytest.StashKey[Path]()


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        if _HERE in item.path.parents:
            item.add_marker(pytest.mark.browser)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo):
    report = yield
    log = item.config.stash.get(_LOG_KEY, None)
    if report.when == "call" and report.failed and log is not None and _HERE in item.path.parents:
        report.sections.append(("streamlit server log (tail)", log_tail(log)))
    return report


def require_chromium() -> None:
    if CHROMIUM.is_file() and os.access(CHROMIUM, os.X_OK):
        return
    msg = f"Chromium not found at {CHROMIUM} (install it: apt-get install chromium)"
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"{msg}; CI=true, so browser tests fail instead of skipping", pytrace=False)
    pytest.skip(msg)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict) -> dict:
    require_chromium()
    return {
        **browser_type_launch_args,
        "executable_path": str(CHROMIUM),
        "args": [*browser_type_launch_args.get("args", []), *CHROMIUM_ARGS],
    }


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args: dict) -> dict:
    return {**browser_context_args, "viewport": {"width": 1280, "height": 800}}


@pytest.fixture(scope="session")
def app_server(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory):
    """Base URL (http://127.0.0.1:PORT) of the app, shared by the whole session."""
    log_path = tmp_path_factory.mktemp("streamlit") / "server.log"
    request.config.stash[_LOG_KEY] = log_path
    with contextlib.ExitStack() as stack:
        server = streamlit_server(REPO_ROOT / "app.py", cwd=REPO_ROOT, log_path=log_path)
        error = None
        try:
            base_url = stack.enter_context(server)
        except RuntimeError as exc:
            error = str(exc)
        if error is not None:
            pytest.fail(error, pytrace=False)
        yield base_url
