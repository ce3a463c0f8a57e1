"""A student's browser, as the server sees it: Streamlit's websocket protocol, no browser.

A class load test cannot run thirty Chromiums on the server's two cores (each takes a core
to draw its charts, and the server would be measured starved). What the server does for a
student depends only on what arrives on ``/_stcore/stream``, so ``Student`` speaks that
protocol as Streamlit's frontend does:

- it connects with the ``streamlit`` subprotocol (the session id as its third entry when it
  reconnects) and permessage-deflate, as Chromium does;
- it opens a page with a ``rerun_script`` carrying the page's URL query, as a first load does;
- it moves a widget by sending that widget's new value with the ``fragment_id`` of the
  fragment that holds it (the frontend reruns only the fragment) and the updated query string
  (the controls are bound to the URL);
- it tells the server which large messages it has cached (``cached_message_hashes``), so the
  server sends a reference instead of a message the browser already has, exactly as the
  frontend's message cache does (entries live ``max_cached_message_age`` runs).

- it presses a button (``trigger_value``), clicks a components-v2 element (its events
  widget, ``$$STREAMLIT_INTERNAL_KEY_<id>__events``, gets a ``json_trigger_value`` list) and
  sets a component's state (a ``json_value`` on the element's id, sent again with every
  later rerun, as the frontend keeps it);
- it follows a fragment's ``run_every`` (``auto_rerun``) only when told to (``poll``): the
  frontend's timer, not the server, sends those reruns.

A run ends at ``script_finished`` (a run stopped early for a rerun is followed by that
rerun); its latency is from the send to that message, its bytes are what came over the
socket (compressed, as on the Wi-Fi) and what that inflated to.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import time
from dataclasses import dataclass, field
from urllib.parse import parse_qsl, urlencode

import websockets
from streamlit.proto.Alert_pb2 import Alert
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.proto.WidgetStates_pb2 import WidgetState

# script_finished's values (ForwardMsg.ScriptFinishedStatus)
FINISHED_OK = {ForwardMsg.FINISHED_SUCCESSFULLY, ForwardMsg.FINISHED_FRAGMENT_RUN_SUCCESSFULLY}
WARNING = Alert.WARNING
INTERNAL_KEY = "$$STREAMLIT_INTERNAL_KEY"   # a component's events widget: <this>_<id>__events


class ServerError(RuntimeError):
    """The page showed an exception, or the run did not finish as a success."""


@dataclass
class Widget:
    """A widget the page drew: its id, fragment and, for a slider, its option labels."""

    id: str
    fragment_id: str
    options: list[str]   # select-slider labels; [] for a numeric slider
    value: list[float]   # a slider's value (indices into options for a select-slider)
    lo: float = 0.0
    hi: float = 0.0
    step: float = 0.0


@dataclass
class Control:
    """A button or a components-v2 element the page drew: its element id and fragment."""

    id: str
    fragment_id: str


@dataclass
class Run:
    """One script run as the student saw it."""

    seconds: float
    wire_bytes: int      # bytes on the socket (after permessage-deflate)
    payload_bytes: int   # bytes of the messages (inflated)
    messages: int


@dataclass
class Student:
    """One browser session on one page. ``await Student.join(...)`` opens it."""

    url: str                     # ws://host:port
    page: str                    # url_path of the page ("" for the default page)
    query: dict[str, str]
    ws: websockets.ClientConnection | None = None
    session_id: str = ""
    widgets: dict[str, Widget] = field(default_factory=dict)   # by user key
    cache: dict[str, int] = field(default_factory=dict)        # hash -> last run that used it
    max_cached_age: int = 2
    runs: int = 0
    exceptions: list[str] = field(default_factory=list)
    moved: dict[str, str] = field(default_factory=dict)       # URL values of moved widgets
    keep_charts: bool = False    # keep the data of in-place charts (tests read their figures)
    cookie: str | None = None    # the proxy's route cookie, sent again on a reconnect
    charts: dict[str, dict] = field(default_factory=dict)     # element id -> its data
    controls: dict[str, Control] = field(default_factory=dict)  # buttons, components, by key
    component_states: dict[str, str] = field(default_factory=dict)  # element id -> JSON
    small_data: dict[str, dict] = field(default_factory=dict)  # key -> a small component's data
    auto_reruns: dict[str, float] = field(default_factory=dict)    # fragment id -> interval
    _wire: int = 0
    _timers: dict[str, float] = field(default_factory=dict)   # set during the current run
    warnings: list[str] = field(default_factory=list)         # st.warning texts, last run

    @classmethod
    async def join(cls, base_url: str, page: str, query: dict[str, str], *,
                   cookie: str | None = None, keep_charts: bool = False
                   ) -> tuple[Student, Run]:
        s = cls(base_url.replace("http", "ws", 1), page, dict(query), keep_charts=keep_charts,
                cookie=cookie)
        await s.connect(cookie=cookie)
        return s, await s.rerun()

    async def connect(self, *, cookie: str | None = None) -> None:
        """Open the socket (again, with the session id, after a lost connection)."""
        # as the frontend sends them: its auth token (none here: Streamlit's placeholder),
        # then the session it had, which a reconnect to the same server resumes
        protocols = ["streamlit", "PLACEHOLDER_AUTH_TOKEN"] + (
            [self.session_id] if self.session_id else [])
        origin = self.url.replace("ws", "http", 1)
        headers = {"Cookie": cookie} if cookie else None
        self.ws = await websockets.connect(
            f"{self.url}/_stcore/stream", subprotocols=protocols, origin=origin,
            max_size=None, compression="deflate", additional_headers=headers,
            open_timeout=10, ping_interval=None)
        received = self.ws.data_received

        def count(data: bytes) -> None:
            self._wire += len(data)
            received(data)

        self.ws.data_received = count   # the transport calls it with each chunk read

    async def close(self) -> None:
        if self.ws is not None:
            await self.ws.close()

    async def rerun(self, widget_key: str | None = None, timeout: float = 120.0) -> Run:
        """Load the page (no key) or send the widget's current value; wait for the run's end."""
        states, fragment = [], ""
        if widget_key is not None:
            w = self.widgets[widget_key]
            state = WidgetState(id=w.id)
            if w.options:   # a select-slider sends its option's label
                state.string_array_value.data.extend(w.options[int(i)] for i in w.value)
            else:
                state.double_array_value.data.extend(w.value)
            states, fragment = [state], w.fragment_id
        return await self._send(states, fragment, timeout)

    async def press(self, key: str, timeout: float = 120.0) -> Run:
        """Press the button ``key``."""
        c = self.controls[key]
        return await self._send([WidgetState(id=c.id, trigger_value=True)], c.fragment_id,
                                timeout)

    async def click(self, key: str, x: float, y: float, timeout: float = 120.0) -> Run:
        """A click at (x, y), in the axes' units, on the live chart ``key`` (what
        ``ui.live_chart``'s script sends)."""
        c = self.controls[key]
        events = json.dumps([{"event": "click", "value": {"x": x, "y": y}}])
        state = WidgetState(id=f"{INTERNAL_KEY}_{c.id}__events", json_trigger_value=events)
        # the frontend sends the component's state beside its events (the server shows the
        # events to the page through that state): {} until the component set some
        self.component_states.setdefault(c.id, "{}")
        return await self._send([state], c.fragment_id, timeout)

    async def set_state(self, key: str, value: dict, timeout: float = 120.0) -> Run:
        """Set the state of component ``key`` (what its script's ``setStateValue`` sends);
        it goes again with every later rerun."""
        c = self.controls[key]
        self.component_states[c.id] = json.dumps(value)
        return await self._send([], c.fragment_id, timeout)

    async def poll(self, fragment_id: str, timeout: float = 120.0) -> Run:
        """The rerun a fragment's ``run_every`` timer sends."""
        return await self._send([], fragment_id, timeout, auto=True)

    async def _send(self, states: list[WidgetState], fragment_id: str, timeout: float,
                    *, auto: bool = False) -> Run:
        msg = BackMsg()
        rs = msg.rerun_script
        rs.query_string = urlencode(self.query)
        rs.page_name = self.page
        rs.fragment_id = fragment_id
        rs.is_auto_rerun = auto
        self.runs += 1
        rs.cached_message_hashes.extend(
            h for h, used in self.cache.items() if self.runs - used <= self.max_cached_age)
        kept = [WidgetState(id=i, json_value=v) for i, v in self.component_states.items()]
        rs.widget_states.widgets.extend(states + kept)
        wire0, t0 = self._wire, time.perf_counter()
        self._timers, self.warnings = {}, []
        await self.ws.send(msg.SerializeToString())
        payload = count = 0
        while True:
            data = await asyncio.wait_for(self.ws.recv(), timeout)
            payload += len(data)
            count += 1
            fwd = ForwardMsg()
            fwd.ParseFromString(data)
            if self._read(fwd):
                break
        return Run(time.perf_counter() - t0, self._wire - wire0, payload, count)

    def _read(self, fwd: ForwardMsg) -> bool:
        """Take in one message; True at the end of the run."""
        kind = fwd.WhichOneof("type")
        if fwd.metadata.cacheable:
            self.cache[fwd.hash] = self.runs
        if kind == "ref_hash":
            if fwd.ref_hash not in self.cache:
                raise ServerError(f"a reference to a message never received: {fwd.ref_hash}")
            self.cache[fwd.ref_hash] = self.runs
        elif kind == "new_session":
            self.session_id = fwd.new_session.initialize.session_id or self.session_id
            self.max_cached_age = fwd.new_session.config.max_cached_message_age or 2
        elif kind == "page_info_changed":   # the controls write themselves to the URL
            # (the frontend keeps a bound widget's value in the URL itself: the server's
            # query string can leave out a slider's that it did not change)
            kept = {k: v for k, v in self.query.items() if k in self.widgets}
            self.query = kept | query_of(fwd.page_info_changed.query_string) | self.moved
        elif kind == "delta":
            self._read_delta(fwd.delta)
        elif kind == "auto_rerun":
            self._timers[fwd.auto_rerun.fragment_id] = fwd.auto_rerun.interval
        elif kind == "stop_auto_rerun":
            for f in fwd.stop_auto_rerun.fragment_ids:
                self.auto_reruns.pop(f, None)
        elif kind == "script_finished":
            if fwd.script_finished == ForwardMsg.FINISHED_EARLY_FOR_RERUN:
                return False   # st.rerun: the run it asked for follows
            if fwd.script_finished not in FINISHED_OK:
                raise ServerError(f"run ended with status {fwd.script_finished}")
            if fwd.script_finished == ForwardMsg.FINISHED_SUCCESSFULLY:
                self.auto_reruns.clear()   # a whole run: only the timers it set stay
            self.auto_reruns.update(self._timers)
            return True
        return False

    def _read_delta(self, delta) -> None:
        if delta.WhichOneof("type") != "new_element":
            return
        el = delta.new_element
        kind = el.WhichOneof("type")
        if kind == "exception":
            self.exceptions.append(f"{el.exception.type}: {el.exception.message}")
        elif kind == "alert" and el.alert.format == WARNING:
            self.warnings.append(el.alert.body)
        elif kind == "bidi_component":
            c = el.bidi_component
            key = c.id.rsplit("-", 1)[-1]
            self.controls[key] = Control(c.id, delta.fragment_id)
            if len(c.json) < 2000:   # a keeper's, not a chart's: what its script would read
                self.small_data[key] = json.loads(c.json)
            if self.keep_charts:
                self.charts[c.id] = json.loads(c.json)
        elif kind == "button":
            self.controls[el.button.id.rsplit("-", 1)[-1]] = Control(el.button.id,
                                                                     delta.fragment_id)
        elif kind == "slider":
            s = el.slider
            key = s.id.rsplit("-", 1)[-1]
            known = self.widgets.get(key)
            if known is not None and known.id == s.id and not s.set_value:
                return   # the browser keeps what the student set; the element holds its default
            value = list(s.value) if s.set_value and s.value else list(s.default)
            shown = self.query.get(key)   # a bound widget shows its URL value, if it has one
            if shown is not None and s.options and shown in s.options:
                value = [float(list(s.options).index(shown))]
            elif shown is not None and not s.options:
                with contextlib.suppress(ValueError):
                    value = [float(shown)]
            self.widgets[key] = Widget(s.id, delta.fragment_id, list(s.options), value,
                                       s.min, s.max, s.step)

    def move(self, key: str, direction: int) -> str:
        """Step slider ``key`` one notch (±1; it bounces off the ends); return the URL value."""
        w = self.widgets[key]
        if w.options:
            i = int(w.value[0]) + direction
            if not 0 <= i < len(w.options):
                i = int(w.value[0]) - direction
            w.value = [float(i)]
            shown = w.options[i]
        else:
            v = round(w.value[0] + direction * w.step, 10)
            if not w.lo <= v <= w.hi:
                v = round(w.value[0] - direction * w.step, 10)
            w.value = [v]
            shown = f"{v:g}"
        self.query[key] = self.moved[key] = shown
        return shown


def query_of(url_query: str) -> dict[str, str]:
    return dict(parse_qsl(url_query.lstrip("?")))
