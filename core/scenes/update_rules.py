"""One weight, step by step, under the primer's update rules; and L2's Zeno underflow.

The Update rules page makes the primer's two formulas something a student watches:

- L1: ``w − αλ·sign(w) − α∂J/∂w``, as ``subgradient``, ``clip`` and ``proximal``;
- L2: ``w − 2αλw − α∂J/∂w``, the primer's formula (``subgradient``).

The rules themselves live in ``core.optim.step`` (DESIGN.md): this module runs them,
through ``core.optim.descend``, on a one-weight data loss

    J(w) = ½·a·(w − c)²,   ∂J/∂w = a·(w − c),

(``a = 0`` is "no data loss": then only the penalty moves w), and on the Landscape
page's two-weight problems. It adds the numbers of the k-th update for the typeset
formulas, the closed-form minimizers of the one-weight problem, and the step at
which L2 alone really reaches 0 in float32 and in float64.

Everything a page draws is a float32 NumPy array (float64 where it compares with a
closed form), in NamedTuples.
"""

from __future__ import annotations

import dataclasses
import functools
import math
from typing import NamedTuple

import jax
import jax.numpy as jnp
import numpy as np
from jax import lax

from core import grids, optim, problems, solve

# The page's controls at their defaults (``views/update_rules.py`` starts from them, and
# ``core.runtime.warm`` compiles what they need).
DEFAULTS = {"lam": 0.6, "alpha": 0.1, "data": True, "a": 1.0, "c": 0.5, "w0": 1.5,
            "steps": 60, "k": 0, "problem": "least_squares", "w1": -2.5, "w2": 2.5}

# The runs of the one-weight view, in drawing order: (id, penalty, rule).
RUNS = (
    ("none", "none", "proximal"),            # plain gradient descent, for comparison
    ("l1_subgradient", "l1", "subgradient"),
    ("l1_clip", "l1", "clip"),
    ("l1_proximal", "l1", "proximal"),
    ("l2", "l2", "subgradient"),             # the primer's w − 2αλw − α∂J/∂w
)
# The steps slider's end (paths are computed for optim.STEPS_COMPILED and cut).
STEPS_MAX = 200
# The Zeno runs stop at 0, at a stall or a divergence, or after this many steps.
ZENO_CAP = 1_000_000
ZENO_POINTS = 400  # points of the log10|w_k| curve (the run is sampled, not cut)
# The default start of the two-weight paths: the Landscape page's default start.
PLANE_START = (DEFAULTS["w1"], DEFAULTS["w2"])


# ---- the one-weight data loss -------------------------------------------------------------

@dataclasses.dataclass(frozen=True)
class OneWeight:
    """J(w) = ½·a·Σ(w − c)², so ∂J/∂w = a·(w − c) (a = 0: no data loss).

    A JAX pytree (``a`` and ``c`` are traced leaves), with the ``loss`` that
    ``core.optim`` differentiates, so ``optim.descend`` runs the rules on it unchanged.
    ``jax.grad`` of this loss is exactly ``a·(w − c)`` in floating point: the ½ and the
    2 of the square are powers of two.
    """

    a: jax.Array
    c: jax.Array

    def loss(self, w):
        return 0.5 * self.a * jnp.sum((w - self.c) ** 2, axis=-1)

    @property
    def dtype(self):
        return self.a.dtype


jax.tree_util.register_dataclass(OneWeight)


def one_weight(a, c, *, dtype=jnp.float32) -> OneWeight:
    """The one-weight data loss ½·a·(w − c)² in ``dtype``."""
    return OneWeight(jnp.asarray(a, dtype), jnp.asarray(c, dtype))


def minimizer_1d(kind: str, lam: float, a: float, c: float) -> float | None:
    """argmin_w ½a(w − c)² + λ·P(w) in closed form (float64); None when every w is one.

    - none: c (a > 0);
    - l1:   sign(c)·max(|c| − λ/a, 0), exactly 0 when λ ≥ a|c| (L1's pull beats the data's
            pull at 0); with no data loss 0 (λ > 0);
    - l2:   a·c/(a + 2λ) (P = w², so the stationarity condition is a(w − c) + 2λw = 0);
            never 0 unless c = 0 or there is no data loss.
    """
    if kind == "none":
        return float(c) if a > 0 else None
    if kind == "l1":
        if a > 0:
            return math.copysign(max(abs(c) - lam / a, 0.0), c) + 0.0
        return 0.0 if lam > 0 else None
    if kind == "l2":
        return a * c / (a + 2 * lam) + 0.0 if (a > 0 or lam > 0) else None
    raise ValueError(f"unknown penalty {kind!r}")


# ---- one weight, step by step ----------------------------------------------------------------

class StepNumbers(NamedTuple):
    """The numbers of the k-th update of one run (w_k → w_{k+1}), float32 unless said.

    w:      w_k
    grad:   ∂J/∂w at w_k = a·(w_k − c)
    v:      the gradient step w_k − α·grad
    pull:   the penalty's pull: αλ·sign(w_k) (L1), 2αλ·w_k (L2), 0 (none)
    raw:    v − pull, the subgradient step before any clipping
    new:    w_{k+1}, the run's next point (from the path itself)
    zeroed: the rule set w_{k+1} to exactly 0 (clip: the sign flipped; proximal: |v| ≤ αλ)
    """

    w: float
    grad: float
    v: float
    pull: float
    raw: float
    new: float
    zeroed: bool


class OneRun(NamedTuple):
    """One rule's path of the single weight, and the pieces of each of its updates."""

    id: str
    kind: str
    rule: str
    w: np.ndarray          # (steps + 1,) float32, w[0] is the start
    diverged_at: int       # −1: did not diverge
    grad: np.ndarray       # (steps,) a·(w_k − c)
    v: np.ndarray          # (steps,) w_k − α·grad
    pull: np.ndarray       # (steps,)
    raw: np.ndarray        # (steps,) v − pull

    @property
    def zeros(self) -> np.ndarray:
        """Steps k ≥ 1 at which w_k is exactly 0."""
        return np.flatnonzero(self.w[1:] == 0) + 1

    @property
    def landings(self) -> np.ndarray:
        """Steps k ≥ 1 at which w becomes exactly 0 (w_k = 0 and w_(k−1) ≠ 0)."""
        return np.flatnonzero((self.w[1:] == 0) & (self.w[:-1] != 0)) + 1

    @property
    def first_zero(self) -> int:
        """The first step at which w is exactly 0 (−1: never)."""
        z = self.zeros
        return int(z[0]) if len(z) else -1

    def numbers(self, k: int, band: float) -> StepNumbers:
        """The k-th update's numbers (0 ≤ k < steps)."""
        new = float(self.w[k + 1])
        zeroed = new == 0.0 and (
            (self.rule == "clip" and float(self.raw[k]) != 0.0)
            or (self.rule == "proximal" and self.kind == "l1" and abs(float(self.v[k])) <= band))
        return StepNumbers(float(self.w[k]), float(self.grad[k]), float(self.v[k]),
                           float(self.pull[k]), float(self.raw[k]), new, bool(zeroed))


def _pieces(kind: str, w, a, c, alpha, lam):
    """The pieces of each update from w_k, in float32 NumPy, with the operations of
    ``optim.step`` in its order: grad = a·(w − c), v = w − α·grad, pull = (αλ)·∂P(w)."""
    f = np.float32
    w = np.asarray(w, f)
    grad = f(a) * (w - f(c))
    v = w - f(alpha) * grad
    al = f(alpha) * f(lam)
    pull = {"none": np.zeros_like(w), "l1": al * np.sign(w), "l2": al * (f(2) * w)}[kind]
    return grad, v, pull.astype(f), (v - pull).astype(f)


# ---- Zeno: L2 alone in float32 and float64 ---------------------------------------------------

ZENO_RUNNING, ZENO_ZERO, ZENO_STALLED, ZENO_DIVERGED = range(4)


class ZenoRun(NamedTuple):
    """L2 alone, w_{k+1} = w_k − 2αλ·w_k, in one precision, until w is exactly 0.

    k:         (ZENO_POINTS + 1,) int, sampled steps (k[0] = 0), increasing, may repeat
               at the end once the run has stopped
    w:         (ZENO_POINTS + 1,) w_k there, computed in ``dtype``, held as float64
    log10_w:   (ZENO_POINTS + 1,) float64, log10|w_k| there (−inf where w_k is 0)
    status:    ZENO_ZERO (exactly 0 at step ``end``), ZENO_STALLED (w_{end} has the same
               size as w_{end−1}: it will never change again), ZENO_DIVERGED (|1 − 2αλ| > 1),
               or ZENO_RUNNING (still above 0 after ``ZENO_CAP`` steps)
    end:       the step at which the run stopped
    last:      the last non-zero |w| (float64): the smallest value this precision held
    floor:     the smallest positive number this precision keeps in compiled code
    predicted: log(floor/|w0|) / log|1 − 2αλ|, the step at which |w0|·|1 − 2αλ|^k drops
               below ``floor`` (NaN when w cannot decay: λ = 0, w0 = 0 or 2αλ ≥ 2)
    """

    dtype: str
    k: np.ndarray
    w: np.ndarray
    log10_w: np.ndarray
    status: int
    end: int
    last: float
    floor: float
    predicted: float

    @property
    def zero_at(self) -> int:
        """The step at which w is exactly 0, −1 if it never got there."""
        return self.end if self.status == ZENO_ZERO else -1


@functools.lru_cache(maxsize=4)
def smallest_float(dtype) -> float:
    """The smallest positive number compiled JAX code keeps in ``dtype``, found by asking it.

    XLA on CPU flushes subnormal results to zero, so this is ``finfo(dtype).tiny``, the
    smallest *normal* number (1.2e-38 in float32, 2.2e-308 in float64), not the smallest
    subnormal (1.4e-45, 4.9e-324). Where subnormals are kept it is the smallest subnormal.
    """
    fi = jnp.finfo(dtype)
    halved = _halve(jnp.asarray(fi.tiny, dtype))
    return float(fi.tiny) if float(halved) == 0.0 else float(fi.smallest_subnormal)


@jax.jit
def _halve(x):
    return x * jnp.asarray(0.5, x.dtype)


def zeno_prediction(lam: float, alpha: float, w0: float, floor: float) -> float:
    """log(floor/|w0|) / log|1 − 2αλ|: when |w0|·|1 − 2αλ|^k falls below ``floor``."""
    q = abs(1.0 - 2.0 * alpha * lam)
    if w0 == 0 or q >= 1.0:
        return float("nan")
    if q == 0.0:
        return 1.0
    return math.log(floor / abs(w0)) / math.log(q)


def zeno(lam: float, alpha: float, w0: float, *, dtype, cap: int = ZENO_CAP,
         points: int = ZENO_POINTS, horizon: int | None = None) -> ZenoRun:
    """Run L2 alone, ``optim.step`` with no data loss, in ``dtype`` until w is exactly 0.

    In real numbers w_k = (1 − 2αλ)^k·w0 never reaches 0: the primer's Zeno. In floating
    point it can. Compiled by XLA on CPU, ``w − 2αλw`` is one fused multiply-add and a
    result below the smallest normal number is flushed to 0, so w becomes exactly 0 at
    the first step where |w_{k−1}|·|1 − 2αλ| < tiny, about

        k ≈ log(tiny/|w0|) / log|1 − 2αλ|     (``ZenoRun.predicted``).

    With IEEE gradual underflow and round-to-nearest (NumPy) the subnormals are kept
    and Zeno wins after all: once 2αλ·|w| is under half the smallest subnormal step,
    w − 2αλw rounds back to w, and w stalls at about 1/(4αλ) subnormal units. Op-by-op
    (eager) JAX stalls too, where 2αλ·w itself is flushed to 0. The run reports what
    happened (``status``), so the page says the truth on any backend.

    Args:
      lam, alpha, w0: numbers (converted to ``dtype``).
      dtype: jnp.float32 or jnp.float64.
      cap: the most steps to run.
      points: how many sampled points the curve gets (static).
      horizon: the step range to sample (default: the float64 prediction, capped).

    Returns:
      A ``ZenoRun``.
    """
    dtype = jnp.dtype(dtype)
    floor = smallest_float(dtype)
    predicted = zeno_prediction(lam, alpha, w0, floor)
    if horizon is None:
        horizon = zeno_horizon(lam, alpha, w0, cap)
    stride = max(1, -(-min(horizon, cap) // points))
    ks, ws, status, end, last = _zeno(jnp.asarray(lam, dtype), jnp.asarray(alpha, dtype),
                                      jnp.asarray([w0], dtype), jnp.asarray(stride),
                                      jnp.asarray(cap), points=points)
    ws = np.asarray(ws, np.float64)
    with np.errstate(divide="ignore"):
        log10_w = np.log10(np.abs(ws))
    return ZenoRun(dtype.name, np.asarray(ks), ws, log10_w, int(status), int(end),
                   float(np.abs(np.float64(last))), floor, predicted)


def zeno_horizon(lam: float, alpha: float, w0: float, cap: int = ZENO_CAP) -> int:
    """How many steps the Zeno chart spans: a little past the float64 prediction, capped."""
    n = zeno_prediction(lam, alpha, w0, smallest_float(jnp.float64))
    if not math.isfinite(n):
        return min(cap, 1000)
    return int(min(cap, max(10, math.ceil(1.02 * n) + 2)))


@functools.partial(jax.jit, static_argnames=("points",))
def _zeno(lam, alpha, w0, stride, cap, *, points: int):
    flat = OneWeight(jnp.zeros((), w0.dtype), jnp.zeros((), w0.dtype))

    def update(w):
        return optim.step(flat, "l2", lam, alpha, w, rule="subgradient").astype(w.dtype)

    def go(state):
        w, k, status, last = state
        new = update(w)
        a, b = jnp.abs(new[0]), jnp.abs(w[0])
        status = jnp.where(~jnp.isfinite(a) | (a > optim.DIVERGED_NORM), ZENO_DIVERGED,
                           jnp.where(a == 0, ZENO_ZERO,
                                     jnp.where(a == b, ZENO_STALLED, ZENO_RUNNING)))
        keep = status != ZENO_DIVERGED
        last = jnp.where(keep & (a != 0), a, last)
        return jnp.where(keep, new, w), k + 1, status, last

    def block(state, _):
        target = jnp.minimum(state[1] + stride, cap)
        state = lax.while_loop(lambda s: (s[2] == ZENO_RUNNING) & (s[1] < target), go, state)
        return state, (state[1], state[0][0])

    start = jnp.where(w0[0] == 0, ZENO_ZERO, ZENO_RUNNING)
    init = (w0, jnp.array(0), start, jnp.abs(w0[0]))
    (w, k, status, last), (ks, ws) = lax.scan(block, init, None, length=points)
    return (jnp.concatenate([jnp.zeros(1, ks.dtype), ks]), jnp.concatenate([w0, ws]),
            status, k, last)


# ---- two weights ---------------------------------------------------------------------------

class PlaneRun(NamedTuple):
    id: str
    kind: str
    rule: str
    path: np.ndarray       # (steps + 1, 2) float32
    diverged_at: int


class Plane(NamedTuple):
    """The same rules on a Landscape-page problem: paths over the contours of J + λ·P."""

    problem: object        # core.problems.Problem
    w1: np.ndarray         # (n,)
    w2: np.ndarray         # (n,)
    J: np.ndarray          # (n, n)
    P: dict                # "l1" / "l2" -> (n, n) P on the grid
    runs: dict             # run id -> PlaneRun (the L1 rules and L2)
    minimizers: dict       # "none" / "l1" / "l2" -> (2,) float64, exact zeros are 0.0
    start: tuple

    def total(self, kind: str, lam: float) -> np.ndarray:
        return self.J + np.float32(lam) * self.P[kind]


# ---- the page's scene ---------------------------------------------------------------------

class UpdateScene(NamedTuple):
    lam: float
    alpha: float
    a: float               # the data loss's curvature (0 when there is no data loss)
    c: float               # where the data loss is smallest
    w0: float
    steps: int
    band: float            # αλ in float32: the L1 pull of one step, the half-width of the band
    runs: dict             # run id -> OneRun
    minimizers: dict       # "none" / "l1" / "l2" -> float or None (closed form)
    zeno: dict             # "float32" / "float64" -> ZenoRun
    plane: Plane

    @property
    def k(self) -> np.ndarray:
        return np.arange(self.steps + 1)

    def numbers(self, run_id: str, k: int) -> StepNumbers:
        """The k-th update's numbers of a run (0 ≤ k < steps)."""
        return self.runs[run_id].numbers(k, self.band)

    @property
    def diverged(self) -> dict:
        """run id -> step at which it diverged, for the runs that did (one weight)."""
        return {i: r.diverged_at for i, r in self.runs.items() if r.diverged_at >= 0}


def one_weight_runs(lam: float, alpha: float, *, a: float, c: float, w0: float,
                    steps: int) -> dict:
    """Every rule of ``RUNS`` on J = ½a(w − c)² from ``w0``, float32, via ``optim.descend``."""
    problem = one_weight(a, c)
    start = jnp.asarray([w0], jnp.float32)
    out = {}
    for rid, kind, rule in RUNS:
        d = optim.cut(optim.descend(problem, kind, lam, alpha, start,
                                    steps=max(steps, optim.STEPS_COMPILED), rule=rule), steps)
        w, at = np.asarray(d.path, np.float32)[:, 0], int(d.diverged_at)
        grad, v, pull, raw = _pieces(kind, w[:-1], a, c, alpha, lam)
        out[rid] = OneRun(rid, kind, rule, w, at if 0 <= at <= steps else -1,
                          grad, v, pull, raw)
    return out


def plane(problem_kind: str, lam: float, alpha: float, *, steps: int,
          start: tuple = PLANE_START, n: int = 81) -> Plane:
    """The L1 rules and L2 on the Landscape page's problem, with J, P and the minimizers."""
    problem = problems.demo_problem(problem_kind)
    P, J = {}, None
    for kind in ("l1", "l2"):
        g = grids.surface(problem, kind, n=n)
        J, P[kind] = np.asarray(g.J), np.asarray(g.P)
    w1, w2 = grids.axes(problem.view, n)
    w0 = jnp.asarray(start, jnp.float32)
    runs = {}
    for rid, kind, rule in RUNS[1:]:
        d = optim.cut(optim.descend(problem, kind, lam, alpha, w0,
                                    steps=max(steps, optim.STEPS_COMPILED), rule=rule), steps)
        runs[rid] = PlaneRun(rid, kind, rule, np.asarray(d.path, np.float32), int(d.diverged_at))
    mins = {k: np.asarray(solve.minimize(problem, k, lam if k != "none" else 0.0, w0=start),
                          np.float64) for k in ("none", "l1", "l2")}
    return Plane(problem, np.asarray(w1), np.asarray(w2), J, P, runs, mins, tuple(start))


def scene(lam: float, alpha: float, *, a: float, c: float, w0: float, steps: int,
          data: bool = True, problem: str = "least_squares",
          start: tuple = PLANE_START) -> UpdateScene:
    """Everything the Update rules page draws, in one call.

    Args:
      lam, alpha: λ and the step size α.
      a, c: the data loss J(w) = ½a(w − c)²; ``data=False`` drops it (a = 0).
      w0: the start of the one-weight runs and of the Zeno runs.
      steps: updates of the one-weight and two-weight runs (≤ ``optim.STEPS_COMPILED`` is free).
      problem: the Landscape page's problem for the two-weight view.
      start: where the two-weight paths start, (w₁, w₂).

    Returns:
      An ``UpdateScene``: the five one-weight runs of ``RUNS`` with the pieces of every
      update, their closed-form minimizers, L2 alone in float32 and float64 (Zeno), and
      the rules on two weights.
    """
    a_eff = float(a) if data else 0.0
    runs = one_weight_runs(lam, alpha, a=a_eff, c=c, w0=w0, steps=steps)
    band = float(np.float32(alpha) * np.float32(lam))
    mins = {k: minimizer_1d(k, lam, a_eff, c) for k in ("none", "l1", "l2")}
    horizon = zeno_horizon(lam, alpha, w0)
    zen = {name: zeno(lam, alpha, w0, dtype=dt, horizon=horizon)
           for name, dt in (("float32", jnp.float32), ("float64", jnp.float64))}
    return UpdateScene(float(lam), float(alpha), a_eff, float(c), float(w0), int(steps), band,
                       runs, mins, zen, plane(problem, lam, alpha, steps=steps, start=start))
