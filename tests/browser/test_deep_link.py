"""A shared deep link works as the very first request of a fresh server.

(Streamlit switches its old multipage mode on when a folder named ``pages/`` sits beside
app.py; the first session's deep link then ran the page file alone, without app.py. The
pages live in ``views/`` for that reason.)
"""

from playwright.sync_api import expect

from .conftest import REPO_ROOT
from .helpers import streamlit_server, wait_for_app


def test_a_deep_link_is_the_first_request_of_a_fresh_server(page, tmp_path):
    with streamlit_server(REPO_ROOT / "app.py", cwd=REPO_ROOT,
                          log_path=tmp_path / "server.log") as url:
        page.goto(url + "/geometry?presenter=true")
        wait_for_app(page, charts=1)
        # expect(…) waits: the page's first chart can be drawn before the browser has loaded
        # the code of the toggle and the sliders (Streamlit fetches each widget's on first use)
        expect(page.get_by_text("Presenter mode")).to_have_count(1)  # app.py's sidebar ran
        assert page.get_by_text("Page not found").count() == 0
        expect(page.get_by_role("heading", name="Geometry: diamond vs circle")).to_have_count(1)
        nav = [a.inner_text() for a in page.get_by_test_id("stSidebarNavLink").all()]
        assert any("Landscape" in a for a in nav) and any("Sparse crosses" in a for a in nav)
