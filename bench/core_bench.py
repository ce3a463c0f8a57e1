"""core (JAX) against plain NumPy references doing the same work, as time ratios.

Each comparison first checks that the NumPy reference and core give the same
numbers (``assert_allclose``), so a ratio never compares different work; then
it times both with the compile excluded (one warm-up call), interleaved pair by
pair, and reports the median of several repeats: ratio = NumPy time / core time
(> 1: core is faster).

The NumPy references are what a competent person writes without JAX:
vectorized where the maths is vectorized (the grid), a plain Python loop where
the algorithm is sequential (descent steps, coordinate descent), float32 where
the app is float32 and float64 where core's solver is float64.
"""

from __future__ import annotations

import time
from collections.abc import Callable

import jax
import jax.numpy as jnp
import numpy as np

from bench.report import Row, at_least, median, ms
from core import grids, optim, problems, solve

LAM = 0.5              # λ of the surface and the trajectories
ALPHA = 0.1            # step size of the trajectories (α·L < 2 on the demo problem)
W0 = (-2.5, 2.5)       # the Landscape page's default start
TRAJECTORY_KINDS = ("none", "l1", "l2")
SPEEDUP_TARGET = 10.0  # issue 4: core ≥ 10× NumPy on trajectories, paths and training
PATH_TOL = 1e-6        # core.solve's prox-gradient residual tolerance


# ---- timing ----------------------------------------------------------------------------

def paired_times(ref: Callable[[], object], core: Callable[[], object], *,
                 repeats: int) -> tuple[float, float]:
    """Median wall times (NumPy reference, core) over ``repeats`` interleaved pairs.

    One untimed warm-up call of each first (JAX compiles there). Each repeat times
    ``ref()`` then ``core()`` back to back, so both see the same machine load and a
    busy machine moves the ratio less than the times. JAX outputs are waited on
    (``block_until_ready``), so asynchronous dispatch is not mistaken for speed.
    """
    def once(fn) -> float:
        t = time.perf_counter()
        jax.block_until_ready(fn())
        return time.perf_counter() - t

    jax.block_until_ready(ref())
    jax.block_until_ready(core())
    pairs = [(once(ref), once(core)) for _ in range(repeats)]
    return median([a for a, _ in pairs]), median([b for _, b in pairs])


def speedup_row(name: str, numpy_s: float, core_s: float, *, target: float | None,
                note: str = "") -> Row:
    """A core-vs-NumPy row: ratio = NumPy time / core time."""
    ratio = numpy_s / core_s
    return Row("core", name, f"NumPy {ms(numpy_s)} / core {ms(core_s)}", ratio,
               f"≥ {target:g}×" if target else "(no target)",
               at_least(ratio, target) if target else None, note)


# ---- (a) the 201 × 201 surface of J + λ·P ----------------------------------------------

def surface_numpy(X: np.ndarray, y: np.ndarray, view, n: int, lam: float) -> np.ndarray:
    """J + λ·Σ|w| on an n × n grid, least squares J = mean((Xw − y)²), float32.

    Row i is w₂[i], column j is w₁[j] (Plotly's z layout, as ``core.grids``).
    """
    a, b, c, d = view
    w1 = np.linspace(a, b, n, dtype=np.float32)
    w2 = np.linspace(c, d, n, dtype=np.float32)
    W = np.stack(np.meshgrid(w1, w2), axis=-1).reshape(-1, 2)  # (n², 2)
    r = W @ X.T - y                                              # (n², samples)
    J = np.mean(r * r, axis=-1)
    P = np.abs(W).sum(axis=-1)
    return (J + np.float32(lam) * P).reshape(n, n)


def bench_surface(*, repeats: int, n: int = 201) -> Row:
    """(a) ``core.grids.surface(problem, "l1", n=201)`` + ``total(λ)`` vs ``surface_numpy``."""
    p = problems.demo("least_squares")
    X, y = np.asarray(p.X), np.asarray(p.y)

    def core() -> np.ndarray:
        return np.asarray(grids.surface(p, "l1", n=n).total(jnp.float32(LAM)))

    def ref() -> np.ndarray:
        return surface_numpy(X, y, p.view, n, LAM)

    np.testing.assert_allclose(ref(), core(), rtol=1e-5, atol=1e-5)
    return speedup_row(f"{n}×{n} surface of J + λ·P (least squares, L1)",
                       *paired_times(ref, core, repeats=repeats), target=None,
                       note="vectorized NumPy (one matmul); both float32 to host")


# ---- (b) three 1000-step descent paths --------------------------------------------------

def descend_numpy(X: np.ndarray, y: np.ndarray, kind: str, lam: float, alpha: float,
                  w0, *, steps: int) -> np.ndarray:
    """Proximal gradient descent on mean((Xw − y)²) + λ·P(w) in a NumPy loop, float32.

    v = w − α·(2/n)·Xᵀ(Xw − y); then w = v (none), soft-threshold by αλ (L1),
    or v / (1 + 2αλ) (L2): DESIGN.md's ``proximal`` rule. Returns (steps + 1, d).
    Divergence is checked once at the end (core checks each step: extra work
    core does and the reference does not).
    """
    dt = X.dtype.type
    a, t = dt(alpha), dt(alpha * lam)
    c = dt(2.0 / len(y))
    path = np.empty((steps + 1, X.shape[1]), X.dtype)
    w = path[0] = np.asarray(w0, X.dtype)
    for k in range(steps):
        v = w - a * (c * (X.T @ (X @ w - y)))
        if kind == "l1":
            w = np.sign(v) * np.maximum(np.abs(v) - t, dt(0))
        elif kind == "l2":
            w = v / (dt(1) + dt(2) * t)
        else:
            w = v
        path[k + 1] = w
    if not np.isfinite(path).all():
        raise FloatingPointError("the reference path diverged")
    return path


def bench_trajectories(*, repeats: int, steps: int = 1000) -> Row:
    """(b) ``core.optim.descend`` for none / L1 / L2 (rule proximal) vs ``descend_numpy``."""
    p = problems.demo("least_squares")
    X, y = np.asarray(p.X), np.asarray(p.y)
    w0 = np.asarray(W0, np.float32)

    def core() -> list[np.ndarray]:
        return [np.asarray(optim.descend(p, k, LAM, ALPHA, w0, steps=steps,
                                         rule="proximal").path) for k in TRAJECTORY_KINDS]

    def ref() -> list[np.ndarray]:
        return [descend_numpy(X, y, k, LAM, ALPHA, w0, steps=steps) for k in TRAJECTORY_KINDS]

    for a, b in zip(ref(), core(), strict=True):
        np.testing.assert_allclose(a, b, rtol=1e-4, atol=1e-5)
    return speedup_row(f"3 × {steps}-step descent paths (none, L1, L2; proximal)",
                       *paired_times(ref, core, repeats=repeats), target=SPEEDUP_TARGET,
                       note="NumPy: a Python loop of float32 steps")


# ---- (c) a 200-λ L1 regularization path --------------------------------------------------

def path_problem(*, n: int = 100, d: int = 10, rho: float = 0.6, seed: int = 0):
    """A small least-squares regression with d equicorrelated features (ρ) and a sparse truth.

    Returns (X, y) in float64.
    """
    rng = np.random.default_rng(seed)
    cov = np.full((d, d), rho) + (1 - rho) * np.eye(d)
    X = rng.multivariate_normal(np.zeros(d), cov, size=n)
    truth = np.zeros(d)
    truth[:4] = [3.0, -2.0, 1.5, 1.0]
    y = X @ truth + rng.standard_normal(n)
    return X, y


def path_lambdas(X: np.ndarray, y: np.ndarray, count: int = 200, ratio: float = 1e-3):
    """``count`` log-spaced λ from λ_max (all weights 0) down to ``ratio``·λ_max, descending.

    For J = mean((Xw − y)²), w = 0 is optimal iff λ ≥ ‖(2/n)Xᵀy‖_∞.
    """
    lam_max = np.max(np.abs(2 * X.T @ y / len(y)))
    return np.logspace(np.log10(lam_max), np.log10(lam_max * ratio), count)


def lasso_path_numpy(X: np.ndarray, y: np.ndarray, lams, *, tol: float = PATH_TOL,
                     max_sweeps: int = 100_000) -> np.ndarray:
    """argmin mean((Xw − y)²) + λ·Σ|w| for each λ, by cyclic coordinate descent, float64.

    Covariance form (glmnet): with G = (2/n)XᵀX and b = (2/n)Xᵀy the gradient is
    g = Gw − b and coordinate j moves to S(G_jj·w_j − g_j, λ) / G_jj, S the soft
    threshold. Warm-started along the path (λ descending). Stops when the
    prox-gradient residual ‖w − S(w − s·g, sλ)‖ / s, s = 1/L, is below ``tol``:
    core.solve's criterion. Returns (len(lams), d).
    """
    n, d = X.shape
    G = 2 * X.T @ X / n
    b = 2 * X.T @ y / n
    s = 1 / np.linalg.eigvalsh(G)[-1]
    w = np.zeros(d)
    g = -b.copy()
    out = np.empty((len(lams), d))
    for i, lam in enumerate(lams):
        for _ in range(max_sweeps):
            for j in range(d):
                new = G[j, j] * w[j] - g[j]
                new = np.sign(new) * max(abs(new) - lam, 0.0) / G[j, j]
                if new != w[j]:
                    g += G[:, j] * (new - w[j])
                    w[j] = new
            v = w - s * g
            if np.linalg.norm(w - np.sign(v) * np.maximum(np.abs(v) - s * lam, 0)) / s < tol:
                break
        out[i] = w
    return out + 0.0


def bench_path(*, repeats: int) -> list[Row]:
    """(c) 200-λ L1 path: core.solve.minimize_path (warm-started scan, judged), with the vmapped
    cold start and a Python loop of ``minimize`` for comparison, against NumPy CD."""
    X, y = path_problem()
    lams = path_lambdas(X, y)
    p = problems.least_squares(X, y, name="path bench")

    def ref() -> np.ndarray:
        return lasso_path_numpy(X, y, lams)

    def path() -> np.ndarray:
        return np.asarray(solve.minimize_path(p, "l1", lams))

    def family() -> np.ndarray:
        return np.asarray(solve.minimize_family(p, "l1", lams))

    def loop() -> np.ndarray:
        return np.stack([np.asarray(solve.minimize(p, "l1", float(lam))) for lam in lams])

    want = ref()
    for fn in (path, family, loop):
        np.testing.assert_allclose(fn(), want, atol=1e-5)
    name = f"{len(lams)}-λ L1 regularization path (least squares, d = {X.shape[1]})"
    ref_note = "NumPy: coordinate descent, warm-started, same 1e-6 residual"
    return [
        speedup_row(name, *paired_times(ref, path, repeats=repeats), target=SPEEDUP_TARGET,
                    note="core.solve.minimize_path (lax.scan down the λ grid, warm-started, "
                         "data QR-compressed to d rows, an exact active-set solve per λ); "
                         f"{ref_note}"),
        speedup_row(name + ", vmap", *paired_times(ref, family, repeats=repeats), target=None,
                    note="for comparison: core.solve.minimize_family (every λ from 0 at once)"),
        speedup_row(name + ", loop", *paired_times(ref, loop, repeats=max(1, repeats // 2)),
                    target=None, note="for comparison: a Python loop of core.solve.minimize"),
    ]


# ---- (d) the Weights page's training of four runs ------------------------------------------

def bench_training(*, repeats: int) -> list[Row]:
    """(d) The Weights page's four runs trained together (core.scenes.weights) vs a NumPy
    loop training them one after another, and vs core training them one run per call
    (bench/weights_bench.py), for the logistic model (the page's default) and the MLP."""
    from bench import weights_bench

    return weights_bench.bench(paired_times, speedup_row, repeats=repeats, target=SPEEDUP_TARGET)


# ---- (e) the Sparse crosses page: training at the finest resolution -----------------------

def bench_crosses(*, repeats: int) -> list[Row]:
    """(e) The Sparse crosses page's three runs at 1° cells (d = 64,800): time against a NumPy
    reference, and the compiled call's memory against the n × d one-hot matrix it never
    builds (bench/crosses_bench.py)."""
    from bench import crosses_bench

    return crosses_bench.bench(paired_times, speedup_row, repeats=repeats)


def run(*, quick: bool = False, log: Callable[[str], None] = print) -> list[Row]:
    """All core comparisons; ``quick`` uses fewer repeats."""
    repeats = 3 if quick else 15
    rows = []
    for label, fn in (("surface", bench_surface), ("trajectories", bench_trajectories)):
        log(f"core: {label} …")
        rows.append(fn(repeats=repeats))
        log(f"  {rows[-1].measured}")
    log("core: regularization path …")
    for r in bench_path(repeats=max(1, repeats // 2)):
        rows.append(r)
        log(f"  {r.measured}")
    log("core: Weights page training …")
    for r in bench_training(repeats=max(1, repeats // 3)):
        rows.append(r)
        log(f"  {r.measured}")
    log("core: Sparse crosses training at 1° …")
    for r in bench_crosses(repeats=max(1, repeats // 3)):
        rows.append(r)
        log(f"  {r.measured}")
    return rows

