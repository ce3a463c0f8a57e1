"""The "Data" panel of the Landscape and λ sweep pages: built-in data, a sample that ships
inside scikit-learn, or a class's own CSV (uploaded or pasted).

Where the data live: a CSV is read in memory (Streamlit keeps an upload in memory, never on
disk) into this session's state, and nowhere else on the server; no cache shared between
sessions sees it. A link cannot carry it: the address says ``data=own`` and a browser that
does not hold the file opens on the built-in data with a notice. The browser tab itself
keeps a copy in its ``sessionStorage`` (see ``_KEEPER_JS``), so that a preset or a lesson
link, which reloads the page and starts a new session, does not lose it: the new session
asks the tab, and reads the copy through the same checks as an upload.

A bad file never replaces good data: its one-sentence notice shows and the page keeps what
it had.
"""

from __future__ import annotations

import hashlib
import json
from typing import NamedTuple

import streamlit as st
import streamlit.components.v2 as components_v2

from core import own_data
from core.own_data import DataError
from ui import controls

URL_KEY = "data"
OWN = "own"
_TABLE = "_own_table"     # session: {"table", "name", "id", "csv"} of the last good CSV
_ERROR = "_own_error"     # session: the last bad file's sentence
_KEEPER = "own_data_keeper"
PASTE_LIMIT = own_data.MAX_BYTES


class Chosen(NamedTuple):
    """The data a page uses: ``prep`` (None: the page's built-in data), what to call it,
    ``key`` (what identifies it: a sample's name or the CSV's hash), and the settings."""

    prep: own_data.Prepared | None
    label: str
    key: str


def sources(samples: tuple[str, ...]) -> dict[str, str]:
    """The data sources a page offers, by what the control (and the URL) calls them."""
    return {"builtin": "Built-in", **{s: own_data.SAMPLES[s][0] for s in samples},
            OWN: "Your CSV"}


def current(samples: tuple[str, ...]) -> str:
    """The source the control holds (or, before it exists, the one the URL names)."""
    names = sources(samples)
    if st.session_state.get(URL_KEY) in names:
        return st.session_state[URL_KEY]
    raw = controls.url_value(URL_KEY)
    return next((k for k, v in names.items() if v == raw), "builtin")


_CACHE = "_own_cache"
CACHE_SIZE = 6   # per session: a few settings of a few datasets


def session_cache(key: tuple, compute):
    """``compute()``, kept in this session only (the newest ``CACHE_SIZE``): what a class's
    own data give must not sit in a cache another session reads."""
    cache: dict = st.session_state.setdefault(_CACHE, {})
    if key in cache:
        cache[key] = cache.pop(key)   # newest last
        return cache[key]
    value = compute()
    cache[key] = value
    while len(cache) > CACHE_SIZE:
        cache.pop(next(iter(cache)))
    return value


def own_table() -> dict | None:
    return st.session_state.get(_TABLE)


def _accept(data: bytes | str, name: str) -> None:
    """Read a CSV into the session, or note its sentence (the good data stay)."""
    try:
        table = own_data.read_csv(data)
    except DataError as e:
        st.session_state[_ERROR] = str(e)
        return
    text = table.to_csv()
    st.session_state[_TABLE] = {"table": table, "name": controls.plain(name, 40),
                                "id": hashlib.blake2b(text.encode(), digest_size=8).hexdigest(),
                                "csv": text}
    st.session_state.pop(_ERROR, None)


def _on_upload(key: str) -> None:
    file = st.session_state.get(key)
    if file is not None:
        _accept(file.getvalue(), file.name)


def _on_paste(key: str) -> None:
    _accept(st.session_state.get(key) or "", "pasted text")


def _on_restore() -> None:
    """The tab's copy, after a reload: read through the same checks as an upload."""
    raw = getattr(st.session_state.get(_KEEPER), "restore", None)
    try:
        blob = json.loads(raw or "")
        _accept(str(blob["csv"]), str(blob.get("name", "your file")))
    except (ValueError, KeyError, TypeError):
        st.session_state[_ERROR] = "The copy of your CSV this tab kept could not be read: " \
                                   "upload it again."


# Keeps the tab's copy of the CSV (sessionStorage: this tab only, gone when it closes) and
# hands it to a new session of the same tab once.
_KEEPER_JS = """
export default function (component) {
  const { data, setStateValue } = component;
  const KEY = 'rl-own-data';
  try {
    if (data.store) { sessionStorage.setItem(KEY, data.store); setStateValue('stored', data.id); }
    if (data.clear) sessionStorage.removeItem(KEY);
    if (data.want && !window.__rlOwnAsked) {
      window.__rlOwnAsked = true;
      const kept = sessionStorage.getItem(KEY);
      if (kept) setStateValue('restore', kept);
    }
  } catch (e) { /* storage off (private mode): the data last this session only */ }
}
"""
_keeper = components_v2.component("regularization_data_keeper", js=_KEEPER_JS)


def keeper(wants_own: bool) -> None:
    """Mount the tab's keeper: send it the CSV until it says it holds it, or ask it for
    its copy when the link says ``data=own`` and this session has none."""
    held = own_table()
    state = st.session_state.get(_KEEPER)
    stored = getattr(state, "stored", None)
    data = {"id": held["id"] if held else None, "want": wants_own and held is None,
            "store": None, "clear": False}
    if held and stored != held["id"]:
        data["store"] = json.dumps({"name": held["name"], "csv": held["csv"]})
    with st.container(key=f"{_KEEPER}_box"):   # hidden by ui.screen's CSS
        _keeper(key=_KEEPER, data=data, default={"stored": None, "restore": None},
                on_stored_change=lambda: None, on_restore_change=_on_restore)


def forget() -> None:
    """Drop the session's CSV (the tab's copy goes on the next run)."""
    st.session_state.pop(_TABLE, None)
    st.session_state.pop(_ERROR, None)


def source_control(samples: tuple[str, ...], container=st) -> str:
    """The data source, bound to the URL (``?data=diabetes``; ``data=own``: a CSV)."""
    return controls.choose("Data", URL_KEY, sources(samples), "builtin", container=container,
                           help="Built-in: the page's own made-up data. A sample ships "
                                "inside scikit-learn. Your CSV: upload or paste a file.")


def upload_controls(page: str) -> None:
    """Upload, paste, the sample CSV and the limits; the last bad file's sentence."""
    st.file_uploader("Upload a CSV", type=["csv", "txt", "tsv"], key=f"{page}_upload",
                     max_upload_size=max(1, round(own_data.MAX_BYTES / 1e6)),
                     on_change=_on_upload, args=(f"{page}_upload",),
                     help=own_data.LIMITS + ".")
    with st.popover("Paste CSV text", icon=":material/content_paste:"):
        st.text_area("CSV text (a header row, then numbers)", key=f"{page}_paste",
                     max_chars=PASTE_LIMIT, height=160, placeholder="x1,x2,y\n0.5,1.2,2.1\n…")
        st.button("Use this text", key=f"{page}_paste_use", on_click=_on_paste,
                  args=(f"{page}_paste",))
    row = st.container(horizontal=True, gap="small")
    row.download_button("Sample CSV", data=own_data.example_csv, file_name="sample.csv",
                        mime="text/csv", key=f"{page}_sample_csv", on_click="ignore",
                        icon=":material/download:",
                        help="60 rows of x1, x2, y (the page's built-in data): edit it in a "
                             "spreadsheet and upload it.")
    if own_table():
        row.button("Forget my CSV", key=f"{page}_forget", on_click=forget,
                   icon=":material/delete:")
    st.caption(f"Limits: {own_data.LIMITS}. Your data stay in this tab's session: never "
               "saved on the server, never seen by anyone else. A link cannot carry them.")


def table_for(source: str) -> tuple[own_data.Table, str, tuple[str, ...], str] | None:
    """The table of a source, its default target and features, and its name; None for the
    built-in data or an own CSV not (yet) uploaded."""
    if source == OWN:
        held = own_table()
        if held is None:
            return None
        table = held["table"]
        return table, table.names[-1], table.names[:-1], held["name"]
    if source in own_data.SAMPLES:
        table, target, start = _sample(source)
        return table, target, start, own_data.SAMPLES[source][0]
    return None


@st.cache_resource(show_spinner=False)
def _sample(name: str):
    """A sample (the same for every session: it ships with scikit-learn), read once."""
    return own_data.sample(name)


def notices(page: str, source: str) -> None:
    """The last bad file's sentence, what reading a file changed, and, for ``data=own``
    without a CSV, what the page shows instead."""
    error = st.session_state.get(_ERROR)
    held = own_table()
    if error and source == OWN:
        keep = "The page keeps your last good data." if held else \
            "The page keeps the built-in data."
        st.error(f"{error} {keep}", icon=":material/error:")
    if source == OWN and held is None:
        st.info("A link cannot carry a CSV: upload or paste one here (or pick a sample). "
                "Until then the page shows the built-in data.", icon=":material/upload_file:")
    if source == OWN and held is not None:
        for note in held["table"].notes:
            st.caption(note)


def settle(page: str, key: str, prep_or_error) -> own_data.Prepared | None:
    """The prepared data of a page, or (on a ``DataError``) its sentence and the page's
    last good prepared data of the same table."""
    last = f"_{page}_last_prep"
    if isinstance(prep_or_error, DataError):
        st.error(f"{prep_or_error} The page keeps the last good choice.",
                 icon=":material/error:")
        kept = st.session_state.get(last)
        return kept[1] if kept and kept[0] == key else None
    st.session_state[last] = (key, prep_or_error)
    return prep_or_error


def pick(page: str, table: own_data.Table, target: str, start: tuple[str, ...], key: str, *,
         two: bool, logistic_ok: bool) -> own_data.Prepared | None:
    """Target, features, model and standardizing for a table; the prepared data (or the
    last good of this table, after a notice)."""
    names = list(table.names)
    target = st.selectbox("Target (what is predicted)", names, index=names.index(target),
                          key=f"{page}_target_{key}")
    others = [n for n in names if n != target]
    if two:
        first = start[0] if start and start[0] in others else others[0]
        f1 = st.selectbox("Feature for w₁", others, index=others.index(first),
                          key=f"{page}_f1_{key}")
        rest = [n for n in others if n != f1] or others
        second = start[1] if len(start) > 1 and start[1] in rest else rest[0]
        f2 = st.selectbox("Feature for w₂", rest, index=rest.index(second),
                          key=f"{page}_f2_{key}")
        features = [f1, f2]
    else:
        default = [n for n in start if n in others] or others
        features = st.multiselect("Features", others, default=default,
                                  key=f"{page}_features_{key}",
                                  max_selections=own_data.MAX_COLUMNS - 1)
    kind = "least_squares"
    binary = own_data.is_binary(table.column(target))
    if logistic_ok:
        models = {"least_squares": "Least squares", "logistic": "Logistic (0/1 target)"}
        kind = st.radio("Model", list(models), format_func=models.__getitem__,
                        index=1 if binary else 0, horizontal=True,
                        key=f"{page}_model_{key}_{target}")
    standardize = st.toggle("Standardize", value=True, key=f"{page}_std_{key}",
                            help="Mean 0 and standard deviation 1 for every feature (and a "
                                 "least-squares target).")
    st.caption("Standardized, λ weighs every weight alike, and L1 zeros every weight from "
               "λ_max = 2·max|corr(feature, target)| ≤ 2 on. Unstandardized, a feature in "
               "larger units needs a smaller weight, so the same λ penalizes it less. "
               "Features (and a least-squares target) are always centred: the model has no "
               "intercept, and centring is fitting one.")
    try:
        prep = own_data.prepare(table, target, features, kind=kind, standardize=standardize)
    except DataError as e:
        prep = e
    return settle(page, key, prep)


def section(page: str, samples: tuple[str, ...], *, two: bool) -> Chosen:
    """A page's data in an expander of their own (built-in, a sample, or a class's CSV):
    ``two`` features (and least squares or logistic) for the Landscape, else any number
    (every feature of a sample to start with) for least squares."""
    chosen = Chosen(None, "built-in", "builtin")
    label = sources(samples)[current(samples)]
    with st.expander(f"Data: {label}", icon=":material/table:", key=f"{page}_data"):
        source = source_control(samples)
        if source == OWN:
            upload_controls(page)
        found = table_for(source)
        notices(page, source)
        if found is not None:
            table, target, start, name = found
            if source != OWN and not two:
                start = tuple(n for n in table.names if n != target)
            key = f"{source}-{own_table()['id']}" if source == OWN else source
            prep = pick(page, table, target, start, key, two=two, logistic_ok=two)
            if prep is not None:
                chosen = Chosen(prep, name, key)
    keeper(source == OWN)
    return chosen
