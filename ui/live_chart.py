"""A Plotly chart that stays mounted and is updated in place, its frames sent once.

``st.plotly_chart`` sends the whole figure on every rerun, its frames too. A figure that
scrubs λ carries one frame per λ of the family (the Landscape's: 24 contour grids, 0.7 MB),
and a move of the page's λ changes one of them, so each move sent 0.7 MB of frames the
browser already had. Here the figure goes out without its frames; each frame goes by its
content hash, and its body only the first time this session sends it. The browser keeps the
bodies in one store per tab and asks for them again (a rerun that resends all) if one is
missing, e.g. after it evicted it, so a chart is never drawn with a frame it does not have.

The element is a components-v2 element (no iframe): Streamlit keeps it mounted across
reruns, and its script draws with ``Plotly.react``, which updates the same plot in place.
plotly.js is the one Streamlit's own Plotly element loads (``window.Plotly``; the router
sends a hidden chart first so it is loaded early, see ``screen.start_loading_plotly``). The
chart gets the template Streamlit's Plotly element gives a chart (``STREAMLIT_TEMPLATE``),
so it looks like the charts beside it.
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Callable
from pathlib import Path

import orjson
import streamlit as st
import streamlit.components.v2 as components_v2

# The Plotly template Streamlit 1.67's Plotly element applies under this app's theme
# (.streamlit/config.toml), read from a drawn chart; tests/browser checks it is the same.
STREAMLIT_TEMPLATE = json.loads(
    (Path(__file__).with_name("streamlit_plotly_template.json")).read_text())
CSS_CLASS = "rl-chart"   # the plot's own div (tests count it with Streamlit's chart boxes)
_SENT = "_live_chart_sent"   # session_state: chart key -> hashes of frames already sent
STORE_LIMIT = 600        # frames a tab keeps (~25 kB each), oldest first out

_JS = r"""
// A click (a press and release within 5 px) on a plot area reports where it landed, in the
// axes' units; dragging a shape named "rl-drag" reports its new centre the same way.
function listen(gd) {
  if (gd.__rlListening) return;
  gd.__rlListening = true;
  let down = null;
  gd.addEventListener('pointerdown', (e) => {
    const area = e.target instanceof Element ? e.target.closest('.nsewdrag') : null;
    down = area ? { x: e.clientX, y: e.clientY, area } : null;
  }, true);
  // on the window: plotly.js covers the page while the button is down, so the release
  // lands on its cover, not on the plot
  window.addEventListener('pointerup', (e) => {
    const d = down;
    down = null;
    if (!d || Math.hypot(e.clientX - d.x, e.clientY - d.y) > 5) return;
    const sub = d.area.getAttribute('data-subplot') || 'xy';
    const m = sub.match(/^x(\d*)y(\d*)$/);
    const fl = gd._fullLayout;
    const xa = fl['xaxis' + (m ? m[1] : '')], ya = fl['yaxis' + (m ? m[2] : '')];
    if (!xa || !ya) return;
    const box = d.area.getBoundingClientRect();
    const x = xa.p2l(e.clientX - box.left), y = ya.p2l(e.clientY - box.top);
    if (Number.isFinite(x) && Number.isFinite(y)) gd.__rlTrigger('click', { x, y, sub });
  }, true);
  gd.on('plotly_relayout', (ev) => {
    const shapes = gd.layout.shapes || [];
    for (const key of Object.keys(ev)) {
      const k = key.match(/^shapes\[(\d+)\]\.x0$/);
      const s = k && shapes[Number(k[1])];
      if (s && s.name === 'rl-drag') {
        gd.__rlTrigger('click', { x: (s.x0 + s.x1) / 2, y: (s.y0 + s.y1) / 2, sub: 'xy' });
        return;
      }
    }
  });
}

export default function (component) {
  const { data, parentElement, setStateValue, setTriggerValue } = component;
  const w = window;
  const store = (w.__rlFrameStore ||= new Map());
  for (const [h, frame] of data.new_frames) { store.delete(h); store.set(h, frame); }
  while (store.size > __LIMIT__) store.delete(store.keys().next().value);
  let gd = parentElement.querySelector('div.__CLASS__');
  if (!gd) {
    gd = document.createElement('div');
    gd.className = '__CLASS__';
    parentElement.appendChild(gd);
  }
  const missing = data.frames.filter((h) => !store.has(h));
  if (missing.length) {            // evicted, or a message this tab never drew: ask again
    setStateValue('missing', data.render);
    return;
  }
  const frames = data.frames.map((h) => { const f = store.get(h); store.delete(h);
                                          store.set(h, f); return f; });
  if (data.template) w.__rlTemplate = data.template;
  if (!w.__rlTemplate) { setStateValue('missing', data.render); return; }
  const fig = data.figure;
  fig.layout.template = w.__rlTemplate;
  gd.__rlTrigger = setTriggerValue;
  // The config goes in the figure object (a fourth argument is ignored), and only when it
  // changed: a changed config makes plotly.js redraw from scratch without the frames.
  const config = JSON.stringify(data.config);
  const fresh = gd.__rlConfig !== config;
  gd.__rlConfig = config;
  const draw = () => w.Plotly.react(gd, { data: fig.data, layout: fig.layout, frames,
                                          ...(fresh ? { config: data.config } : {}) })
    .then(() => {
      const held = gd._transitionData && gd._transitionData._frames;
      if (frames.length && (!held || held.length !== frames.length)) {
        return w.Plotly.addFrames(gd, frames);
      }
    })
    .then(() => { if (data.clicks) listen(gd); });
  if (w.Plotly) { draw(); return; }
  const started = Date.now();      // plotly.js is still loading (a session's first page)
  const wait = setInterval(() => {
    if (w.Plotly) { clearInterval(wait); draw(); }
    else if (Date.now() - started > 60000) {
      clearInterval(wait);
      gd.textContent = 'The chart could not load (plotly.js did not arrive). Reload the page.';
    }
  }, 30);
}
"""

_component = components_v2.component(
    "regularization_live_chart",
    js=_JS.replace("__LIMIT__", str(STORE_LIMIT)).replace("__CLASS__", CSS_CLASS),
    css=f".{CSS_CLASS} {{ width: 100%; }}",
    isolate_styles=False,   # plotly.js styles its plots from the document's own stylesheet
)


def frame_hash(frame: dict) -> str:
    """The frame's content hash (of its JSON, base64 arrays and all)."""
    return hashlib.blake2b(orjson.dumps(frame), digest_size=12).hexdigest()


def plotly(spec: dict, key: str, config: dict,
           on_click: Callable[[float, float], None] | None = None) -> None:
    """Draw ``spec`` (a figure as ``PlainFigure.to_dict`` gives it) under ``key``, updating
    the chart in place; frames this session already sent go as hashes only.

    ``on_click(x, y)``: called (before the rerun it starts) with where a click on the plot
    landed, or where a shape named "rl-drag" was dragged to, in the axes' units."""
    sent: dict[str, set[str]] = st.session_state.setdefault(_SENT, {})
    figure = {k: v for k, v in spec.items() if k != "frames"}
    figure["layout"] = {k: v for k, v in spec.get("layout", {}).items() if k != "template"}
    frames = spec.get("frames", [])
    hashes = [frame_hash(f) for f in frames]
    resends = st.session_state.get(f"_{key}_resends", 0)
    missing = getattr(st.session_state.get(key), "missing", None)
    if missing is not None and missing == st.session_state.get(f"_{key}_render"):
        sent.pop(key, None)   # the browser lacks a frame of what it was sent: resend all, once
        resends += 1
        st.session_state[f"_{key}_resends"] = resends
    first = key not in sent
    have = sent.setdefault(key, set())
    new = [(h, f) for h, f in zip(hashes, frames, strict=True) if h not in have]
    have.update(hashes)
    # The same drawing gets the same render id, so an unchanged chart is the same message
    # and Streamlit's message cache sends it as a reference; a resend gets a new one.
    content = orjson.dumps([figure, hashes, config])
    render = f"{hashlib.blake2b(content, digest_size=8).hexdigest()}-{resends}"
    st.session_state[f"_{key}_render"] = render
    config = {**config, "responsive": True}
    if any(s.get("name") == "rl-drag" for s in figure["layout"].get("shapes", [])):
        config["edits"] = {"shapePosition": True}   # what lets plotly.js drag a shape
    data = {"figure": figure, "frames": hashes, "new_frames": new, "config": config,
            "render": render, "clicks": on_click is not None}
    if first:   # once a session (a tab keeps it for every chart): 9 kB
        data["template"] = STREAMLIT_TEMPLATE

    def clicked() -> None:
        where = getattr(st.session_state.get(key), "click", None)
        if on_click is not None and isinstance(where, dict):
            x, y = _finite(where.get("x")), _finite(where.get("y"))
            if x is not None and y is not None:
                on_click(x, y)

    _component(key=key, data=data, default={"missing": None},
               on_missing_change=lambda: None, on_click_change=clicked)


def _finite(v) -> float | None:
    """A number the browser sent, if it is one (a message can hold anything)."""
    try:
        v = float(v)
    except (TypeError, ValueError):
        return None
    return v if math.isfinite(v) else None
