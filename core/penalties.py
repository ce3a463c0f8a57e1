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

import jax.numpy as jnp

CONVEX = ("none", "l1", "l2", "elastic_net")
NONCONVEX = ("l0", "lp")
KINDS = CONVEX + NONCONVEX
P_EXPONENT = 0.5  # the p of the ``lp`` penalty


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
    w = jnp.asarray(w)
    if kind == "none":
        return jnp.zeros(w.shape[:-1], w.dtype)
    if kind == "l1":
        return jnp.sum(jnp.abs(w), axis=-1)
    if kind == "l2":
        return jnp.sum(w * w, axis=-1)
    if kind == "elastic_net":
        return mix * value("l1", w) + (1 - mix) * value("l2", w)
    if kind == "l0":
        return jnp.sum(w != 0, axis=-1).astype(w.dtype)
    return jnp.sum(jnp.abs(w) ** P_EXPONENT, axis=-1)  # lp


def subgradient(kind: str, w, *, mix=0.5):
    """The direction of the primer's penalty step, ∂P/∂w with sign(0) = 0.

    L1: sign(w); L2: 2w; elastic net: mix·sign(w) + (1 − mix)·2w; none: 0.
    ``l0`` is flat almost everywhere (0); ``lp`` uses p·|w|^(p−1)·sign(w), and 0 at 0.
    """
    _check(kind)
    w = jnp.asarray(w)
    if kind in ("none", "l0"):
        return jnp.zeros_like(w)
    if kind == "l1":
        return jnp.sign(w)
    if kind == "l2":
        return 2 * w
    if kind == "elastic_net":
        return mix * jnp.sign(w) + (1 - mix) * 2 * w
    safe = jnp.where(w == 0, 1.0, jnp.abs(w))
    return jnp.where(w == 0, 0.0, P_EXPONENT * safe ** (P_EXPONENT - 1) * jnp.sign(w))


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
    v = jnp.asarray(v)
    if kind == "none":
        return v
    if kind == "l1":
        return soft_threshold(v, t)
    if kind == "l2":
        return v / (1 + 2 * t)
    if kind == "elastic_net":
        return soft_threshold(v, t * mix) / (1 + 2 * t * (1 - mix))
    if kind == "l0":
        return jnp.where(v * v > 2 * t, v, 0)
    return _half_threshold(v, t)


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
    if kind in ("l1", "l2", "lp"):
        q = {"l1": 1.0, "l2": 2.0, "lp": P_EXPONENT}[kind]
        r = (level / value(kind, u)) ** (1 / q)
    elif kind == "elastic_net":
        a, b = mix * value("l1", u), (1 - mix) * value("l2", u)
        r = jnp.where(b > 0, (-a + jnp.sqrt(a * a + 4 * b * level)) / (2 * jnp.where(b > 0, b, 1)),
                      level / jnp.where(a > 0, a, 1))
    else:
        r = jnp.full(theta.shape, jnp.nan, u.dtype)
    return r[:, None] * u
