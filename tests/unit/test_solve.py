"""core.solve.minimize against closed forms and KKT conditions computed with NumPy."""

from __future__ import annotations

import jax.numpy as jnp
import numpy as np
import pytest

from core import problems, solve


def random_least_squares(seed: int, n: int = 50, d: int = 2):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, d)) @ np.linalg.cholesky(0.5 * np.eye(d) + 0.5).T  # correlated
    y = X @ rng.normal(size=d) + 0.5 * rng.normal(size=n)
    return X, y


def np_grad_ls(X, y, w):
    """∂J/∂w of J = mean((Xw − y)²): (2/n)·Xᵀ(Xw − y)."""
    return 2.0 / len(y) * X.T @ (X @ w - y)


def soft(b, t):
    return np.sign(b) * np.maximum(np.abs(b) - t, 0.0)


def np_ls(p):
    return np.asarray(p.X, np.float64), np.asarray(p.y, np.float64)


# ---- ridge -----------------------------------------------------------------------------

@pytest.mark.parametrize("d", [2, 3])  # 2: the inverse written out; 3: LAPACK
@pytest.mark.parametrize("seed", [0, 1, 2])
@pytest.mark.parametrize("lam", [0.0, 0.01, 0.5, 3.0])
def test_ridge_matches_closed_form(seed, lam, d):
    X, y = random_least_squares(seed, d=d)
    n, d = X.shape
    want = np.linalg.solve(X.T @ X / n + lam * np.eye(d), X.T @ y / n)
    got = np.asarray(solve.minimize(problems.least_squares(X, y), "l2", lam))
    assert got.dtype == np.float64
    np.testing.assert_allclose(got, want, rtol=1e-10, atol=1e-12)
    # and it is stationary for J + λ‖w‖²
    np.testing.assert_allclose(np_grad_ls(X, y, got) + 2 * lam * got, 0.0, atol=1e-10)


def test_ridge_on_float32_demo_is_computed_in_float64():
    p = problems.demo("least_squares")
    X, y = np_ls(p)
    n = len(y)
    want = np.linalg.solve(X.T @ X / n + 0.3 * np.eye(2), X.T @ y / n)
    got = np.asarray(solve.minimize(p, "l2", 0.3))
    assert got.dtype == np.float64
    np.testing.assert_allclose(got, want, rtol=1e-10)


@pytest.mark.parametrize("kind", ["none", "l2"])
def test_ridge_family_matches_numpy_per_lambda(kind):
    X, y = random_least_squares(3, d=2)
    n = len(y)
    lams = np.array([0.0, 0.05, 0.5, 2.0])
    got = np.asarray(solve.minimize_family(problems.least_squares(X, y), kind, lams))
    for lam, w in zip(lams, got, strict=True):
        lam = lam if kind == "l2" else 0.0
        np.testing.assert_allclose(w, np.linalg.solve(X.T @ X / n + lam * np.eye(2), X.T @ y / n),
                                   rtol=1e-10, atol=1e-12)


# ---- lasso -----------------------------------------------------------------------------

def assert_l1_kkt(X, y, w, lam, mix=1.0):
    """KKT of J + λ(mix·‖w‖₁ + (1 − mix)‖w‖²); mix = 1 is the lasso."""
    g = np_grad_ls(X, y, w) + 2 * lam * (1 - mix) * w
    nz = w != 0
    np.testing.assert_allclose(g[nz] + lam * mix * np.sign(w[nz]), 0.0, atol=1e-5)
    assert np.all(np.abs(g[~nz]) <= lam * mix + 1e-6), (g, w, lam)


@pytest.mark.parametrize("seed", [0, 1, 2, 3])
@pytest.mark.parametrize("lam", [0.01, 0.2, 0.8, 1.5])
def test_lasso_satisfies_kkt(seed, lam):
    X, y = random_least_squares(seed, d=4)
    p = problems.least_squares(X, y)
    sol = solve.solve(p, "l1", lam)
    w = np.asarray(sol.w)
    assert float(sol.residual) < solve.TOL
    assert_l1_kkt(X, y, w, lam)


@pytest.mark.parametrize("mix", [0.2, 0.7])
@pytest.mark.parametrize("lam", [0.05, 0.6])
def test_elastic_net_satisfies_kkt(mix, lam):
    X, y = random_least_squares(5, d=4)
    w = np.asarray(solve.minimize(problems.least_squares(X, y), "elastic_net", lam, mix=mix))
    assert_l1_kkt(X, y, w, lam, mix=mix)


@pytest.mark.parametrize("seed", [0, 1])
def test_lasso_is_exactly_zero_from_lambda_max_on(seed):
    X, y = random_least_squares(seed, d=3)
    p = problems.least_squares(X, y)
    lam_max = 2.0 / len(y) * np.max(np.abs(X.T @ y))
    # At λ = λ_max exactly, 0 and a one-ulp step tie (jax and NumPy round Xᵀy differently):
    # start a hair above it.
    for lam in (lam_max * (1 + 1e-12), lam_max * 1.01, lam_max * 3):
        w = np.asarray(solve.minimize(p, "l1", lam))
        assert np.all(w == 0.0), (lam, w)
    w = np.asarray(solve.minimize(p, "l1", lam_max * 0.98))
    assert np.count_nonzero(w) >= 1
    assert_l1_kkt(X, y, w, lam_max * 0.98)


def test_demo_lambda_one_l1_has_one_exact_zero_l2_none():
    p = problems.demo("least_squares")
    w1 = np.asarray(solve.minimize(p, "l1", 1.0))
    w2 = np.asarray(solve.minimize(p, "l2", 1.0))
    assert np.sum(w1 == 0.0) == 1, w1
    # the docstring's claim: it is w₂ that L1 removes, w₁ stays
    assert w1[1] == 0.0 and w1[0] != 0.0
    assert np.sum(w2 == 0.0) == 0, w2
    X, y = np_ls(p)
    assert_l1_kkt(X, y, w1, 1.0)


def test_logistic_l2_is_stationary():
    p = problems.demo("logistic")
    X, y = np_ls(p)
    for lam in (0.0, 0.05, 0.5):
        w = np.asarray(solve.minimize(p, "l2", lam))
        s = 1 / (1 + np.exp(-(X @ w)))
        g = np.mean((s - y)[:, None] * X, axis=0) + 2 * lam * w
        np.testing.assert_allclose(g, 0.0, atol=2e-6)


def test_logistic_l1_satisfies_kkt():
    p = problems.demo("logistic")
    X, y = np_ls(p)
    for lam in (0.02, 0.2):
        w = np.asarray(solve.minimize(p, "l1", lam))
        g = np.mean((1 / (1 + np.exp(-(X @ w))) - y)[:, None] * X, axis=0)
        nz = w != 0
        np.testing.assert_allclose(g[nz] + lam * np.sign(w[nz]), 0.0, atol=1e-5)
        assert np.all(np.abs(g[~nz]) <= lam + 1e-6)


def orthogonal_design(seed: int, n: int = 40, d: int = 3):
    """X with XᵀX/n = I: √n times a matrix with orthonormal columns."""
    rng = np.random.default_rng(seed)
    Q, _ = np.linalg.qr(rng.normal(size=(n, d)))
    X = np.sqrt(n) * Q
    y = X @ np.array([1.0, -0.4, 0.05]) + 0.3 * rng.normal(size=n)
    return X, y


@pytest.mark.parametrize("lam", [0.0, 0.1, 0.5, 1.2, 5.0])
def test_orthogonal_design_lasso_is_soft_threshold_of_ols(lam):
    # J = ‖w‖² − 2wᵀb + c with b = Xᵀy/n, so argmin J + λ‖w‖₁ = soft_threshold(b, λ/2).
    X, y = orthogonal_design(0)
    n = len(y)
    np.testing.assert_allclose(X.T @ X / n, np.eye(3), atol=1e-12)
    b = X.T @ y / n
    want = soft(b, lam / 2)
    got = np.asarray(solve.minimize(problems.least_squares(X, y), "l1", lam))
    np.testing.assert_allclose(got, want, atol=1e-7)
    clearly_zero = np.abs(b) < lam / 2 - 1e-3
    assert np.all(got[clearly_zero] == 0.0)
    assert np.all(got[np.abs(b) > lam / 2 + 1e-3] != 0.0)


def test_orthogonal_design_ridge_is_shrunk_ols():
    X, y = orthogonal_design(1)
    b = X.T @ y / len(y)
    got = np.asarray(solve.minimize(problems.least_squares(X, y), "l2", 0.75))
    np.testing.assert_allclose(got, b / 1.75, rtol=1e-10)


def test_minimize_returns_positive_zero():
    X, y = random_least_squares(0)
    lam_max = 2.0 / len(y) * np.max(np.abs(X.T @ y))
    w = np.asarray(solve.minimize(problems.least_squares(X, y), "l1", 2 * lam_max))
    assert np.all(w == 0.0) and not np.any(np.signbit(w))


def test_minimize_does_not_depend_on_problem_dtype():
    p32 = problems.demo("least_squares")
    p64 = p32.astype(jnp.float64)
    a = np.asarray(solve.minimize(p32, "l1", 0.4))
    b = np.asarray(solve.minimize(p64, "l1", 0.4))
    np.testing.assert_allclose(a, b, atol=1e-9)


# ---- a regularization path -----------------------------------------------------------------

@pytest.mark.parametrize("kind,mix", [("l1", 1.0), ("elastic_net", 0.6), ("l2", 0.5)])
def test_path_satisfies_kkt_at_every_lambda(kind, mix):
    """The warm-started, QR-compressed path meets the KKT conditions of J itself (not of the
    compressed problem) at each of 60 λ, down from λ_max where every weight is exactly 0."""
    X, y = random_least_squares(7, n=80, d=6)
    l1_share = {"l1": 1.0, "elastic_net": mix, "l2": 0.0}[kind]
    # w = 0 is optimal iff λ·(share of L1) ≥ ‖∇J(0)‖_∞ (L2 alone never zeroes a weight)
    lam_max = 2.0 / len(y) * np.max(np.abs(X.T @ y)) / max(l1_share, 0.5)
    lams = np.logspace(np.log10(lam_max * 1.001), np.log10(lam_max * 1e-3), 60)
    sol = solve.solve_path(problems.least_squares(X, y), kind, lams, mix=mix)
    W = np.asarray(sol.w)
    assert W.shape == (60, 6) and float(np.max(sol.residual)) < solve.TOL
    if kind != "l2":
        assert np.all(W[0] == 0.0)
    for lam, w in zip(lams, W, strict=True):
        assert_l1_kkt(X, y, w, lam, mix=l1_share)


def test_path_equals_one_solve_per_lambda_in_any_order():
    X, y = random_least_squares(3, n=40, d=5)
    p = problems.least_squares(X, y)
    lams = np.array([0.3, 0.01, 1.0, 0.1])  # not sorted: only slower, never different
    W = np.asarray(solve.minimize_path(p, "l1", lams))
    for lam, w in zip(lams, W, strict=True):
        np.testing.assert_allclose(w, np.asarray(solve.minimize(p, "l1", lam)), atol=2e-6)
        assert np.array_equal(w == 0, np.asarray(solve.minimize(p, "l1", lam)) == 0)


def test_path_refuses_a_non_convex_penalty():
    X, y = random_least_squares(0)
    with pytest.raises(ValueError):
        solve.minimize_path(problems.least_squares(X, y), "l0", [0.1])


# ---- solve_warm: the exact active-set answer, FISTA when it fails its check ------------------

def _warm(X, y, lam, mix, w0):
    p = problems.least_squares(X, y).astype(jnp.float64)
    return solve.solve_warm(p, jnp.float64(lam), jnp.float64(mix), jnp.asarray(w0, jnp.float64))


@pytest.mark.parametrize("seed", [0, 1, 2])
@pytest.mark.parametrize("mix", [1.0, 0.5])
@pytest.mark.parametrize("start", ["zeros", "wrong signs"])
def test_solve_warm_satisfies_kkt_and_agrees_with_fista(seed, mix, start):
    X, y = random_least_squares(seed, d=8)
    fista = solve.solve(problems.least_squares(X, y), "elastic_net", 0.05, mix=mix)
    w0 = np.zeros(8) if start == "zeros" else -np.asarray(fista.w) - 0.3
    sol = _warm(X, y, 0.05, mix, w0)
    w = np.asarray(sol.w)
    assert float(sol.residual) < solve.TOL
    assert_l1_kkt(X, y, w, 0.05, mix=mix)
    # FISTA stops at a prox residual of 1e-6, which leaves its weights ~1e-5 from the exact ones
    np.testing.assert_allclose(w, np.asarray(fista.w), atol=3e-5)
    # the exact answer's zeros are FISTA's
    np.testing.assert_array_equal(w == 0, np.asarray(fista.w) == 0)


def test_solve_warm_along_a_path_is_exact_without_fista_nearly_everywhere():
    """Warm-started from the neighbour's answer (λ decreasing), the first guess of the zero
    pattern is right at nearly every λ: 0 FISTA iterations there, and KKT holds everywhere."""
    X, y = random_least_squares(4, n=30, d=10)
    w, fista_steps = np.zeros(10), []
    for lam in np.geomspace(2.0, 1e-4, 120):
        sol = _warm(X, y, lam, 1.0, w)
        w = np.asarray(sol.w)
        assert float(sol.residual) < solve.TOL
        assert_l1_kkt(X, y, w, lam)
        fista_steps.append(int(sol.iterations))
    assert sum(s > 0 for s in fista_steps) <= 6, fista_steps


def test_solve_warm_falls_back_to_fista_when_the_active_set_fails():
    """More features than samples and λ tiny: the active-set tries from a bad start cannot
    settle, and the answer is FISTA's (iterations > 0), still a minimizer."""
    X, y = random_least_squares(7, n=6, d=12)
    sol = _warm(X, y, 1e-3, 1.0, np.ones(12))
    assert int(sol.iterations) > 0
    assert float(sol.residual) < solve.TOL
    assert_l1_kkt(X, y, np.asarray(sol.w), 1e-3)


@pytest.mark.parametrize("backtrack", [True, False])
def test_the_one_solver_takes_a_projection_as_its_prox(backtrack):
    """``proximal_gradient`` with the prox of an indicator (the projection onto w ≥ 0) solves
    non-negative least squares: against SciPy's active-set NNLS, an independent solver."""
    from scipy.optimize import nnls

    rng = np.random.default_rng(3)
    X, y = rng.normal(size=(40, 5)), rng.normal(size=40)
    loss = lambda w: jnp.mean((jnp.asarray(X) @ w - jnp.asarray(y)) ** 2)  # noqa: E731
    L = 2 * np.linalg.eigvalsh(X.T @ X / len(y))[-1]
    sol = solve.proximal_gradient(loss, lambda v, s: jnp.maximum(v, 0.0), jnp.zeros(5),
                                  step=1.0 if backtrack else 1 / L, tol=1e-10, max_iter=20_000,
                                  backtrack=backtrack)
    want, _ = nnls(X, y)
    np.testing.assert_allclose(np.asarray(sol.w), want, atol=1e-7)
    assert (np.asarray(sol.w) == 0).sum() == (want == 0).sum() > 0   # exact zeros, as NNLS
    assert float(sol.residual) < 1e-10
