"""App tests of the Sparse crosses page: AppTest runs the real script, no browser."""

import base64
import json
import re

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from core.scenes import crosses

APP = "../../app.py"
PAGE = "views/crosses.py"
CHARTS = ("crosses_chart", "bytes_chart", "sweep_chart", "data_chart")


def decode(v):
    """A Plotly array as sent to the browser: a list, or base64 with its dtype (and shape)."""
    if isinstance(v, dict) and "bdata" in v:
        a = np.frombuffer(base64.b64decode(v["bdata"]), dtype=np.dtype(v["dtype"]))
        if v.get("shape"):
            a = a.reshape([int(k) for k in str(v["shape"]).split(",")])
        return a
    return np.asarray(v)


def chart(at, key):
    for el in at.get("plotly_chart"):
        if el.proto.id and key in el.proto.id:
            return json.loads(el.proto.spec)
    raise AssertionError(f"no chart {key!r}")


def heatmaps(spec) -> dict[str, np.ndarray]:
    return {t["name"]: decode(t["z"]) for t in spec["data"] if t["type"] == "heatmap"}


def table_rows(at) -> dict[str, list[str]]:
    """The numbers table: run -> its cells."""
    table = next(m.value for m in at.markdown if m.value.startswith("| run |"))
    rows = [r.strip("|").split("|") for r in table.splitlines()[2:]]
    return {r[0].strip(): [c.strip() for c in r[1:]] for r in rows}


def number(text: str) -> float:
    return float(re.match(r"[\d,.]+", text).group().replace(",", ""))


def open_page(**params) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params.update(params)
    at.switch_page(PAGE)
    at.run()
    assert not at.exception, at.exception
    return at


@pytest.fixture(scope="module")
def app():
    return open_page()


def test_page_runs_and_draws_every_chart(app):
    ids = [el.proto.id for el in app.get("plotly_chart")]
    for key in CHARTS:
        assert any(key in i for i in ids), key
    assert not app.warning  # the defaults settle
    assert app.title[0].value == "Sparse crosses"


def test_the_maps_the_table_and_the_bytes_agree(app):
    """Counts read off the map equal the table, and the bytes follow 4·d and 8·nnz."""
    maps = heatmaps(chart(app, "crosses_chart"))
    rows = table_rows(app)
    d = crosses.n_cells(2)
    for name, z in maps.items():
        kind = name.split()[0]                     # "L1 minimizer: …"
        assert z.shape == (90, 180)
        nnz = int((z == 2).sum())
        assert number(rows[kind][0]) == nnz
        assert number(rows[kind][1]) == 4 * d
        assert number(rows[kind][2]) == 8 * nnz
    l1, l2 = (int((maps[f"{k} minimizer: cells with a non-zero weight"] == 2).sum())
              for k in ("L1", "L2"))
    assert l1 <= l2 / 4                           # far fewer on the default setting
    # the same cells have data on both maps
    np.testing.assert_array_equal(*[z > 0 for z in maps.values()])


def test_moving_lambda_changes_the_figure():
    at = open_page()
    before = chart(at, "crosses_chart")
    at.select_slider(key="lambda").set_value(0.01).run()
    assert not at.exception
    after = chart(at, "crosses_chart")
    assert "λ = 0.01" in after["layout"]["title"]["text"]
    assert before["layout"]["title"] != after["layout"]["title"]
    z0, z1 = (heatmaps(s)["L1 minimizer: cells with a non-zero weight"] for s in (before, after))
    assert (z1 == 2).sum() < (z0 == 2).sum()      # a larger λ: fewer L1 cells


def test_moving_the_cell_size_changes_the_dimension():
    at = open_page()
    at.select_slider(key="res").set_value(10).run()
    assert not at.exception
    spec = chart(at, "crosses_chart")
    assert "10° cells (648 crosses)" in spec["layout"]["title"]["text"]
    assert all(z.shape == (18, 36) for z in heatmaps(spec).values())
    assert any("648" in m.value for m in at.latex)


def test_a_link_restores_the_view():
    at = open_page(res="1", **{"lambda": "0.0005"}, alpha="1", seed="3")
    assert at.select_slider(key="res").value == 1
    assert at.select_slider(key="lambda").value == 0.0005
    assert at.select_slider(key="alpha").value == 1.0
    assert at.slider(key="seed").value == 3
    spec = chart(at, "crosses_chart")
    assert all(z.shape == (180, 360) for z in heatmaps(spec).values())
    # the map is core's answer for that setting
    s = crosses.scene(1, 0.0005, 1.0, 3)
    z = heatmaps(spec)["L1 minimizer: cells with a non-zero weight"]
    np.testing.assert_array_equal(z == 2, s.w[s.run("l1")] != 0)
    assert any("64{,}800" in m.value and "233{,}280{,}000" not in m.value for m in at.latex)


def test_the_primer_arithmetic_is_on_the_page(app):
    text = " ".join(m.value for m in app.latex)
    assert "10{,}800" in text and "21{,}600" in text and "233{,}280{,}000" in text
    assert "200{,}000{,}000" in text and r"933\,\text{MB}" in text


def test_a_link_value_the_controls_do_not_take_is_said_and_ignored():
    at = open_page(**{"lambda": "banana"}, res="7")
    assert at.select_slider(key="lambda").value == 0.002
    assert at.select_slider(key="res").value == 2
    assert any("could not be used" in w.value for w in at.warning)


def finite_everywhere(at) -> None:
    for el in at.get("plotly_chart"):
        for t in json.loads(el.proto.spec)["data"]:
            for axis in ("x", "y", "z"):
                if axis in t and t[axis] is not None:
                    a = decode(t[axis])
                    if a.dtype.kind in "fi":
                        assert np.isfinite(a).all(), (t.get("name"), axis)


@pytest.mark.parametrize("params,warning", [
    ({"alpha": "2.5"}, "diverged"),
    ({"alpha": "2"}, "did not settle"),
    ({"res": "45", "lambda": "1"}, None),
    ({"res": "1", "lambda": "0"}, None),
])
def test_extremes_draw_with_finite_numbers(params, warning):
    at = open_page(**params)
    finite_everywhere(at)
    if warning:
        assert any(warning in w.value for w in at.warning)
    else:
        assert not at.warning


def test_lambda_too_large_zeroes_every_l1_cell():
    at = open_page(**{"lambda": "1"})
    z = heatmaps(chart(at, "crosses_chart"))["L1 minimizer: cells with a non-zero weight"]
    assert (z == 2).sum() == 0 and (z == 1).sum() > 0
    assert table_rows(at)["L1"][2] == "0 B"


def test_predict_first_hides_the_answer():
    at = open_page(crosses_predict="true")
    spec = chart(at, "crosses_chart")
    assert set(heatmaps(spec)) == {"cells with training points"}
    assert set(table_rows(at)) == {"none"}
    assert [t for t in chart(at, "sweep_chart")["data"] if t.get("name") in ("L1", "L2")] == []
    at.button(key="crosses_reveal_button").click().run()
    assert "L1 minimizer: cells with a non-zero weight" in heatmaps(chart(at, "crosses_chart"))
