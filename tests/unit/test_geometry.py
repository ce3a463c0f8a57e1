"""core.scenes.geometry against slow references, optimality conditions and closed forms.

References written here in plain Python / NumPy, independent of the code under test:
- L1 projection: Duchi et al.'s sort-and-scan as a Python loop, and a bisection on θ;
- L1-constrained minimizer in 2D: the diamond's four edges, each a 1D quadratic minimized
  exactly and clipped to the edge;
- L2-constrained minimizer: the trust-region equation (A + μI)w = Ac with ‖w‖ = t, μ by bisection;
- the Monte Carlo's L1 share for round bowls: atan((1 − s)/(1 + s)) / (π/4).
"""

from __future__ import annotations

import math

import jax
import jax.numpy as jnp
import numpy as np
import pytest

from core import problems, solve
from core.scenes import geometry

# ---- references -----------------------------------------------------------------------------


def l1_projection_sorting(v, t):
    """Duchi et al. (2008), Fig. 1, as a plain Python loop."""
    v = [float(x) for x in v]
    if t <= 0:
        return np.zeros(len(v))
    if sum(abs(x) for x in v) <= t:
        return np.array(v)
    u = sorted((abs(x) for x in v), reverse=True)
    total, rho, theta = 0.0, 0, 0.0
    for j, uj in enumerate(u, start=1):
        total += uj
        if uj - (total - t) / j > 0:
            rho, theta = j, (total - t) / j
    assert rho > 0
    return np.array([math.copysign(max(abs(x) - theta, 0.0), x) for x in v])


def l1_projection_bisection(v, t, iters=200):
    """θ ≥ 0 with Σ max(|v| − θ, 0) = t, by bisection; then the soft threshold."""
    v = np.asarray(v, np.float64)
    if np.abs(v).sum() <= t:
        return v.copy()
    lo, hi = 0.0, float(np.abs(v).max())
    for _ in range(iters):
        mid = (lo + hi) / 2
        if np.maximum(np.abs(v) - mid, 0).sum() > t:
            lo = mid
        else:
            hi = mid
    return np.sign(v) * np.maximum(np.abs(v) - hi, 0)


def l1_constrained_2d(A, c, t):
    """argmin (w − c)ᵀA(w − c) over |w₁| + |w₂| ≤ t, exactly: c if it is inside, else the best
    point of the four edges (each edge a segment p + s·(q − p), s ∈ [0, 1])."""
    if t <= 0:
        return np.zeros(2)
    if np.abs(c).sum() <= t:
        return c.copy()
    corners = [np.array([t, 0.0]), np.array([0.0, t]), np.array([-t, 0.0]), np.array([0.0, -t])]
    best, best_J = None, np.inf
    for p, q in zip(corners, corners[1:] + corners[:1], strict=True):
        d = q - p
        # J(p + s d) = (p − c + s d)ᵀA(p − c + s d): minimized at s = −dᵀA(p − c)/dᵀAd
        s = float(np.clip(-(d @ A @ (p - c)) / (d @ A @ d), 0.0, 1.0))
        w = q.copy() if s == 1.0 else p + s * d   # an end of the edge is a corner, exactly
        J = (w - c) @ A @ (w - c)
        if J < best_J:
            best, best_J = w, J
    return best


def l2_constrained(A, c, t, iters=300):
    """argmin (w − c)ᵀA(w − c) over ‖w‖₂ ≤ t: c if inside, else (A + μI)⁻¹Ac with ‖w‖ = t."""
    if t <= 0:
        return np.zeros(len(c))
    if np.linalg.norm(c) <= t:
        return c.copy()
    d = len(c)

    def w(mu):
        return np.linalg.solve(A + mu * np.eye(d), A @ c)

    lo, hi = 0.0, 1.0
    while np.linalg.norm(w(hi)) > t:
        hi *= 2
    for _ in range(iters):
        mid = (lo + hi) / 2
        lo, hi = (mid, hi) if np.linalg.norm(w(mid)) > t else (lo, mid)
    return w(hi)


def l1_ball_answer_by_search():
    """Geometry's default scene, and its L1 ball's answer found by brute force: the least
    J = (w − c)ᵀA(w − c) over 80,000 points of the diamond's edge (c lies outside it)."""
    d = geometry.DEFAULTS
    scene = geometry.scene((d["c1"], d["c2"]), d["elong"], d["rot"], d["t"], d["lam"])
    s = np.linspace(0, 1, 20_001)
    edge = np.concatenate([np.stack([sx * d["t"] * (1 - s), sy * d["t"] * s], 1)
                           for sx in (1, -1) for sy in (1, -1)])
    r = edge - np.asarray(scene.center)
    return scene, edge[np.argmin(np.einsum("ni,ij,nj->n", r, np.asarray(scene.A), r))]


def bowl_matrix(elongation, rotation_deg):
    """A = R diag(1, 1/e²) Rᵀ from its definition: long axis (cos θ, sin θ) has curvature 1/e²."""
    th = math.radians(rotation_deg)
    long = np.array([math.cos(th), math.sin(th)])
    short = np.array([-math.sin(th), math.cos(th)])
    return np.outer(short, short) + np.outer(long, long) / elongation**2


def random_points(seed, n, d, scale=3.0):
    return np.random.default_rng(seed).normal(scale=scale, size=(n, d))


# ---- projections ----------------------------------------------------------------------------

@pytest.mark.parametrize("d", [1, 2, 3, 7])
@pytest.mark.parametrize("t", [0.3, 1.0, 4.0])
def test_l1_projection_matches_both_slow_references(d, t):
    V = random_points(d, 60, d)
    got = np.asarray(geometry.project_l1_ball(jnp.asarray(V), t))
    for v, p in zip(V, got, strict=True):
        np.testing.assert_allclose(p, l1_projection_sorting(v, t), rtol=0, atol=1e-12)
        np.testing.assert_allclose(p, l1_projection_bisection(v, t), rtol=0, atol=1e-10)


@pytest.mark.parametrize("kind", ["l1", "l2"])
@pytest.mark.parametrize("d", [2, 5])
def test_projection_satisfies_the_optimality_condition(kind, d):
    """p = proj(v) iff p is in the ball and ⟨v − p, x − p⟩ ≤ 0 for every x in it, i.e.
    t·‖v − p‖_dual ≤ ⟨v − p, p⟩ (dual norm: ∞ for the L1 ball, 2 for the L2 ball)."""
    t = 1.5
    V = random_points(10 + d, 200, d)
    P = np.asarray(geometry.project(kind, jnp.asarray(V), t))
    dual = {"l1": np.inf, "l2": 2}[kind]
    primal = {"l1": 1, "l2": 2}[kind]
    for v, p in zip(V, P, strict=True):
        assert np.linalg.norm(p, primal) <= t * (1 + 1e-12)
        r = v - p
        assert t * np.linalg.norm(r, dual) <= r @ p + 1e-9


@pytest.mark.parametrize("kind", ["l1", "l2"])
def test_points_inside_and_on_the_ball_stay_and_points_outside_land_on_it(kind):
    t, primal = 2.0, {"l1": 1, "l2": 2}[kind]
    rng = np.random.default_rng(3)
    U = rng.normal(size=(100, 3))
    on = t * U / np.linalg.norm(U, primal, axis=1, keepdims=True)
    inside = on * rng.uniform(0, 0.99, size=(100, 1))
    outside = on * rng.uniform(1.01, 5, size=(100, 1))
    np.testing.assert_array_equal(np.asarray(geometry.project(kind, jnp.asarray(inside), t)),
                                  inside)
    np.testing.assert_allclose(np.asarray(geometry.project(kind, jnp.asarray(on), t)), on,
                               rtol=0, atol=1e-12)
    out = np.asarray(geometry.project(kind, jnp.asarray(outside), t))
    np.testing.assert_allclose(np.linalg.norm(out, primal, axis=1), t, rtol=1e-12)


def test_l2_projection_is_the_radial_closed_form():
    V = random_points(4, 100, 3)
    t = 1.3
    r = np.linalg.norm(V, axis=1, keepdims=True)
    want = np.where(r > t, V * t / r, V)
    np.testing.assert_allclose(np.asarray(geometry.project_l2_ball(jnp.asarray(V), t)), want,
                               rtol=1e-14)


def test_l1_projection_lands_on_an_axis_where_radial_scaling_would_not():
    v = jnp.array([2.0, 0.5])
    p = np.asarray(geometry.project_l1_ball(v, 1.0))
    assert p.tolist() == [1.0, 0.0]
    assert not np.signbit(p).any()   # a +0, not a −0
    radial = np.asarray(v) / np.abs(np.asarray(v)).sum()   # the wrong answer: (0.8, 0.2)
    assert np.linalg.norm(np.asarray(v) - p) < np.linalg.norm(np.asarray(v) - radial)
    # and a negative coordinate keeps its sign, the other lands on exactly +0
    q = np.asarray(geometry.project_l1_ball(jnp.array([-0.2, -3.0]), 1.0))
    assert q.tolist() == [0.0, -1.0] and not np.signbit(q[0])


@pytest.mark.parametrize("kind", ["l1", "l2"])
def test_radius_zero_or_negative_gives_zero_and_batched_radii_work(kind):
    V = jnp.asarray(random_points(5, 4, 2))
    np.testing.assert_array_equal(np.asarray(geometry.project(kind, V, 0.0)), 0.0)
    np.testing.assert_array_equal(np.asarray(geometry.project(kind, V, -1.0)), 0.0)
    ts = jnp.asarray([0.5, 1.0, 2.0, 100.0])
    batched = np.asarray(geometry.project(kind, V, ts))
    for i in range(4):
        np.testing.assert_allclose(batched[i], np.asarray(geometry.project(kind, V[i], ts[i])))
    np.testing.assert_array_equal(batched[3], np.asarray(V[3]))   # a huge ball: unchanged


# ---- the bowl and its convention ------------------------------------------------------------

@pytest.mark.parametrize("center,e,rot", [((2.0, 1.2), 2.5, 110), ((-1.0, 0.3), 1.0, 0),
                                          ((0.5, -2.0), 5.0, 37)])
def test_quadratic_bowl_is_least_squares_with_the_stated_A_and_c(center, e, rot):
    p = geometry.quadratic(center, e, rot)
    assert p.kind == "least_squares"
    X, y = np.asarray(p.X), np.asarray(p.y)
    A, c = bowl_matrix(e, rot), np.asarray(center)
    for w in random_points(1, 20, 2):
        want = (w - c) @ A @ (w - c)
        assert float(p.loss(jnp.asarray(w))) == pytest.approx(want, rel=1e-12, abs=1e-12)
        assert np.mean((X @ w - y) ** 2) == pytest.approx(want, rel=1e-12, abs=1e-12)
    A2, c2, jmin = geometry.curvature(p)
    np.testing.assert_allclose(A2, A, atol=1e-14)
    np.testing.assert_allclose(c2, c, atol=1e-12)
    assert jmin == pytest.approx(0.0, abs=1e-20)
    # the long axis is e times the short one: curvature 1 across it, 1/e² along it
    np.testing.assert_allclose(np.linalg.eigvalsh(A), sorted([1.0, 1 / e**2]), rtol=1e-12)


def test_level_set_points_have_the_value_asked_for():
    p = geometry.quadratic((1.0, -0.5), 3.0, 20)
    pts = geometry.level_set(p, 0.7)
    assert pts.dtype == np.float32 and pts.shape == (181, 2)
    J = np.asarray(p.loss(jnp.asarray(pts, jnp.float64)))
    np.testing.assert_allclose(J, 0.7, rtol=1e-5)
    many = geometry.level_set(p, np.array([0.1, 2.0]))
    assert many.shape == (2, 181, 2)
    np.testing.assert_allclose(np.asarray(p.loss(jnp.asarray(many[1], jnp.float64))), 2.0,
                               rtol=1e-5)
    # at or below the minimum: the centre itself
    np.testing.assert_allclose(geometry.level_set(p, -1.0), np.tile([1.0, -0.5], (181, 1)))


# ---- the constrained solver -----------------------------------------------------------------

BOWLS = [((2.0, 1.2), 2.5, 110), ((2.0, 0.8), 2.0, 30), ((-1.5, 2.5), 4.0, 60),
         ((0.3, -2.2), 1.0, 0), ((1.5, 1.5), 1.0, 0), ((-2.0, -1.0), 5.0, 170)]


@pytest.mark.parametrize("center,e,rot", BOWLS)
@pytest.mark.parametrize("t", [0.0, 0.4, 1.0, 1.5, 2.5, 5.0])
def test_constrained_minimizer_matches_the_exact_references(center, e, rot, t):
    p = geometry.quadratic(center, e, rot)
    A, c = bowl_matrix(e, rot), np.asarray(center)
    l1 = geometry.constrained_minimize(p, "l1", t)
    l2 = geometry.constrained_minimize(p, "l2", t)
    assert float(l1.residual) < geometry.TOL and float(l2.residual) < geometry.TOL
    want1 = l1_constrained_2d(A, c, t)
    np.testing.assert_allclose(np.asarray(l1.w), want1, rtol=0, atol=1e-7)
    np.testing.assert_allclose(np.asarray(l2.w), l2_constrained(A, c, t), rtol=0, atol=1e-7)
    # a corner in the reference is an exact zero in the solver (the projection lands on it)
    for k in range(2):
        if want1[k] == 0.0 and abs(want1[1 - k]) > 1e-3:
            assert float(l1.w[k]) == 0.0


def test_constrained_minimizer_is_a_fixed_point_of_projected_gradient_on_random_data():
    """A least-squares problem from data (d = 3): w = proj(w − s∇J(w)) and ‖w‖ ≤ t."""
    rng = np.random.default_rng(7)
    X = rng.normal(size=(40, 3))
    y = X @ np.array([2.0, -1.0, 0.2]) + 0.3 * rng.normal(size=40)
    p = problems.least_squares(X, y)
    for kind, primal in (("l1", 1), ("l2", 2)):
        w = np.asarray(geometry.constrained_minimize(p, kind, 1.2).w)
        g = 2 / len(y) * X.T @ (X @ w - y)
        back = np.asarray(geometry.project(kind, jnp.asarray(w - 0.1 * g), 1.2))
        np.testing.assert_allclose(back, w, atol=1e-9)
        assert np.linalg.norm(w, primal) == pytest.approx(1.2, rel=1e-9)


@pytest.mark.parametrize("center,e,rot", BOWLS)
def test_constrained_at_t_lambda_equals_penalized_at_lambda(center, e, rot):
    p = geometry.quadratic(center, e, rot)
    A, c = bowl_matrix(e, rot), np.asarray(center)
    lams = np.array([0.0, 0.05, 0.3, 1.0, 2.0, 4.0])
    for kind in ("l1", "l2"):
        w_pen, t = geometry.budget(p, kind, lams)
        w_con = geometry.constrained_family(p, kind, t).w
        np.testing.assert_allclose(np.asarray(w_con), np.asarray(w_pen), rtol=0, atol=2e-5)
        # and the same zeros, exactly
        np.testing.assert_array_equal(np.asarray(w_con) == 0, np.asarray(w_pen) == 0)
    # L2's penalized side is the ridge closed form (A + λI)w = Ac: the link holds to 1e-8
    for lam in lams:
        ridge = np.linalg.solve(A + lam * np.eye(2), A @ c)
        w = geometry.constrained_minimize(p, "l2", np.linalg.norm(ridge)).w
        np.testing.assert_allclose(np.asarray(w), ridge, rtol=0, atol=1e-8)


def test_link_holds_on_a_data_problem_too():
    X = np.random.default_rng(2).normal(size=(30, 2)) @ np.array([[1.0, 0.6], [0.0, 0.8]])
    y = X @ np.array([1.5, 0.3]) + 0.4 * np.random.default_rng(3).normal(size=30)
    p = problems.least_squares(X, y)
    for lam in (0.1, 0.5, 1.0):
        w = np.asarray(solve.minimize(p, "l1", lam))
        con = np.asarray(geometry.constrained_minimize(p, "l1", np.abs(w).sum()).w)
        np.testing.assert_allclose(con, w, atol=2e-5)


def test_budget_shrinks_with_lambda_and_starts_at_the_centre():
    p = geometry.quadratic((2.0, 1.2), 2.5, 110)
    lams = np.linspace(0, 5, 26)
    for kind, primal in (("l1", 1), ("l2", 2)):
        _, t = geometry.budget(p, kind, lams)
        t = np.asarray(t)
        assert t[0] == pytest.approx(np.linalg.norm([2.0, 1.2], primal), rel=1e-6)
        assert np.all(np.diff(t) <= 1e-9)
    _, t1 = geometry.budget(p, "l1", [5.0])
    assert float(t1[0]) == 0.0   # L1 at a large λ: everything is exactly 0


# ---- recompiles -----------------------------------------------------------------------------

def test_a_new_radius_problem_or_lambda_does_not_recompile():
    p = geometry.quadratic((2.0, 1.0), 2.0, 30)
    geometry.constrained_minimize(p, "l1", 1.0)
    geometry.scene((2.0, 1.0), 2.0, 30, 1.0, 0.5)
    sizes = (geometry._constrained._cache_size(), geometry._ball_views._cache_size())
    geometry.constrained_minimize(geometry.quadratic((-1, 0.5), 4.0, 75), "l1", 2)   # int t
    geometry.constrained_minimize(p, "l1", np.float32(0.3))
    geometry.scene((0.0, -1.5), 1.0, 5, 0.0, 3.1)
    assert (geometry._constrained._cache_size(), geometry._ball_views._cache_size()) == sizes


def test_the_monte_carlo_compiles_once_for_every_family_and_n():
    geometry.monte_carlo(100, seed=1, elongation=2.0, max_rotation=90, share=0.5)
    before = geometry._monte_carlo._cache_size()
    geometry.monte_carlo(5000, seed=2, elongation=3, max_rotation=0, share=0.25)
    geometry.monte_carlo(10_000, seed=3, elongation=np.float32(1.5), max_rotation=45.0,
                         share=0.8)
    assert geometry._monte_carlo._cache_size() == before


# ---- the Monte Carlo ------------------------------------------------------------------------

def test_monte_carlo_is_reproducible_with_a_seed_and_n_is_a_prefix():
    a = geometry.monte_carlo(1000, seed=4, elongation=3.0, max_rotation=60, share=0.4)
    geometry._solved.cache_clear()   # recomputed from scratch, not served from the cache
    b = geometry.monte_carlo(1000, seed=4, elongation=3.0, max_rotation=60, share=0.4)
    np.testing.assert_array_equal(a.w_l1, b.w_l1)
    np.testing.assert_array_equal(a.w_l2, b.w_l2)
    assert (a.share_l1, a.share_l2) == (b.share_l1, b.share_l2)
    other = geometry.monte_carlo(1000, seed=5, elongation=3.0, max_rotation=60, share=0.4)
    assert not np.array_equal(a.centers, other.centers)
    small = geometry.monte_carlo(100, seed=4, elongation=3.0, max_rotation=60, share=0.4)
    np.testing.assert_array_equal(small.w_l1, a.w_l1[:100])
    assert small.n == 100 and len(small.centers) == 100


def test_l1_lands_on_an_axis_far_more_often_than_l2():
    mc = geometry.monte_carlo(geometry.N_MAX, seed=0, elongation=2.5, max_rotation=90,
                              share=0.5)
    assert mc.n == geometry.N_MAX and mc.residual < geometry.TOL
    assert mc.share_l1 > 0.3
    assert mc.share_l2 < 0.001
    # the histograms count every problem; L1's pile-up sits in the end bins (the axes)
    for k in ("none", "l1", "l2"):
        assert mc.angle_counts[k].sum() == mc.n
    on_axis = int(np.sum(np.any(mc.w_l1 == 0, axis=-1)))
    assert mc.angle_counts["l1"][0] + mc.angle_counts["l1"][-1] >= on_axis
    assert mc.angle_counts["l1"][[0, -1]].sum() > 5 * mc.angle_counts["l2"][[0, -1]].sum()


@pytest.mark.parametrize("share", [0.25, 0.5, 0.75])
def test_round_bowls_match_the_closed_form_share(share):
    """e = 1: the L1 answer is c's projection onto the ball of radius s‖c‖₁; it has a zero iff
    c is within atan((1 − s)/(1 + s)) of an axis, and c's direction is uniform."""
    mc = geometry.monte_carlo(geometry.N_MAX, seed=1, elongation=1.0, share=share)
    want = math.atan((1 - share) / (1 + share)) / (math.pi / 4)
    sigma = math.sqrt(want * (1 - want) / mc.n)
    assert abs(mc.share_l1 - want) < 4 * sigma
    assert mc.share_l2 == 0.0


def test_monte_carlo_answers_match_the_exact_references():
    mc = geometry.monte_carlo(300, seed=6, elongation=3.0, max_rotation=90, share=0.5)
    key = jax.random.key(6)
    centers, _, rots = (np.asarray(a) for a in geometry._draw(key, 3.0, 90.0))
    zeros_ref = 0
    for i in range(300):
        c, A = centers[i], bowl_matrix(3.0, rots[i])
        np.testing.assert_allclose(mc.centers[i], c, rtol=1e-15)
        ref1 = l1_constrained_2d(A, c, 0.5 * np.abs(c).sum())
        np.testing.assert_allclose(mc.w_l1[i], ref1, atol=1e-7)
        np.testing.assert_allclose(mc.w_l2[i], l2_constrained(A, c, 0.5 * np.linalg.norm(c)),
                                   atol=1e-7)
        zeros_ref += bool(np.any(ref1 == 0))
    assert abs(mc.share_l1 * 300 - zeros_ref) <= 2   # a corner met exactly on its edge may differ


def test_scene_holds_what_the_page_draws():
    s = geometry.scene((2.0, 1.2), 2.5, 110, 1.5, 1.0)
    assert s.lam == 1.0 and s.lams[s.index] == 1.0
    l1, l2 = s.constrained["l1"], s.constrained["l2"]
    assert l1.w.tolist().count(0.0) == 1 and 0.0 not in l2.w.tolist()
    assert np.abs(l1.w).sum() == pytest.approx(1.5, rel=1e-9)
    assert np.linalg.norm(l2.w) == pytest.approx(1.5, rel=1e-9)
    for k in ("l1", "l2"):
        d = s.duality[k]
        assert d.gap < 2e-5 and d.residual < geometry.TOL
        assert d.balls.shape == (len(s.lams), 361, 2) and d.touching.shape[0] == len(s.lams)
        np.testing.assert_allclose(np.interp(s.lams, s.curve_lams, d.curve_t), d.t, atol=0.05)
    for arr in (s.J, s.w1, l1.ball, l1.touching, s.duality["l2"].balls):
        assert arr.dtype == np.float32 and np.isfinite(arr).all()


@pytest.mark.parametrize("args", [((0.0, 0.0), 1.0, 0, 0.0, 0.0), ((-3.0, 3.0), 5.0, 175, 3.5, 5.0),
                                  ((3.0, 0.0), 5.0, 0, 0.05, 0.001)])
def test_scene_at_the_sliders_extremes_is_finite(args):
    s = geometry.scene(*args)
    for a in s.constrained.values():
        assert np.isfinite(a.w).all() and np.isfinite(a.ball).all()
        assert np.isfinite(a.touching).all()
    for d in s.duality.values():
        assert np.isfinite(d.w_pen).all() and np.isfinite(d.t).all()
        assert np.isfinite(d.balls).all() and np.isfinite(d.curve_t).all()
    assert s.residual < 10 * geometry.TOL


@pytest.mark.parametrize("d", [2, 3])  # 2: written out; 3: LAPACK
def test_top_eigenvalue_matches_numpy(d):
    rng = np.random.default_rng(d)
    for _ in range(20):
        B = rng.normal(size=(d, d))
        A = B @ B.T + 0.1 * np.eye(d) * rng.random()
        np.testing.assert_allclose(float(problems.top_eigenvalue(jnp.asarray(A))),
                                   np.linalg.eigvalsh(A)[-1], rtol=1e-12)
