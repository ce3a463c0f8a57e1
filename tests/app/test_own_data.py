"""App tests of a class's own data on the Landscape and λ sweep pages: an uploaded CSV
draws its own landscape (minimizers as scikit-learn puts them); every bad file gets its
sentence, no exception, and the last good data stay; a link cannot carry a CSV."""

import numpy as np
import pytest
from apptools import chart, decode
from sklearn.linear_model import Lasso
from streamlit.testing.v1 import AppTest

from core import own_data
from tests.bad_files import BAD_FILES, two_columns

APP = "../../app.py"


CSV = two_columns("size,noise,price")


def minimizer(at: AppTest, name: str = "minimizer, L1") -> np.ndarray:
    t = next(t for t in chart(at, "landscape_chart")["data"] if t.get("name") == name)
    return np.array([float(decode(t["x"])[0]), float(decode(t["y"])[0])])


def upload(at: AppTest, data: bytes, name: str = "mine.csv", page: str = "landscape"):
    at.file_uploader(key=f"{page}_upload").set_value((name, data, "text/csv")).run()
    assert not at.exception, at.exception
    return at


@pytest.fixture
def own():
    """The Landscape page with "Your CSV" picked and a good CSV uploaded, at λ = 0.6."""
    at = AppTest.from_file(APP, default_timeout=90)
    at.query_params.update({"lam": "0.6"})
    at.run()
    at.radio(key="data").set_value("own").run()
    assert not at.exception, at.exception
    return upload(at, CSV)


def test_an_uploaded_csv_draws_its_landscape_with_l1s_zero_where_scikit_learn_has_it(own):
    assert not own.error
    layout = chart(own, "landscape_chart")["layout"]
    assert "size" in layout["xaxis"]["title"]["text"]
    assert "noise" in layout["yaxis"]["title"]["text"]
    table = own_data.read_csv(CSV)
    prep = own_data.prepare(table, "price", ("size", "noise"))
    ref = Lasso(alpha=0.6 / 2, tol=1e-12, max_iter=100_000).fit(prep.X, prep.y).coef_
    w = minimizer(own)
    assert ref[1] == 0.0 and w[1] == 0.0
    np.testing.assert_allclose(w[0], ref[0], rtol=1e-5)
    assert own.selectbox(key="problem").disabled


def test_the_built_in_data_come_back_when_the_source_says_so(own):
    own.radio(key="data").set_value("builtin").run()
    assert not own.exception
    layout = chart(own, "landscape_chart")["layout"]
    assert layout["xaxis"]["title"]["text"] == "w₁"


@pytest.mark.parametrize("name", list(BAD_FILES))
def test_every_bad_file_gets_its_sentence_and_the_good_data_stay(own, name):
    before = minimizer(own)
    data, words = BAD_FILES[name]
    upload(own, data, name="bad.csv")
    errors = [e.value for e in own.error]
    assert len(errors) == 1, errors
    for w in words:
        assert w in errors[0]
    assert "keeps your last good data" in errors[0]
    np.testing.assert_array_equal(minimizer(own), before)
    assert "size" in chart(own, "landscape_chart")["layout"]["xaxis"]["title"]["text"]


def test_a_bad_first_file_keeps_the_built_in_data():
    at = AppTest.from_file(APP, default_timeout=90)
    at.run()
    at.radio(key="data").set_value("own").run()
    upload(at, b"a,b\n1,2\n")
    assert "keeps the built-in data" in at.error[0].value
    assert chart(at, "landscape_chart")["layout"]["xaxis"]["title"]["text"] == "w₁"


def test_a_choice_the_model_cannot_use_gets_a_sentence_and_the_last_good_one_stays(own):
    before = minimizer(own)
    own.radio(key=next(r.key for r in own.radio if r.key.startswith("landscape_model"))
              ).set_value("logistic").run()
    assert not own.exception
    errors = [e.value for e in own.error]
    assert len(errors) == 1 and "0s and 1s" in errors[0] and "last good choice" in errors[0]
    np.testing.assert_array_equal(minimizer(own), before)


def test_a_logistic_sample_draws_the_cross_entropy_landscape():
    at = AppTest.from_file(APP, default_timeout=90)
    at.query_params.update({"data": "Breast cancer"})
    at.run()
    assert not at.exception, at.exception
    model = next(r for r in at.radio if r.key.startswith("landscape_model"))
    assert model.value == "logistic"
    assert "mean radius" in chart(at, "landscape_chart")["layout"]["xaxis"]["title"]["text"]


def test_a_link_with_data_own_and_no_csv_says_so_and_shows_the_built_in_data():
    at = AppTest.from_file(APP, default_timeout=90)
    at.query_params.update({"data": "Your CSV"})
    at.run()
    assert not at.exception
    assert any("A link cannot carry a CSV" in i.value for i in at.info)
    assert chart(at, "landscape_chart")["layout"]["xaxis"]["title"]["text"] == "w₁"


def test_data_stay_in_their_session():
    first = AppTest.from_file(APP, default_timeout=90)
    first.run()
    first.radio(key="data").set_value("own").run()
    upload(first, CSV)
    second = AppTest.from_file(APP, default_timeout=90)
    second.query_params.update({"data": "Your CSV"})
    second.run()
    assert any("A link cannot carry a CSV" in i.value for i in second.info)


def test_the_sweep_runs_on_an_uploaded_csv_with_its_column_names():
    at = AppTest.from_file(APP, default_timeout=120)
    at.switch_page("views/sweep.py").run()
    at.radio(key="data").set_value("own").run()
    wide = "a,b,c,target\n" + "".join(
        f"{i % 7},{(i * 3) % 5},{(i * i) % 11},{2 * (i % 7) - (i * i) % 11 + (i % 2)}\n"
        for i in range(60))
    upload(at, wide.encode(), page="sweep")
    assert not at.error
    names = {t.get("name") for t in chart(at, "sweep_paths_chart")["data"]}
    assert {"path, a, L1", "path, b, L1", "path, c, L1"} <= names
    upload(at, BAD_FILES["NaN"][0], page="sweep")
    assert "not a finite number" in at.error[0].value
    assert not at.exception
