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


def _live_charts(at: AppTest) -> list[dict]:
    """The data of every in-place chart (``ui.live_chart``) of the last run."""
    return [dict(json.loads(el.proto.json), id=el.proto.id) for el in at.get("bidi_component")
            if el.proto.component_name == "regularization_live_chart"]


_run = AppTest._run


def _run_keeping_frames(self: AppTest, *args, **kwargs) -> AppTest:
    """``AppTest._run`` (every run: ``at.run()`` and a widget's ``.run()``), then keep the
    frame bodies the in-place charts sent, as the browser's frame store does (a later run
    sends only the hashes of frames sent before)."""
    out = _run(self, *args, **kwargs)
    store = self.__dict__.setdefault("_frame_store", {})
    for data in _live_charts(self):
        store.update(dict(data["new_frames"]))
    return out


AppTest._run = _run_keeping_frames


def chart_ids(at: AppTest) -> list[str]:
    """The ids of every chart of the last run: Streamlit's Plotly charts and in-place ones."""
    return [el.proto.id for el in at.get("plotly_chart")] + [d["id"] for d in _live_charts(at)]


def chart(at: AppTest, key: str) -> dict:
    """The figure spec of the chart whose key is ``key``, as a dict (an in-place chart's
    with its frames put back from the frames its session was sent)."""
    for el in at.get("plotly_chart"):
        if el.proto.id and key in el.proto.id:
            return json.loads(el.proto.spec)
    for data in _live_charts(at):
        if key in data["id"]:
            store = at.__dict__.get("_frame_store", {})
            missing = [h for h in data["frames"] if h not in store]
            assert not missing, f"{key}: {len(missing)} frames were never sent"
            return {**data["figure"], "frames": [store[h] for h in data["frames"]]}
    raise AssertionError(f"no chart {key!r}")


def all_charts(at: AppTest) -> list[dict]:
    """Every chart's figure spec of the last run (in-place charts with their frames)."""
    return [json.loads(el.proto.spec) for el in at.get("plotly_chart")] + [
        chart(at, d["id"]) for d in _live_charts(at)]
