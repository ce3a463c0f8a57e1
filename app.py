"""Regularization Landscapes: the router. Run with ``make run``."""

import streamlit as st

from ui import kit

st.set_page_config(page_title="Regularization Landscapes", page_icon="◇", layout="wide")

pages = [
    st.Page("pages/landscape.py", title="Landscape", icon="⛰️", default=True),
]

with st.sidebar:
    st.markdown("### Regularization Landscapes")
    st.caption("What L1 and L2 regularization do to the loss, the descent path and the "
               "weights. Every control is in the address bar: copy it to share this view.")
kit.presenter_toggle()

st.navigation(pages).run()
