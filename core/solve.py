"""The minimizer of J(w) + λ·P(w), to a prox residual below 1e-6.

Accelerated proximal gradient (FISTA with backtracking and adaptive restart),
in float64 whatever the problem's dtype. Each iterate is a prox output, so the
L1 minimizer's zeros are exact zeros. Stops when the prox-gradient residual

    G(w) = (w − prox_{sP}(w − s∇J(w))) / s

has ‖G(w)‖ < ``tol`` (for P = 0 this is ‖∇J(w)‖). For least squares with L2 or
no penalty the closed form (XᵀX/n + λI) w = Xᵀy/n is used instead.

On the non-convex problem this finds the local minimum that descent from ``w0``
reaches, not necessarily the global one.
"""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Callable
from typing import NamedTuple

import jax
import jax.numpy as jnp
from jax import lax

from core import penalties
from core.problems import Problem

TOL = 1e-6
MAX_ITER = 20_000


class Solution(NamedTuple):
    w: jax.Array          # (d,) float64
    residual: jax.Array   # ‖G(w)‖ at the end
    iterations: jax.Array


def gradient_mapping(loss: Callable, prox: Callable, w, s):
    """``‖w − prox(w − s∇J(w), s)‖/s``: 0 exactly at a minimizer of J + g (J convex)."""
    return jnp.linalg.norm(w - prox(w - s * jax.grad(loss)(w), s)) / s


def _residual(problem, kind, lam, mix, w, s):
    """The gradient mapping of J + λ·P at w."""
    return gradient_mapping(problem.loss, lambda v, s: penalties.prox(kind, v, s * lam, mix=mix),
                            w, s)


def proximal_gradient(loss: Callable, prox: Callable, w0, *, step, tol: float,
                      max_iter: int, backtrack: bool = True, accelerate: bool = True,
                      stop_at_y: bool = False) -> Solution:
    """``argmin_w loss(w) + g(w)`` for a smooth ``loss`` and a ``g`` given by its prox,
    ``prox(v, s) = argmin_u ½‖u − v‖² + s·g(u)``: the one solver of the penalized and the
    constrained problems.

    For a penalty, g = λ·P and ``prox(v, s) = penalties.prox(kind, v, s·λ)``. For a
    constraint w ∈ C, g is C's indicator (0 in C, ∞ outside), whose prox is the Euclidean
    projection onto C whatever s (as jaxopt's ``make_prox_from_projection``): every iterate
    is a projection, so an L1-ball minimizer on a corner has an exact 0.

    Each iteration takes ``x⁺ = prox(y − s∇J(y), s)``. With ``accelerate`` it is FISTA
    (Beck & Teboulle), the extrapolation ``y⁺ = x⁺ + ((k − 1)/k⁺)(x⁺ − x)`` with
    ``k⁺ = (1 + √(1 + 4k²))/2``, dropped when it points uphill (adaptive restart, O'Donoghue
    & Candès). Without it the method is plain monotone proximal gradient. ``step`` is the first
    step size s. With ``backtrack``, s is halved until the quadratic upper bound holds at
    ``x⁺``, and grows by 1.5 between accelerated iterations; without it, s stays fixed (1/L
    when L is known). It stops when the gradient mapping ``‖x − prox(x − s∇J(x), s)‖/s`` is
    below ``tol``, or after ``max_iter`` iterations; with ``stop_at_y`` the mapping is
    taken at the extrapolated point y instead, ``‖y − x⁺‖/s``, which costs nothing (x⁺ is
    computed anyway) where the one at x⁺ costs a gradient an iteration.

    Returns:
      ``Solution(w, residual, iterations)``.
    """
    def body(state):
        x, y, k, s, it, _ = state
        J_y, g_y = jax.value_and_grad(loss)(y)  # once a step: the backtracking reuses both

        def prox_step(s):
            return prox(y - s * g_y, s)

        def bad(s):
            # The quadratic upper bound fails at the prox step (Beck & Teboulle): shrink s.
            x = prox_step(s)
            d = x - y
            return loss(x) > J_y + g_y @ d + (d @ d) / (2 * s) + 1e-15 * jnp.abs(J_y)

        if backtrack:
            s = lax.while_loop(lambda s: bad(s) & (s > 1e-12), lambda s: s / 2, s)
        x_new = prox_step(s)
        if accelerate:
            k_new = (1 + jnp.sqrt(1 + 4 * k * k)) / 2
            y_new = x_new + ((k - 1) / k_new) * (x_new - x)
            restart = (y - x_new) @ (x_new - x) > 0   # momentum points uphill: drop it
            y_new = jnp.where(restart, x_new, y_new)
            k_new = jnp.where(restart, 1.0, k_new)
            s_next = s * 1.5 if backtrack else s
        else:
            # Plain monotone prox-gradient with a step that only shrinks: on a non-convex
            # landscape it stays in the basin of the start, like the descent path does.
            k_new, y_new, s_next = k, x_new, s
        res = (jnp.linalg.norm(y - x_new) / s if stop_at_y
               else gradient_mapping(loss, prox, x_new, s))
        return x_new, y_new, k_new, s_next, it + 1, res

    def cond(state):
        return (state[5] >= tol) & (state[4] < max_iter)

    s0 = jnp.asarray(step, w0.dtype)
    init = (w0, w0, jnp.asarray(1.0, w0.dtype), s0, jnp.array(0),
            gradient_mapping(loss, prox, w0, s0) + 2 * tol)
    x, _, _, _, it, res = lax.while_loop(cond, body, init)
    return Solution(x, res, it)


@functools.partial(jax.jit, static_argnames=("kind", "accelerate"))
def _fista(problem: Problem, kind: str, lam, mix, w0, *, accelerate: bool = True) -> Solution:
    """``proximal_gradient`` on J + λ·P, backtracking from s = 1 (0.1 when not accelerated)."""
    return proximal_gradient(
        problem.loss, lambda v, s: penalties.prox(kind, v, s * lam, mix=mix), w0,
        step=1.0 if accelerate else 0.1, tol=TOL, max_iter=MAX_ITER, accelerate=accelerate)


def _spd_solve(A, b):
    """A⁻¹b for a symmetric positive definite A (d × d).

    For d = 2, every problem the Landscape draws, the inverse is written out,
    A⁻¹ = [[a₂₂, −a₁₂], [−a₂₁, a₁₁]] / (a₁₁a₂₂ − a₁₂a₂₁): a LAPACK solve would make jaxlib
    import SciPy to find LAPACK, which delays a fresh server's first page.
    """
    if A.shape[-1] == 2:
        det = A[0, 0] * A[1, 1] - A[0, 1] * A[1, 0]
        return jnp.stack([A[1, 1] * b[0] - A[0, 1] * b[1], A[0, 0] * b[1] - A[1, 0] * b[0]]) / det
    return jnp.linalg.solve(A, b)


@jax.jit
def _ridge_closed_form(problem: Problem, lam):
    X, y = problem.X, problem.y
    n, d = X.shape
    return _spd_solve(X.T @ X / n + lam * jnp.eye(d, dtype=X.dtype), X.T @ y / n)


def minimize(problem: Problem, kind: str, lam, *, mix=0.5, w0=None) -> jax.Array:
    """argmin_w J(w) + λ·P(w), as a float64 array of shape (d,).

    Args:
      problem: the data loss (its data are promoted to float64 here).
      kind: "none", "l1", "l2", "elastic_net" (or "l0"/"lp": a local minimum only).
      lam, mix: floats.
      w0: start for the iterations (default zeros); matters only when J or P is non-convex.

    Example: on least squares with ``kind="l2"`` this is (XᵀX/n + λI)⁻¹Xᵀy/n.
    """
    return solve(problem, kind, lam, mix=mix, w0=w0).w


def minimize_family(problem: Problem, kind: str, lams, *, mix=0.5, w0=None) -> jax.Array:
    """``minimize`` for every λ in ``lams`` in one vectorized call: shape (L, d), float64."""
    return solve_family(problem, kind, lams, mix=mix, w0=w0).w


@functools.partial(jax.jit, static_argnames=("kind",))
def solve_family(problem: Problem, kind: str, lams, *, mix=0.5, w0=None) -> Solution:
    """``solve`` for every λ in ``lams`` at once (``vmap``); fields gain a leading axis L."""
    # Compiled whole, the float64 conversions included: done eagerly, each was one more small
    # program to trace and load on a fresh server's first page.
    p64 = problem.astype(jnp.float64)
    lams64, mix64 = jnp.asarray(lams, jnp.float64), jnp.asarray(mix, jnp.float64)
    if p64.kind == "least_squares" and kind in ("none", "l2"):
        lams64 = lams64 if kind == "l2" else jnp.zeros_like(lams64)
        return _ridge_solutions(p64, kind, lams64, mix64)
    d = p64.X.shape[1]
    w0 = jnp.zeros(d) if w0 is None else jnp.asarray(w0, jnp.float64)
    convex = p64.kind != "sine" and kind in penalties.CONVEX
    sol = _fista_family(p64, kind, lams64, mix64, w0, accelerate=convex)
    return sol._replace(w=penalties.positive_zero(sol.w))


def minimize_path(problem: Problem, kind: str, lams, *, mix=0.5) -> jax.Array:
    """``minimize`` along a regularization path: shape (L, d), float64, one compiled call.

    The λ are solved in the order given, each warm-started from the previous answer (the
    path algorithm of glmnet): give them descending, from λ_max where w = 0, and each solve
    starts next to its answer. For least squares the data are first compressed to d rows
    (``_compressed``), and L1 and the elastic net are solved exactly by ``solve_warm``.
    Convex penalties only; on anything else use ``minimize_family``.
    """
    return solve_path(problem, kind, lams, mix=mix).w


def solve_path(problem: Problem, kind: str, lams, *, mix=0.5) -> Solution:
    """``minimize_path`` with each λ's residual and iteration count."""
    p64 = problem.astype(jnp.float64)
    if p64.kind == "sine" or kind not in penalties.CONVEX:
        raise ValueError("solve_path needs a convex problem: use solve_family")
    lams64, mix64 = jnp.asarray(lams, jnp.float64), jnp.float64(mix)
    sol = _path_scan(_compressed(p64), kind, lams64, mix64)
    return sol._replace(w=sol.w + 0.0)


def _compressed(problem: Problem) -> Problem:
    """The same J up to a constant on min(n, d) rows, for least squares (else ``problem``).

    With X = Q·R (reduced QR) and c = √(d/n): mean((c·R·w − c·Qᵀy)²) = (1/n)‖Rw − Qᵀy‖²
    = J(w) − (1/n)‖(I − QQᵀ)y‖², so the gradient, the minimizers and the residual are J's,
    at d² instead of n·d a step. One QR of one matrix (never a batched factorization).
    """
    n, d = problem.X.shape
    if problem.kind != "least_squares" or n <= d:
        return problem
    Q, R = jnp.linalg.qr(problem.X)
    c = jnp.sqrt(d / n)
    return dataclasses.replace(problem, X=c * R, y=c * (Q.T @ problem.y))


@functools.partial(jax.jit, static_argnames=("kind",))
def _path_scan(problem: Problem, kind: str, lams, mix) -> Solution:
    # Least squares with L1 or the elastic net: the exact active-set answer from the warm
    # start (FISTA when it fails its check); anything else: FISTA from the warm start.
    exact = problem.kind == "least_squares" and kind in ("l1", "elastic_net")
    mix_ = jnp.ones_like(mix) if kind == "l1" else mix  # L1 is the elastic net with mix = 1

    def one(w, lam):
        if exact:
            sol = solve_warm(problem, lam, mix_, w)
        else:
            sol = _fista(problem, kind, lam, mix, w, accelerate=True)
        return sol.w, sol

    return lax.scan(one, jnp.zeros(problem.X.shape[1], problem.X.dtype), lams)[1]


@jax.jit
def _ridge_family(problem: Problem, lams):
    # lax.map, not vmap: a batched LAPACK solve can block XLA's CPU thread pool when two
    # run at once on a 2-core machine (seen with jaxlib 0.10.2); one solve at a time cannot.
    return lax.map(lambda lam: _ridge_closed_form(problem, lam), lams)


@functools.partial(jax.jit, static_argnames=("kind",))
def _ridge_solutions(problem: Problem, kind: str, lams, mix) -> Solution:
    # One compiled call with the residual check: computed eagerly, its dozen small operations
    # were a dozen programs to trace and load at a server's first page.
    w = _ridge_family(problem, lams)
    res = jax.vmap(lambda lam, w: _residual(problem, kind, lam, mix, w, 0.1))(lams, w)
    return Solution(penalties.positive_zero(w), res, jnp.zeros(lams.shape, int))


@functools.partial(jax.jit, static_argnames=("kind", "accelerate"))
def _fista_family(problem: Problem, kind: str, lams, mix, w0, *, accelerate: bool) -> Solution:
    one = functools.partial(_fista, problem, kind, accelerate=accelerate)
    return jax.vmap(lambda lam: one(lam, mix, w0))(lams)


ACTIVE_SET_TRIES = 6


def _active_set(problem: Problem, lam, mix, w0):
    """The exact minimizer of mean((Xw − y)²) + λ·(mix·‖w‖₁ + (1 − mix)·‖w‖²) when its zero
    pattern and signs are found from ``w0``'s in a few tries; the answer is checked by the
    caller (``solve_warm``).

    With H = (2/n)XᵀX + 2λ(1 − mix)I and q = (2/n)Xᵀy the gradient of the smooth part is
    Hw − q, and w is the minimizer iff Hw − q + λ·mix·s = 0 on its non-zeros (s their signs)
    and |(Hw − q)_k| ≤ λ·mix where w_k = 0. Given a guess of the non-zeros A and their signs,
    the first condition is one linear solve, H_AA w_A = q_A − λ·mix·s_A; then a non-zero whose
    sign came out wrong leaves A and a zero that breaks the second condition joins it (with
    the sign that lowers the cost), and the solve is repeated. Along a λ path, warm-started
    from the neighbour's answer, the first guess is nearly always right.
    """
    X, y = problem.X, problem.y
    n, d = X.shape
    H = 2.0 / n * (X.T @ X) + 2.0 * lam * (1.0 - mix) * jnp.eye(d, dtype=X.dtype)
    q = 2.0 / n * (X.T @ y)
    t = lam * mix

    def attempt(active, sign):
        both = active[:, None] & active[None, :]
        M = jnp.where(both, H, 0.0) + jnp.diag(jnp.where(active, 0.0, 1.0))
        w = _spd_solve(M, jnp.where(active, q - t * sign, 0.0))
        w = jnp.where(active, w, 0.0)
        g = H @ w - q
        kept = active & (w * sign > 0)
        joins = ~active & (jnp.abs(g) > t)
        settled = ~jnp.any((active & ~kept) | joins)  # both KKT conditions hold
        return w, kept | joins, jnp.where(joins, -jnp.sign(g), sign), settled

    def body(state):
        _, active, sign, _, k = state
        w, active, sign, ok = attempt(active, sign)
        return w, active, sign, ok, k + 1

    def cond(state):
        return ~state[3] & (state[4] < ACTIVE_SET_TRIES)

    init = (w0, w0 != 0, jnp.sign(w0), jnp.array(False), jnp.array(0))
    return lax.while_loop(cond, body, init)[0]


@jax.jit
def solve_warm(problem: Problem, lam, mix, w0) -> Solution:
    """``solve`` of least squares with the elastic net (mix = 1: L1) from the warm start
    ``w0``, as a λ path needs it: the exact active-set answer (``_active_set``) when its prox
    residual is below ``TOL``, else FISTA from ``w0``. Float64 in, float64 out; jitted, with
    no batched factorization (every solve is one matrix).
    """
    w = _active_set(problem, lam, mix, w0)
    res = _residual(problem, "elastic_net", lam, mix, w, 0.1)
    return lax.cond(res < TOL,
                    lambda: Solution(w, res, jnp.array(0)),
                    lambda: _fista(problem, "elastic_net", lam, mix, w0, accelerate=True))


def solve(problem: Problem, kind: str, lam, *, mix=0.5, w0=None) -> Solution:
    """``minimize`` with its residual and iteration count."""
    # The numbers as float64 arrays before the compiled call: an int λ (a preset) or a tuple
    # start would otherwise be another trace and compile
    return _solve(problem, kind, jnp.asarray(lam, jnp.float64), jnp.asarray(mix, jnp.float64),
                  None if w0 is None else jnp.asarray(w0, jnp.float64))


@functools.partial(jax.jit, static_argnames=("kind",))
def _solve(problem: Problem, kind: str, lam64, mix64, w0) -> Solution:
    # Compiled whole, as solve_family: eager float64 conversions and the +0.0 would each be
    # a dispatch of their own, several a rerun of the Update rules page
    p64 = problem.astype(jnp.float64)
    if p64.kind == "least_squares" and kind in ("none", "l2"):
        w = _ridge_closed_form(p64, lam64 if kind == "l2" else jnp.float64(0))
        return Solution(penalties.positive_zero(w), _residual(p64, kind, lam64, mix64, w, 0.1),
                        jnp.array(0))
    d = p64.X.shape[1]
    w0 = jnp.zeros(d) if w0 is None else w0
    convex = p64.kind != "sine" and kind in penalties.CONVEX
    sol = _fista(p64, kind, lam64, mix64, w0, accelerate=convex)
    return sol._replace(w=penalties.positive_zero(sol.w))  # an exact zero prints as 0
