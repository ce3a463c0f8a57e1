"""App tests of the Weights page: AppTest runs the real script, no browser."""

import re

import numpy as np
import pytest
from apptools import chart, chart_ids, decode
from streamlit.testing.v1 import AppTest

from core.scenes import weights

APP = "../../app.py"
PAGE = "views/weights.py"
# the page's defaults (views/weights.py DEFAULTS)
DEFAULTS = {"model": "logistic", "d": 100, "k": 5, "flip": 0.1, "seed": 0, "lam": 0.05,
            "drop": 0.5, "alpha": 0.3, "epochs": 50}
NAMES = ["none", "L1", "L2", "dropout"]






def has_chart(at, key) -> bool:
    return any(key in i for i in chart_ids(at))


def open_page(**params) -> AppTest:
    """This page, opened from a link (switched to before the first run, as a browser would
    open it: a run of the home page first would leave its λ in AppTest's session state)."""
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params.update({k: str(v) for k, v in params.items()})
    at.switch_page(PAGE).run()
    assert not at.exception, at.exception
    return at


def core_scene(**params):
    return weights.scene(**{**DEFAULTS, **params})


def plain(text: str) -> str:
    """Annotation text without its <b> and <span> tags (line breaks kept)."""
    return re.sub(r"<(?!br>)[^>]*>", "", text)


def table(at) -> dict[str, list[str]]:
    text = next(m.value for m in at.markdown if m.value.startswith("| run"))
    rows = [r.split("|")[1:-1] for r in text.splitlines()[2:]]
    return {r[0].strip(): [c.strip() for c in r[1:]] for r in rows}


@pytest.fixture(scope="module")
def page():
    return open_page()


def test_page_runs_and_draws_its_three_charts(page):
    for key in ("weights_chart", "curves_chart", "features_chart"):
        assert has_chart(page, key), key
    assert not page.warning and not page.exception
    assert page.title[0].value == "Weights"
    assert len(page.latex) == 2


def test_the_histograms_are_core_s_training_at_every_snapshot(page):
    spec, s = chart(page, "weights_chart"), core_scene()
    h, t = s.hist, s.training
    assert [tr["name"] for tr in spec["data"]] == NAMES
    for j, tr in enumerate(spec["data"]):
        np.testing.assert_array_equal(decode(tr["x"]), h.edges)
        y = decode(tr["y"])
        np.testing.assert_array_equal(y[:-1], h.counts[-1, j])   # the last epoch is shown
        assert y[:-1].sum() == s.n_weights == 100
    # the epoch scrubber: one frame per snapshot, every frame's counts add up
    frames = spec["frames"]
    assert [f["name"] for f in frames] == [str(e) for e in t.snapshot_epochs]
    assert [st["label"] for st in spec["layout"]["sliders"][0]["steps"]] == \
        [str(e) for e in t.snapshot_epochs]
    for i, f in enumerate(frames):
        for j, tr in enumerate(f["data"]):
            np.testing.assert_array_equal(decode(tr["y"])[:-1], h.counts[i, j])
        assert f"epoch {t.snapshot_epochs[i]} of 50" in f["layout"]["title"]["text"]
    z = int(h.zeros[-1, 1])
    assert z > 50
    note = plain(spec["layout"]["annotations"][0]["text"])
    assert note == f"exactly 0<br>none: 0<br>L1: {z}<br>L2: 0<br>dropout: 0"
    for i, f in enumerate(frames):  # the note follows the scrubber
        assert f"L1: {int(h.zeros[i, 1])}<br>" in plain(f["layout"]["annotations"][0]["text"])


def test_the_table_counts_zeros_and_accuracy_as_core_does(page):
    s, rows = core_scene(), table(page)
    z = int(s.hist.zeros[-1, 1])
    assert rows["L1"][0] == f"{z} ({z / 100:.0%})"
    assert rows["L2"][0] == rows["none"][0] == "0 (0%)"
    c = s.training.curves
    assert rows["L1"][3] == f"{c.test_acc[-1, 1]:.1%}"
    assert rows["none"][5] == f"{c.test_loss[-1, 0]:.3f}"


def test_the_curves_and_features_are_core_s(page):
    s = core_scene()
    spec = chart(page, "curves_chart")
    test_loss = [tr for tr in spec["data"] if tr["name"] in NAMES and tr.get("xaxis", "x") == "x"]
    assert [tr["name"] for tr in test_loss] == NAMES
    for j, tr in enumerate(test_loss):
        np.testing.assert_array_equal(decode(tr["y"]), s.training.curves.test_loss[:, j])
        assert len(decode(tr["x"])) == 51
    feats = chart(page, "features_chart")
    # L1 is two traces: its non-zero weights (markers) and its exact zeros (dashes on 0)
    kept, zeros = (next(tr for tr in feats["data"] if tr["name"] == n)
                   for n in (f"L1 ({int(s.kept[1].sum())} non-zero)", "L1: exactly 0"))
    w = s.training.final[1]
    np.testing.assert_array_equal(decode(kept["x"]), np.flatnonzero(w != 0) + 1)
    np.testing.assert_array_equal(decode(kept["y"]), w[w != 0])
    np.testing.assert_array_equal(decode(zeros["x"]), np.flatnonzero(w == 0) + 1)
    assert np.all(decode(zeros["y"]) == 0) and len(decode(zeros["x"])) > 50
    bands = [sh for sh in feats["layout"]["shapes"] if sh["type"] == "rect"]
    assert sorted(int(b["x0"] + 0.5) for b in bands) == \
        [int(i) + 1 for i in np.flatnonzero(s.informative)]


def test_moving_lambda_changes_the_figure():
    at = open_page()
    before = chart(at, "weights_chart")
    at.select_slider(key="lam").set_value(0.3).run()
    assert not at.exception
    after = chart(at, "weights_chart")
    assert before["layout"]["title"]["text"] != after["layout"]["title"]["text"]
    y0, y1 = decode(before["data"][1]["y"]), decode(after["data"][1]["y"])
    assert y0.shape == y1.shape and not np.array_equal(y0, y1)


def test_moving_epochs_trains_again_without_compiling():
    at = open_page()
    sizes = weights._train_chunk._cache_size(), weights._evaluate_jit._cache_size()
    at.slider(key="epochs").set_value(23).run()
    assert not at.exception
    spec = chart(at, "weights_chart")
    assert spec["frames"][-1]["name"] == "23"
    assert "epoch 23 of 23" in spec["layout"]["title"]["text"]
    assert (weights._train_chunk._cache_size(), weights._evaluate_jit._cache_size()) == sizes


def test_a_link_restores_the_view():
    at = open_page(model="MLP", lam=0.03, epochs=12, d=40, k=3, flip=0.3, seed=5)
    assert at.selectbox(key="model").value == "mlp"
    assert at.select_slider(key="lam").value == 0.03
    assert at.slider(key="epochs").value == 12 and at.slider(key="d").value == 40
    assert at.slider(key="flip").value == pytest.approx(0.3)
    spec = chart(at, "weights_chart")
    n = 40 * weights.HIDDEN + weights.HIDDEN
    assert f"{n:,} weights a run" in spec["layout"]["title"]["text"]
    assert sum(decode(spec["data"][0]["y"])[:-1]) == n
    assert not has_chart(at, "features_chart")  # the MLP's features are said in words
    assert any("into the hidden layer" in m.value for m in at.markdown)
    assert any("60 of the 200 training labels" in m.value for m in at.markdown)


def test_predict_first_hides_all_but_the_unregularized_run():
    at = open_page(weights_predict="true")
    assert [tr["name"] for tr in chart(at, "weights_chart")["data"]] == ["none"]
    assert list(table(at)) == ["none"]
    at.button(key="weights_reveal_button").click().run()
    assert [tr["name"] for tr in chart(at, "weights_chart")["data"]] == NAMES


def test_every_slider_at_an_extreme_draws_finite_numbers():
    at = open_page(model="MLP", lam=5, drop=0.9, epochs=weights.EPOCHS_MAX, alpha=1.5, d=200,
                   k=20, flip=0.45, seed=99)
    assert not at.exception
    for key in ("weights_chart", "curves_chart"):
        spec = chart(at, key)
        for tr in list(spec["data"]) + [t for f in spec.get("frames", []) for t in f["data"]]:
            for axis in ("x", "y"):
                if axis in tr:
                    a = decode(tr[axis])
                    assert a.dtype.kind != "f" or np.isfinite(a).all(), (tr.get("name"), axis)
    # λ = 5 is far too large: L1 zeros every weight of the network
    z = table(at)["L1"][0]
    assert z.startswith(f"{200 * weights.HIDDEN + weights.HIDDEN:,} (100%)")
