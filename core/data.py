"""Seeded classification data for the Weights page, made in code (nothing is downloaded).

The data (all float32):

- features ``x ~ N(0, I)``, ``d`` of them, of which ``k`` are **informative**: the labels
  depend on those alone, through ``z = x·w*`` with ``w*_j = ±U(2, 4)`` on the informative
  features (random signs and positions) and 0 elsewhere;
- labels ``y ~ Bernoulli(σ(z))`` in {0, 1} (so even the true model errs a little);
- a **share of the training labels flipped** (0 ↔ 1), the primer's mislabelled points; the
  test labels are never flipped, so test loss and accuracy measure how well a model learnt
  the real rule.

Shapes never depend on ``d``: the arrays always have ``d_max`` columns and the columns from
``d`` on are 0, so one compiled training function serves every ``d``. A zero column gives its
weights a zero gradient: started at 0 they stay exactly 0, and ``feature_mask`` says which
columns are real. The first ``d`` columns and the clean labels do not depend on ``flip``,
and the flipped points of a smaller share are among those of a larger one: moving the
slider only flips more labels.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

N_TRAIN = 200   # training points: few enough that 100 features can overfit them
N_TEST = 1000   # test points: enough for a steady test loss
D_MAX = 200     # columns of every array (the most features the page offers)


class Dataset(NamedTuple):
    """A train/test split, padded to ``d_max`` columns.

    X_train: (n_train, d_max) float32, columns ≥ d are 0.
    y_train: (n_train,) float32 in {0, 1}, after flipping.
    X_test: (n_test, d_max) float32; y_test: (n_test,) float32, never flipped.
    informative: (d_max,) bool, the k features the labels depend on.
    feature_mask: (d_max,) bool, the d real features.
    flipped: (n_train,) bool, the training points whose label was flipped.
    w_true: (d_max,) float32, the rule the clean labels were drawn from.
    """

    X_train: np.ndarray
    y_train: np.ndarray
    X_test: np.ndarray
    y_test: np.ndarray
    informative: np.ndarray
    feature_mask: np.ndarray
    flipped: np.ndarray
    w_true: np.ndarray

    @property
    def d(self) -> int:
        return int(self.feature_mask.sum())

    @property
    def k(self) -> int:
        return int(self.informative.sum())


def classification(*, d: int, k: int, flip: float, seed: int, n_train: int = N_TRAIN,
                   n_test: int = N_TEST, d_max: int = D_MAX) -> Dataset:
    """Seeded data with ``d`` features, ``k`` of them informative, a share ``flip`` of the
    training labels flipped (see the module docstring for the model).

    Args:
      d: number of features, 1 ≤ d ≤ d_max.
      k: informative features, 0 ≤ k ≤ d (k = 0: labels are coin flips).
      flip: share of training labels flipped, in [0, 1].
      seed: the NumPy generator's seed: same seed, same data.

    Returns:
      A ``Dataset``. Example: ``classification(d=100, k=5, flip=0.1, seed=0).X_train.shape``
      is ``(200, 200)``.
    """
    if not 1 <= d <= d_max:
        raise ValueError(f"d = {d} must be in [1, {d_max}]")
    if not 0 <= k <= d:
        raise ValueError(f"k = {k} must be in [0, d = {d}]")
    if not 0.0 <= flip <= 1.0:
        raise ValueError(f"flip = {flip} must be in [0, 1]")
    rng = np.random.default_rng(seed)
    n = n_train + n_test
    X = rng.standard_normal((n, d_max))            # drawn for d_max: nested in d
    X[:, d:] = 0.0
    where = rng.permutation(d)[:k]
    w_true = np.zeros(d_max)
    w_true[where] = rng.choice([-1.0, 1.0], k) * rng.uniform(2.0, 4.0, k)
    p = 1.0 / (1.0 + np.exp(-(X @ w_true)))
    y = (rng.random(n) < p).astype(np.float32)
    order = np.random.default_rng([seed, 1]).permutation(n_train)  # its own stream: nested
    flipped = np.zeros(n_train, bool)
    flipped[order[: int(round(flip * n_train))]] = True
    y_train = np.where(flipped, 1.0 - y[:n_train], y[:n_train]).astype(np.float32)
    informative = w_true != 0
    return Dataset(X[:n_train].astype(np.float32), y_train, X[n_train:].astype(np.float32),
                   y[n_train:], informative, np.arange(d_max) < d, flipped,
                   w_true.astype(np.float32))
