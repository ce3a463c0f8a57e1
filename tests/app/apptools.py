"""What the app tests share: reading a chart's figure spec out of an AppTest run."""

import base64
import json

import numpy as np
from streamlit.testing.v1 import AppTest


def decode(v):
    """A Plotly array as sent to the browser: a list, or base64 with its dtype."""
    if isinstance(v, dict) and "bdata" in v:
        return np.frombuffer(base64.b64decode(v["bdata"]), dtype=np.dtype(v["dtype"]))
    return np.asarray(v)


def chart(at: AppTest, key: str) -> dict:
    """The figure spec of the chart whose key is ``key``, as a dict."""
    for el in at.get("plotly_chart"):
        if el.proto.id and key in el.proto.id:
            return json.loads(el.proto.spec)
    raise AssertionError(f"no chart {key!r}")
