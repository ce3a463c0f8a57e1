"""Penalties P(w) and their proximal operators.

Convention (DESIGN.md): the regularized objective is ``J(w) + λ·P(w)`` with

- ``none``:        P(w) = 0
- ``l1``:          P(w) = Σ|w_k|
- ``l2``:          P(w) = Σ w_k²           (no ½: the L2 step is w − 2αλw − α∂J/∂w)
- ``elastic_net``: P(w) = mix·Σ|w_k| + (1 − mix)·Σ w_k²

and, for display on the non-convex view only,

- ``l0``:          P(w) = #{k : w_k ≠ 0}    (the count the primer calls L0)
- ``lp``:          P(w) = Σ|w_k|^p, p = ½  (non-convex, between L0 and L1)

Each penalty is a pair: a value and a prox, ``prox(v, t) = argmin_u ½‖u − v‖² + t·P(u)``,
both elementwise. ``subgradient`` is the direction the primer's update rules use,
with sign(0) = 0.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import NamedTuple

import jax.numpy as jnp

P_EXPONENT = 0.5  # the p of the ``lp`` penalty


class Penalty(NamedTuple):
    """Every fact about one penalty, in one place: the pages read them all from here.

    ``value(w, mix)`` is P(w) summed over the last axis; ``subgradient(w, mix)`` the
    direction of the primer's penalty step; ``prox(v, t, mix)`` the proximal step (see
    ``value``, ``subgradient`` and ``prox`` below for the formulas). ``formula`` is P for two
    weights in LaTeX (elastic net's shares written ⟨mix⟩ and ⟨1−mix⟩), ``prox_name`` and
    ``pull`` how the Landscape page writes its proximal and its subgradient step, ``degree``
    its homogeneity (``ball_boundary``).
    """

    name: str
    colour: str          # Okabe–Ito, colour-blind safe; the same on every page
    formula: str
    prox_name: str
    pull: str
    convex: bool
    degree: float | None   # P(r·u) = r^degree·P(u): its ball's radius; None: no such ball
    value: Callable
    subgradient: Callable
    prox: Callable


def _sign(w):
    return jnp.sign(w)


def _lp_subgradient(w, mix):
    safe = jnp.where(w == 0, 1.0, jnp.abs(w))
    return jnp.where(w == 0, 0.0, P_EXPONENT * safe ** (P_EXPONENT - 1) * jnp.sign(w))


# The primer draws the unregularized weights in red and L1 / L2 in blues.
PENALTIES = {
    "none": Penalty(
        "none", "#D55E00", "0", "", "0", True, None,
        value=lambda w, mix: jnp.zeros(w.shape[:-1], w.dtype),
        subgradient=lambda w, mix: jnp.zeros_like(w),
        prox=lambda v, t, mix: v),
    "l1": Penalty(
        "L1", "#0072B2", r"|w_1| + |w_2|", "soft-threshold",
        r"\alpha\lambda\,\operatorname{sign}(w_k)", True, 1.0,
        value=lambda w, mix: jnp.sum(jnp.abs(w), axis=-1),
        subgradient=lambda w, mix: _sign(w),
        prox=lambda v, t, mix: soft_threshold(v, t)),
    "l2": Penalty(
        "L2", "#56B4E9", r"w_1^2 + w_2^2", "shrink", r"2\alpha\lambda\,w_k", True, 2.0,
        value=lambda w, mix: jnp.sum(w * w, axis=-1),
        subgradient=lambda w, mix: 2 * w,
        prox=lambda v, t, mix: v / (1 + 2 * t)),
    "elastic_net": Penalty(
        "elastic net", "#009E73", r"⟨mix⟩\,(|w_1| + |w_2|) + ⟨1−mix⟩\,(w_1^2 + w_2^2)",
        "prox", r"\alpha\lambda\,\partial P(w_k)", True, None,
        value=lambda w, mix: (mix * jnp.sum(jnp.abs(w), axis=-1)
                              + (1 - mix) * jnp.sum(w * w, axis=-1)),
        subgradient=lambda w, mix: mix * jnp.sign(w) + (1 - mix) * 2 * w,
        prox=lambda v, t, mix: soft_threshold(v, t * mix) / (1 + 2 * t * (1 - mix))),
    "l0": Penalty(
        "L0", "#E69F00", r"\#\{k : w_k \neq 0\}", "hard-threshold", "0", False, None,
        value=lambda w, mix: jnp.sum(w != 0, axis=-1).astype(w.dtype),
        subgradient=lambda w, mix: jnp.zeros_like(w),
        prox=lambda v, t, mix: jnp.where(v * v > 2 * t, v, 0)),
    "lp": Penalty(
        "Lp (p = ½)", "#E69F00", r"|w_1|^{1/2} + |w_2|^{1/2}", "half-threshold",
        r"\alpha\lambda\,\partial P(w_k)", False, P_EXPONENT,
        value=lambda w, mix: jnp.sum(jnp.abs(w) ** P_EXPONENT, axis=-1),
        subgradient=_lp_subgradient,
        prox=lambda v, t, mix: _half_threshold(v, t)),
}
KINDS = tuple(PENALTIES)
CONVEX = tuple(k for k, p in PENALTIES.items() if p.convex)
NONCONVEX = tuple(k for k, p in PENALTIES.items() if not p.convex)


def _check(kind: str) -> None:
    if kind not in KINDS:
        raise ValueError(f"unknown penalty {kind!r}; expected one of {KINDS}")


def value(kind: str, w, *, mix=0.5):
    """P(w), summed over the last axis.

    Args:
      kind: one of ``KINDS``.
      w: weights, shape ``(..., d)``.
      mix: elastic-net share of L1, in [0, 1].

    Returns:
      Array of shape ``w.shape[:-1]``.

    Example: ``value("l1", jnp.array([1.0, -2.0]))`` is 3.0.
    """
    _check(kind)
    return PENALTIES[kind].value(jnp.asarray(w), mix)


def subgradient(kind: str, w, *, mix=0.5):
    """The direction of the primer's penalty step, ∂P/∂w with sign(0) = 0.

    L1: sign(w); L2: 2w; elastic net: mix·sign(w) + (1 − mix)·2w; none: 0.
    ``l0`` is flat almost everywhere (0); ``lp`` uses p·|w|^(p−1)·sign(w), and 0 at 0.
    """
    _check(kind)
    return PENALTIES[kind].subgradient(jnp.asarray(w), mix)


def positive_zero(w):
    """``w`` with every exact zero written as +0, never −0 (which a soft threshold can give
    and which prints as "-0"). Inside jit ``w + 0.0`` may be simplified away: this says it
    plainly."""
    return jnp.where(w == 0, jnp.zeros_like(w), w)


def soft_threshold(v, t):
    """prox of t·|·|: sign(v)·max(|v| − t, 0). Lands on exactly 0 when |v| ≤ t."""
    return jnp.sign(v) * jnp.maximum(jnp.abs(v) - t, 0)


def prox(kind: str, v, t, *, mix=0.5):
    """argmin_u ½‖u − v‖² + t·P(u), elementwise, for t ≥ 0.

    - none: v
    - l1: soft threshold, sign(v)·max(|v| − t, 0)
    - l2: v / (1 + 2t)
    - elastic net: soft threshold by t·mix, then divide by 1 + 2t(1 − mix)
    - l0: hard threshold, v where v² > 2t, else 0
    - lp (p = ½): the half-thresholding formula of Xu et al. (2012): 0 where
      |v| ≤ (3/2)·t^(2/3), else (2/3)·v·(1 + cos(2π/3 − (2/3)·φ)) with
      φ = arccos((t/4)·(|v|/3)^(−3/2)).

    Example: ``prox("l1", jnp.array([0.3, -2.0]), 0.5)`` is ``[0.0, -1.5]``.
    """
    _check(kind)
    return PENALTIES[kind].prox(jnp.asarray(v), t, mix)


def _half_threshold(v, t):
    a = jnp.abs(v)
    keep = a > 1.5 * jnp.asarray(t, a.dtype) ** (2 / 3)
    safe_a = jnp.where(keep, a, 1.0)
    phi = jnp.arccos(jnp.clip((t / 4) * (safe_a / 3) ** -1.5, -1.0, 1.0))
    u = (2 / 3) * safe_a * (1 + jnp.cos(2 * jnp.pi / 3 - (2 / 3) * phi))
    return jnp.where(keep, jnp.sign(v) * u, 0)


def ball_boundary(kind: str, level, *, n_points: int = 361, mix=0.5):
    """Points on {w ∈ R² : P(w) = level}: the diamond (L1), circle (L2), etc.

    Walks the unit directions u(θ) and solves P(r·u) = level for r ≥ 0:
    P is homogeneous of degree q for L1 (q = 1), L2 (q = 2) and Lp (q = p), so
    r = (level / P(u))^(1/q); for elastic net a·r + b·r² = level is a quadratic.
    ``none`` and ``l0`` have no ball: the result is all NaN.

    Returns:
      Array ``(n_points, 2)``; closed (first point = last point).
    """
    _check(kind)
    theta = jnp.linspace(0, 2 * jnp.pi, n_points)
    u = jnp.stack([jnp.cos(theta), jnp.sin(theta)], axis=-1)
    level = jnp.asarray(level, u.dtype)
    q = PENALTIES[kind].degree
    if q is not None:
        r = (level / value(kind, u)) ** (1 / q)
    elif kind == "elastic_net":
        a, b = mix * value("l1", u), (1 - mix) * value("l2", u)
        r = jnp.where(b > 0, (-a + jnp.sqrt(a * a + 4 * b * level)) / (2 * jnp.where(b > 0, b, 1)),
                      level / jnp.where(a > 0, a, 1))
    else:
        r = jnp.full(theta.shape, jnp.nan, u.dtype)
    return r[:, None] * u
