"""Start the browser loading plotly.js before the page has a chart to show.

Streamlit fetches its Plotly component (plotly.js inside, 4.7 MB) only when a chart first
arrives, and parsing and running it takes about a second. A page sends its first chart after
the work it shows (the first run of a fresh server imports JAX and traces for ~1.7 s), so on
a session's first page the browser sat idle, then spent that second on plotly.js. A hidden
chart sent before that work starts the fetch at once, so plotly.js loads while the server
computes; it is removed when the run ends.

Server start → first chart drawn, server and Chromium pinned to a core each (as in class,
where the browser is on a student's laptop): 6.1 → 5.5 s, floor app 3.7–4.2 s (bench/run.py,
"separate cores"). With both on the same two cores they take turns and it gains nothing.

This module imports Streamlit only, so that the router can call it before anything heavy.
"""

from __future__ import annotations

import streamlit as st

KEY = "plotly_preload"
_DONE = "_plotly_preload_sent"
# A keyed container gets the class st-key-<key>: hidden, so it takes no room and never shows.
_HIDE = f"<style>.st-key-{KEY} {{display: none}}</style>"


def start_plotly() -> st.delta_generator.DeltaGenerator | None:
    """On a session's first run, send a hidden empty chart; return its slot, to be emptied at
    the end of the run (``done``). Later runs send nothing: plotly.js is loaded by then."""
    if st.session_state.get(_DONE):
        return None
    st.session_state[_DONE] = True
    st.html(_HIDE)
    slot = st.empty()
    with slot.container(key=KEY):
        st.plotly_chart({"data": [{"type": "scatter", "x": [0], "y": [0]}],
                         "layout": {"height": 10}}, config={"staticPlot": True})
    return slot


def done(slot) -> None:
    """Remove the hidden chart, so the page's charts are the only ones (tests count them)."""
    if slot is not None:
        slot.empty()
