"""core.penalties against slow scalar references, brute force and optimality conditions."""

from __future__ import annotations

import math

import jax
import jax.numpy as jnp
import numpy as np
import pytest

from core import penalties, problems

MIXES = (0.0, 0.3, 0.5, 1.0)


# ---- slow scalar references ------------------------------------------------------------

def ref_value(kind: str, w, mix: float = 0.5) -> float:
    """P(w) for one weight vector, one Python loop, the DESIGN.md convention."""
    total = 0.0
    for x in w:
        x = float(x)
        if kind == "none":
            total += 0.0
        elif kind == "l1":
            total += abs(x)
        elif kind == "l2":
            total += x * x
        elif kind == "elastic_net":
            total += mix * abs(x) + (1 - mix) * x * x
        elif kind == "l0":
            total += 1.0 if x != 0 else 0.0
        elif kind == "lp":
            total += math.sqrt(abs(x))
        else:
            raise AssertionError(kind)
    return total


def ref_soft_threshold(v: float, t: float) -> float:
    if v > t:
        return v - t
    if v < -t:
        return v + t
    return 0.0


def ref_elastic_net_prox(v: float, t: float, mix: float) -> float:
    # argmin_u ½(u − v)² + t·(mix·|u| + (1 − mix)·u²): for u > 0 the stationarity condition is
    # u − v + t·mix + 2t(1 − mix)u = 0, symmetric for u < 0, and u = 0 when |v| ≤ t·mix.
    if v > t * mix:
        return (v - t * mix) / (1 + 2 * t * (1 - mix))
    if v < -t * mix:
        return (v + t * mix) / (1 + 2 * t * (1 - mix))
    return 0.0


def prox_objective(kind: str, u, v: float, t: float):
    """½(u − v)² + t·P(u), elementwise over an array of scalar u."""
    u = np.asarray(u, np.float64)
    if kind == "l0":
        pen = (u != 0).astype(np.float64)
    elif kind == "lp":
        pen = np.sqrt(np.abs(u))
    elif kind == "elastic_net":
        pen = 0.5 * np.abs(u) + 0.5 * u * u
    else:
        raise AssertionError(kind)
    return 0.5 * (u - v) ** 2 + t * pen


# A fine grid of u that contains 0 exactly and is densest near 0 (where |u|^½ is steep).
_U_GRID = np.unique(np.concatenate([
    np.linspace(-6.0, 6.0, 240_001),
    np.linspace(-0.05, 0.05, 20_001),
    [0.0],
]))


def _v_values(t: float):
    rng = np.random.default_rng(int(t * 1000))
    return np.concatenate([
        [0.0, t, -t, 2 * t, -2 * t, 1e-9, -1e-9],
        rng.uniform(-4.0, 4.0, 60),
    ])


# ---- value -----------------------------------------------------------------------------

@pytest.mark.parametrize("kind", penalties.KINDS)
@pytest.mark.parametrize("mix", MIXES)
def test_value_matches_python_loop(kind, mix):
    rng = np.random.default_rng(0)
    W = rng.normal(size=(7, 5)) * 2.0
    W[0, :] = 0.0
    W[1, 2] = 0.0
    W[2, 0] = -0.0
    got = np.asarray(penalties.value(kind, jnp.asarray(W), mix=mix))
    assert got.shape == (7,)
    want = np.array([ref_value(kind, row, mix) for row in W])
    np.testing.assert_allclose(got, want, rtol=1e-13, atol=1e-15)


def test_value_docstring_example_and_batched_shape():
    assert float(penalties.value("l1", jnp.array([1.0, -2.0]))) == 3.0
    W = jnp.ones((3, 4, 2))
    assert penalties.value("l2", W).shape == (3, 4)
    with pytest.raises(ValueError):
        penalties.value("l3", jnp.zeros(2))


# ---- prox: closed forms -----------------------------------------------------------------

@pytest.mark.parametrize("t", [0.0, 1e-3, 0.25, 0.5, 1.0, 3.0])
def test_prox_l1_is_the_scalar_soft_threshold(t):
    v = _v_values(t)
    got = np.asarray(penalties.prox("l1", jnp.asarray(v), t))
    want = np.array([ref_soft_threshold(float(x), t) for x in v])
    np.testing.assert_array_equal(got, want)
    # |v| ≤ t lands on exactly 0, including v = ±t.
    assert np.all(got[np.abs(v) <= t] == 0.0)
    if t > 0:
        assert got[1] == 0.0 and got[2] == 0.0


def test_prox_l1_docstring_example():
    got = np.asarray(penalties.prox("l1", jnp.array([0.3, -2.0]), 0.5))
    np.testing.assert_array_equal(got, [0.0, -1.5])


@pytest.mark.parametrize("t", [0.0, 0.1, 0.5, 1.0, 3.0])
def test_prox_l1_optimality_condition(t):
    """v − u ∈ t·∂|u|: equal to t·sign(u) where u ≠ 0, within [−t, t] where u = 0."""
    v = _v_values(t)
    u = np.asarray(penalties.prox("l1", jnp.asarray(v), t))
    nz = u != 0
    np.testing.assert_allclose((v - u)[nz], t * np.sign(u[nz]), rtol=0, atol=1e-12)
    assert np.all(np.abs(v[~nz]) <= t + 1e-15)


@pytest.mark.parametrize("t", [0.0, 0.1, 0.5, 2.0])
def test_prox_l2_closed_form_and_stationarity(t):
    v = _v_values(t)
    u = np.asarray(penalties.prox("l2", jnp.asarray(v), t))
    np.testing.assert_allclose(u, v / (1 + 2 * t), rtol=1e-15, atol=0)
    # d/du [½(u − v)² + t·u²] = u − v + 2tu = 0
    np.testing.assert_allclose(u - v + 2 * t * u, 0.0, atol=1e-14)


@pytest.mark.parametrize("mix", MIXES)
@pytest.mark.parametrize("t", [0.0, 0.2, 1.0, 2.5])
def test_prox_elastic_net_scalar_reference(mix, t):
    v = np.concatenate([_v_values(t), [t * mix, -t * mix]])
    got = np.asarray(penalties.prox("elastic_net", jnp.asarray(v), t, mix=mix))
    want = np.array([ref_elastic_net_prox(float(x), t, mix) for x in v])
    np.testing.assert_allclose(got, want, rtol=1e-14, atol=1e-15)
    assert np.all(got[np.abs(v) <= t * mix] == 0.0)


def test_prox_none_is_identity():
    v = jnp.array([-1.5, 0.0, 2.0])
    np.testing.assert_array_equal(np.asarray(penalties.prox("none", v, 0.7)), np.asarray(v))


# ---- prox: brute force for the non-convex penalties -----------------------------------

@pytest.mark.parametrize("kind", ["l0", "lp", "elastic_net"])
@pytest.mark.parametrize("t", [0.05, 0.3, 1.0, 2.0])
def test_prox_against_brute_force_minimization(kind, t):
    v_all = np.concatenate([_v_values(t), np.linspace(-3.0, 3.0, 41)])
    u = np.asarray(penalties.prox(kind, jnp.asarray(v_all), t))
    assert np.all(np.isfinite(u))
    for v, u_k in zip(v_all, u, strict=True):
        f = prox_objective(kind, _U_GRID, v, t)
        f_grid = f.min()
        f_prox = float(prox_objective(kind, u_k, v, t))
        # The prox reaches the grid's minimum value (the grid is fine: spacing 5e-5).
        assert f_prox <= f_grid + 1e-6, (kind, t, v, u_k, f_prox, f_grid)
        # Zero exactly when brute force says 0 wins by a clear margin, and not 0 otherwise.
        f_zero = 0.5 * v * v
        f_nonzero = f[_U_GRID != 0].min()
        if f_zero < f_nonzero - 1e-4:
            assert u_k == 0.0, (kind, t, v, u_k)
        elif f_nonzero < f_zero - 1e-4:
            assert u_k != 0.0, (kind, t, v, u_k)


def test_prox_lp_threshold_is_three_halves_t_to_the_two_thirds():
    # At |v| = (3/2)·t^(2/3) the half-threshold jumps from 0 to (2/3)|v|: 0 and the jump
    # are equally good there (the objective ties). Just inside: 0; just outside: ≈ (2/3)|v|.
    for t in (0.1, 0.5, 2.0):
        thr = 1.5 * t ** (2 / 3)
        v = jnp.array([thr * 0.999, -thr * 1.001])
        inside, outside = np.asarray(penalties.prox("lp", v, t))
        assert inside == 0.0
        assert outside < 0 and abs(outside) == pytest.approx(2 / 3 * thr, rel=0.05)
        f0 = 0.5 * thr**2
        f_jump = float(prox_objective("lp", 2 / 3 * thr, thr, t))
        assert f_jump == pytest.approx(f0, rel=1e-9)


# ---- subgradient -----------------------------------------------------------------------

def test_subgradient_sign_of_zero_is_zero():
    w = jnp.array([0.0, 1.5, -2.0, -0.0])
    np.testing.assert_array_equal(np.asarray(penalties.subgradient("l1", w)), [0, 1, -1, 0])
    np.testing.assert_array_equal(np.asarray(penalties.subgradient("l2", w)), [0, 3.0, -4.0, 0])
    np.testing.assert_allclose(np.asarray(penalties.subgradient("elastic_net", w, mix=0.25)),
                               [0, 0.25 + 0.75 * 3.0, -0.25 - 0.75 * 4.0, 0], rtol=1e-15)
    for kind in ("none", "l0"):
        np.testing.assert_array_equal(np.asarray(penalties.subgradient(kind, w)), 0.0)
    lp = np.asarray(penalties.subgradient("lp", w))
    assert lp[0] == 0.0 and lp[3] == 0.0
    np.testing.assert_allclose(lp[1:3], [0.5 / math.sqrt(1.5), -0.5 / math.sqrt(2.0)], rtol=1e-14)


@pytest.mark.parametrize("kind", ["l1", "l2", "elastic_net", "lp"])
def test_subgradient_is_the_derivative_away_from_zero(kind):
    w = np.array([0.7, -1.3, 2.2])
    h = 1e-6
    got = np.asarray(penalties.subgradient(kind, jnp.asarray(w), mix=0.4))
    for k in range(3):
        e = np.zeros(3)
        e[k] = h
        fd = (ref_value(kind, w + e, 0.4) - ref_value(kind, w - e, 0.4)) / (2 * h)
        assert got[k] == pytest.approx(fd, rel=1e-7)


# ---- ball boundary ---------------------------------------------------------------------

@pytest.mark.parametrize("kind", ["l1", "l2", "elastic_net", "lp"])
@pytest.mark.parametrize("level", [0.3, 1.0, 2.5])
@pytest.mark.parametrize("mix", [0.2, 0.5, 0.9])
def test_ball_boundary_lies_on_the_level_set(kind, level, mix):
    pts = np.asarray(penalties.ball_boundary(kind, level, mix=mix))
    assert pts.shape == (361, 2)
    assert np.all(np.isfinite(pts))
    vals = np.array([ref_value(kind, p, mix) for p in pts])
    np.testing.assert_allclose(vals, level, rtol=1e-12)
    np.testing.assert_allclose(pts[0], pts[-1], atol=1e-12)


@pytest.mark.parametrize("level", [0.5, 1.0, 2.0])
def test_l1_ball_passes_through_the_axis_corners(level):
    pts = np.asarray(penalties.ball_boundary("l1", level))
    for corner in ([level, 0.0], [0.0, level], [-level, 0.0], [0.0, -level]):
        assert np.min(np.linalg.norm(pts - np.array(corner), axis=1)) < 1e-12, corner


def test_l2_ball_is_a_circle_of_radius_sqrt_level():
    pts = np.asarray(penalties.ball_boundary("l2", 2.0))
    np.testing.assert_allclose(np.linalg.norm(pts, axis=1), math.sqrt(2.0), rtol=1e-14)


@pytest.mark.parametrize("kind", ["none", "l0"])
def test_ball_boundary_without_a_ball_is_nan(kind):
    assert np.all(np.isnan(np.asarray(penalties.ball_boundary(kind, 1.0))))


# ---- gradients at the kinks ------------------------------------------------------------

@pytest.mark.parametrize("kind", ["l1", "elastic_net"])
@pytest.mark.parametrize("loss", ["least_squares", "logistic"])
def test_gradient_of_penalized_objective_is_finite_at_a_kink(kind, loss):
    p = problems.demo(loss).astype(jnp.float64)
    lam = 0.7

    def objective(w):
        return p.loss(w) + lam * penalties.value(kind, w)

    for w in (jnp.array([0.0, 1.3]), jnp.array([-0.4, 0.0]), jnp.zeros(2)):
        g = np.asarray(jax.grad(objective)(w))
        assert np.all(np.isfinite(g)), (kind, loss, w, g)
        # Off the kink the gradient is ∂J + λ·∂P; at the kink whatever jax picks must lie in
        # the subdifferential ∂J + λ·mix·[−1, 1] (jax 0.10 takes d|x|/dx = 1 at 0, not sign(0)).
        gJ = np.asarray(jax.grad(p.loss)(w))
        w_np = np.asarray(w)
        zero = w_np == 0
        mix = 1.0 if kind == "l1" else 0.5
        dP = mix * np.sign(w_np) + (0.0 if kind == "l1" else 0.5 * 2 * w_np)
        np.testing.assert_allclose(g[~zero], (gJ + lam * dP)[~zero], rtol=1e-12, atol=1e-14)
        assert np.all(np.abs(g[zero] - gJ[zero]) <= lam * mix + 1e-12)


def test_positive_zero_clears_the_sign_of_zero_also_inside_jit():
    w = jnp.array([-0.0, 0.0, -1.5, 2.0])
    for f in (penalties.positive_zero, jax.jit(penalties.positive_zero)):
        got = np.asarray(f(w))
        assert not np.signbit(got[:2]).any()
        np.testing.assert_array_equal(got[2:], [-1.5, 2.0])


def test_one_table_holds_every_fact_of_a_penalty_and_the_pages_read_it():
    """Every penalty has one row in ``penalties.PENALTIES``; the kinds, the convex split,
    the pages' palette and names and the ball's homogeneity all come from it."""
    from core.penalties import PENALTIES
    from ui.figures.style import PALETTE, PENALTY_NAMES

    assert penalties.KINDS == tuple(PENALTIES) == ("none", "l1", "l2", "elastic_net", "l0", "lp")
    assert penalties.CONVEX == ("none", "l1", "l2", "elastic_net")
    assert {k: PALETTE[k] for k in PENALTIES} == {k: p.colour for k, p in PENALTIES.items()}
    assert PENALTY_NAMES == {k: p.name for k, p in PENALTIES.items()}
    u = jnp.array([[0.6, -0.8], [1.0, 0.0]])
    for kind, p in PENALTIES.items():
        if p.degree is not None:   # P(r·u) = r^degree·P(u), so the ball's radius follows
            np.testing.assert_allclose(penalties.value(kind, 3.0 * u),
                                       3.0 ** p.degree * penalties.value(kind, u), rtol=1e-6)
            ball = penalties.ball_boundary(kind, 2.0)
            np.testing.assert_allclose(penalties.value(kind, ball), 2.0, rtol=1e-5)
