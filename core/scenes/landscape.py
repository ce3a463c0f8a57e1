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

# The page's controls at their defaults (``views/landscape.py`` starts from them, and
# ``core.runtime.warm`` compiles what they need).
DEFAULTS = {"problem": "least_squares", "penalty": "l1", "lam": 0.5, "mix": 0.5,
            "rule": "proximal", "alpha": 0.1, "steps": 100, "w1": -2.5, "w2": 2.5,
            "view": "contours"}


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


# The λ values of the in-figure slider: fine near 0, up to the page slider's 5.
FAMILY_LAMBDAS = (0.0, 0.01, 0.02, 0.05, 0.1, 0.15, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9,
                  1.0, 1.2, 1.5, 2.0, 2.5, 3.0, 3.5, 4.0, 4.5, 5.0)


def lambda_family(lam: float) -> tuple[np.ndarray, int]:
    """``FAMILY_LAMBDAS`` with its nearest member replaced by ``lam``, and lam's index.

    The family keeps its length (so the compiled functions keep their shapes) and
    its order, and it always holds exactly the λ the page's slider shows.
    """
    lams = np.array(FAMILY_LAMBDAS)
    i = int(np.argmin(np.abs(lams - lam)))
    lams[i] = lam
    return lams, i


class KindFamily(NamedTuple):
    """One penalty over the λ family (L values); float32 unless said."""

    paths: np.ndarray        # (L, steps + 1, 2)
    diverged_at: np.ndarray  # (L,) int, −1 where the path did not diverge
    J_path: np.ndarray       # (L, steps + 1) J along each path
    P_path: np.ndarray       # (L, steps + 1) P (without λ) along each path
    minimizers: np.ndarray   # (L, 2) float64; exact zeros are 0.0
    levels: np.ndarray       # (L,) P at the minimizer
    balls: np.ndarray        # (L, m, 2) the ball {P = level} through each minimizer


class LandscapeScene(NamedTuple):
    problem: problems.Problem
    kind: str                # the selected penalty
    lams: np.ndarray         # (L,) the λ family, float64
    index: int               # where the page's λ sits in it
    w1: np.ndarray           # (n,)
    w2: np.ndarray           # (n,)
    J: np.ndarray            # (n, n) data loss on the grid
    P: dict                  # kind -> (n, n) penalty on the grid
    families: dict           # kind -> KindFamily, for the selected penalty, none, L1 and L2
    smoothness: float | None  # L of J (None on the non-convex problem)
    local_minima: int        # strict local minima of J + λ·P on the grid, at the page's λ
    # what the family was computed from (problem, kind, α, steps, w0, rule, mix, n): with a
    # member's λ, all that member depends on, so figures can share what they build from it
    settings: tuple = ()

    @property
    def lam(self) -> float:
        return float(self.lams[self.index])

    def total(self, kind: str | None = None, i: int | None = None) -> np.ndarray:
        """J + λ·P on the grid, for a penalty (default the selected one) and a λ of the family."""
        lam = self.lams[self.index if i is None else i]
        return self.J + np.float32(lam) * self.P[kind or self.kind]

    def run(self, kind: str | None = None, i: int | None = None) -> Run:
        f, i = self.families[kind or self.kind], self.index if i is None else i
        costs = PathCosts(f.J_path[i], np.float32(self.lams[i]) * f.P_path[i])
        return Run(kind or self.kind, f.paths[i], int(f.diverged_at[i]), costs)

    def minimizer(self, kind: str | None = None, i: int | None = None) -> Minimizer:
        f, i = self.families[kind or self.kind], self.index if i is None else i
        return Minimizer(kind or self.kind, f.minimizers[i], float(f.levels[i]), f.balls[i])

    @property
    def minimizers(self) -> dict:
        """kind -> Minimizer at the page's λ, for none, L1, L2 and the selected penalty."""
        return {k: self.minimizer(k) for k in dict.fromkeys(["none", "l1", "l2", self.kind])}


def _grid_points(w1, w2):
    return jnp.stack(jnp.meshgrid(jnp.asarray(w1), jnp.asarray(w2)), axis=-1)


@functools.partial(jax.jit, static_argnames=("kind",))
def _path_costs(problem, kind, mix, paths):
    J = jax.vmap(jax.vmap(problem.loss))(paths)
    return J, penalties.value(kind, paths, mix=mix)


@functools.partial(jax.jit, static_argnames=("kind",))
def _balls(kind, w, mix):
    """P(w) of each minimizer (float64, like ``w``) and the ball P(v) = P(w) through it
    (float32, for drawing), in one compiled call."""
    levels = penalties.value(kind, w, mix=mix)
    mix32 = mix.astype(jnp.float32)
    balls = jax.vmap(lambda lv: penalties.ball_boundary(kind, lv, mix=mix32))(
        levels.astype(jnp.float32))
    return levels, balls


def kind_family(problem, kind, lams, *, alpha, w0, steps, rule, mix) -> KindFamily:
    """Paths, costs, minimizers and balls of one penalty over a λ family, each in one call."""
    w0_32 = np.asarray(w0, np.float32)
    d = optim.descend_family(problem, kind, lams, alpha, w0_32,
                             steps=max(steps, optim.STEPS_COMPILED), rule=rule, mix=mix)
    # the costs of the whole compiled path (one shape whatever ``steps``), then cut with it
    J, P = _path_costs(problem, kind, np.float32(mix), d.path)
    d, cut = optim.cut(d, steps), slice(0, steps + 1)
    w = solve.minimize_family(problem, kind, lams, mix=mix, w0=w0)
    levels, balls = _balls(kind, w, np.float64(mix))
    return KindFamily(d.path, d.diverged_at, np.asarray(J)[:, cut],
                      np.asarray(P)[:, cut], np.asarray(w, np.float64), np.asarray(levels),
                      np.asarray(balls, np.float32))


def scene(problem_kind: str, kind: str, lam: float, *, alpha: float, steps: int,
              w0: tuple[float, float], rule: str = "proximal", mix: float = 0.5,
              n: int = 61, fixed: LandscapeScene | None = None) -> LandscapeScene:
    """The Landscape page: surface, paths and minimizers over a λ family around ``lam``.

    Args:
      problem_kind: "least_squares", "logistic" or "sine".
      kind: the selected penalty (any of ``penalties.KINDS``).
      lam, alpha, mix: the hyperparameters; steps: number of updates; w0: the start.
      rule: the update rule of the paths.
      n: grid points per axis (61: the contours look the same as at 81, and the browser
        draws the page quicker).
      fixed: for a problem of the page's own (a class's CSV), its ``fixed_scene``; then
        ``problem_kind`` is not used.

    Returns:
      A ``LandscapeScene`` holding, for the λ family of ``lambda_family(lam)``, the
      paths and minimizers of the selected penalty and of none, L1 and L2 (the
      side-by-side view), so a figure can scrub λ without asking the server again.

    The grids and the families over ``FAMILY_LAMBDAS`` do not depend on ``lam``: they come
    from ``fixed_landscape`` (a bounded cache shared by every session), and a move of λ
    computes only the one member it puts in the family.
    """
    if fixed is None:
        fixed = fixed_landscape(problem_kind, kind, float(alpha), int(steps),
                                (float(w0[0]), float(w0[1])), rule, float(mix), n)
    lams, index = lambda_family(lam)
    families = fixed.families
    if lams[index] != FAMILY_LAMBDAS[index]:
        problem = fixed.problem
        families = {k: splice(f, index, kind_family(
            problem, k, lams[index:index + 1], alpha=alpha, w0=w0, steps=steps, rule=rule,
            mix=mix)) for k, f in families.items()}
    total = fixed.J + np.float32(lam) * fixed.P[kind]
    return fixed._replace(lams=lams, index=index, families=families,
                          local_minima=int(np.asarray(grids.local_minima(total)).sum()))


def splice(family: KindFamily, i: int, member: KindFamily) -> KindFamily:
    """``family`` with its i-th λ replaced by the one-λ family ``member``."""
    return KindFamily(*(np.concatenate([a[:i], m, a[i + 1:]]) for a, m in
                        zip(family, member, strict=True)))


# A scene of the fixed family is ~0.1 MB: 256 of them are ~25 MB for the whole server.
FIXED_CACHE_SIZE = 256


@functools.lru_cache(maxsize=FIXED_CACHE_SIZE)
def fixed_landscape(problem_kind: str, kind: str, alpha: float, steps: int,
                    w0: tuple[float, float], rule: str, mix: float, n: int) -> LandscapeScene:
    """``scene`` over ``FAMILY_LAMBDAS`` itself (index 0, local_minima 0): everything a
    page's λ does not change. Shared by every session, so its arrays are read-only."""
    return fixed_scene(problems.demo_problem(problem_kind), kind, alpha, steps, w0, rule, mix,
                       n, settings=(problem_kind, kind, alpha, steps, w0, rule, mix, n))


def fixed_scene(problem: problems.Problem, kind: str, alpha: float, steps: int,
                w0: tuple[float, float], rule: str, mix: float, n: int = 61, *,
                settings: tuple = ()) -> LandscapeScene:
    """``fixed_landscape`` of any two-weight problem (not cached: a page caches a class's
    own data in its session). ``settings``: what the figures may cache frames by; () for
    a class's own data, whose frames no other session may see."""
    lams = np.array(FAMILY_LAMBDAS)
    kinds = list(dict.fromkeys([kind, "none", "l1", "l2"]))
    J, P = None, {}
    for k in kinds:
        grid = grids.surface(problem, k, n=n, mix=mix)
        J, P[k] = grid.J, _read_only(grid.P)
    families = {k: KindFamily(*map(_read_only, kind_family(
        problem, k, lams, alpha=alpha, w0=w0, steps=steps, rule=rule, mix=mix)))
        for k in kinds}
    w1, w2 = grids.axes(problem.view, n)
    return LandscapeScene(problem, kind, _read_only(lams), 0, _read_only(w1), _read_only(w2),
                          _read_only(J), P, families, problems.smoothness(problem), 0,
                          settings)


def _read_only(a) -> np.ndarray:
    a = np.array(a)   # a copy the cache owns
    a.flags.writeable = False
    return a
