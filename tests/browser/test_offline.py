"""The app works with no network: every page draws while every non-loopback request is blocked,
and no page even tries to reach outside."""

import re
from urllib.parse import urlsplit

from .conftest import REPO_ROOT
from .helpers import wait_for_app

LOOPBACK = {"127.0.0.1", "localhost", "[::1]"}


def page_paths() -> list[str]:
    """The URL path of every page registered in app.py ("/" for the default page)."""
    text = (REPO_ROOT / "app.py").read_text()
    return ["/"] + ["/" + p for p in re.findall(r'url_path="([^"]+)"', text)]


def test_every_page_draws_with_the_network_blocked(page, app_server):
    blocked: list[str] = []

    def guard(route):
        host = urlsplit(route.request.url).hostname or ""
        if host in LOOPBACK or route.request.url.startswith(("data:", "blob:")):
            route.continue_()
        else:
            blocked.append(route.request.url)
            route.abort()

    page.context.route("**/*", guard)
    page.goto(app_server + "/")  # the home page first: it registers the pages
    wait_for_app(page, charts=1)
    for path in page_paths():
        page.goto(app_server + path)
        wait_for_app(page, charts=1)
        assert page.locator(".js-plotly-plot").count() >= 1, path
    assert blocked == [], f"the app tried to reach outside: {blocked[:5]}"
