"""core.grids: the surface layout, the λ family, and local minima (the primer's claim 11)."""

from __future__ import annotations

import itertools

import jax.numpy as jnp
import numpy as np
import pytest

from core import grids, problems, solve

N = 41


def ref_local_minima(Z):
    """Strict minima among the 8 neighbours, interior cells only: a plain double loop."""
    Z = np.asarray(Z)
    m, n = Z.shape
    out = np.zeros((m, n), bool)
    for i in range(1, m - 1):
        for j in range(1, n - 1):
            out[i, j] = all(Z[i, j] < Z[i + di, j + dj]
                            for di, dj in itertools.product((-1, 0, 1), repeat=2) if di or dj)
    return out


@pytest.mark.parametrize("loss", problems.LOSSES)
@pytest.mark.parametrize("kind", ["l1", "l2", "elastic_net"])
def test_surface_matches_pointwise_loss_with_rows_as_w2(loss, kind):
    p = problems.demo(loss)
    view = (-2.5, 3.5, -1.0, 1.5)  # asymmetric: a transposed grid would not agree
    g = grids.surface(p, kind, n=N, view=view, mix=0.3)
    assert g.J.shape == g.P.shape == (N, N)
    assert g.J.dtype == g.P.dtype == g.w1.dtype == jnp.float32
    w1, w2 = np.asarray(g.w1, np.float64), np.asarray(g.w2, np.float64)
    np.testing.assert_allclose(w1, np.linspace(-2.5, 3.5, N), rtol=1e-6)
    np.testing.assert_allclose(w2, np.linspace(-1.0, 1.5, N), rtol=1e-6, atol=1e-7)
    p64 = p.astype(jnp.float64)
    for i, j in [(0, 0), (3, 17), (17, 3), (N - 1, 5), (20, N - 1), (N - 2, N - 3)]:
        w = np.array([w1[j], w2[i]])
        J_ref = float(p64.loss(jnp.asarray(w)))
        assert float(g.J[i, j]) == pytest.approx(J_ref, rel=2e-5, abs=1e-6), (i, j)
        if kind == "l1":
            P_ref = abs(w[0]) + abs(w[1])
        elif kind == "l2":
            P_ref = w[0] ** 2 + w[1] ** 2
        else:
            P_ref = 0.3 * (abs(w[0]) + abs(w[1])) + 0.7 * (w[0] ** 2 + w[1] ** 2)
        assert float(g.P[i, j]) == pytest.approx(P_ref, rel=1e-6, abs=1e-7), (i, j)


def test_surface_least_squares_matches_numpy():
    p = problems.demo("least_squares")
    X, y = np.asarray(p.X, np.float64), np.asarray(p.y, np.float64)
    g = grids.surface(p, "l1", n=N)
    W1, W2 = np.meshgrid(np.asarray(g.w1, np.float64), np.asarray(g.w2, np.float64))
    W = np.stack([W1, W2], axis=-1)                        # W[i, j] = (w1[j], w2[i])
    J = np.mean((W @ X.T - y) ** 2, axis=-1)
    np.testing.assert_allclose(np.asarray(g.J), J, rtol=2e-5, atol=1e-6)
    np.testing.assert_allclose(np.asarray(g.total(0.7)), J + 0.7 * np.abs(W).sum(-1),
                               rtol=2e-5, atol=1e-6)


def test_family_is_J_plus_lambda_P():
    g = grids.surface(problems.demo("logistic"), "l1", n=N)
    lams = [0.0, 0.1, 0.5, 2.0]
    F = np.asarray(grids.family(g, lams))
    assert F.shape == (4, N, N) and F.dtype == np.float32
    J, P = np.asarray(g.J, np.float64), np.asarray(g.P, np.float64)
    for k, lam in enumerate(lams):
        np.testing.assert_allclose(F[k], J + lam * P, rtol=1e-6, atol=1e-7)


def test_local_minima_matches_double_loop():
    rng = np.random.default_rng(0)
    Z = rng.normal(size=(15, 12))
    Z[5, 5] = Z[5, 6] = -10.0  # a tie: neither is a strict minimum
    Z[0, 0] = -20.0            # the border never counts
    got = np.asarray(grids.local_minima(jnp.asarray(Z)))
    want = ref_local_minima(Z)
    np.testing.assert_array_equal(got, want)
    assert not got[5, 5] and not got[5, 6] and not got[0, 0]
    # a bowl has one minimum, at its bottom
    x = np.linspace(-1, 1, 21)
    bowl = (x[None, :] - 0.3) ** 2 + (x[:, None] + 0.2) ** 2
    m = np.asarray(grids.local_minima(jnp.asarray(bowl)))
    assert m.sum() == 1 and tuple(np.argwhere(m)[0]) == (8, 13)


def test_l2_removes_local_minima_of_the_sine_landscape():
    """The primer's claim 11: regularization makes the landscape more convex."""
    p = problems.demo("sine")
    g = grids.surface(p, "l2")
    counts = {}
    for lam in (0.0, 1.0):
        Z = np.asarray(g.total(lam))
        mask = np.asarray(grids.local_minima(g.total(lam)))
        np.testing.assert_array_equal(mask, ref_local_minima(Z))
        counts[lam] = int(mask.sum())
    assert counts[0.0] > counts[1.0], counts
    assert counts[0.0] >= 2
    assert counts[1.0] == 1
    # the one minimum left is the solver's minimizer of J + ‖w‖², up to a grid cell
    i, j = np.argwhere(np.asarray(grids.local_minima(g.total(1.0))))[0]
    w = np.asarray(solve.minimize(p, "l2", 1.0))
    w1, w2 = np.asarray(g.w1), np.asarray(g.w2)
    assert abs(w1[j] - w[0]) <= (w1[1] - w1[0]) and abs(w2[i] - w[1]) <= (w2[1] - w2[0])
