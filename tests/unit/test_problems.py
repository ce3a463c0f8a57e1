"""core.problems: the data losses against NumPy, and the seeded demo datasets."""

from __future__ import annotations

import jax
import jax.numpy as jnp
import numpy as np
import pytest

from core import problems


def _data(seed=0, n=40, d=3):
    rng = np.random.default_rng(seed)
    return rng.normal(size=(n, d)), rng.normal(size=n), rng.normal(size=(5, d))


def np_softplus(z):
    """log(1 + exp(z)) without overflow, written independently of jnp.logaddexp."""
    z = np.asarray(z, np.float64)
    return np.where(z > 0, z + np.log1p(np.exp(-np.abs(z))), np.log1p(np.exp(-np.abs(z))))


def test_least_squares_loss_is_mean_squared_error():
    X, y, Ws = _data()
    p = problems.least_squares(X, y)
    for w in Ws:
        want = np.mean((X @ w - y) ** 2)
        assert float(p.loss(jnp.asarray(w))) == pytest.approx(want, rel=1e-13)
    # batched over leading axes
    np.testing.assert_allclose(np.asarray(p.loss(jnp.asarray(Ws))),
                               [np.mean((X @ w - y) ** 2) for w in Ws], rtol=1e-13)


def test_least_squares_has_no_half():
    # One sample, x = 1, y = 0: J(w) = w², so J(3) = 9 (not 4.5).
    p = problems.least_squares(np.ones((1, 1)), np.zeros(1))
    assert float(p.loss(jnp.array([3.0]))) == 9.0


def test_logistic_loss_is_mean_cross_entropy():
    X, _, Ws = _data(1)
    y = (np.random.default_rng(2).random(X.shape[0]) < 0.5).astype(float)
    p = problems.logistic(X, y)
    for w in Ws:
        z = X @ w
        want = np.mean(np.log(1 + np.exp(z)) - y * z)
        assert float(p.loss(jnp.asarray(w))) == pytest.approx(want, rel=1e-13)
        # the same as the textbook −mean(y log σ + (1 − y) log(1 − σ))
        s = 1 / (1 + np.exp(-z))
        ce = -np.mean(y * np.log(s) + (1 - y) * np.log(1 - s))
        assert float(p.loss(jnp.asarray(w))) == pytest.approx(ce, rel=1e-12)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_logistic_loss_is_stable_for_large_margins(dtype):
    p = problems.demo("logistic").astype(dtype)
    X, y = np.asarray(p.X, np.float64), np.asarray(p.y, np.float64)
    loss, grad = jax.jit(p.loss), jax.jit(jax.grad(p.loss))
    for w in ([500.0, 0.0], [-500.0, 0.0], [0.0, 2000.0]):
        w = np.array(w)
        got = loss(jnp.asarray(w, dtype))
        assert np.isfinite(float(got))
        z = X @ w
        want = np.mean(np_softplus(z) - y * z)
        assert float(got) == pytest.approx(want, rel=1e-5 if dtype == np.float32 else 1e-12)
        g = np.asarray(grad(jnp.asarray(w, dtype)))
        assert np.all(np.isfinite(g))


def test_sine_loss_matches_numpy():
    rng = np.random.default_rng(3)
    x, z, y = rng.uniform(-3, 3, 30), rng.normal(size=30), rng.normal(size=30)
    p = problems.sine(x, z, y)
    for w in rng.normal(size=(4, 2)) * 2:
        want = np.mean((np.sin(w[0] * x) + w[1] * z - y) ** 2)
        assert float(p.loss(jnp.asarray(w))) == pytest.approx(want, rel=1e-13)


@pytest.mark.parametrize("kind", problems.LOSSES)
def test_demo_is_deterministic_float32_and_seeded(kind):
    a, b = problems.demo(kind, seed=3), problems.demo(kind, seed=3)
    c = problems.demo(kind, seed=4)
    for p in (a, b, c):
        assert p.X.dtype == jnp.float32 and p.y.dtype == jnp.float32
        assert p.X.shape == (60, 2) and p.y.shape == (60,)
        assert p.kind == kind
        assert np.all(np.isfinite(np.asarray(p.X))) and np.all(np.isfinite(np.asarray(p.y)))
    np.testing.assert_array_equal(np.asarray(a.X), np.asarray(b.X))
    np.testing.assert_array_equal(np.asarray(a.y), np.asarray(b.y))
    assert not np.array_equal(np.asarray(a.X), np.asarray(c.X))
    # the default seed is reproducible too
    np.testing.assert_array_equal(np.asarray(problems.demo(kind).X),
                                  np.asarray(problems.demo(kind, seed=0).X))


def test_logistic_demo_labels_are_zero_one_and_not_separable():
    from core import solve

    p = problems.demo("logistic")
    y = np.asarray(p.y)
    assert set(np.unique(y)) == {0.0, 1.0}
    w = np.asarray(solve.minimize(p, "none", 0.0))
    assert np.all(np.isfinite(w)) and np.linalg.norm(w) < 20


def test_unknown_demo_raises():
    with pytest.raises(ValueError):
        problems.demo("hinge")
