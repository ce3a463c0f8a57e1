"""Regularization Landscapes: the router. Run with ``make run``."""

import streamlit as st

from ui import screen  # Streamlit and NumPy only: JAX is imported below

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

pages = [
    st.Page("views/landscape.py", title="Landscape",
            icon="⛰️", default=True),
    st.Page("views/geometry.py", title="Geometry",
            icon="🔷", url_path="geometry"),
    st.Page("views/update_rules.py", title="Update rules",
            icon="👣", url_path="update_rules"),
    st.Page("views/weights.py", title="Weights",
            icon="📊", url_path="weights"),
    st.Page("views/sweep.py", title="λ sweep & residuals",
            icon="📈", url_path="sweep"),
    st.Page("views/crosses.py", title="Sparse crosses",
            icon="🗺️", url_path="crosses"),
]

with st.sidebar:
    st.markdown("### Regularization Landscapes")
    st.caption("What L1 and L2 regularization do to the loss, the descent path and the "
               "weights. Every control is in the address bar: copy it to share this view.")
screen.presenter_toggle()
with st.sidebar:
    screen.watch_screen()

st.navigation(pages).run()
screen.stop_loading_plotly(plotly_loading)
