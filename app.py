"""Regularization Landscapes: the router. Run with ``make run``."""

import streamlit as st

from ui import lesson_bar, lessons, room_links, screen  # no JAX: it is imported below

# In presenter mode (a projector) the sidebar starts folded: the chart gets the screen.
st.set_page_config(page_title="Regularization Landscapes", layout="wide",
                   initial_sidebar_state="collapsed"
                   if st.query_params.get(screen.PRESENTER_KEY) == "true" else "auto")
plotly_loading = screen.start_loading_plotly()  # before the page's work: see its docstring


@st.cache_resource(show_spinner=False)
def _compilation_cache() -> str:
    """Once per server process: compiled JAX code is kept in (and read from) .jax_cache/."""
    from core import runtime  # here, after the hidden chart is sent: importing JAX takes a while

    return str(runtime.use_compilation_cache())


_compilation_cache()

# One page per view: views/<id>.py, its title, icon and address from ui.lessons.PAGES (the
# lessons open pages by the same ids).
pages = {pid: st.Page(f"views/{pid}.py", title=title, icon=icon, url_path=path or None,
                      default=not path)
         for pid, (title, icon, path) in lessons.PAGES.items()}

with st.sidebar:
    st.markdown("### Regularization Landscapes")
    st.caption("What L1 and L2 regularization do to the loss, the descent path and the "
               "weights. Every control is in the address bar: copy it to share this view.")
screen.presenter_toggle()
page = st.navigation(list(pages.values()))
st.session_state[lesson_bar.PAGE_KEY] = next(k for k, p in pages.items() if p.title == page.title)
# a posted step link (?lesson=primer&step=3) opens its step's page with the step's settings
opening, going_to = lesson_bar.opening_link(), "the lesson's step"
if opening is None:   # a student's page follows the teacher to where a question was asked
    opening, going_to = room_links.follow_link(st.session_state[lesson_bar.PAGE_KEY]), \
        "the teacher's page"
with st.sidebar:
    screen.watch_screen(go=opening)
if opening:
    st.caption(f"Opening {going_to}…")
    st.stop()
page.run()
screen.stop_loading_plotly(plotly_loading)
