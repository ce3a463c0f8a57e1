"""Everything a page draws, computed in one call: plain float32 NumPy arrays in a NamedTuple.

A page calls one scene function with plain values (what its widgets hold) and
hands the result to ``ui.figures``. Nothing here draws.
"""

from __future__ import annotations

import functools
from typing import NamedTuple

import jax
import jax.numpy as jnp
import numpy as np

from core import grids, optim, penalties, problems, solve


@functools.lru_cache(maxsize=len(problems.LOSSES))
def demo_problem(kind: str) -> problems.Problem:
    """The seeded demo problem of a kind (immutable, so caching it is safe for every user)."""
    return problems.demo(kind)


class Minimizer(NamedTuple):
    kind: str
    w: np.ndarray        # (2,) float64, exact zeros are 0.0
    level: float         # P(w): the norm ball through w is {P = level}
    ball: np.ndarray     # (n, 2) float32 boundary of that ball (NaN if it has none)


class PathCosts(NamedTuple):
    J: np.ndarray        # (steps + 1,) data loss along the path
    penalty: np.ndarray  # (steps + 1,) λ·P along the path

    @property
    def total(self) -> np.ndarray:
        return self.J + self.penalty


class Run(NamedTuple):
    kind: str
    path: np.ndarray     # (steps + 1, 2) float32
    diverged_at: int     # −1: did not diverge
    costs: PathCosts


class LandscapeScene(NamedTuple):
    problem: problems.Problem
    kind: str
    lam: float
    w1: np.ndarray       # (n,)
    w2: np.ndarray       # (n,)
    J: np.ndarray        # (n, n) data loss on the grid
    P: np.ndarray        # (n, n) penalty on the grid
    runs: dict           # kind -> Run, for the selected penalty and for L1 and L2
    minimizers: dict     # kind -> Minimizer, for none, L1, L2 and the selected penalty
    smoothness: float | None  # L of J (None on the non-convex problem)
    local_minima: int    # strict local minima of J + λ·P on the grid

    def total(self, kind: str | None = None) -> np.ndarray:
        """J + λ·P on the grid, for the selected penalty or another one."""
        if kind is None or kind == self.kind:
            return self.J + np.float32(self.lam) * self.P
        P = np.asarray(penalties.value(kind, _grid_points(self.w1, self.w2)), np.float32)
        return self.J + np.float32(self.lam) * P


def _grid_points(w1, w2):
    return jnp.stack(jnp.meshgrid(jnp.asarray(w1), jnp.asarray(w2)), axis=-1)


@functools.partial(jax.jit, static_argnames=("kind",))
def _costs(problem, kind, lam, mix, path):
    return jax.vmap(problem.loss)(path), lam * penalties.value(kind, path, mix=mix)


def run(problem, kind, lam, alpha, w0, *, steps, rule, mix) -> Run:
    """One descent path in float32, with J and λ·P along it."""
    d = optim.descend(problem, kind, float(lam), float(alpha), jnp.asarray(w0, jnp.float32),
                      steps=steps, rule=rule, mix=float(mix))
    J, pen = _costs(problem, kind, jnp.float32(lam), jnp.float32(mix), d.path)
    costs = PathCosts(np.asarray(J), np.asarray(pen))
    return Run(kind, np.asarray(d.path), int(d.diverged_at), costs)


def minimizer(problem, kind, lam, *, mix, w0) -> Minimizer:
    w = np.asarray(solve.minimize(problem, kind, float(lam), mix=float(mix), w0=w0), np.float64)
    level = float(penalties.value(kind, jnp.asarray(w), mix=mix))
    ball = np.asarray(penalties.ball_boundary(kind, level, mix=mix), np.float32)
    return Minimizer(kind, w, level, ball)


def landscape(problem_kind: str, kind: str, lam: float, *, alpha: float, steps: int,
              w0: tuple[float, float], rule: str = "proximal", mix: float = 0.5,
              n: int = 121) -> LandscapeScene:
    """The Landscape page: surface, paths and minimizers for one setting.

    Args:
      problem_kind: "least_squares", "logistic" or "sine".
      kind: the selected penalty (any of ``penalties.KINDS``).
      lam, alpha, mix: the hyperparameters; steps: number of updates; w0: the start.
      rule: the update rule of the paths.
      n: grid points per axis.

    Returns:
      A ``LandscapeScene``; runs and minimizers for the selected penalty and for
      "l1" and "l2" (the side-by-side view), minimizers also for "none".
    """
    problem = demo_problem(problem_kind)
    grid = grids.surface(problem, kind, n=n, mix=mix)
    kinds_run = dict.fromkeys([kind, "l1", "l2"])
    runs = {k: run(problem, k, lam, alpha, w0, steps=steps, rule=rule, mix=mix)
            for k in kinds_run}
    kinds_min = dict.fromkeys(["none", "l1", "l2", kind])
    mins = {k: minimizer(problem, k, lam, mix=mix, w0=w0) for k in kinds_min}
    return LandscapeScene(problem, kind, float(lam), np.asarray(grid.w1), np.asarray(grid.w2),
                          np.asarray(grid.J), np.asarray(grid.P), runs, mins,
                          problems.smoothness(problem),
                          int(grids.local_minima(grid.total(jnp.float32(lam))).sum()))
