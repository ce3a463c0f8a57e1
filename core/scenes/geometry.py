"""The geometry of L1 and L2: norm balls, constrained minimizers, and how often L1 hits an axis.

Conventions (DESIGN.md and below):

- The balls are ``B₁(t) = {w : Σ|w_k| ≤ t}`` (the diamond) and ``B₂(t) = {w : ‖w‖₂ ≤ t}``
  (the circle). ``t`` is a *radius* in both: the L2 penalty is ``P_L2(w) = Σw_k² = ‖w‖₂²``,
  so the L2 ball of radius t is the level set ``{P_L2 ≤ t²}`` and the L1 ball is
  ``{P_L1 ≤ t}``.
- The constrained problem is ``argmin J(w) s.t. ‖w‖ ≤ t``, the penalized one
  ``argmin J(w) + λ·P(w)`` (``core.solve``). They meet at ``t(λ) = ‖w*(λ)‖``: the
  constrained minimizer with budget t(λ) *is* the penalized minimizer at λ (KKT: λ is
  the multiplier of the constraint).
- The page's data loss is a quadratic bowl ``J(w) = (w − c)ᵀA(w − c)`` with its minimum 0 at
  the centre ``c`` and ``A = R(θ)·diag(1, 1/e²)·R(θ)ᵀ``: level sets are ellipses whose long
  axis is ``e`` times the short one (``e`` = elongation) and points at angle θ from the w₁
  axis. It is written as a least-squares ``Problem`` so that it obeys core.problems'
  convention ``J(w) = mean((Xw − y)²)`` exactly (see ``quadratic``); ``core.solve`` then
  gives the penalized side on the same J.

Hyperparameters (t, the centre, e, θ) are traced arrays inside the jitted functions, so a
slider move never recompiles; only shapes (the grid, the λ family, ``N_MAX``) are static.
"""

from __future__ import annotations

import functools
from typing import NamedTuple

import jax
import jax.numpy as jnp
import numpy as np

from core import grids, penalties, problems, solve
from core.scenes.landscape import lambda_family

# The page's controls at their defaults (``views/geometry.py`` starts from them, and
# ``core.runtime.warm`` compiles what they need).
DEFAULTS = {"c1": 2.0, "c2": 1.2, "elong": 2.5, "rot": 110, "t": 1.2, "lam": 0.7,
            "mc_n": 1000, "mc_seed": 0, "mc_elong": 2.5, "mc_rot": 90, "mc_share": 0.5}

BALLS = ("l1", "l2")
TOL = 1e-9          # projected-gradient residual at which the constrained solver stops
MAX_ITER = 5_000
VIEW = (-3.5, 3.5, -3.5, 3.5)   # the box the page draws (one view: a new view would recompile)
N_MAX = 10_000      # the Monte Carlo always solves this many problems and shows the first N
ANGLE_BINS = 45     # 2° bins over [0°, 90°]


# ---- projections ----------------------------------------------------------------------------

def project_l1_ball(v, t):
    """Euclidean projection onto the L1 ball: ``argmin_{‖w‖₁ ≤ t} ½‖w − v‖²``.

    Exact, by sorting (Duchi, Shalev-Shwartz, Singer & Chandra, 2008): if ‖v‖₁ ≤ t the point
    stays; otherwise the projection is the soft threshold ``sign(v)·max(|v| − θ, 0)`` with
    the θ ≥ 0 that puts it on the boundary, found from ``u = sort(|v|)`` (descending):

        ρ = max{ j : u_j − (Σ_{r≤j} u_r − t)/j > 0 },   θ = (Σ_{r≤ρ} u_r − t)/ρ.

    Coordinates with |v_k| ≤ θ land on exactly 0: the projection reaches the diamond's
    corners (and edges in higher d), which scaling v radially never does. ``t ≤ 0`` gives 0.

    Args:
      v: points, shape ``(..., d)``.
      t: radius, a scalar or shape ``v.shape[:-1]``.

    Returns:
      Array of v's shape and dtype.

    Example: ``project_l1_ball(jnp.array([2.0, 0.5]), 1.0)`` is ``[1.0, 0.0]``.
    """
    v = jnp.asarray(v)
    t = jnp.broadcast_to(jnp.asarray(t, v.dtype), v.shape[:-1])[..., None]
    a = jnp.abs(v)
    u = -jnp.sort(-a, axis=-1)
    css = jnp.cumsum(u, axis=-1)
    j = jnp.arange(1, v.shape[-1] + 1, dtype=v.dtype)
    rho = jnp.max(jnp.where(u - (css - t) / j > 0, j, 1), axis=-1, keepdims=True)
    theta = jnp.maximum((jnp.take_along_axis(css, rho.astype(int) - 1, axis=-1) - t) / rho, 0)
    inside = jnp.sum(a, axis=-1, keepdims=True) <= t
    w = jnp.where(inside, v, penalties.soft_threshold(v, theta))
    w = jnp.where(t > 0, w, jnp.zeros_like(v))
    return penalties.positive_zero(w)


def project_l2_ball(v, t):
    """Euclidean projection onto the L2 ball: ``v·min(1, t/‖v‖₂)`` (``t ≤ 0`` gives 0).

    Radial: a coordinate that is not 0 stays non-zero, so L2 never lands on an axis
    unless v was on it already.

    Example: ``project_l2_ball(jnp.array([3.0, 4.0]), 1.0)`` is ``[0.6, 0.8]``.
    """
    v = jnp.asarray(v)
    t = jnp.maximum(jnp.broadcast_to(jnp.asarray(t, v.dtype), v.shape[:-1])[..., None], 0)
    r = jnp.linalg.norm(v, axis=-1, keepdims=True)
    return v * jnp.where(r > t, t / jnp.where(r > 0, r, 1), 1)


def project(kind: str, v, t):
    """``project_l1_ball`` or ``project_l2_ball``."""
    if kind == "l1":
        return project_l1_ball(v, t)
    if kind == "l2":
        return project_l2_ball(v, t)
    raise ValueError(f"unknown ball {kind!r}; expected one of {BALLS}")


def norm(kind: str, w):
    """‖w‖₁ or ‖w‖₂ over the last axis: the radius of the ball through w."""
    w = jnp.asarray(w)
    return jnp.sum(jnp.abs(w), axis=-1) if kind == "l1" else jnp.linalg.norm(w, axis=-1)


def ball_level(kind: str, t):
    """The penalty level of the ball of radius t: P_L1 = t, P_L2 = t² (for ``ball_boundary``)."""
    return t if kind == "l1" else t * t


# ---- the constrained solver -------------------------------------------------------------

class Constrained(NamedTuple):
    w: jax.Array          # (d,) the constrained minimizer; exact zeros are 0.0
    residual: jax.Array   # ‖y − proj(y − s∇J(y))‖ / s at the last step (s = 1/L)
    iterations: jax.Array


def projected_gradient(problem: problems.Problem, kind: str, t, w0) -> Constrained:
    """``argmin J(w) s.t. w in the ball of radius t``: ``solve.proximal_gradient`` with the
    prox of the ball's indicator, the projection, and the fixed step s = 1/L (accelerated,
    with adaptive restart), until the gradient mapping ``‖y − proj(y − s∇J(y))‖/s`` at the
    extrapolated point y is below TOL (free: one gradient and one projection an iteration,
    which the Monte Carlo's 20,000 solves feel). Every iterate is a projection output."""
    sol = solve.proximal_gradient(problem.loss, lambda v, s: project(kind, v, t),
                                  w0.astype(problem.X.dtype), step=1 / problems.lipschitz(problem),
                                  tol=TOL, max_iter=MAX_ITER, backtrack=False, stop_at_y=True)
    return Constrained(penalties.positive_zero(sol.w), sol.residual, sol.iterations)


@functools.partial(jax.jit, static_argnames=("kind",))
def _constrained(problem, kind, t, w0):
    return projected_gradient(problem, kind, t, w0)


@functools.partial(jax.jit, static_argnames=("kind",))
def _constrained_family(problem, kind, ts, w0):
    return jax.vmap(lambda t: projected_gradient(problem, kind, t, w0))(ts)


def constrained_minimize(problem: problems.Problem, kind: str, t, *, w0=None) -> Constrained:
    """``argmin J(w) s.t. ‖w‖ ≤ t`` for the L1 (``kind="l1"``) or L2 ball, in float64.

    Projected gradient: ``w ← proj_{B(t)}(w − ∇J(w)/L)``, accelerated, until
    ``‖y − proj(y − ∇J(y)/L)‖·L < 1e-9`` (a fixed point is the minimizer, J convex).
    Each iterate is a projection, so an L1 minimizer on a corner has an exact 0.

    Args:
      problem: a convex data loss (least squares or logistic).
      kind: "l1" or "l2".
      t: the radius (a number; traced, so a new t does not recompile).
      w0: start (default 0).

    Returns:
      ``Constrained(w, residual, iterations)``.

    Example: for ``J = ‖w − (2, 0.5)‖²`` and t = 1 the L1 answer is (1, 0).
    """
    if kind not in BALLS:
        raise ValueError(f"unknown ball {kind!r}; expected one of {BALLS}")
    p64 = problem.astype(jnp.float64)
    d = p64.X.shape[1]
    w0 = jnp.zeros(d) if w0 is None else jnp.asarray(w0, jnp.float64)
    return _constrained(p64, kind, jnp.float64(t), w0)


def constrained_family(problem: problems.Problem, kind: str, ts, *, w0=None) -> Constrained:
    """``constrained_minimize`` for every radius in ``ts`` in one ``vmap`` call: w (T, d)."""
    if kind not in BALLS:
        raise ValueError(f"unknown ball {kind!r}; expected one of {BALLS}")
    p64 = problem.astype(jnp.float64)
    d = p64.X.shape[1]
    w0 = jnp.zeros(d) if w0 is None else jnp.asarray(w0, jnp.float64)
    return _constrained_family(p64, kind, jnp.asarray(ts, jnp.float64), w0)


def budget(problem: problems.Problem, kind: str, lams) -> tuple[jax.Array, jax.Array]:
    """The penalized minimizers w*(λ) and their budgets t(λ) = ‖w*(λ)‖ (L1 or L2 norm).

    Returns ``(w (L, d), t (L,))`` in float64, from ``core.solve.minimize_family``.
    """
    w = solve.minimize_family(problem, kind, lams)
    return w, norm(kind, w)


# ---- the page's problem family -------------------------------------------------------------

def _quadratic_data(center, elongation, rotation_deg):
    """X (2, 2) and y (2,) with mean((Xw − y)²) = (w − c)ᵀA(w − c) (see ``quadratic``)."""
    th = jnp.deg2rad(rotation_deg)
    long = jnp.stack([jnp.cos(th), jnp.sin(th)])
    short = jnp.stack([-jnp.sin(th), jnp.cos(th)])
    X = jnp.sqrt(2.0) * jnp.stack([short, long / elongation])
    return X, X @ center


def quadratic(center, elongation, rotation, *, dtype=jnp.float64) -> problems.Problem:
    """The bowl ``J(w) = (w − c)ᵀA(w − c)``, ``A = R(θ)·diag(1, 1/e²)·R(θ)ᵀ``, as least squares.

    Written as ``core.problems.least_squares(X, y)`` with two rows,
    ``X = √2·[u_shortᵀ; u_longᵀ/e]`` and ``y = Xc``, where ``u_long = (cos θ, sin θ)``:
    then ``mean((Xw − y)²) = ½‖X(w − c)‖² = (w − c)ᵀA(w − c)`` exactly, with minimum 0 at c.

    Args:
      center: c, the unregularized minimizer, shape (2,).
      elongation: e ≥ 1, long axis ÷ short axis of every level set (1: circles).
      rotation: θ in degrees, the long axis's angle from the w₁ axis.

    Example: ``quadratic((2, 1), 1, 0).loss(w)`` is ``‖w − (2, 1)‖²``.
    """
    X, y = _quadratic_data(jnp.asarray(center, jnp.float64), jnp.float64(elongation),
                           jnp.float64(rotation))
    return problems.least_squares(X.astype(dtype), y.astype(dtype), name="quadratic bowl",
                                  view=VIEW)


def curvature(problem: problems.Problem) -> tuple[np.ndarray, np.ndarray, float]:
    """A = XᵀX/n, c = argmin J and J(c) of a least-squares problem, in float64 NumPy:
    ``J(w) = (w − c)ᵀA(w − c) + J(c)``."""
    X = np.asarray(problem.X, np.float64)
    y = np.asarray(problem.y, np.float64)
    A = X.T @ X / len(y)
    c = np.linalg.solve(A, X.T @ y / len(y))
    return A, c, float(np.mean((X @ c - y) ** 2))


def level_set(problem: problems.Problem, value, *, n_points: int = 181) -> np.ndarray:
    """Points on ``{w : J(w) = value}`` for least squares: an ellipse around c, float32.

    ``w(φ) = c + √(value − J(c))·A^{-1/2}·(cos φ, sin φ)``; a value at or below the minimum
    gives the single point c (repeated). ``value`` may be an array of shape (V,): the result
    is then (V, n_points, 2), else (n_points, 2).
    """
    A, c, jmin = curvature(problem)
    ev, V = np.linalg.eigh(A)
    root_inv = V @ np.diag(1 / np.sqrt(ev)) @ V.T
    phi = np.linspace(0, 2 * np.pi, n_points)
    ring = np.stack([np.cos(phi), np.sin(phi)], axis=-1) @ root_inv.T   # (n_points, 2)
    r = np.sqrt(np.maximum(np.asarray(value, np.float64) - jmin, 0.0))
    return (c + r[..., None, None] * ring).astype(np.float32)


# ---- what the page draws ------------------------------------------------------------------

class BallAnswer(NamedTuple):
    """One ball (L1 or L2) at one radius: its minimizer and what to draw around it."""

    kind: str
    t: float
    w: np.ndarray          # (2,) float64; exact zeros are 0.0
    J: float               # J(w): the value of the touching level set
    ball: np.ndarray       # (m, 2) float32, the ball of radius t
    touching: np.ndarray   # (k, 2) float32, the level set {J = J(w)}
    residual: float


class Duality(NamedTuple):
    """Penalized ↔ constrained for one ball over the λ family (L values)."""

    kind: str
    w_pen: np.ndarray      # (L, 2) float64, the penalized minimizers w*(λ) (core.solve)
    t: np.ndarray          # (L,) float64, t(λ) = ‖w*(λ)‖
    w_con: np.ndarray      # (L, 2) float64, the constrained minimizers at t(λ)
    J: np.ndarray          # (L,) float64, J(w*(λ))
    balls: np.ndarray      # (L, m, 2) float32, the ball of radius t(λ)
    touching: np.ndarray   # (L, k, 2) float32, the level set through w*(λ)
    curve_t: np.ndarray    # (C,) float64, t(λ) on the fine grid ``GeometryScene.curve_lams``
    residual: float        # the largest constrained-solver residual over the family

    @property
    def gap(self) -> float:
        """max over λ of |constrained at t(λ) − penalized at λ|: 0 up to the solvers' tolerance."""
        return float(np.max(np.abs(self.w_con - self.w_pen)))


class GeometryScene(NamedTuple):
    problem: problems.Problem
    center: np.ndarray     # (2,) float64: the unregularized minimizer c
    A: np.ndarray          # (2, 2) float64: J(w) = (w − c)ᵀA(w − c)
    w1: np.ndarray         # (n,) float32 grid axes
    w2: np.ndarray
    J: np.ndarray          # (n, n) float32: J on the grid
    t: float
    constrained: dict      # "l1"/"l2" -> BallAnswer at radius t
    lams: np.ndarray       # (L,) the λ family
    index: int             # the page's λ in it
    duality: dict          # "l1"/"l2" -> Duality
    curve_lams: np.ndarray  # (C,) the fine λ grid of the t(λ) curves

    @property
    def lam(self) -> float:
        return float(self.lams[self.index])

    @property
    def residual(self) -> float:
        """The largest constrained-solver residual in the scene."""
        return max([a.residual for a in self.constrained.values()]
                   + [d.residual for d in self.duality.values()])


CURVE_LAMBDAS = tuple(np.round(np.linspace(0.0, 5.0, 101), 6))


@functools.partial(jax.jit, static_argnames=("kind",))
def _ball_views(problem, kind, ts, w_pen):
    """For each radius: the constrained minimizer, its J, the ball's boundary; and J(w_pen)."""
    sol = jax.vmap(lambda t: projected_gradient(problem, kind, t, jnp.zeros(2, ts.dtype)))(ts)
    levels = (ts if kind == "l1" else ts * ts).astype(jnp.float32)
    balls = jax.vmap(lambda lv: penalties.ball_boundary(kind, lv))(levels)
    return sol, problem.loss(sol.w), balls, problem.loss(w_pen)


def _kind_views(problem, kind: str, t: float, lams, curve) -> tuple[BallAnswer, Duality]:
    """The constrained view at t and the penalized ↔ constrained family of one ball.

    Two compiled calls whatever the numbers: ``solve.minimize_family`` over the λ family and
    the curve's λ grid together, then ``_ball_views`` over the radii t(λ) and t together.
    """
    L = len(lams)
    w_all, t_all = budget(problem, kind, np.concatenate([lams, curve]))
    w_pen, t_fam = np.asarray(w_all[:L], np.float64), np.asarray(t_all[:L], np.float64)
    sol, J, balls, J_pen = _ball_views(problem, kind, jnp.asarray(np.append(t_fam, t)),
                                       w_all[:L])
    w_con, J, res, J_pen = (np.asarray(a, np.float64) for a in (sol.w, J, sol.residual, J_pen))
    balls = np.asarray(balls, np.float32)
    touching = level_set(problem, np.append(J_pen, J[L]))
    answer = BallAnswer(kind, float(t), w_con[L], float(J[L]), balls[L], touching[L],
                        float(res[L]))
    duality = Duality(kind, w_pen, t_fam, w_con[:L], J_pen, balls[:L], touching[:L],
                      np.asarray(t_all[L:], np.float64), float(res[:L].max()))
    return answer, duality


def scene(center: tuple[float, float], elongation: float, rotation: float, t: float,
          lam: float, *, n: int = 81) -> GeometryScene:
    """The Geometry page's constrained and penalized views of one bowl, in one call.

    Args:
      center, elongation, rotation: the bowl (see ``quadratic``).
      t: the radius of the constrained view.
      lam: the page's λ; the penalized side is computed for ``scenes.lambda_family(lam)``
        (the Landscape page's λ family, one ``vmap`` call per ball), so the figure can
        scrub λ without the server, plus t(λ) on ``CURVE_LAMBDAS`` for the budget curve.
      n: grid points per axis for the contours.
    """
    problem = quadratic(center, elongation, rotation)
    A, c, _ = curvature(problem)
    grid = grids.surface(problem.astype(jnp.float32), "none", n=n)
    lams, index = lambda_family(lam)
    curve = np.asarray(CURVE_LAMBDAS)
    views = {k: _kind_views(problem, k, t, lams, curve) for k in BALLS}
    return GeometryScene(
        problem, c, A, np.asarray(grid.w1), np.asarray(grid.w2), np.asarray(grid.J), float(t),
        {k: v[0] for k, v in views.items()}, lams, index, {k: v[1] for k, v in views.items()},
        curve)


# ---- how often: the Monte Carlo -------------------------------------------------------------

class MonteCarlo(NamedTuple):
    """N random bowls solved under the L1 and the L2 ball at a matched budget."""

    n: int
    centers: np.ndarray    # (N, 2) float64, the unregularized minimizers
    w_l1: np.ndarray       # (N, 2) float64, the L1-constrained minimizers
    w_l2: np.ndarray       # (N, 2) float64, the L2-constrained minimizers
    share_l1: float        # share of problems whose L1 answer has an exact zero coordinate
    share_l2: float        # the same for L2
    angle_edges: np.ndarray  # (ANGLE_BINS + 1,) degrees, 0 … 90
    angle_counts: dict     # "none"/"l1"/"l2" -> (ANGLE_BINS,) int counts of the angles
    residual: float        # the largest solver residual


def _draw(key, elongation, max_rotation):
    """N_MAX bowls: centres on the unit circle at uniform angles, long axes tilted by a uniform
    angle in [−max_rotation, max_rotation] degrees, all with the same elongation."""
    k_dir, k_rot = jax.random.split(key)
    phi = jax.random.uniform(k_dir, (N_MAX,), jnp.float64, 0, 2 * jnp.pi)
    rot = jax.random.uniform(k_rot, (N_MAX,), jnp.float64, -1, 1) * max_rotation
    centers = jnp.stack([jnp.cos(phi), jnp.sin(phi)], axis=-1)
    return centers, jnp.broadcast_to(elongation, (N_MAX,)), rot


@jax.jit
def _monte_carlo(key, elongation, max_rotation, share):
    centers, elong, rot = _draw(key, elongation, max_rotation)

    def one(c, e, r):
        X, y = _quadratic_data(c, e, r)
        p = problems.least_squares(X, y, name="quadratic bowl", view=VIEW)
        w0 = jnp.zeros(2, c.dtype)
        a = projected_gradient(p, "l1", share * jnp.sum(jnp.abs(c)), w0)
        b = projected_gradient(p, "l2", share * jnp.linalg.norm(c), w0)
        return a.w, b.w, jnp.maximum(a.residual, b.residual)

    w1, w2, res = jax.vmap(one)(centers, elong, rot)
    return centers, w1, w2, res


def angle(w) -> np.ndarray:
    """The angle of |w| from the w₁ axis in degrees, ``atan2(|w₂|, |w₁|)`` ∈ [0°, 90°]:
    0° and 90° are the axes (an exact zero coordinate)."""
    w = np.asarray(w, np.float64)
    return np.degrees(np.arctan2(np.abs(w[..., 1]), np.abs(w[..., 0])))


@functools.lru_cache(maxsize=16)
def _solved(seed: int, elongation: float, max_rotation: float, share: float):
    """All N_MAX problems of one family, solved (read-only arrays: safe to share between users,
    so moving only N, or coming back to a family, costs a slice)."""
    out = _monte_carlo(jax.random.key(seed), jnp.float64(elongation), jnp.float64(max_rotation),
                       jnp.float64(share))
    arrays = tuple(np.asarray(a) for a in out)
    for a in arrays:
        a.flags.writeable = False
    return arrays


def monte_carlo(n: int, *, seed: int = 0, elongation: float = 2.0, max_rotation: float = 90.0,
                share: float = 0.5) -> MonteCarlo:
    """How often does the constrained minimizer sit on an axis? L1 against L2, over N bowls.

    Draws ``N_MAX`` random bowls (``quadratic``) from ``jax.random.key(seed)``: centres c at
    uniform angles on the unit circle, long axes tilted uniformly in ±``max_rotation``°, all
    with one ``elongation``. Each is solved under both balls at a *matched budget*: the
    L1 ball of radius ``share·‖c‖₁`` and the L2 ball of radius ``share·‖c‖₂``, so both
    constraints bind (share < 1) and shrink the answer to the same share of its own norm.
    All 2·N_MAX problems are one ``vmap`` call, compiled once; the first ``n`` are kept, so
    N is a slice, not a shape (and the first 100 problems are the same for every N ≥ 100).

    Returns:
      ``MonteCarlo`` with the shares of answers having an exact zero coordinate, and the
      histograms of their angles (``angle``) in 2° bins, with the centres' for reference.

    Example: ``monte_carlo(1000, seed=0).share_l1`` is about 0.4; ``share_l2`` is 0.
    """
    n = int(min(max(int(n), 1), N_MAX))
    solved = _solved(int(seed), float(elongation), float(max_rotation), float(share))
    centers, w1, w2, res = (a[:n] for a in solved)
    edges = np.linspace(0.0, 90.0, ANGLE_BINS + 1)
    counts = {k: np.histogram(angle(w), bins=edges)[0]
              for k, w in (("none", centers), ("l1", w1), ("l2", w2))}
    zeros = {k: float(np.mean(np.any(w == 0.0, axis=-1))) for k, w in (("l1", w1), ("l2", w2))}
    return MonteCarlo(n, centers, w1, w2, zeros["l1"], zeros["l2"], edges, counts,
                      float(res.max()))
