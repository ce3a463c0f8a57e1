"""Four runs of one model, trained together: none, L1, L2 and dropout (the Weights page).

Models (four pure functions each, JAX's ``mnist_classifier_fromscratch`` style: ``init``,
``_features``, ``loss``, ``weights``), both ending in the mean cross-entropy of
``core.problems.logistic`` (DESIGN.md: ``J = mean(log(1 + exp(z)) − y·z)``, y ∈ {0, 1}):

- ``logistic``: z = x·w, no intercept; the weights are w (one per feature).
- ``mlp``: one hidden layer, h = tanh(x·W₁ + b₁), z = h·w₂ + b₂ (a logistic regression on
  learnt features); the weights are W₁ and w₂, the biases are not penalized.

Training: minibatch SGD, the proximal rule of DESIGN.md on the weights, plain SGD on the
biases. With ``v = w − α·∂J/∂w`` on a minibatch,

- none:    w⁺ = v
- L1:      w⁺ = sign(v)·max(|v| − αλ, 0)   (soft threshold: its zeros are exact zeros)
- L2:      w⁺ = v / (1 + 2αλ)              (prox of λ·Σw², P = Σw² with no ½)
- dropout: w⁺ = v, where J is computed on a dropped-out minibatch (inverted dropout: each
  unit kept with probability q = 1 − rate and scaled by 1/q, so nothing changes at test
  time). The units dropped are the inputs for ``logistic``, the inputs and the hidden units
  for ``mlp``.

All four are one update, ``penalties.prox("elastic_net", v, α·λ_run, mix=mix_run)`` with
(λ_run, mix_run) = (0, 1), (λ, 1), (λ, 0), (0, 1), and a keep probability of 1 except for
dropout, so the runs are one function ``vmap``-ed over a leading axis of 4. They start from
the same initialization (one ``jax.random`` key), see the same minibatches in the same
order (one key per epoch, shared), and dropout draws a fresh mask each step
(``fold_in(key, step)``).

The epochs are a ``lax.scan``; its length is a shape, so it is compiled once for
``CHUNK`` epochs and an epoch past the requested number is skipped (``lax.cond``): moving
the epochs slider never compiles again. ``train`` calls that compiled chunk
``ceil(epochs / CHUNK)`` times (the page's progress bar moves in between). Weights are kept
at ``SNAPSHOTS`` epochs spread over the run; losses, accuracies, norms and zero counts at
every epoch. The number of features is not a shape either: the data always have
``data.D_MAX`` columns, the padded ones 0, and their weights start and stay exactly 0 (they
are left out of everything returned).
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable
from typing import NamedTuple

import jax
import jax.numpy as jnp
import numpy as np
from jax import lax

from core import data as datasets
from core import optim, penalties, problems
from core.data import Dataset

# The page's controls at their defaults (``views/weights.py`` starts from them, and
# ``core.runtime.warm`` compiles what they need).
DEFAULTS = {"model": "logistic", "lam": 0.05, "drop": 0.5, "epochs": 50, "alpha": 0.3,
            "d": 100, "k": 5, "flip": 0.1, "seed": 0}

MODELS = ("logistic", "mlp")
RUNS = ("none", "l1", "l2", "dropout")
HIDDEN = 32          # hidden units of the MLP
BATCH = 100          # minibatch size (divides data.N_TRAIN); smaller batches' gradient
#                      noise keeps kicking L1's useless weights off exactly 0
EPOCHS_MAX = 200     # the most epochs the page offers
CHUNK = 10           # epochs per compiled call
SNAPSHOTS = 21       # epochs at which every weight is kept (epoch 0 included)
LOGISTIC_INIT = 0.1  # std of the logistic model's initial weights
SMALL = 1e-3         # "almost zero": |w| below this

# (λ multiplier, mix = share of L1, dropout?) of each run: see the module docstring.
_RUN_SPEC = {"none": (0.0, 1.0, False), "l1": (1.0, 1.0, False), "l2": (1.0, 0.0, False),
             "dropout": (0.0, 1.0, True)}


def _check(model: str) -> None:
    if model not in MODELS:
        raise ValueError(f"unknown model {model!r}; expected one of {MODELS}")


# ---- the models: four pure functions ------------------------------------------------------

def init(model: str, key, feature_mask) -> dict:
    """Initial parameters; rows of padded features (``feature_mask`` False) are exactly 0.

    logistic: w ~ N(0, 0.1²). mlp: W₁ ~ N(0, 1/d), w₂ ~ N(0, 1/HIDDEN), biases 0 (d: the
    real features). Returns a dict of float32 arrays.
    """
    _check(model)
    mask = jnp.asarray(feature_mask, jnp.float32)
    k1, k2 = jax.random.split(key)
    if model == "logistic":
        return {"w": LOGISTIC_INIT * jax.random.normal(k1, mask.shape, jnp.float32) * mask}
    d = jnp.maximum(mask.sum(), 1.0)
    W1 = jax.random.normal(k1, (mask.shape[0], HIDDEN), jnp.float32) / jnp.sqrt(d)
    return {"W1": W1 * mask[:, None], "b1": jnp.zeros(HIDDEN, jnp.float32),
            "w2": jax.random.normal(k2, (HIDDEN,), jnp.float32) / np.float32(math.sqrt(HIDDEN)),
            "b2": jnp.zeros((), jnp.float32)}


def _mix32(x):
    """A 32-bit integer hash (Wellons' hash-prospector "lowbias32": xor-shift, multiply)."""
    x = x ^ (x >> 16)
    x = x * jnp.uint32(0x21F0AAAD)
    x = x ^ (x >> 15)
    x = x * jnp.uint32(0x735A2D97)
    return x ^ (x >> 15)


def _uniform(key, shape):
    """Uniform numbers in [0, 1), float32: entry i is a hash of i and the key's two words.

    ``jax.random.uniform`` runs threefry (20 rounds) per number: for the Weights page's
    masks, 2 million numbers per 50 epochs, that was half of the logistic model's training
    time. A dropout mask needs numbers that look independent across units and steps, not a
    cryptographic generator; keys still come from ``jax.random`` (split, fold_in), so a
    seed gives the same masks every time.
    """
    k = jax.random.key_data(key).astype(jnp.uint32)
    i = jnp.arange(math.prod(shape), dtype=jnp.uint32).reshape(shape)
    bits = _mix32(_mix32(i ^ _mix32(k[0])) ^ k[1])
    return (bits >> 8).astype(jnp.float32) * jnp.float32(2.0 ** -24)  # 24 bits: exact in f32


def dropout_mask(key, shape, keep):
    """Inverted dropout: 1/q with probability q = ``keep``, else 0 (all ones when q = 1)."""
    return (_uniform(key, shape) < keep).astype(jnp.float32) / keep


def _features(model: str, params: dict, X, key=None, keep=1.0):
    """(F, v): the model's logits are F·v. logistic: F = X (dropped out), v = w; mlp:
    F = [tanh(X·W₁ + b₁) (dropped out), 1], v = [w₂, b₂]."""
    if model == "logistic":
        if key is not None:
            X = X * dropout_mask(key, X.shape, keep)
        return X, params["w"]
    if key is not None:
        key_in, key = jax.random.split(key)
        X = X * dropout_mask(key_in, X.shape, keep)
    h = jnp.tanh(X @ params["W1"] + params["b1"])
    if key is not None:
        h = h * dropout_mask(key, h.shape, keep)
    F = jnp.concatenate([h, jnp.ones(h.shape[:-1] + (1,), h.dtype)], axis=-1)
    return F, jnp.concatenate([params["w2"], params["b2"][None]])


def loss(model: str, params: dict, X, y, key=None, keep=1.0):
    """J, the mean cross-entropy of ``core.problems.logistic`` on the model's logits."""
    F, v = _features(model, params, X, key, keep)
    return problems.logistic(F, y).loss(v)


def logits(model: str, params: dict, X):
    F, v = _features(model, params, X)
    return F @ v


def penalized_weights(model: str, params: dict):
    """The penalized weights as one flat vector: w (logistic); W₁ row by row, then w₂ (mlp)."""
    if model == "logistic":
        return params["w"]
    return jnp.concatenate([params["W1"].reshape(params["W1"].shape[:-2] + (-1,)),
                            params["w2"]], axis=-1)


def weight_mask(model: str, feature_mask) -> np.ndarray:
    """Which entries of ``penalized_weights`` are real (not padding), as a NumPy bool vector."""
    m = np.asarray(feature_mask, bool)
    return m if model == "logistic" else np.concatenate([np.repeat(m, HIDDEN),
                                                         np.ones(HIDDEN, bool)])


_PENALIZED = {"w", "W1", "w2"}


# ---- one step of every run -----------------------------------------------------------------

class Hyper(NamedTuple):
    """Per-run numbers, each of shape (runs,), float32: step size α, prox threshold t = α·λ_run,
    elastic-net mix (1: L1, 0: L2), keep probability of dropout."""

    alpha: jax.Array
    t: jax.Array
    mix: jax.Array
    keep: jax.Array


def hyper(runs, *, lam, drop, alpha) -> Hyper:
    """The per-run numbers of ``runs`` for the page's λ, dropout rate and α."""
    spec = np.array([_RUN_SPEC[r][:2] for r in runs], np.float32)
    keep = np.array([1.0 - drop if _RUN_SPEC[r][2] else 1.0 for r in runs], np.float32)
    a = np.float32(alpha)
    return Hyper(jnp.full(len(runs), a), jnp.asarray(a * np.float32(lam) * spec[:, 0]),
                 jnp.asarray(spec[:, 1]), jnp.asarray(keep))


def run_step(model, params, h: Hyper, Xb, yb, key):
    """One run's update (unbatched): gradient step on J of the (dropped-out) minibatch, then
    the prox of the run's penalty on the weights (see the module docstring)."""
    g = jax.grad(functools.partial(loss, model))(params, Xb, yb, key, h.keep)
    new = {}
    for name, p in params.items():
        v = p - h.alpha * g[name]
        new[name] = penalties.prox("elastic_net", v, h.t, mix=h.mix) if name in _PENALIZED else v
    return new


def step(model: str, params: dict, h: Hyper, Xb, yb, key) -> dict:
    """One SGD step of every run at once: ``params`` and ``h`` have a leading runs axis; the
    minibatch (Xb, yb) and the dropout key are shared (runs that do not drop keep q = 1)."""
    return jax.vmap(functools.partial(run_step, model), in_axes=(0, 0, None, None, None))(
        params, h, Xb, yb, key)


# ---- training --------------------------------------------------------------------------------

class Curves(NamedTuple):
    """Per epoch and run: (..., runs) float32 (zeros and small as counts)."""

    train_loss: jax.Array
    test_loss: jax.Array
    train_acc: jax.Array
    test_acc: jax.Array
    norm: jax.Array      # ‖w‖₂ of the penalized weights
    zeros: jax.Array     # how many penalized weights are exactly 0
    small: jax.Array     # how many have |w| < SMALL (zeros included)


def _loss_and_accuracy(z, y):
    """J and the accuracy (predict 1 where z > 0) from the logits z: J is
    ``core.problems.logistic``'s, on the one-feature data z with the weight 1."""
    J = problems.logistic(z[:, None], y).loss(jnp.ones(1, z.dtype))
    return J, jnp.mean((z > 0) == (y > 0.5))


def _evaluate(model, params, X_train, y_train, X_test, y_test, wmask) -> Curves:
    def one(p):
        w = penalized_weights(model, p)
        (J_train, a_train), (J_test, a_test) = (_loss_and_accuracy(logits(model, p, X), y)
                                                for X, y in ((X_train, y_train),
                                                             (X_test, y_test)))
        out = (J_train, J_test, a_train, a_test, jnp.linalg.norm(w),
               jnp.sum((w == 0) & wmask), jnp.sum((jnp.abs(w) < SMALL) & wmask))
        return Curves(*(a.astype(jnp.float32) for a in out))
    return jax.vmap(one)(params)


class _State(NamedTuple):
    params: dict             # leading runs axis
    snaps: jax.Array         # (SNAPSHOTS, runs, P) weights at the snapshot epochs
    diverged_at: jax.Array   # (runs,) int32: first epoch whose weights broke down, −1 none


def _finite_norm(model, params):
    w = penalized_weights(model, params)
    ok = jnp.all(jnp.isfinite(w), axis=-1) & (jnp.linalg.norm(w, axis=-1) < optim.DIVERGED_NORM)
    for name in ("b1", "b2"):
        if name in params:
            b = params[name].reshape(params[name].shape[:1] + (-1,))
            ok &= jnp.all(jnp.isfinite(b), axis=-1)
    return ok


@functools.partial(jax.jit, static_argnames=("model",))
def _train_chunk(model, state: _State, h: Hyper, X_train, y_train, X_test, y_test, wmask,
                 batch_key, drop_key, start, epochs, snap_at):
    """``CHUNK`` epochs from epoch ``start`` (epochs ≥ ``epochs`` are skipped); returns the
    new state and the curves after each of those epochs, (CHUNK, runs) (a skipped epoch's
    repeat the last trained one's)."""
    n = X_train.shape[0]
    per_epoch = n // BATCH

    def epoch(state: _State, e):
        order = jax.random.permutation(jax.random.fold_in(batch_key, e), n)
        batches = order[: per_epoch * BATCH].reshape(per_epoch, BATCH)

        def body(carry, s):
            params, broke = carry
            idx = batches[s]
            key = jax.random.fold_in(drop_key, e * per_epoch + s)
            new = step(model, params, h, X_train[idx], y_train[idx], key)
            ok = _finite_norm(model, new) & (broke < 0)
            keep = lambda a, b: jnp.where(ok.reshape(ok.shape + (1,) * (a.ndim - 1)), a, b)  # noqa: E731
            params = jax.tree.map(keep, new, params)
            broke = jnp.where((broke < 0) & ~_finite_norm(model, new), e + 1, broke)
            return (params, broke), None

        (params, broke), _ = lax.scan(body, (state.params, state.diverged_at),
                                      jnp.arange(per_epoch, dtype=jnp.int32))
        hit = snap_at == e + 1
        snaps = lax.cond(jnp.any(hit),
                         lambda s: lax.dynamic_update_index_in_dim(
                             s, penalized_weights(model, params), jnp.argmax(hit), 0),
                         lambda s: s, state.snaps)
        return _State(params, snaps, broke), params

    def skip(state: _State, e):
        return state, state.params

    def outer(state, i):
        e = start + i
        return lax.cond(e < epochs, epoch, skip, state, e)

    state, params_after = lax.scan(outer, state, jnp.arange(CHUNK, dtype=jnp.int32))
    # Every epoch's curves in one evaluation after the loop, not one per epoch inside it: the
    # logistic model's ten (1200 × 200)·(200 × 4) products become one (1200 × 200)·(200 × 40),
    # reading the data once.
    curves = jax.vmap(lambda p: _evaluate(model, p, X_train, y_train, X_test, y_test,
                                          wmask))(params_after)
    return state, curves


_evaluate_jit = jax.jit(_evaluate, static_argnums=0)


class Training(NamedTuple):
    """Four runs' history; float32 NumPy arrays, runs in the order of ``runs``.

    runs: the run names. epochs: epochs trained.
    snapshot_epochs: (S,) int, increasing, 0 first and ``epochs`` last (S ≤ SNAPSHOTS).
    snapshots: (S, runs, P) the penalized weights at those epochs (real ones only).
    curves: ``Curves`` of arrays (epochs + 1, runs); row 0 is the initialization.
    diverged_at: (runs,) int, the first epoch whose step broke down (−1: none); from then
      on the run holds its last finite weights.
    """

    model: str
    runs: tuple
    epochs: int
    snapshot_epochs: np.ndarray
    snapshots: np.ndarray
    curves: Curves
    diverged_at: np.ndarray

    @property
    def final(self) -> np.ndarray:
        """(runs, P) the weights after the last epoch."""
        return self.snapshots[-1]

    def run(self, name: str) -> int:
        return self.runs.index(name)


def snapshot_epochs(epochs: int, count: int = SNAPSHOTS) -> np.ndarray:
    """``count`` epochs spread evenly over 0..epochs (fewer, all of them, if epochs < count)."""
    return np.unique(np.round(np.linspace(0, epochs, count)).astype(np.int32))


def train(data: Dataset, *, model: str, lam: float, drop: float, alpha: float, epochs: int,
          seed: int, runs=RUNS, progress: Callable[[float], None] | None = None) -> Training:
    """Train ``runs`` of ``model`` on ``data`` together for ``epochs`` epochs.

    Args:
      data: a ``core.data.Dataset``.
      model: "logistic" or "mlp".
      lam: λ of the L1 and L2 runs; drop: the dropout run's rate (1 − q), in [0, 1);
      alpha: the SGD step size; epochs: 1 ≤ epochs ≤ EPOCHS_MAX.
      seed: the ``jax.random`` seed of the initialization, the minibatch order and the
        dropout masks.
      runs: which of ``RUNS`` to train (the vmap's length is a shape: the page trains all 4).
      progress: called with the share of epochs done after each compiled chunk.

    Returns:
      ``Training``. The numbers depend only on the arguments: same seed, same weights.
    """
    _check(model)
    if not 1 <= epochs <= EPOCHS_MAX:
        raise ValueError(f"epochs = {epochs} must be in [1, {EPOCHS_MAX}]")
    if not 0.0 <= drop < 1.0:
        raise ValueError(f"the dropout rate {drop} must be in [0, 1)")
    runs = tuple(runs)
    key_init, key_batch, key_drop = jax.random.split(jax.random.key(seed), 3)
    wmask = weight_mask(model, data.feature_mask)
    params0 = init(model, key_init, data.feature_mask)
    params = jax.tree.map(lambda p: jnp.broadcast_to(p, (len(runs),) + p.shape), params0)
    w0 = penalized_weights(model, params)
    state = _State(params, jnp.broadcast_to(w0, (SNAPSHOTS,) + w0.shape),
                   jnp.full(len(runs), -1, jnp.int32))
    h = hyper(runs, lam=lam, drop=drop, alpha=alpha)
    arrays = [jnp.asarray(a) for a in (data.X_train, data.y_train, data.X_test, data.y_test)]
    wm = jnp.asarray(wmask)
    at = snapshot_epochs(epochs)
    snap_at = np.full(SNAPSHOTS, -1, np.int32)
    snap_at[: len(at)] = at
    snap_at = jnp.asarray(snap_at)
    first = _evaluate_jit(model, params, *arrays, wm)
    chunks = []
    n_chunks = -(-epochs // CHUNK)
    for c in range(n_chunks):
        state, curves = _train_chunk(model, state, h, *arrays, wm, key_batch, key_drop,
                                     jnp.int32(c * CHUNK), jnp.int32(epochs), snap_at)
        chunks.append(curves)
        if progress is not None:
            jax.block_until_ready(state.diverged_at)
            progress(min(1.0, (c + 1) * CHUNK / epochs))
    cat = [np.concatenate([np.asarray(f)[None]] + [np.asarray(ch[i]) for ch in chunks])
           [: epochs + 1] for i, f in enumerate(first)]
    snaps = np.asarray(state.snaps)[: len(at)][:, :, wmask]
    return Training(model, runs, int(epochs), at, snaps.astype(np.float32),
                    Curves(*(c.astype(np.float32) for c in cat)),
                    np.asarray(state.diverged_at, np.int64))


# ---- what the page draws ---------------------------------------------------------------------

BINS = 61      # odd: the middle bin is centred on 0
BINS_FEW = 31  # for a run of at most 500 weights (the logistic model), fewer, fuller bins
HIST_QUANTILE = 0.995  # the histograms span 1.1 × this quantile of |w|


class Histograms(NamedTuple):
    """Histograms of the snapshots on one set of bins (so the scrubber keeps its axis).

    edges: (BINS + 1,) float32, symmetric, the middle bin centred on 0.
    counts: (S, runs, BINS) int: every weight falls in one bin (values beyond the outer
      edges are counted in the outer bins, so the counts of a run add up to its number of
      weights).
    beyond: (S, runs) int, how many of them lie beyond the outer edges.
    zeros: (S, runs) int, weights exactly 0; small: (S, runs) int, |w| < SMALL.
    """

    edges: np.ndarray
    counts: np.ndarray
    zeros: np.ndarray
    small: np.ndarray
    beyond: np.ndarray


def histograms(snapshots, bins: int = BINS, *, quantile: float = HIST_QUANTILE) -> Histograms:
    """Counts of ``snapshots`` (S, runs, P) on ``bins`` equal bins over [−r, r].

    r is 1.1 × the ``quantile`` of every finite |w| (so a few large weights do not squash the
    bulk), or 1 if that is 0. Weights beyond ±r, and non-finite ones, count in the outer bins.
    """
    w = np.asarray(snapshots, np.float64)
    finite = np.isfinite(w)
    a = np.abs(w[finite])
    r = (1.1 * float(np.quantile(a, quantile)) if a.size else 0.0) or 1.0
    edges = np.linspace(-r, r, bins + 1)
    clipped = np.clip(np.where(np.isnan(w), r, np.nan_to_num(w)), -r, r)
    idx = np.clip(np.searchsorted(edges, clipped, side="right") - 1, 0, bins - 1)
    S, R, _ = w.shape
    flat = (np.arange(S * R).reshape(S, R, 1) * bins + idx).ravel()
    counts = np.bincount(flat, minlength=S * R * bins).reshape(S, R, bins)
    return Histograms(edges.astype(np.float32), counts, (w == 0).sum(-1),
                      (np.abs(w) < SMALL).sum(-1), (~finite | (np.abs(w) > r)).sum(-1))


class WeightsScene(NamedTuple):
    """Everything the Weights page draws, in one call (NumPy arrays).

    training: ``Training`` of the four runs. hist: ``Histograms`` of its snapshots.
    informative: (d,) bool, the features the labels depend on; w_true: (d,) their weights in
      the rule the clean labels were drawn from.
    kept: (runs, d) bool, features whose weights are not all exactly 0 after training (the
      logistic weight itself; for the MLP the feature's whole row of W₁).
    n_weights: penalized weights per run. flipped: training labels flipped.
    """

    training: Training
    hist: Histograms
    informative: np.ndarray
    w_true: np.ndarray
    kept: np.ndarray
    n_weights: int
    flipped: int
    d: int
    k: int


def kept_features(model: str, final, d: int) -> np.ndarray:
    """(runs, d) bool: which features still have a non-zero weight in ``final`` (runs, P)."""
    final = np.asarray(final)
    if model == "logistic":
        return final[:, :d] != 0
    return (final[:, : d * HIDDEN].reshape(final.shape[0], d, HIDDEN) != 0).any(-1)


def scene(*, model: str, d: int, k: int, flip: float, seed: int, lam: float, drop: float,
          alpha: float, epochs: int, progress: Callable[[float], None] | None = None
          ) -> WeightsScene:
    """The Weights page: seeded data (``core.data.classification``), the four runs trained
    together (``train``), histograms of their weights at every snapshot and the features
    each run kept."""
    data = datasets.classification(d=d, k=k, flip=flip, seed=seed)
    t = train(data, model=model, lam=lam, drop=drop, alpha=alpha, epochs=epochs, seed=seed,
              progress=progress)
    bins = BINS if t.snapshots.shape[-1] > 500 else BINS_FEW
    return WeightsScene(t, histograms(t.snapshots, bins), data.informative[:d].copy(),
                        data.w_true[:d].copy(), kept_features(model, t.final, d),
                        int(t.snapshots.shape[-1]), int(data.flipped.sum()), d, k)
