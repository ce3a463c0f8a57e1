"""Loss surfaces on a grid of two weights, computed with ``vmap``.

The surface of J + λ·P is J on the grid plus λ times P on the grid, so a whole
λ family costs one J grid, one P grid and a broadcast: ``family`` returns it in
one call, for the in-figure λ slider.
"""

from __future__ import annotations

import functools
from typing import NamedTuple

import jax
import jax.numpy as jnp
import numpy as np

from core import penalties
from core.problems import Problem


class Grid(NamedTuple):
    """w1: (n,), w2: (m,); J and P: (m, n), row i is w2[i] (Plotly's z layout)."""

    w1: jax.Array
    w2: jax.Array
    J: jax.Array
    P: jax.Array

    def total(self, lam):
        """J + λ·P on the grid."""
        return self.J + lam * self.P


def axes(view, n: int, dtype=np.float32):
    """The grid's axes over ``view = (w1_min, w1_max, w2_min, w2_max)``, n points each.

    NumPy arrays (the compiled calls take them as they are): on a fresh server an eager
    ``jnp.linspace`` is one more program to trace and load before the first page draws.
    """
    a, b, c, d = view
    return np.linspace(a, b, n, dtype=dtype), np.linspace(c, d, n, dtype=dtype)


@functools.partial(jax.jit, static_argnames=("kind", "n"))
def _surface(problem: Problem, kind: str, w1, w2, mix, *, n: int):
    W = jnp.stack(jnp.meshgrid(w1, w2), axis=-1)  # (n, n, 2), W[i, j] = (w1[j], w2[i])
    per_row = jax.vmap(problem.loss)               # over one row of points
    J = jax.vmap(per_row)(W)
    P = penalties.value(kind, W, mix=mix)
    return J.astype(w1.dtype), P.astype(w1.dtype)


def surface(problem: Problem, kind: str, *, n: int = 121, mix=0.5, view=None) -> Grid:
    """J and P on an n × n grid over the problem's view box (float32).

    Example: ``g = surface(p, "l1"); g.total(0.5)`` is J + 0.5·Σ|w| on the grid.
    """
    w1, w2 = axes(problem.view if view is None else view, n)
    J, P = _surface(problem, kind, w1, w2, np.float32(mix), n=n)
    return Grid(w1, w2, J, P)


@jax.jit
def _family(J, P, lams):
    return jax.vmap(lambda lam: J + lam * P)(lams)


def family(grid: Grid, lams) -> jax.Array:
    """J + λ·P for every λ in ``lams``: shape (len(lams), m, n), in one call."""
    return _family(grid.J, grid.P, jnp.asarray(lams, grid.J.dtype))


@jax.jit
def local_minima(Z) -> jax.Array:
    """Boolean mask of strict local minima of a 2D array among its 8 neighbours (interior only)."""
    Z = jnp.asarray(Z)
    c = Z[1:-1, 1:-1]
    is_min = jnp.ones_like(c, dtype=bool)
    for di in (-1, 0, 1):
        for dj in (-1, 0, 1):
            if di or dj:
                is_min &= c < Z[1 + di:Z.shape[0] - 1 + di, 1 + dj:Z.shape[1] - 1 + dj]
    return jnp.pad(is_min, 1, constant_values=False)
