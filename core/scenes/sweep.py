"""The λ sweep & residuals page: coefficient paths over a grid of λ, train and validation error
against λ (bias and variance), and a line fitted with squared and with absolute loss.

Conventions (DESIGN.md), which every number here follows:

- the data loss is least squares, J(w) = mean((Xw − y)²) (``core.problems.least_squares``);
- a fit at λ is argmin_w J(w) + λ·P(w), with P_L1 = Σ|w_k|, P_L2 = Σw_k² and the elastic net
  P = mix·P_L1 + (1 − mix)·P_L2 (``core.solve``);
- so L1's weights are all exactly 0 from λ_max = (2/n)·max_k |X_kᵀy| on: at w = 0 the gradient
  of J is −(2/n)·Xᵀy, and the soft threshold keeps 0 while every |(2/n)·X_kᵀy| ≤ λ.

Everything is seeded and made in code. The hyperparameters a student moves (noise, number of
samples, degree, folds, share of outliers) enter the compiled functions as traced numbers and
every array has a fixed shape (samples padded to ``N_MAX``, features to ``DEGREE_MAX``, folds
to ``FOLDS_MAX``), so moving a slider never compiles anew.
"""

from __future__ import annotations

import functools
from typing import NamedTuple

import jax
import jax.numpy as jnp
import numpy as np
from jax import lax

from core import problems, solve

# The page's controls at their defaults (``views/sweep.py`` starts from them, and
# ``core.runtime.warm`` compiles what they need).
DEFAULTS = {"lam": 0.1, "penalty": "l2", "noise": 0.5, "n": 25, "degree": 12, "cv": False,
            "folds": 5, "out": 0.15}

KINDS = ("l1", "elastic_net", "l2")
MIX = 0.5  # the elastic net's share of L1 on this page


# ---- the λ grid ----------------------------------------------------------------------------

def lambda_grid(lo: int = -4, hi: int = 3, per_decade: int = 24) -> np.ndarray:
    """λ from 10^lo to 10^hi, log-spaced with ``per_decade`` values a decade, each rounded to
    two significant digits (1, 1.1, 1.2, 1.3, 1.5, … , 9.1: the E24 series), increasing.

    Rounding keeps the labels short (the page's λ slider offers exactly these values and the
    URL holds them as typed: ``lam=0.0047``); the spacing stays within 3 % of even in log λ.

    Example: ``lambda_grid(0, 1, 4)`` is ``[1.0, 1.8, 3.2, 5.6, 10.0]``.
    """
    k = np.arange(lo * per_decade, hi * per_decade + 1)
    return np.array([float(f"{10.0 ** (i / per_decade):.2g}") for i in k])


LAMBDAS = lambda_grid()  # 169 values, 1e-4 … 1e3


def _readonly(*arrays):
    for a in arrays:
        a.flags.writeable = False
    return arrays


# ---- coefficient paths ---------------------------------------------------------------------

D_PATHS = 8
N_PATHS = 128      # a power of two: see ``paths_problem``
PATHS_W = np.array([0.3, 0.15, 0.0, 0.0, 0.2, 0.0, 0.0, 0.0])  # three features matter
PATHS_RHO = 0.6    # corr(x_j, x_k) = ρ^|j − k|: neighbours are strongly correlated
PATHS_NOISE = 0.3
# The page's draw: on it the lasso keeps exactly the three features that matter for λ from
# 0.091 to 0.35. Not every draw is that kind: with correlated features the lasso sometimes
# keeps a neighbour of a true feature instead (seed 3 never finds the true support).
PATHS_SEED = 8


def paths_problem(*, seed: int = PATHS_SEED, n: int = N_PATHS) -> problems.Problem:
    """The paths' regression: 8 correlated features, 3 of which matter.

    x ~ N(0, Σ) with Σ_jk = ρ^|j − k| (ρ = 0.6), y = x·w* + 0.3·ε with
    w* = (0.3, 0.15, 0, 0, 0.2, 0, 0, 0) and ε ~ N(0, 1): the classic lasso example
    (Tibshirani 1996) at a tenth of its scale, so that the λ where L1 keeps the right features
    overlaps the bias/variance problem's best λ. float32 ``least_squares``, no intercept.

    Every value is a multiple of 1/1024 (below 16 in size) and n = 128 is a power of two, so
    every product and sum in (2/n)·Xᵀy is exact in float64, in whatever order it is summed:
    the solver's gradient at w = 0 is λ_max to the last bit, and at λ = λ_max itself the
    soft threshold gives exactly 0 (not 4e-16).
    """
    rng = np.random.default_rng(seed)
    idx = np.arange(D_PATHS)
    cov = PATHS_RHO ** np.abs(idx[:, None] - idx[None, :])
    X = _grid(rng.multivariate_normal(np.zeros(D_PATHS), cov, size=n))
    y = _grid(X @ PATHS_W + PATHS_NOISE * rng.standard_normal(n))
    return problems.least_squares(X.astype(np.float32), y.astype(np.float32),
                                  name="8 correlated features")


def _grid(a, q: float = 1024.0) -> np.ndarray:
    """Round to multiples of 1/q (exact in float32 and float64 for |a| < 2^14)."""
    return np.round(np.asarray(a, np.float64) * q) / q


def lambda_max(problem: problems.Problem) -> float:
    """λ_max = (2/n)·max_k |X_kᵀy|: the smallest λ at which every L1 weight is exactly 0."""
    X, y = np.asarray(problem.X, np.float64), np.asarray(problem.y, np.float64)
    return float(2.0 / len(y) * np.max(np.abs(X.T @ y)))


class Paths(NamedTuple):
    """The minimizers of J + λ·P over a λ grid for L1, elastic net and L2.

    lams: (L,) float64, increasing. coef: kind -> (L, d) float64 (exact zeros are 0.0).
    nonzeros: kind -> (L,) int. residual: kind -> (L,) the solver's prox residual (< 1e-6).
    lam_max: L1's λ_max. ols: (d,) least squares (λ = 0). w_true: (d,) the weights y was made
    from. names: feature names.
    """

    lams: np.ndarray
    coef: dict
    nonzeros: dict
    residual: dict
    lam_max: float
    ols: np.ndarray
    w_true: np.ndarray
    names: tuple

    def index(self, lam: float) -> int:
        """The grid index nearest to ``lam`` (in log λ)."""
        return int(np.argmin(np.abs(np.log(self.lams) - np.log(max(lam, 1e-300)))))


@jax.jit
def _paths(problem: problems.Problem, lams, mixes) -> tuple[solve.Solution, solve.Solution]:
    # L1 is the elastic net with mix = 1 (its prox is then exactly the soft threshold), so one
    # compiled FISTA serves L1 and the elastic net, vmapped over mix and λ; L2 is closed form.
    fista = jax.vmap(lambda m: solve.solve_family(problem, "elastic_net", lams, mix=m))(mixes)
    return fista, solve.solve_family(problem, "l2", lams)


def coefficient_paths(problem: problems.Problem, lams=LAMBDAS, *, mix: float = MIX,
                      w_true=None, names: tuple[str, ...] | None = None) -> Paths:
    """argmin_w J(w) + λ·P(w) for every λ of ``lams`` and P in L1, elastic net (``mix``), L2,
    in one vectorized call (``core.solve.solve_family``: FISTA vmapped over λ, the closed form
    (XᵀX/n + λI)w = Xᵀy/n for L2).

    Args:
      problem: a ``least_squares`` problem, X of shape (n, d).
      lams: the grid, any shape (L,) of λ ≥ 0 (one compile per L).
      mix: the elastic net's share of L1.
      w_true: the weights the data were made from, if known (drawn as solid vs dotted).
      names: the features' names (default x₁, x₂, …).

    Returns:
      ``Paths``. Example: ``coefficient_paths(paths_problem()).nonzeros["l1"][-1]`` is 0.
    """
    lams = np.asarray(lams, np.float64)
    fista, ridge = _paths(problem, jnp.asarray(lams), jnp.asarray([1.0, mix]))
    coef = {"l1": np.asarray(fista.w[0]), "elastic_net": np.asarray(fista.w[1]),
            "l2": np.asarray(ridge.w)}
    residual = {"l1": np.asarray(fista.residual[0]),
                "elastic_net": np.asarray(fista.residual[1]), "l2": np.asarray(ridge.residual)}
    X, y = np.asarray(problem.X, np.float64), np.asarray(problem.y, np.float64)
    ols = np.linalg.lstsq(X, y, rcond=None)[0]
    d = X.shape[1]
    w_true = np.full(d, np.nan) if w_true is None else np.asarray(w_true, np.float64)
    for a in (*coef.values(), *residual.values(), ols, w_true):
        _readonly(a)
    nonzeros = {k: _readonly((c != 0).sum(axis=1))[0] for k, c in coef.items()}
    if names is None:
        names = tuple(f"x{''.join('₀₁₂₃₄₅₆₇₈₉'[int(c)] for c in str(j + 1))}"
                      for j in range(d))
    return Paths(_readonly(lams)[0], coef, nonzeros, residual, lambda_max(problem), ols,
                 w_true, names)


@functools.lru_cache(maxsize=1)
def paths() -> Paths:
    """The page's paths (fixed data, fixed grid): computed once per process, read-only."""
    return coefficient_paths(paths_problem(), LAMBDAS, w_true=PATHS_W)


# ---- bias and variance ---------------------------------------------------------------------

N_MAX = 200        # the most training points the page offers; arrays always have this many
N_VAL = 500        # the held-out validation set
DEGREE_MAX = 15    # the highest polynomial degree; feature arrays always have this many columns
FOLDS_MAX = 10     # the most folds of cross-validation; fold arrays always have this many


def target(x):
    """The function the bias/variance data come from: f(x) = sin(3x) + 0.4·cos(7x), x ∈ [−1, 1]."""
    return jnp.sin(3.0 * x) + 0.4 * jnp.cos(7.0 * x)


class PolyData(NamedTuple):
    """Seeded draws for the bias/variance problem (float64); y = f(x) + noise·eps.

    The first n of ``x``/``eps`` are the training points, so more samples only add points and a
    new noise level only rescales the same draws.
    """

    x: np.ndarray       # (N_MAX,) uniform on [−1, 1]
    eps: np.ndarray     # (N_MAX,) standard normal
    x_val: np.ndarray   # (N_VAL,)
    eps_val: np.ndarray


@functools.lru_cache(maxsize=4)
def poly_data(seed: int = 0) -> PolyData:
    rng = np.random.default_rng(seed)
    return PolyData(*_readonly(rng.uniform(-1, 1, N_MAX), rng.standard_normal(N_MAX),
                               rng.uniform(-1, 1, N_VAL), rng.standard_normal(N_VAL)))


def legendre_features(x, degree, *, degree_max: int = DEGREE_MAX):
    """Columns P_1(x), …, P_degree(x) (Legendre polynomials), then zeros up to ``degree_max``.

    Legendre polynomials span the same functions as x, x², …, x^degree but are nearly
    uncorrelated on [−1, 1], so the solver converges fast at every degree (the raw powers'
    Gram matrix has a condition number near 10¹¹ at degree 15). Recurrence:
    P_0 = 1, P_1 = x, (k + 1)·P_{k+1} = (2k + 1)·x·P_k − k·P_{k−1}.
    ``degree`` may be traced: the shape is (len(x), degree_max) whatever it is.
    """
    x = jnp.asarray(x)
    cols, prev, cur = [], jnp.ones_like(x), x
    for k in range(1, degree_max + 1):
        cols.append(cur)
        prev, cur = cur, ((2 * k + 1) * x * cur - k * prev) / (k + 1)
    F = jnp.stack(cols, axis=-1)
    return jnp.where(jnp.arange(1, degree_max + 1) <= degree, F, 0.0)


class _Fit(NamedTuple):
    w: jax.Array         # (3, L, D): L1, elastic net, L2
    mu: jax.Array        # (D,) training means of the features
    sd: jax.Array        # (D,) their standard deviations (1 for a zero column)
    y_mean: jax.Array
    residual: jax.Array  # (3, L)


# _UNBATCHED_LAPACK: on CPU, jaxlib 0.10.2 runs a *batched* LAPACK call (a vmapped
# jnp.linalg.solve or qr over enough matrices, e.g. 169 of 15 × 15) by splitting the batch over
# XLA's shared thread pool and blocking a pool thread until the pieces are done. Two such calls
# at once (two in one program, or one in each of two users' reruns) block both threads of a
# 2-core machine, and the process hangs for good (reproduced: two threads each calling a jitted
# solve on (169, 15, 15) hang within seconds). So the fits below never batch a factorization:
# ridge is solved λ by λ inside the scan and the folds run one after another (lax.map), so each
# QR and LU is a single matrix and runs inline.

def _standardized_fit(F, y, mask, lams_desc, mix) -> _Fit:
    """Fit every penalty on the rows of ``mask`` with standardized features and centred y.

    The least-squares data enter the solver through a QR factorization Z_m = Q·R of the masked
    design: ‖Z_m w − y_m‖² = ‖R w − Qᵀy_m‖² + const, so ``least_squares(c·R, c·Qᵀy_m)`` with
    c = √(D / n_m) has the same J up to a constant (same gradient, minimizers and λ_max) on
    D rows instead of N_MAX. One scan walks down the λ grid (``lams_desc``, decreasing): L1 and
    the elastic net are solved by ``core.solve.solve_warm`` from the previous λ's answer (an
    exact active-set solve, FISTA when that fails its check), L2 by ``core.solve.solve``'s
    closed form, one λ at a time (see ``_UNBATCHED_LAPACK``).
    """
    m = mask.astype(F.dtype)
    cnt = m.sum()
    mu = (F * m[:, None]).sum(0) / cnt
    sd = jnp.sqrt((((F - mu) ** 2) * m[:, None]).sum(0) / cnt)
    sd = jnp.where(sd > 0, sd, 1.0)
    Z = (F - mu) / sd * m[:, None]
    y_mean = (y * m).sum() / cnt
    Q, R = jnp.linalg.qr(Z)
    c = jnp.sqrt(F.shape[1] / cnt)
    p = problems.least_squares(c * R, c * (Q.T @ ((y - y_mean) * m)))

    p64 = p.astype(jnp.float64)

    def step(W, lam):
        # L1 is the elastic net with mix = 1. One after the other, not vmapped: each
        # solve_warm is one 15 × 15 solve (see _UNBATCHED_LAPACK), and under vmap its FISTA
        # fallback would run for both whenever one needs it.
        l1 = solve.solve_warm(p64, lam, jnp.ones_like(mix), W[0])
        net = solve.solve_warm(p64, lam, mix, W[1])
        ridge = solve.solve(p, "l2", lam)
        W = jnp.stack([l1.w, net.w])
        return W, (jnp.concatenate([W, ridge.w[None]]),
                   jnp.stack([l1.residual, net.residual, ridge.residual]))

    _, (W, res) = lax.scan(step, jnp.zeros((2, F.shape[1]), F.dtype), lams_desc)
    return _Fit(W[::-1].transpose(1, 0, 2), mu, sd, y_mean, res[::-1].T)


def _mse(fit: _Fit, F, y, rows):
    """Mean squared error of every fit (3, L) on the rows where ``rows`` is True, and the
    squared errors themselves (3, L, N)."""
    pred = fit.y_mean + jnp.einsum("nd,kld->kln", (F - fit.mu) / fit.sd, fit.w)
    sq = (pred - y) ** 2
    r = rows.astype(F.dtype)
    return (sq * r).sum(-1) / jnp.maximum(r.sum(), 1.0), sq


@functools.partial(jax.jit, static_argnames=("cv",))
def _bias_variance(x, eps, x_val, eps_val, noise, n, degree, folds, lams, mix, *, cv: bool):
    y = target(x) + noise * eps
    y_val = target(x_val) + noise * eps_val
    F, F_val = legendre_features(x, degree), legendre_features(x_val, degree)
    train = jnp.arange(x.shape[0]) < n
    lams_desc = lams[::-1]
    fit = _standardized_fit(F, y, train, lams_desc, mix)
    train_mse, _ = _mse(fit, F, y, train)
    val_mse, sq_val = _mse(fit, F_val, y_val, jnp.ones(x_val.shape[0], bool))
    val_se = jnp.std(sq_val, axis=-1) / jnp.sqrt(x_val.shape[0])
    out = {"w": fit.w, "train": train_mse, "validation": val_mse, "validation_se": val_se,
           "residual": fit.residual.max()}
    if cv:
        fold_of = jnp.arange(x.shape[0]) % folds
        f = jnp.arange(FOLDS_MAX)
        held = train[None, :] & (fold_of[None, :] == f[:, None]) & (f[:, None] < folds)

        def fit_fold(h):
            fit_f = _standardized_fit(F, y, train & ~h, lams_desc, mix)
            mse, sq = _mse(fit_f, F, y, h)
            return mse, (sq * h).sum(-1), fit_f.residual.max()

        def skip_fold(h):
            zeros = jnp.zeros((len(KINDS), lams.shape[0]), x.dtype)
            return zeros, zeros, jnp.zeros((), x.dtype)

        def per_fold(args):
            # Only the k folds in use are fitted: the arrays have FOLDS_MAX, and 5 of 10
            # fits were half the time of a CV move.
            i, h = args
            return lax.cond(i < folds, fit_fold, skip_fold, h)

        # (FOLDS_MAX, 3, L), one fold after another: see _UNBATCHED_LAPACK
        mse_f, sse_f, res_f = lax.map(per_fold, (f, held))
        active = (f < folds).astype(x.dtype)[:, None, None]
        k = active.sum()
        cv_mse = (sse_f * active).sum(0) / n                     # every held-out point once
        mean_f = (mse_f * active).sum(0) / k
        cv_se = jnp.sqrt(((mse_f - mean_f) ** 2 * active).sum(0) / (k - 1)) / jnp.sqrt(k)
        out |= {"cv": cv_mse, "cv_se": cv_se,
                "residual": jnp.maximum(out["residual"], (res_f * active[:, 0, 0]).max())}
    return out


class Choice(NamedTuple):
    """Where a validation (or CV) curve says λ should be, and the primer's three regimes.

    best: index of the curve's minimum. lo, hi: the "appropriate" band, the indices around
    ``best`` where the curve is within one standard error of its minimum; below ``lo`` λ is
    too small (overfit: variance), above ``hi`` too large (underfit: bias).
    """

    best: int
    lo: int
    hi: int

    def regime(self, i: int) -> str:
        return "small" if i < self.lo else ("large" if i > self.hi else "right")


def choose(curve, se) -> Choice:
    """The minimum of ``curve`` and the contiguous band around it within one standard error
    (``se`` at the minimum) of it: the one-standard-error rule, to both sides."""
    curve = np.asarray(curve, np.float64)
    best = int(np.argmin(curve))
    ok = curve <= curve[best] + float(np.asarray(se)[best])
    lo = best
    while lo > 0 and ok[lo - 1]:
        lo -= 1
    hi = best
    while hi < len(curve) - 1 and ok[hi + 1]:
        hi += 1
    return Choice(best, lo, hi)


class Errors(NamedTuple):
    """Train and validation error against λ for L1, elastic net and L2 (float64 NumPy).

    train, validation, validation_se, nonzeros: kind -> (L,). coef: kind -> (L, DEGREE_MAX),
    the fit on all n training points (features standardized on them). cv, cv_se: kind -> (L,)
    the k-fold cross-validation error (from the training points alone) and its standard
    error; None without CV. residual: the largest prox residual of every solve (< 1e-6 when
    every solve converged).
    """

    lams: np.ndarray
    noise: float
    n: int
    degree: int
    folds: int
    train: dict
    validation: dict
    validation_se: dict
    cv: dict | None
    cv_se: dict | None
    nonzeros: dict
    coef: dict
    residual: float

    def curve(self, kind: str) -> tuple[np.ndarray, np.ndarray]:
        """The curve that picks λ (CV when it is on, else validation) and its standard error."""
        if self.cv is not None:
            return self.cv[kind], self.cv_se[kind]
        return self.validation[kind], self.validation_se[kind]

    def choice(self, kind: str) -> Choice:
        return choose(*self.curve(kind))

    @property
    def converged(self) -> bool:
        return self.residual < solve.TOL


def bias_variance(noise: float, n: int, degree: int, folds: int = 0, *, seed: int = 0,
                  lams=LAMBDAS, mix: float = MIX) -> Errors:
    """Fit y = f(x) + noise·ε with standardized Legendre features of x up to ``degree``, on the
    first ``n`` of ``N_MAX`` seeded points, for every λ of ``lams`` and every penalty.

    J is the mean squared error on the training points; the features are standardized and y
    centred on them (so the intercept is the training mean of y, not penalized). The
    validation error is the mean squared error on ``N_VAL`` fresh points of the same
    distribution; with ``folds`` ≥ 2 also the k-fold cross-validation error (point i of the n
    is in fold i mod k; each fold's fit standardizes on its own training points).

    Args:
      noise: σ of the noise, ≥ 0. n: training points, 2 ≤ n ≤ N_MAX.
      degree: 1 ≤ degree ≤ DEGREE_MAX. folds: 0 (no CV) or 2 ≤ folds ≤ min(FOLDS_MAX, n).

    Returns:
      ``Errors``. Example: ``bias_variance(0.5, 30, 12).validation["l2"]`` has one value per λ.
    """
    if not 2 <= n <= N_MAX:
        raise ValueError(f"n = {n} must be in [2, {N_MAX}]")
    if not 1 <= degree <= DEGREE_MAX:
        raise ValueError(f"degree = {degree} must be in [1, {DEGREE_MAX}]")
    if folds and not 2 <= folds <= min(FOLDS_MAX, n):
        raise ValueError(f"folds = {folds} must be 0 or in [2, {min(FOLDS_MAX, n)}]")
    data = poly_data(seed)
    lams = np.asarray(lams, np.float64)
    f64 = functools.partial(jnp.asarray, dtype=jnp.float64)
    out = _bias_variance(*(f64(a) for a in data), f64(noise), jnp.asarray(n, jnp.int32),
                         jnp.asarray(degree, jnp.int32), jnp.asarray(max(folds, 1), jnp.int32),
                         f64(lams), f64(mix), cv=bool(folds))
    out = jax.tree.map(np.asarray, out)

    def per_kind(a):
        return {k: _readonly(np.array(a[i]))[0] for i, k in enumerate(KINDS)}

    W = out["w"]
    return Errors(_readonly(lams.copy())[0], float(noise), int(n), int(degree), int(folds),
                  per_kind(out["train"]), per_kind(out["validation"]),
                  per_kind(out["validation_se"]),
                  per_kind(out["cv"]) if folds else None,
                  per_kind(out["cv_se"]) if folds else None,
                  per_kind((W != 0).sum(-1)), per_kind(W), float(out["residual"]))


@functools.lru_cache(maxsize=64)
def bias_variance_cached(noise: float, n: int, degree: int, folds: int = 0) -> Errors:
    """``bias_variance`` on the page's grid, kept for reuse (read-only results): moving λ
    alone recomputes nothing."""
    return bias_variance(noise, n, degree, folds)


# ---- a class's own data ----------------------------------------------------------------------

def own_paths(prep) -> Paths:
    """The coefficient paths of a class's own data (``core.own_data.prepare``: centred, so the
    model's missing intercept is the mean), on the page's λ grid."""
    problem = problems.least_squares(prep.X.astype(np.float32), prep.y.astype(np.float32),
                                     name=prep.target)
    return coefficient_paths(problem, LAMBDAS, names=prep.features)


def own_errors(prep, *, share: float = 0.3, seed: int = 0) -> Errors:
    """Train and validation error against λ on a class's own data: a seeded ``share`` of the
    rows is held out; the fit is on the rest, centred on them (its intercept is their
    mean), and the held-out rows are predicted with that fit and that mean. Errors are
    MSE in the target's units as prepared (standardized: the target's variance is 1, so
    always predicting the mean scores about 1)."""
    from core import own_data

    train, val = own_data.split(prep, share, seed)
    x_mean, y_mean = train.X.mean(axis=0), train.y.mean()
    fit = problems.least_squares((train.X - x_mean).astype(np.float32),
                                 (train.y - y_mean).astype(np.float32))
    p = coefficient_paths(fit, LAMBDAS)

    def mse(rows, coef):
        r = (rows.X - x_mean) @ coef.T + y_mean - rows.y[:, None]   # (n, L)
        return (r ** 2).mean(axis=0), (r ** 2).std(axis=0) / np.sqrt(len(rows.y))

    out = {k: (mse(train, c)[0], *mse(val, c)) for k, c in p.coef.items()}
    residual = max(float(r.max()) for r in p.residual.values())
    return Errors(p.lams, float("nan"), len(train.y), prep.X.shape[1], 0,
                  {k: v[0] for k, v in out.items()}, {k: v[1] for k, v in out.items()},
                  {k: v[2] for k, v in out.items()}, None, None, dict(p.nonzeros),
                  dict(p.coef), residual)


# ---- L1 vs L2 as losses on residuals -------------------------------------------------------

N_LINE = 60


class LineData(NamedTuple):
    x: np.ndarray        # (N_LINE,) float64
    y: np.ndarray        # (N_LINE,)
    outlier: np.ndarray  # (N_LINE,) bool


def line_data(share: float, *, seed: int = 0, n: int = N_LINE) -> LineData:
    """y = 1 + 0.5·x + 0.5·ε on x ∈ [0, 10]; a share of the points (the first of a fixed random
    order, so a larger share only adds outliers) is pushed up by 4 to 9: bad measurements.

    Values are rounded to multiples of 1/1024 (exact in float32 and float64, so a point that
    lies on a line is seen to lie on it exactly).
    """
    if not 0.0 <= share <= 1.0:
        raise ValueError(f"share = {share} must be in [0, 1]")
    rng = np.random.default_rng(seed)
    x = rng.uniform(0, 10, n)
    y = 1.0 + 0.5 * x + 0.5 * rng.standard_normal(n)
    push = rng.uniform(4, 9, n)
    order = rng.permutation(n)
    outlier = np.zeros(n, bool)
    outlier[order[: int(round(share * n))]] = True
    y = np.where(outlier, y + push, y)
    return LineData(*_readonly(_grid(x), _grid(y), outlier))


class Line(NamedTuple):
    """A fitted line y ≈ a + b·x: its residuals r = y − (a + b·x) and what they add up to."""

    a: float
    b: float
    residuals: np.ndarray  # (n,) float64
    exact_zeros: int       # residuals that are exactly 0.0

    @property
    def sum_abs(self) -> float:
        return float(np.abs(self.residuals).sum())

    @property
    def sum_sq(self) -> float:
        return float((self.residuals ** 2).sum())


def _line(a, b, r) -> Line:
    r = np.asarray(r, np.float64) + 0.0   # −0.0 is an exact zero too; show it as 0
    return Line(float(a), float(b), _readonly(r)[0], int((r == 0).sum()))


def squared_loss_line(x, y) -> Line:
    """argmin_(a, b) mean((a + b·x − y)²): least squares on the features (1, x), by
    ``core.solve.minimize`` (its closed form, no penalty)."""
    X = np.stack([np.ones_like(np.asarray(x, np.float64)), np.asarray(x, np.float64)], -1)
    a, b = np.asarray(solve.minimize(problems.least_squares(X, np.asarray(y, np.float64)),
                                     "none", 0.0))
    return _line(a, b, np.asarray(y, np.float64) - (a + b * np.asarray(x, np.float64)))


def _through(x, y, i, j, xp=np):
    """Residuals of the lines through points i and j (arrays of pairs): r_k = y_k − ŷ_k with
    r_k·dx = (y_k − y_i)·dx − dy·(x_k − x_i), dx = x_j − x_i, dy = y_j − y_i."""
    dx, dy = x[j] - x[i], y[j] - y[i]
    cross = (y[None, :] - y[i][:, None]) * dx[:, None] - dy[:, None] * (x[None, :] - x[i][:, None])
    return cross / xp.where(dx != 0, dx, 1.0)[:, None], dx != 0


@jax.jit
def _lad_enumerate(x, y, i, j):
    r, ok = _through(x, y, i, j, jnp)
    cost = jnp.where(ok, jnp.abs(r).sum(-1), jnp.inf)
    return jnp.argmin(cost)


def absolute_loss_line(x, y) -> tuple[Line, tuple[int, int]]:
    """argmin_(a, b) Σ|a + b·x − y| (least absolute deviations), exactly.

    Σ|r_k| is convex and piecewise linear in (a, b); when the x are not all equal it has a
    minimum at a vertex, where two of the equations a + b·x_k = y_k hold: a line through two
    data points. So the exact answer is the best of the n(n − 1)/2 lines through pairs of
    points, all evaluated at once (O(n²) lines × n residuals, vectorized). Its two points have
    residuals of exactly 0: at least d = 2 exact zeros (more if other points are on the line).

    Returns:
      (the ``Line``, the indices (i, j) of the two points it passes through).
    """
    x, y = np.asarray(x, np.float64), np.asarray(y, np.float64)
    if np.ptp(x) == 0:
        raise ValueError("all x are equal: a line through the data is not determined")
    i, j = np.triu_indices(len(x), 1)
    best = int(_lad_enumerate(jnp.asarray(x), jnp.asarray(y), jnp.asarray(i), jnp.asarray(j)))
    # The chosen line's residuals again in NumPy: compiled code may fuse a·b − c·d into one
    # multiply-add, which would leave 1e-16 where the two products cancel; NumPy rounds each
    # product alone, so the line's own two points get residuals of exactly 0.0.
    pair = np.array([i[best]]), np.array([j[best]])
    r, _ = _through(x, y, *pair)
    b = (y[pair[1][0]] - y[pair[0][0]]) / (x[pair[1][0]] - x[pair[0][0]])
    return _line(y[pair[0][0]] - b * x[pair[0][0]], b, r[0]), (int(i[best]), int(j[best]))


class Residuals(NamedTuple):
    """The page's data with a share of outliers, and the two fitted lines."""

    share: float
    data: LineData
    squared: Line
    absolute: Line
    through: tuple   # the two points the absolute-loss line passes through


def residuals(share: float, *, seed: int = 0) -> Residuals:
    """Fit a line with squared and with absolute loss to ``line_data(share)``."""
    data = line_data(share, seed=seed)
    lad, through = absolute_loss_line(data.x, data.y)
    return Residuals(float(share), data, squared_loss_line(data.x, data.y), lad, through)


def warm() -> None:
    """Compile what the page runs (paths, the fits with and without CV, both lines), for
    ``core.runtime.warm``: every other setting of the page reuses these compiled functions."""
    d = DEFAULTS
    paths()
    bias_variance(d["noise"], d["n"], d["degree"])
    bias_variance(d["noise"], d["n"], d["degree"], d["folds"])
    residuals(d["out"])
