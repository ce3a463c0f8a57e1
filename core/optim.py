"""Gradient-descent paths under the primer's update rules.

On a gradient step ``v = w − α∇J(w)`` (DESIGN.md):

- ``subgradient``: ``v − αλ·∂P(w)``: for L1 ``v − αλ·sign(w)``, for L2 ``v − 2αλw``,
  the primer's formulas exactly, with sign(0) = 0.
- ``clip``: the subgradient step, but a weight whose sign flips (w_k ≠ 0 and the
  new value has the opposite sign) is set to exactly 0: the primer's "+0.1 to
  −0.2 becomes exactly 0".
- ``proximal``: ``prox_{αλP}(v)``: soft threshold for L1, ``v/(1 + 2αλ)`` for L2.

A path that diverges (a step size too large for the curvature, α·L > 2) holds
its last finite point from then on; ``Descent.diverged_at`` says at which step.
"""

from __future__ import annotations

import functools
from typing import NamedTuple

import jax
import jax.numpy as jnp
import numpy as np
from jax import lax

from core import penalties
from core.problems import Problem

RULES = ("subgradient", "clip", "proximal")
# A point beyond this norm has left any picture the app draws: treat it as diverged,
# well before float32 overflows to inf.
DIVERGED_NORM = 1e8


# Paths are computed this long and cut to the steps asked for (``cut``), so moving a steps
# slider never compiles anew (a scan's length is a shape). No page offers more steps.
STEPS_COMPILED = 500


class Descent(NamedTuple):
    """A path and where it broke down.

    path: (steps + 1, d), row 0 is the start; rows after a divergence repeat the last finite point.
    diverged_at: the first step whose point was not finite (or beyond ``DIVERGED_NORM``);
      −1 if none.
    """

    path: jax.Array
    diverged_at: jax.Array


def step(problem: Problem, kind: str, lam, alpha, w, *, rule: str = "proximal", mix=0.5):
    """One update w → w⁺ under ``rule`` (see the module docstring)."""
    v = w - alpha * jax.grad(problem.loss)(w)
    if rule == "proximal":
        return penalties.prox(kind, v, alpha * lam, mix=mix)
    u = v - alpha * lam * penalties.subgradient(kind, w, mix=mix)
    if rule == "subgradient":
        return u
    if rule == "clip":
        return jnp.where(jnp.sign(u) * jnp.sign(w) < 0, jnp.zeros_like(u), u)
    raise ValueError(f"unknown rule {rule!r}; expected one of {RULES}")


def descend(problem: Problem, kind: str, lam, alpha, w0, *, steps: int,
            rule: str = "proximal", mix=0.5) -> Descent:
    """Run ``steps`` updates from ``w0`` with ``lax.scan``.

    λ, α and mix become arrays of w0's dtype before the compiled call, so a new
    value, however it is spelled (int, float, NumPy scalar), never recompiles.

    Args:
      problem: the data loss.
      kind: penalty, one of ``penalties.KINDS``.
      lam, alpha, mix: numbers.
      w0: start, shape (d,), the dtype the path is computed in.
      steps: number of updates (static).
      rule: "subgradient", "clip" or "proximal".

    Returns:
      ``Descent(path (steps + 1, d), diverged_at)``.
    """
    w0, lam, alpha, mix = _as_arrays(rule, w0, lam, alpha, mix)
    return _descend(problem, kind, rule, steps, lam, alpha, mix, w0)


def _as_arrays(rule: str, w0, *numbers):
    """Check the rule; make w0 an array and the numbers arrays of its dtype (never static).

    The numbers become NumPy arrays: the compiled call takes them as they are, while a
    ``jnp.asarray`` each would cost more than a whole scan of the path.
    """
    if rule not in RULES:
        raise ValueError(f"unknown rule {rule!r}; expected one of {RULES}")
    w0 = jnp.asarray(w0)
    return (w0, *(np.asarray(a, w0.dtype) for a in numbers))


@functools.partial(jax.jit, static_argnums=(1, 2, 3))
def _descend(problem, kind, rule, steps, lam, alpha, mix, w0) -> Descent:
    def body(w, _):
        new = step(problem, kind, lam, alpha, w, rule=rule, mix=mix).astype(w.dtype)
        return new, new

    _, ws = lax.scan(body, w0, None, length=steps)
    path = jnp.concatenate([w0[None], ws])
    # Divergence is found after the scan (a check inside it would triple the cost of a
    # step): from the first bad row on, the path holds the last finite point.
    ok = jnp.all(jnp.isfinite(path), axis=1) & (jnp.linalg.norm(path, axis=1) < DIVERGED_NORM)
    broke_at = jnp.where(jnp.all(ok), -1, jnp.argmin(ok))
    last_good = path[jnp.maximum(broke_at - 1, 0)]
    held = (jnp.arange(steps + 1) >= broke_at) & (broke_at >= 0)
    return Descent(jnp.where(held[:, None], last_good, path), broke_at)


def descend_family(problem: Problem, kind: str, lams, alpha, w0, *, steps: int,
                   rule: str = "proximal", mix=0.5) -> Descent:
    """``descend`` for every λ in ``lams`` at once (``vmap``): path (L, steps + 1, d),
    diverged_at (L,)."""
    w0, lams, alpha, mix = _as_arrays(rule, w0, lams, alpha, mix)
    return _descend_family(problem, kind, rule, steps, lams, alpha, mix, w0)


@functools.partial(jax.jit, static_argnums=(1, 2, 3))
def _descend_family(problem, kind, rule, steps, lams, alpha, mix, w0) -> Descent:
    one = functools.partial(_descend, problem, kind, rule, steps)
    return jax.vmap(one, in_axes=(0, None, None, None))(lams, alpha, mix, w0)


def cut(d: Descent, steps: int) -> Descent:
    """A descent computed for more steps (``STEPS_COMPILED``), as NumPy, cut to its first
    ``steps``: the path's first ``steps + 1`` points (over its second-to-last axis, so a
    family's paths too) and −1 where it diverged only after them."""
    at = np.asarray(d.diverged_at)
    return Descent(np.asarray(d.path)[..., : steps + 1, :], np.where(at > steps, -1, at))


def trajectory(problem: Problem, kind: str, lam, alpha, w0, *, steps: int,
               rule: str = "proximal", mix=0.5) -> jax.Array:
    """The path of ``descend`` alone: array (steps + 1, d)."""
    return descend(problem, kind, lam, alpha, w0, steps=steps, rule=rule, mix=mix).path
