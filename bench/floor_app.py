"""The FLOOR app: one slider and a two-point Plotly chart whose data depend on it.

What any Streamlit page pays for a slider move (frontend, websocket, a script
rerun, a Plotly redraw) and nothing else: the page latencies in ``make bench``
are reported as ratios to this. Same page config as app.py, so the chart has
the same width. Run by bench/browser_bench.py; ``streamlit run bench/floor_app.py``.
"""

import plotly.graph_objects as go
import streamlit as st

st.set_page_config(page_title="bench floor", layout="wide")

x = st.slider("x", 0, 100, 50)
fig = go.Figure(go.Scatter(x=[0, 1], y=[0, x], mode="lines+markers"))
fig.update_layout(title={"text": f"floor, x = {x}"}, yaxis_range=[0, 100])
st.plotly_chart(fig, key="floor_chart")
