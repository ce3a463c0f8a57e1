"""core.scenes.sweep against independent NumPy / SciPy references and the conventions' closed forms.

References written here, independent of the code under test:
- least squares: ``np.linalg.lstsq``; ridge: ``np.linalg.solve`` of (XᵀX/n + λI)w = Xᵀy/n;
- the lasso: its KKT conditions, |∂J/∂w_k| ≤ λ where w_k = 0 and = −λ·sign(w_k) elsewhere;
- λ_max = (2/n)·max|Xᵀy| from NumPy;
- train / validation / k-fold CV errors: a NumPy pipeline (Legendre features from
  ``numpy.polynomial.legendre.legvander``, standardized on the training rows, ridge closed form);
- least absolute deviations: a plain Python loop over every line through two points, and the
  linear program min Σ(u_k + v_k) s.t. a + b·x_k + u_k − v_k = y_k, u, v ≥ 0 (SciPy's HiGHS).
"""

from __future__ import annotations

import threading

import jax.numpy as jnp
import numpy as np
import pytest
from numpy.polynomial import legendre
from scipy.optimize import linprog

from core import problems, solve
from core.scenes import sweep


def cache_size(f) -> int:
    assert hasattr(f, "_cache_size"), f"{f} is not a jax.jit function (or jax changed)"
    return f._cache_size()


@pytest.fixture(scope="module")
def problem():
    return sweep.paths_problem()


@pytest.fixture(scope="module")
def Xy(problem):
    return np.asarray(problem.X, np.float64), np.asarray(problem.y, np.float64)


@pytest.fixture(scope="module")
def page_paths():
    return sweep.paths()


def grad_ls(X, y, w):
    """∂J/∂w of J = mean((Xw − y)²): (2/n)·Xᵀ(Xw − y)."""
    return 2.0 / len(y) * X.T @ (X @ w - y)


# ---- the grid ---------------------------------------------------------------------------------

def test_lambda_grid_is_log_spaced_increasing_and_its_labels_round_trip():
    lams = sweep.LAMBDAS
    assert len(lams) >= 100
    assert lams[0] == 1e-4 and lams[-1] == 1e3
    assert np.all(np.diff(lams) > 0)
    even = 10.0 ** np.linspace(-4, 3, len(lams))
    np.testing.assert_allclose(lams, even, rtol=0.03)   # within 3 % of an even log grid
    for lam in lams:  # the URL holds f"{λ:g}": reading it back gives the same float
        assert float(f"{lam:g}") == lam


# ---- coefficient paths ------------------------------------------------------------------------

def test_lambda_max_is_the_conventions_formula(problem, Xy):
    X, y = Xy
    assert sweep.lambda_max(problem) == pytest.approx(2 / len(y) * np.abs(X.T @ y).max(),
                                                      rel=1e-12)


def test_at_lambda_zero_every_path_is_least_squares(problem, Xy):
    X, y = Xy
    ols = np.linalg.lstsq(X, y, rcond=None)[0]
    p = sweep.coefficient_paths(problem, [0.0, 1e-9])
    for kind in sweep.KINDS:
        for row in p.coef[kind]:
            np.testing.assert_allclose(row, ols, atol=1e-5, err_msg=kind)
    np.testing.assert_allclose(p.ols, ols, atol=1e-12)


def test_page_grid_starts_within_the_kkt_bound_of_least_squares(page_paths, Xy):
    """At the grid's smallest λ the lasso is w_ols − (λ/2)(XᵀX/n)⁻¹s with |s_k| ≤ 1, so it is
    within (λ/2)·‖(XᵀX/n)⁻¹‖₂·√d of least squares (plus the solver's tolerance)."""
    X, y = Xy
    n, d = X.shape
    ols = np.linalg.lstsq(X, y, rcond=None)[0]
    lam = page_paths.lams[0]
    bound = lam / 2 * np.linalg.norm(np.linalg.inv(X.T @ X / n), 2) * np.sqrt(d) + 1e-5
    for kind in sweep.KINDS:
        assert np.linalg.norm(page_paths.coef[kind][0] - ols) <= bound, kind
    assert (page_paths.coef["l1"][0] != 0).all()  # too small a λ: nothing is zeroed


def test_l1_is_exactly_zero_from_lambda_max_on_and_not_just_below(problem, Xy):
    lam_max = sweep.lambda_max(problem)
    lams = [0.999 * lam_max, lam_max, 1.001 * lam_max, 10 * lam_max]
    p = sweep.coefficient_paths(problem, lams)
    assert (p.coef["l1"][0] != 0).sum() >= 1            # just below: one weight is alive
    assert (p.coef["l1"][1:] == 0.0).all()               # exactly 0.0, not 1e-12
    # the elastic net's edge is λ_max / mix
    q = sweep.coefficient_paths(problem, [0.999 * lam_max / sweep.MIX, lam_max / sweep.MIX])
    assert (q.coef["elastic_net"][0] != 0).any() and (q.coef["elastic_net"][1] == 0).all()


def test_page_paths_zero_count_switches_at_lambda_max(page_paths):
    lams, nz = page_paths.lams, page_paths.nonzeros["l1"]
    above = lams >= page_paths.lam_max
    assert above.any() and (~above).any()
    assert (nz[above] == 0).all()
    assert nz[~above][-1] >= 1
    assert (page_paths.nonzeros["l2"] == len(page_paths.names)).all()  # L2 zeros nothing


@pytest.mark.parametrize("i", [20, 60, 90, 110])
def test_l1_path_satisfies_kkt(page_paths, Xy, i):
    X, y = Xy
    lam, w = page_paths.lams[i], page_paths.coef["l1"][i]
    g = grad_ls(X, y, w)
    nz = w != 0
    np.testing.assert_allclose(g[nz] + lam * np.sign(w[nz]), 0.0, atol=1e-5)
    assert np.all(np.abs(g[~nz]) <= lam + 1e-6)


def test_l2_path_is_the_ridge_closed_form(page_paths, Xy):
    X, y = Xy
    n, d = X.shape
    for i in (0, 70, 140, 168):
        lam = page_paths.lams[i]
        want = np.linalg.solve(X.T @ X / n + lam * np.eye(d), X.T @ y / n)
        np.testing.assert_allclose(page_paths.coef["l2"][i], want, rtol=1e-9, atol=1e-12)


def test_l1_as_elastic_net_with_mix_one_matches_the_l1_solver(problem, page_paths):
    lams = page_paths.lams[::12]
    want = np.asarray(solve.minimize_family(problem, "l1", lams))
    np.testing.assert_allclose(page_paths.coef["l1"][::12], want, atol=2e-6)
    np.testing.assert_array_equal(page_paths.coef["l1"][::12] == 0, want == 0)


@pytest.mark.parametrize("lam", [0.1, 0.22])
def test_the_appropriate_lambda_keeps_exactly_the_features_that_matter(page_paths, lam):
    """The page's default λ (0.1) and its "λ appropriate" preset (0.22): L1 keeps x₁, x₂, x₅
    and sets the other five to exactly 0."""
    i = page_paths.index(lam)
    assert page_paths.lams[i] == lam
    np.testing.assert_array_equal(page_paths.coef["l1"][i] != 0, sweep.PATHS_W != 0)


def test_paths_do_not_recompile_for_new_data_of_the_same_shape(problem):
    sweep.coefficient_paths(problem, sweep.LAMBDAS)
    before = cache_size(sweep._paths)
    other = sweep.paths_problem(seed=3)
    p = sweep.coefficient_paths(other, sweep.LAMBDAS * 1.5, mix=0.3)
    assert cache_size(sweep._paths) == before
    assert p.coef["l1"].shape == (len(sweep.LAMBDAS), sweep.D_PATHS)


# ---- bias and variance ------------------------------------------------------------------------

def test_legendre_features_match_numpy_and_are_zero_past_the_degree():
    x = np.linspace(-1, 1, 7)
    F = np.asarray(sweep.legendre_features(x, 5))
    np.testing.assert_allclose(F[:, :5], legendre.legvander(x, 5)[:, 1:], atol=1e-12)
    assert (F[:, 5:] == 0).all() and F.shape == (7, sweep.DEGREE_MAX)


def numpy_design(noise, n, degree, seed=0):
    """The bias/variance data and features, made again in NumPy."""
    d = sweep.poly_data(seed)
    f = lambda x: np.sin(3 * x) + 0.4 * np.cos(7 * x)  # noqa: E731
    y = f(d.x) + noise * d.eps
    y_val = f(d.x_val) + noise * d.eps_val
    F = legendre.legvander(d.x, degree)[:, 1:]
    F_val = legendre.legvander(d.x_val, degree)[:, 1:]
    return F, y, F_val, y_val


def numpy_ridge_errors(F, y, train, held, lam):
    """Standardize on the training rows, ridge in closed form, MSE on train and held-out rows."""
    mu, sd = F[train].mean(0), F[train].std(0)
    Z = (F - mu) / sd
    ym = y[train].mean()
    n = train.sum()
    w = np.linalg.solve(Z[train].T @ Z[train] / n + lam * np.eye(F.shape[1]),
                        Z[train].T @ (y[train] - ym) / n)
    pred = ym + Z @ w
    return ((pred[train] - y[train]) ** 2).mean(), pred, w


@pytest.mark.parametrize("noise,n,degree", [(0.5, 25, 12), (1.0, 60, 5), (0.0, 200, 15)])
def test_l2_train_and_validation_errors_match_numpy(noise, n, degree):
    e = sweep.bias_variance(noise, n, degree)
    F, y, F_val, y_val = numpy_design(noise, n, degree)
    train = np.arange(len(y)) < n
    for i in (0, 60, 100, 168):
        lam = e.lams[i]
        mu, sd, ym = F[train].mean(0), F[train].std(0), y[train].mean()
        tr, _, w = numpy_ridge_errors(F, y, train, ~train, lam)
        val = ((ym + (F_val - mu) / sd @ w - y_val) ** 2).mean()
        assert e.train["l2"][i] == pytest.approx(tr, rel=1e-7, abs=1e-12)
        assert e.validation["l2"][i] == pytest.approx(val, rel=1e-7)
        np.testing.assert_allclose(e.coef["l2"][i][:degree], w, rtol=1e-6, atol=1e-9)
        assert (e.coef["l2"][i][degree:] == 0).all()  # padded features stay exactly 0


@pytest.mark.parametrize("i", [40, 80, 110])
@pytest.mark.parametrize(("kind", "mix"), [("l1", 1.0), ("elastic_net", sweep.MIX)])
def test_l1_fit_satisfies_kkt_on_the_standardized_training_data(i, kind, mix):
    noise, n, degree = 0.5, 25, 12
    e = sweep.bias_variance(noise, n, degree)
    F, y, _, _ = numpy_design(noise, n, degree)
    F, y = F[:n], y[:n]
    Z = (F - F.mean(0)) / F.std(0)
    w, lam = e.coef[kind][i][:degree], e.lams[i]
    g = grad_ls(Z, y - y.mean(), w) + 2 * lam * (1 - mix) * w
    nz = w != 0
    np.testing.assert_allclose(g[nz] + lam * mix * np.sign(w[nz]), 0.0, atol=2e-5)
    assert np.all(np.abs(g[~nz]) <= lam * mix + 1e-6)
    assert e.converged


@pytest.mark.parametrize("folds", [2, 5, 10])
def test_cv_error_matches_a_numpy_k_fold(folds):
    noise, n, degree = 0.7, 30, 8
    e = sweep.bias_variance(noise, n, degree, folds)
    F, y, _, _ = numpy_design(noise, n, degree)
    F, y = F[:n], y[:n]
    fold = np.arange(n) % folds
    for i in (10, 80, 150):
        sse, mses = 0.0, []
        for f in range(folds):
            held = fold == f
            _, pred, _ = numpy_ridge_errors(F, y, ~held, held, e.lams[i])
            err = (pred[held] - y[held]) ** 2
            sse += err.sum()
            mses.append(err.mean())
        assert e.cv["l2"][i] == pytest.approx(sse / n, rel=1e-7)
        assert e.cv_se["l2"][i] == pytest.approx(np.std(mses, ddof=1) / np.sqrt(folds),
                                                 rel=1e-6)


def test_validation_minimum_is_inside_the_grid_on_the_default_problem():
    e = sweep.bias_variance(0.5, 25, 12)
    for kind in sweep.KINDS:
        c = e.choice(kind)
        assert 0 < c.lo <= c.best <= c.hi < len(e.lams) - 1, (kind, c)
        v = e.validation[kind]
        assert v[0] > 2 * v[c.best] and v[-1] > 2 * v[c.best]  # a real U, both sides
        assert e.train[kind][0] < v[0]                         # small λ: overfit
    assert e.choice("l2").regime(e.lams.tolist().index(0.1)) == "right"  # the default λ
    assert e.lams[e.choice("l2").best] == 0.22                            # the preset's λ


def test_choose_is_the_one_standard_error_band():
    curve = np.array([5.0, 3.0, 1.2, 1.0, 1.05, 1.3, 2.0])
    c = sweep.choose(curve, np.full(7, 0.25))
    assert (c.best, c.lo, c.hi) == (3, 2, 4)
    assert [c.regime(i) for i in range(7)] == ["small"] * 2 + ["right"] * 3 + ["large"] * 2


def test_bias_variance_does_not_recompile_when_sliders_move():
    sweep.bias_variance(0.5, 25, 12)
    sweep.bias_variance(0.5, 25, 12, 5)
    before = cache_size(sweep._bias_variance)
    for args in [(0.9, 40, 3, 0), (0.0, 10, 15, 0), (2.0, 200, 1, 0),
                 (0.3, 60, 7, 2), (1.1, 10, 15, 10), (0.5, 25, 12, 3)]:
        sweep.bias_variance(*args)
    assert cache_size(sweep._bias_variance) == before


@pytest.mark.parametrize("cv", [False, True])
def test_bias_variance_never_batches_a_lapack_call(cv):
    """A batched LAPACK call can deadlock XLA's CPU thread pool when two run at once (see
    ``core.scenes.sweep._UNBATCHED_LAPACK``): every factorization in the compiled fit is one
    matrix."""
    d = sweep.poly_data(0)
    f64 = lambda a: jnp.asarray(a, jnp.float64)  # noqa: E731
    text = sweep._bias_variance.lower(
        *(f64(a) for a in d), f64(0.5), jnp.asarray(25, jnp.int32), jnp.asarray(12, jnp.int32),
        jnp.asarray(5, jnp.int32), f64(sweep.LAMBDAS), f64(0.5), cv=cv).as_text()
    calls = [ln for ln in text.splitlines() if "custom_call @lapack" in ln]
    assert any("dgetrf" in ln for ln in calls) and any("dgeqrf" in ln for ln in calls)
    assert all('num_batch_dims = "0"' in ln for ln in calls), calls


def test_two_sessions_at_once_do_not_hang():
    """Two threads (two users' reruns) fitting at once, with and without CV, all finish."""
    done = [0, 0]

    def run(i):
        for k in range(6):
            sweep.bias_variance(0.3 + 0.05 * k + i, 25 + 5 * i, 12, 5 if k % 2 else 0)
            done[i] += 1

    threads = [threading.Thread(target=run, args=(i,), daemon=True) for i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert done == [6, 6], f"hung after {done}"


def test_bias_variance_rejects_out_of_range_settings():
    with pytest.raises(ValueError):
        sweep.bias_variance(0.5, 1, 3)
    with pytest.raises(ValueError):
        sweep.bias_variance(0.5, 25, 0)
    with pytest.raises(ValueError):
        sweep.bias_variance(0.5, 25, 3, folds=11)


# ---- L1 vs L2 as losses -----------------------------------------------------------------------

def brute_force_lad(x, y):
    """The best line through two data points, by a plain loop (O(n³))."""
    best = np.inf
    for i in range(len(x)):
        for j in range(i + 1, len(x)):
            if x[i] == x[j]:
                continue
            b = (y[j] - y[i]) / (x[j] - x[i])
            a = y[i] - b * x[i]
            best = min(best, float(np.abs(y - a - b * x).sum()))
    return best


def lp_lad(x, y):
    """min Σ|a + b·x − y| as a linear program (HiGHS)."""
    n = len(x)
    c = np.concatenate([[0.0, 0.0], np.ones(2 * n)])
    A = np.hstack([np.ones((n, 1)), x[:, None], np.eye(n), -np.eye(n)])
    bounds = [(None, None)] * 2 + [(0, None)] * (2 * n)
    out = linprog(c, A_eq=A, b_eq=y, bounds=bounds, method="highs")
    assert out.status == 0
    return out.fun


@pytest.mark.parametrize("share", [0.0, 0.15, 0.3, 0.5])
def test_absolute_loss_line_is_optimal_with_at_least_two_exact_zeros(share):
    data = sweep.line_data(share)
    line, (i, j) = sweep.absolute_loss_line(data.x, data.y)
    assert line.exact_zeros >= 2                     # d = 2 parameters
    assert line.residuals[i] == 0.0 and line.residuals[j] == 0.0
    np.testing.assert_allclose(line.residuals, data.y - (line.a + line.b * data.x), atol=1e-12)
    assert line.sum_abs <= brute_force_lad(data.x, data.y) + 1e-9
    assert line.sum_abs <= lp_lad(data.x, data.y) + 1e-7
    # and no nearby line does better (a local check around the optimum)
    rng = np.random.default_rng(0)
    for da, db in rng.normal(scale=[0.05, 0.01], size=(200, 2)):
        other = np.abs(data.y - (line.a + da) - (line.b + db) * data.x).sum()
        assert other >= line.sum_abs - 1e-9


def test_absolute_loss_line_on_random_data_matches_the_linear_program():
    rng = np.random.default_rng(7)
    for n in (3, 10, 41):
        x, y = rng.normal(size=n), rng.standard_t(2, size=n)
        line, _ = sweep.absolute_loss_line(x, y)
        assert line.sum_abs == pytest.approx(lp_lad(x, y), rel=1e-9, abs=1e-9)
        assert line.exact_zeros >= 2
    with pytest.raises(ValueError):
        sweep.absolute_loss_line(np.ones(5), np.arange(5.0))


def test_squared_loss_line_is_least_squares():
    data = sweep.line_data(0.3)
    line = sweep.squared_loss_line(data.x, data.y)
    b, a = np.polyfit(data.x, data.y, 1)
    assert (line.a, line.b) == (pytest.approx(a, rel=1e-10), pytest.approx(b, rel=1e-10))
    np.testing.assert_allclose(line.residuals, data.y - (a + b * data.x), atol=1e-10)


def test_outliers_are_nested_and_the_share_is_checked():
    a, b = sweep.line_data(0.1), sweep.line_data(0.3)
    assert a.outlier.sum() == 6 and b.outlier.sum() == 18
    assert (b.outlier[a.outlier]).all()
    np.testing.assert_array_equal(a.x, b.x)
    with pytest.raises(ValueError):
        sweep.line_data(1.5)


@pytest.mark.parametrize("share", [0.15, 0.3])
def test_the_primers_residual_claims_on_the_page_data(share):
    """L2 as a loss: smaller largest residuals, few small ones; L1: larger largest residuals,
    more small ones and exact zeros."""
    r = sweep.residuals(share)
    sq, ab = np.abs(r.squared.residuals), np.abs(r.absolute.residuals)
    assert sq.max() < ab.max()
    assert (ab < 0.25).sum() > 2 * (sq < 0.25).sum()
    assert r.squared.exact_zeros == 0 and r.absolute.exact_zeros >= 2


def test_lad_does_not_recompile_for_new_data():
    sweep.residuals(0.1)
    before = cache_size(sweep._lad_enumerate)
    sweep.residuals(0.45)
    sweep.residuals(0.0, seed=4)
    assert cache_size(sweep._lad_enumerate) == before


def test_problem_conventions_hold_for_the_paths_problem(problem, Xy):
    X, y = Xy
    w = np.linspace(-1, 1, X.shape[1])
    assert float(problem.loss(w)) == pytest.approx(np.mean((X @ w - y) ** 2), rel=1e-5)
    assert problem.kind == "least_squares"
    assert isinstance(problem, problems.Problem)
