"""core.optim: the primer's update rules against NumPy scalar loops and closed forms."""

from __future__ import annotations

import jax.numpy as jnp
import numpy as np
import pytest

from core import optim, problems

STEPS = 60  # one static shape for most paths here, so they share compiled code


def soft(v, t):
    return np.sign(v) * np.maximum(np.abs(v) - t, 0.0)


def separable_quadratic(a, b_target, n: int = 30, seed: int = 0):
    """Least squares with XᵀX/n = diag(a) and Xᵀy/n = b_target.

    Then J(w) = Σ a_k w_k² − 2 b·w + c, ∇J = 2(a·w − b), and the L1 minimizer is
    soft_threshold(b, λ/2)/a.
    """
    a, b_target = np.asarray(a, float), np.asarray(b_target, float)
    d = len(a)
    rng = np.random.default_rng(seed)
    Q, _ = np.linalg.qr(rng.normal(size=(n, d + 1)))
    X = np.sqrt(n) * Q[:, :d] * np.sqrt(a)
    # y = X c + (component orthogonal to X), with c chosen so Xᵀy/n = a·c = b_target
    y = X @ (b_target / a) + 2.0 * Q[:, d]
    np.testing.assert_allclose(X.T @ X / n, np.diag(a), atol=1e-12)
    np.testing.assert_allclose(X.T @ y / n, b_target, atol=1e-12)
    return problems.least_squares(X, y)


def flat(d: int = 3, n: int = 4):
    """A data loss with ∇J ≡ 0: X and y all zeros."""
    return problems.least_squares(np.zeros((n, d)), np.zeros(n))


# ---- proximal gradient on a separable quadratic ----------------------------------------

@pytest.mark.parametrize("lam", [0.0, 0.3, 1.0])
def test_proximal_gradient_matches_scalar_loop_and_converges(lam):
    a = np.array([1.0, 0.5, 2.0, 1.5])
    b = np.array([0.9, -0.1, 0.2, -1.4])
    p = separable_quadratic(a, b)
    alpha = 0.2  # < 1/max(a) = 2/L
    w0 = np.array([2.0, -1.5, 0.0, 0.7])

    path = np.asarray(optim.trajectory(p, "l1", lam, alpha, jnp.asarray(w0), steps=STEPS))
    assert path.shape == (STEPS + 1, 4) and path.dtype == np.float64

    ref = [w0.copy()]
    w = w0.copy()
    for _ in range(STEPS):
        for k in range(4):
            v = w[k] - alpha * 2 * (a[k] * w[k] - b[k])
            w[k] = np.sign(v) * max(abs(v) - alpha * lam, 0.0)
        ref.append(w.copy())
    ref = np.array(ref)
    np.testing.assert_allclose(path, ref, rtol=1e-12, atol=1e-13)
    # exact zeros where the loop has them
    assert np.array_equal(path == 0, ref == 0)

    w_star = soft(b, lam / 2) / a
    long = np.asarray(optim.trajectory(p, "l1", lam, alpha, jnp.asarray(w0), steps=400))
    np.testing.assert_allclose(long[-1], w_star, atol=1e-10)
    assert np.array_equal(long[-1] == 0, w_star == 0)


# ---- a flat data loss: the penalty alone ------------------------------------------------

ALPHA, LAM = 0.1, 0.5  # αλ = 0.05, the primer's band half-width
W0 = np.array([0.37, -1.234, 0.0123])


def test_flat_loss_has_zero_gradient():
    import jax

    g = np.asarray(jax.grad(flat().loss)(jnp.asarray(W0)))
    assert np.all(g == 0.0)


def test_subgradient_l1_hops_inside_the_band_and_never_hits_zero():
    band = ALPHA * LAM
    path = np.asarray(optim.trajectory(flat(), "l1", LAM, ALPHA, jnp.asarray(W0),
                                       steps=STEPS, rule="subgradient"))
    # the primer's rule exactly: w ← w − αλ·sign(w)
    ref = [W0.copy()]
    for _ in range(STEPS):
        ref.append(ref[-1] - band * np.sign(ref[-1]))
    np.testing.assert_allclose(path, np.array(ref), rtol=0, atol=1e-14)

    for k in range(W0.size):
        col = path[:, k]
        assert np.all(col != 0.0), k
        inside = np.flatnonzero(np.abs(col) < band)
        assert inside.size, k
        first = inside[0]
        # before the band it walks straight in by αλ a step
        walk = abs(W0[k]) - band * np.arange(first + 1)
        np.testing.assert_allclose(np.abs(col[:first + 1]), walk, atol=1e-13)
        # after it first enters, every later point stays in [−αλ, αλ] and the sign flips
        after = col[first:]
        assert np.all(np.abs(after) <= band * (1 + 1e-12)), k
        assert np.all(np.sign(after[1:]) == -np.sign(after[:-1])), k


@pytest.mark.parametrize("rule", ["proximal", "clip"])
def test_proximal_and_clip_land_on_exact_zero_and_stay(rule):
    band = ALPHA * LAM
    path = np.asarray(optim.trajectory(flat(), "l1", LAM, ALPHA, jnp.asarray(W0),
                                       steps=STEPS, rule=rule))
    for k in range(W0.size):
        col = path[:, k]
        # first step at which |w0| − k·αλ ≤ 0 (prox) or < 0 (clip: a sign flip); W0 is generic
        k_zero = int(np.ceil(abs(W0[k]) / band))
        assert np.all(col[k_zero:] == 0.0), (rule, k, col[k_zero:])
        assert np.all(col[:k_zero] != 0.0), (rule, k)
        np.testing.assert_allclose(np.abs(col[:k_zero]), abs(W0[k]) - band * np.arange(k_zero),
                                   atol=1e-13)
    # and zero stays zero: started at 0, nothing moves
    still = np.asarray(optim.trajectory(flat(), "l1", LAM, ALPHA, jnp.zeros(3), steps=STEPS,
                                        rule=rule))
    assert np.all(still == 0.0)


def test_l2_subgradient_decays_geometrically_and_never_reaches_zero():
    path = np.asarray(optim.trajectory(flat(), "l2", LAM, ALPHA, jnp.asarray(W0), steps=STEPS,
                                       rule="subgradient"))
    k = np.arange(STEPS + 1)[:, None]
    np.testing.assert_allclose(path, W0 * (1 - 2 * ALPHA * LAM) ** k, rtol=1e-12, atol=0)
    assert np.all(path[50] != 0.0)


def test_l2_proximal_divides_by_one_plus_two_alpha_lambda():
    path = np.asarray(optim.trajectory(flat(), "l2", LAM, ALPHA, jnp.asarray(W0), steps=STEPS))
    k = np.arange(STEPS + 1)[:, None]
    np.testing.assert_allclose(path, W0 / (1 + 2 * ALPHA * LAM) ** k, rtol=1e-12, atol=0)


# ---- the clip rule ----------------------------------------------------------------------

def test_clip_primer_example_plus_point_one_to_minus_point_two_becomes_zero():
    # flat loss, αλ = 0.3: the subgradient step takes +0.1 to 0.1 − 0.3 = −0.2
    p = flat(d=1)
    w = jnp.array([0.1])
    sub = np.asarray(optim.step(p, "l1", 3.0, 0.1, w, rule="subgradient"))
    np.testing.assert_allclose(sub, [-0.2], rtol=1e-14)
    clip = np.asarray(optim.step(p, "l1", 3.0, 0.1, w, rule="clip"))
    assert clip[0] == 0.0
    path = np.asarray(optim.trajectory(p, "l1", 3.0, 0.1, w, steps=1, rule="clip"))
    assert path[1, 0] == 0.0


def test_clip_zeroes_exactly_the_coordinates_whose_sign_flips():
    # J = mean((x·w − y)²) per coordinate via an orthogonal design (XᵀX/n = I):
    # ∇J = 2(w − b), so the subgradient step is u = w − 2α(w − b) − αλ·sign(w).
    b = np.array([-1.0, 0.5, 0.05, 2.0, -0.3])
    p = separable_quadratic(np.ones(5), b, n=12)
    alpha, lam = 0.4, 0.5
    w = np.array([0.3, 0.2, -0.05, 0.0, -0.01])
    u = w - alpha * 2 * (w - b) - alpha * lam * np.sign(w)
    flips = np.sign(u) * np.sign(w) < 0
    assert flips.any() and (~flips).any()  # the case has both kinds of coordinate
    want = np.where(flips, 0.0, u)
    got = np.asarray(optim.step(p, "l1", lam, alpha, jnp.asarray(w), rule="clip"))
    np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-14)
    assert np.all(got[flips] == 0.0)
    assert np.all(got[~flips] != 0.0)
    sub = np.asarray(optim.step(p, "l1", lam, alpha, jnp.asarray(w), rule="subgradient"))
    np.testing.assert_allclose(sub, u, rtol=1e-12, atol=1e-14)


# ---- divergence -------------------------------------------------------------------------

@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("kind,rule", [("none", "proximal"), ("l1", "proximal"),
                                       ("l2", "subgradient")])
def test_a_step_far_above_two_over_L_diverges_and_the_path_stays_finite(dtype, kind, rule):
    p = problems.demo("least_squares").astype(dtype)
    X = np.asarray(p.X, np.float64)
    L = np.linalg.eigvalsh(2 * X.T @ X / X.shape[0]).max()
    w0 = jnp.asarray([2.0, -1.0], dtype)

    bad = optim.descend(p, kind, 0.1, 20 * 2 / L, w0, steps=STEPS, rule=rule)
    path = np.asarray(bad.path)
    at = int(bad.diverged_at)
    assert at >= 1
    assert np.all(np.isfinite(path))
    assert np.all(np.linalg.norm(path, axis=1) < optim.DIVERGED_NORM)
    # from the divergence on, the path holds its last finite point
    assert np.all(path[at:] == path[at - 1])

    good = optim.descend(p, kind, 0.1, 0.9 / L, w0, steps=STEPS, rule=rule)
    assert int(good.diverged_at) == -1
    assert np.all(np.isfinite(np.asarray(good.path)))


def test_trajectory_is_the_path_of_descend():
    p = problems.demo("logistic")
    w0 = jnp.asarray([1.0, 1.0], jnp.float32)
    d = optim.descend(p, "l1", 0.2, 0.5, w0, steps=STEPS)
    t = optim.trajectory(p, "l1", 0.2, 0.5, w0, steps=STEPS)
    np.testing.assert_array_equal(np.asarray(d.path), np.asarray(t))
    assert t.dtype == jnp.float32
    np.testing.assert_array_equal(np.asarray(t[0]), np.asarray(w0))


def test_unknown_rule_raises():
    with pytest.raises(ValueError):
        optim.step(flat(), "l1", 0.1, 0.1, jnp.ones(3), rule="momentum")
