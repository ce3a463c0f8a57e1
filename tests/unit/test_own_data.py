"""A class's own data (core.own_data): every bad file gets its one sentence; good files in
other encodings read the same; the pages' minimizers and paths on such data agree with
scikit-learn fitting the same CSV."""

import numpy as np
import pytest
from sklearn.linear_model import Lasso, LogisticRegression, Ridge
from sklearn.preprocessing import StandardScaler

from core import own_data
from core.scenes import landscape, sweep
from tests.bad_files import BAD_FILES, GOOD, ROWS, two_columns


@pytest.mark.parametrize("name", list(BAD_FILES))
def test_every_bad_file_gets_one_plain_sentence(name):
    data, words = BAD_FILES[name]
    with pytest.raises(own_data.DataError) as err:
        own_data.read_csv(data)
    sentence = str(err.value)
    for w in words:
        assert w in sentence, (name, sentence)
    assert sentence.count(". ") <= 1 and sentence.endswith(".")   # one sentence
    assert "<" not in sentence and "Traceback" not in sentence


def test_a_cell_quoted_in_a_sentence_is_plain_text():
    bad = b"a,b\n1,2\n<script>alert(1)</script>,3\n4,5\n6,7\n8,9\n"
    with pytest.raises(own_data.DataError) as err:
        own_data.read_csv(bad)
    assert "<" not in str(err.value) and ">" not in str(err.value)


@pytest.mark.parametrize("encoded", [
    pytest.param(b"\xef\xbb\xbf" + GOOD, id="UTF-8 with a BOM"),
    pytest.param(GOOD.decode().encode("utf-16"), id="UTF-16 with its BOM"),
    pytest.param(GOOD.replace(b"\n", b"\r\n"), id="Windows line ends"),
    pytest.param(GOOD.replace(b",", b"\t"), id="tab separated"),
    pytest.param(GOOD.replace(b",", b";"), id="semicolon separated"),
])
def test_other_encodings_and_separators_read_the_same_numbers(encoded):
    plain = own_data.read_csv(GOOD)
    other = own_data.read_csv(encoded)
    assert other.names == plain.names == ("x1", "x2", "y")
    np.testing.assert_array_equal(other.values, plain.values)


def test_windows_1252_is_read_and_said():
    t = own_data.read_csv("größe,b,y\n".encode("cp1252") + ROWS)
    assert t.names[0] == "größe"
    assert any("Windows-1252" in n for n in t.notes)


def test_semicolon_files_may_write_a_decimal_comma():
    t = own_data.read_csv(b"a;b;y\n1,5;2;3\n2;3,25;4\n3;1;5\n4;4;6\n5;0;7\n")
    np.testing.assert_array_equal(t.values[:2], [[1.5, 2, 3], [2, 3.25, 4]])


def test_headers_with_markup_or_formulas_become_plain_names():
    t = own_data.read_csv(b"<script>alert(1)</script>,=HYPERLINK(\"x\"),y\n" + ROWS)
    for name in t.names:
        assert not set(name) & set("<>\"'&=") and not name.startswith(("+", "-", "@"))
    assert len(t.notes) == 2   # both renames are said


def test_a_header_of_numbers_is_data():
    t = own_data.read_csv(b"1,2,3\n" + ROWS)
    assert t.names == ("column 1", "column 2", "column 3") and t.rows == 11


def test_duplicate_header_names_are_told_apart():
    t = own_data.read_csv(b"a,a,y\n" + ROWS)
    assert len(set(t.names)) == 3


TABLE = own_data.read_csv(b"a,b,c,d,y\n" + b"".join(
    f"{i},{2 * i},5,{i % 3},{i % 2}\n".encode() for i in range(10)))


@pytest.mark.parametrize("target, features, kind, words", [
    ("y", ("a", "b"), "least_squares", ["“a” and “b”", "same up to scale"]),
    ("y", ("c", "a"), "least_squares", ["“c”", "constant"]),
    ("d", ("a",), "logistic", ["0s and 1s", "holds 2"]),
    ("c", ("a",), "least_squares", ["same in every row", "another target"]),
    ("y", ("a", "a"), "least_squares", ["picked twice"]),
    ("y", ("a", "y"), "least_squares", ["is the target"]),
    ("y", (), "least_squares", ["at least one feature"]),
    ("y", ("nope",), "least_squares", ["no column"]),
])
def test_columns_the_model_cannot_use_are_named(target, features, kind, words):
    with pytest.raises(own_data.DataError) as err:
        own_data.prepare(TABLE, target, features, kind=kind)
    for w in words:
        assert w in str(err.value)


def test_identical_columns_are_called_identical():
    t = own_data.read_csv(b"a,b,y\n" + b"".join(f"{i},{i},{i % 4}\n".encode()
                                                for i in range(8)))
    with pytest.raises(own_data.DataError, match="identical"):
        own_data.prepare(t, "y", ("a", "b"))


def test_prepare_centres_and_standardizes_as_scikit_learn_does():
    table, target, _ = own_data.sample("diabetes")
    features = tuple(n for n in table.names if n != target)
    p = own_data.prepare(table, target, features, standardize=True)
    X = np.stack([table.column(f) for f in features], axis=1)
    np.testing.assert_allclose(p.X, StandardScaler().fit_transform(X), atol=1e-12)
    y = table.column(target)
    np.testing.assert_allclose(p.y, (y - y.mean()) / y.std(), atol=1e-12)
    raw = own_data.prepare(table, target, features, standardize=False)
    np.testing.assert_allclose(raw.X, X - X.mean(axis=0), atol=1e-9)


# ---- against scikit-learn on the same CSV ----------------------------------------------------
# J(w) = mean((Xw − y)²) + λ·P(w) (DESIGN.md). scikit-learn's Lasso minimizes
# (1/2n)‖y − Xw‖² + α‖w‖₁, so α = λ/2; Ridge minimizes ‖y − Xw‖² + α‖w‖², so α = nλ;
# LogisticRegression minimizes C·Σ log-loss + P, so C = 1/(nλ) for L1 and 1/(2nλ) for L2.
# The intercept: ours is the mean (the data are centred), theirs is fitted: the same.

def _landscape(prep, kind, lam):
    problem = own_data.landscape_problem(prep)
    fixed = landscape.fixed_scene(problem, kind, 0.1, 60, (0.0, 0.0), "proximal", 0.5)
    return landscape.scene("least_squares", kind, lam, alpha=0.1, steps=60, w0=(0.0, 0.0),
                           fixed=fixed)


@pytest.mark.parametrize("standardize", [True, False])
def test_the_landscape_l1_minimizer_is_scikit_learns_with_its_exact_zero(standardize):
    table = own_data.read_csv(two_columns())
    prep = own_data.prepare(table, "y", ("x1", "x2"), standardize=standardize)
    lam = 0.6
    ours = _landscape(prep, "l1", lam).minimizer("l1").w
    ref = Lasso(alpha=lam / 2, fit_intercept=True, tol=1e-12, max_iter=100_000).fit(
        prep.X, prep.y).coef_
    assert ref[1] == 0.0 and ref[0] != 0.0
    assert ours[1] == 0.0                      # the exact zero, where scikit-learn has it
    np.testing.assert_allclose(ours[0], ref[0], rtol=1e-5)


def test_the_landscape_l2_minimizer_is_scikit_learns_ridge():
    prep = own_data.prepare(own_data.read_csv(two_columns()), "y", ("x1", "x2"))
    lam = 0.3
    ours = _landscape(prep, "l2", lam).minimizer("l2").w
    ref = Ridge(alpha=len(prep.y) * lam, fit_intercept=True).fit(prep.X, prep.y).coef_
    np.testing.assert_allclose(ours, ref, rtol=1e-5, atol=1e-6)


def test_the_landscape_logistic_minimizers_are_scikit_learns():
    table, target, start = own_data.sample("cancer")
    prep = own_data.prepare(table, target, start, kind="logistic")
    n, lam = len(prep.y), 0.05
    scene = _landscape(prep, "l2", lam)
    l2 = LogisticRegression(C=1 / (2 * n * lam), fit_intercept=False, tol=1e-12,
                            max_iter=10_000).fit(prep.X, prep.y).coef_[0]
    np.testing.assert_allclose(scene.minimizer("l2").w, l2, rtol=1e-4, atol=1e-5)
    l1 = LogisticRegression(C=1 / (n * lam), l1_ratio=1.0, solver="liblinear",
                            fit_intercept=False, tol=1e-10, max_iter=10_000).fit(
        prep.X, prep.y).coef_[0]
    np.testing.assert_allclose(scene.minimizer("l1").w, l1, rtol=1e-3, atol=1e-4)


def test_the_sweeps_paths_on_a_sample_are_scikit_learns():
    table, target, _ = own_data.sample("diabetes")
    features = tuple(n for n in table.names if n != target)
    prep = own_data.prepare(table, target, features)
    paths = sweep.own_paths(prep)
    assert paths.names == features
    n = len(prep.y)
    for i in np.linspace(5, len(paths.lams) - 5, 6).astype(int):
        lam = float(paths.lams[i])
        lasso = Lasso(alpha=lam / 2, tol=1e-12, max_iter=200_000).fit(prep.X, prep.y).coef_
        np.testing.assert_allclose(paths.coef["l1"][i], lasso, atol=2e-4)
        np.testing.assert_array_equal(paths.coef["l1"][i] == 0, lasso == 0)
        ridge = Ridge(alpha=n * lam).fit(prep.X, prep.y).coef_
        np.testing.assert_allclose(paths.coef["l2"][i], ridge, atol=2e-4)


def test_the_sweeps_validation_error_is_scikit_learns_on_the_same_split():
    table, target, _ = own_data.sample("diabetes")
    features = tuple(n for n in table.names if n != target)
    prep = own_data.prepare(table, target, features)
    errors = sweep.own_errors(prep)
    train, val = own_data.split(prep)
    i = len(errors.lams) // 2
    lam = float(errors.lams[i])
    fit = Ridge(alpha=len(train.y) * lam).fit(train.X, train.y)
    mse = float(np.mean((fit.predict(val.X) - val.y) ** 2))
    np.testing.assert_allclose(errors.validation["l2"][i], mse, rtol=1e-3)
    assert len(train.y) + len(val.y) == len(prep.y) and len(val.y) == round(0.3 * len(prep.y))


def test_the_samples_ship_inside_scikit_learn():
    for name in own_data.SAMPLES:
        table, target, start = own_data.sample(name)
        assert target in table.names and set(start) <= set(table.names)
        assert np.isfinite(table.values).all() and table.rows >= 150
    with pytest.raises(own_data.DataError):
        own_data.sample("<script>")


def test_the_sample_csv_reads_back_as_the_built_in_data():
    from core import problems

    t = own_data.read_csv(own_data.example_csv())
    p = problems.demo("least_squares")
    np.testing.assert_allclose(t.values[:, :2], np.asarray(p.X), atol=1e-4)
    np.testing.assert_allclose(t.column("y"), np.asarray(p.y), atol=1e-4)


def test_a_table_round_trips_through_its_csv():
    table, _, _ = own_data.sample("wine")
    again = own_data.read_csv(table.to_csv())
    assert again.names == table.names
    np.testing.assert_allclose(again.values, table.values, rtol=1e-9)


def test_view_box_holds_the_minimizer_with_room():
    for w in ([0.3, -0.2], [12.0, 1.0], [-0.01, 0.0], [250.0, -3.0]):
        a, b, c, d = own_data.view_box(np.array(w))
        assert a == c == -b and b == d and b >= 1.4 * max(abs(v) for v in w)
