"""Data losses J(w) for two weights (and more), with small seeded datasets made in code.

Conventions (DESIGN.md):

- least squares: J(w) = mean((Xw − y)²)                        (no ½)
- logistic:      J(w) = mean(log(1 + exp(Xw)) − y·Xw), y ∈ {0, 1}, no intercept
- sine (non-convex): J(w) = mean((sin(w₁·x) + w₂·z − y)²), a two-weight model
  whose landscape has several local minima along w₁; an L2 bowl removes the
  far ones (the primer's claim that regularization makes the landscape more
  convex).

A ``Problem`` is a JAX pytree: its data are leaves (traced), its kind, name and
view box are static, so one compiled function serves every dataset of a kind.
"""

from __future__ import annotations

import dataclasses
import functools

import jax
import jax.numpy as jnp
import numpy as np

LOSSES = ("least_squares", "logistic", "sine")


@dataclasses.dataclass(frozen=True)
class Problem:
    """A data loss J(w) = loss(X, y; w).

    Attributes:
      X: features, shape (n, d).
      y: targets, shape (n,).
      kind: one of ``LOSSES``.
      name: what the page calls it.
      view: (w1_min, w1_max, w2_min, w2_max), the box the landscape is drawn in.
    """

    X: jax.Array
    y: jax.Array
    kind: str = dataclasses.field(metadata={"static": True}, default="least_squares")
    name: str = dataclasses.field(metadata={"static": True}, default="")
    view: tuple = dataclasses.field(metadata={"static": True}, default=(-3.0, 3.0, -3.0, 3.0))

    def loss(self, w):
        """J(w) for w of shape (d,) (or (..., d): batched over leading axes)."""
        z = w @ self.X.T  # (..., n)
        if self.kind == "least_squares":
            return jnp.mean((z - self.y) ** 2, axis=-1)
        if self.kind == "logistic":
            return jnp.mean(jnp.logaddexp(0.0, z) - self.y * z, axis=-1)
        if self.kind == "sine":
            pred = jnp.sin(w[..., :1] * self.X[:, 0]) + w[..., 1:2] * self.X[:, 1]
            return jnp.mean((pred - self.y) ** 2, axis=-1)
        raise ValueError(f"unknown loss {self.kind!r}")

    @property
    def dtype(self):
        return self.X.dtype

    def astype(self, dtype) -> Problem:
        return dataclasses.replace(self, X=self.X.astype(dtype), y=self.y.astype(dtype))


jax.tree_util.register_dataclass(Problem)


def least_squares(X, y, *, name: str = "least squares", view=(-3.0, 3.0, -3.0, 3.0)) -> Problem:
    """J(w) = mean((Xw − y)²)."""
    return Problem(jnp.asarray(X), jnp.asarray(y), "least_squares", name, tuple(view))


def logistic(X, y, *, name: str = "logistic regression",
             view=(-3.0, 4.0, -3.0, 3.0)) -> Problem:
    """J(w) = mean(log(1 + exp(Xw)) − y·Xw), the mean cross-entropy with labels y ∈ {0, 1}."""
    return Problem(jnp.asarray(X), jnp.asarray(y), "logistic", name, tuple(view))


def sine(x, z, y, *, name: str = "non-convex (sine model)",
         view=(-5.0, 5.0, -3.0, 3.0)) -> Problem:
    """J(w) = mean((sin(w₁·x) + w₂·z − y)²): non-convex in w₁."""
    X = jnp.stack([jnp.asarray(x), jnp.asarray(z)], axis=-1)
    return Problem(X, jnp.asarray(y), "sine", name, tuple(view))


# ---- the seeded datasets the pages use -------------------------------------------------

def demo(kind: str, *, seed: int = 0, n: int = 60, dtype=np.float32) -> Problem:
    """The page's two-weight problem of a kind, made from a seeded NumPy generator.

    - least_squares: two correlated features (ρ ≈ 0.5), y = 1.5·x₁ + 0.3·x₂ + noise,
      so a moderate L1 λ (< 1) sets w₂ to exactly 0 while w₁ stays non-zero.
    - logistic: labels drawn from σ(2·x₁ − 0.6·x₂), not separable, so the
      unregularized minimizer is finite.
    - sine: y = sin(0.8·x) + 0.5·z + noise, x ∈ [−3, 3].
    """
    rng = np.random.default_rng(seed)
    if kind == "least_squares":
        cov = np.array([[1.0, 0.5], [0.5, 1.0]])
        X = rng.multivariate_normal(np.zeros(2), cov, size=n)
        y = X @ np.array([1.5, 0.3]) + 0.5 * rng.standard_normal(n)
        return least_squares(X.astype(dtype), y.astype(dtype))
    if kind == "logistic":
        X = rng.standard_normal((n, 2))
        p = 1 / (1 + np.exp(-(X @ np.array([2.0, -0.6]))))
        y = (rng.random(n) < p).astype(float)
        return logistic(X.astype(dtype), y.astype(dtype))
    if kind == "sine":
        x = rng.uniform(-3, 3, n)
        z = rng.standard_normal(n)
        y = np.sin(0.8 * x) + 0.5 * z + 0.1 * rng.standard_normal(n)
        return sine(x.astype(dtype), z.astype(dtype), y.astype(dtype))
    raise ValueError(f"unknown problem {kind!r}; expected one of {LOSSES}")


def smoothness(problem: Problem) -> float | None:
    """L, the largest curvature of J (so plain gradient descent is stable for α·L < 2), as a
    number: ``lipschitz``; the sine model has no single L (None)."""
    if problem.kind not in ("least_squares", "logistic"):
        return None
    return float(lipschitz(problem.astype(jnp.float64)))


def lipschitz(problem: Problem):
    """L, the Lipschitz constant of ∇J, in JAX (vmappable, traceable): 2·λ_max(XᵀX/n) for
    least squares, λ_max(XᵀX/n)/4 for logistic (σ' ≤ ¼). ``smoothness`` is it as a number."""
    X = problem.X
    top = top_eigenvalue(X.T @ X / X.shape[0])
    return 2 * top if problem.kind == "least_squares" else top / 4


def top_eigenvalue(A):
    """The largest eigenvalue of a symmetric A. For 2 × 2 (the page's problems) written out,
    (a + c)/2 + √(((a − c)/2)² + b²): LAPACK's would make jaxlib import SciPy, which delays
    a fresh server's first Geometry page."""
    if A.shape[-1] == 2:
        a, b, c = A[0, 0], A[0, 1], A[1, 1]
        return (a + c) / 2 + jnp.hypot((a - c) / 2, b)
    return jnp.linalg.eigvalsh(A)[-1]


@functools.lru_cache(maxsize=len(LOSSES))
def demo_problem(kind: str) -> Problem:
    """The seeded demo problem of a kind (immutable, so caching it is safe for every user)."""
    return demo(kind)
