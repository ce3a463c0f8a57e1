"""core.scenes.weights: four runs (none, L1, L2, dropout) trained together, against NumPy references
computed by hand, and the Weights page's claims on its default setting."""

from __future__ import annotations

import jax
import jax.numpy as jnp
import numpy as np
import pytest

from core import data
from core.scenes import weights

# the Weights page's defaults (views/weights.py DEFAULTS)
DEFAULT = {"model": "logistic", "d": 100, "k": 5, "flip": 0.1, "seed": 0, "lam": 0.05,
           "drop": 0.5, "alpha": 0.3, "epochs": 50}
RUNS = weights.RUNS


def scene(**kw):
    return weights.scene(**{**DEFAULT, **kw})


def run(s, name):
    return s.training.run(name)


# ---- one step of every run against NumPy, gradients by hand ----------------------------------

def sigmoid(z):
    return 1 / (1 + np.exp(-z))


def numpy_prox(run_name, v, alpha, lam):
    """DESIGN.md's proximal rule: soft threshold by αλ (L1), v/(1 + 2αλ) (L2, P = Σw²)."""
    al = alpha * lam
    if run_name == "l1":
        return np.sign(v) * np.maximum(np.abs(v) - al, 0)
    if run_name == "l2":
        return v / (1 + 2 * al)
    return v


def masks(key, shapes, keep):
    """The dropout masks core draws for this key (the key is split as core splits it, and the
    keep probability is float32, as in core: its dtype picks the random numbers)."""
    keep = jnp.float32(keep)
    if len(shapes) == 1:
        return [np.asarray(weights.dropout_mask(key, shapes[0], keep), np.float64)]
    k_in, k_h = jax.random.split(key)
    return [np.asarray(weights.dropout_mask(k, s, keep), np.float64)
            for k, s in zip((k_in, k_h), shapes, strict=True)]


def numpy_logistic_step(w, X, y, alpha, lam, keep, key, run_name):
    """J = mean(log(1 + e^z) − y·z), z = x̃·w, so ∂J/∂w = x̃ᵀ(σ(z) − y)/n, x̃ = x ⊙ mask."""
    (m,) = masks(key, [X.shape], keep)
    Xt = X * m
    g = Xt.T @ (sigmoid(Xt @ w) - y) / len(y)
    return numpy_prox(run_name, w - alpha * g, alpha, lam)


def numpy_mlp_step(p, X, y, alpha, lam, keep, key, run_name):
    """Backpropagation by hand through z = (tanh(x̃W₁ + b₁) ⊙ m)·w₂ + b₂."""
    m_in, m_h = masks(key, [X.shape, (X.shape[0], weights.HIDDEN)], keep)
    Xt = X * m_in
    h = np.tanh(Xt @ p["W1"] + p["b1"])
    ht = h * m_h
    dz = (sigmoid(ht @ p["w2"] + p["b2"]) - y) / len(y)
    dpre = np.outer(dz, p["w2"]) * m_h * (1 - h * h)
    g = {"W1": Xt.T @ dpre, "b1": dpre.sum(0), "w2": ht.T @ dz, "b2": dz.sum()}
    out = {}
    for name, v in p.items():
        v = v - alpha * g[name]
        out[name] = numpy_prox(run_name, v, alpha, lam) if name in ("W1", "w2") else v
    return out


@pytest.mark.parametrize("model", weights.MODELS)
def test_one_step_of_each_run_matches_numpy(model):
    ds = data.classification(d=30, k=3, flip=0.1, seed=1)
    lam, drop, alpha = 0.2, 0.4, 0.5
    params = weights.init(model, jax.random.key(7), ds.feature_mask)
    stacked = jax.tree.map(lambda a: jnp.broadcast_to(a, (len(RUNS),) + a.shape), params)
    idx = np.arange(weights.BATCH)
    Xb, yb = ds.X_train[idx], ds.y_train[idx]
    key = jax.random.key(11)
    h = weights.hyper(RUNS, lam=lam, drop=drop, alpha=alpha)
    new = weights.step(model, stacked, h, jnp.asarray(Xb), jnp.asarray(yb), key)
    X64, y64 = Xb.astype(np.float64), yb.astype(np.float64)
    p64 = {k: np.asarray(v, np.float64) for k, v in params.items()}
    for j, name in enumerate(RUNS):
        keep = 1 - drop if name == "dropout" else 1.0
        if model == "logistic":
            want = {"w": numpy_logistic_step(p64["w"], X64, y64, alpha, lam, keep, key, name)}
        else:
            want = numpy_mlp_step(p64, X64, y64, alpha, lam, keep, key, name)
        for leaf, w in want.items():
            got = np.asarray(new[leaf][j])
            np.testing.assert_allclose(got, w, rtol=2e-5, atol=2e-6, err_msg=f"{name} {leaf}")
            if name == "l1" and leaf != "b1" and leaf != "b2":
                # the soft threshold's zeros are exact, where the reference's are
                np.testing.assert_array_equal(got == 0, w == 0)
    # the runs did not all do the same thing
    w = np.asarray(weights.penalized_weights(model, new))
    assert not np.allclose(w[0], w[1]) and not np.allclose(w[0], w[2])
    assert not np.allclose(w[0], w[3])


def test_dropout_mask_is_inverted_dropout():
    m = np.asarray(weights.dropout_mask(jax.random.key(0), (400, 200), jnp.float32(0.25)))
    assert set(np.unique(m)) == {0.0, 4.0}
    assert abs(m.mean() - 1) < 0.03  # E[m] = 1: nothing to rescale at test time
    assert np.all(np.asarray(weights.dropout_mask(jax.random.key(0), (5, 5), 1.0)) == 1)


def test_dropout_masks_look_independent():
    """The hashed masks (weights._uniform): uniform, and uncorrelated across steps, between
    split keys and between neighbouring units (for 40,000 entries |r| has sd 0.005)."""
    key = jax.random.key(3)
    ms = np.stack([np.asarray(weights.dropout_mask(jax.random.fold_in(key, s), (200, 200),
                                                 jnp.float32(0.5))).ravel() for s in range(8)])
    np.testing.assert_allclose(ms.mean(axis=1), 1.0, atol=0.03)
    assert np.abs(np.corrcoef(ms) - np.eye(8)).max() < 0.025
    m = ms[0].reshape(200, 200)
    assert abs(np.corrcoef(m[:, :-1].ravel(), m[:, 1:].ravel())[0, 1]) < 0.025
    assert abs(np.corrcoef(m[:-1].ravel(), m[1:].ravel())[0, 1]) < 0.025
    a, b = (np.asarray(weights._uniform(k, (40_000,))) for k in jax.random.split(key))
    assert abs(np.corrcoef(a, b)[0, 1]) < 0.025
    u = np.asarray(weights._uniform(key, (640_000,)))
    assert 0.0 <= u.min() and u.max() < 1.0
    counts = np.histogram(u, 64, (0.0, 1.0))[0]
    chi2 = ((counts - 10_000) ** 2 / 10_000).sum()
    assert chi2 < 130  # 63 degrees of freedom: P(χ² > 130) < 1e-6


def test_padded_features_keep_exactly_zero_weights():
    ds = data.classification(d=20, k=3, flip=0.0, seed=0)
    for model in weights.MODELS:
        p = weights.init(model, jax.random.key(0), ds.feature_mask)
        p = jax.tree.map(lambda a: jnp.broadcast_to(a, (len(RUNS),) + a.shape), p)
        h = weights.hyper(RUNS, lam=0.1, drop=0.5, alpha=0.5)
        for s in range(3):
            idx = np.arange(s * 10, s * 10 + weights.BATCH) % data.N_TRAIN
            Xb, yb = jnp.asarray(ds.X_train[idx]), jnp.asarray(ds.y_train[idx])
            p = weights.step(model, p, h, Xb, yb, jax.random.key(s))
        first = np.asarray(p["w"] if model == "logistic" else p["W1"])
        assert np.all(first[:, 20:] == 0)      # every run, L2 and dropout included
        assert np.all(first[0, :20] != 0)      # the real ones moved (the "none" run)
        mask = weights.weight_mask(model, ds.feature_mask)
        assert mask.sum() == (20 if model == "logistic" else 20 * weights.HIDDEN + weights.HIDDEN)


# ---- the page's claims, on its default setting -----------------------------------------------

@pytest.fixture(scope="module")
def default():
    return scene()


APPROPRIATE = 0.07  # the page's "λ appropriate" preset


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_l1_keeps_mostly_the_informative_features_and_zeros_most_of_the_rest(seed):
    s = scene(seed=seed, lam=APPROPRIATE)
    kept = s.kept[run(s, "l1")]
    inf = s.informative
    assert kept[inf].sum() >= s.k - 1                   # mostly those k ...
    assert kept[~inf].sum() <= 0.2 * (s.d - s.k)        # ... and at most 20 % of the rest
    w = s.training.final[run(s, "l1")]
    assert np.sum(w[~inf] == 0) >= 0.8 * (s.d - s.k)    # exact zeros, not just small
    # the unregularized run keeps every feature
    assert s.kept[run(s, "none")].all()


def test_l2_none_and_dropout_have_no_exact_zeros(default):
    snaps = default.training.snapshots                  # (S, runs, P), every snapshot
    for name in ("l2", "none", "dropout"):
        assert np.count_nonzero(snaps[:, run(default, name)] == 0) == 0, name
    assert default.hist.zeros[-1, run(default, "l2")] == 0
    # while L1's are many, and L2's weights are still smaller than the unregularized ones
    assert default.hist.zeros[-1, run(default, "l1")] > default.d // 2
    norm = default.training.curves.norm[-1]
    assert norm[run(default, "l2")] < norm[run(default, "none")]


@pytest.mark.parametrize("model", weights.MODELS)
def test_histogram_counts_add_up_to_the_number_of_weights(model):
    s = scene(model=model, epochs=12)
    h, snaps = s.hist, s.training.snapshots
    n = weights.HIDDEN * (s.d + 1) if model == "mlp" else s.d
    assert s.n_weights == n == snaps.shape[-1]
    assert np.all(h.counts.sum(-1) == n)
    edges = h.edges.astype(np.float64)
    assert len(edges) % 2 == 0 and edges[0] == -edges[-1]  # odd bins, one centred on 0
    for i in range(len(s.training.snapshot_epochs)):
        for j in range(len(RUNS)):
            w = snaps[i, j].astype(np.float64)
            ref, _ = np.histogram(np.clip(w, edges[0], edges[-1]), bins=edges)
            np.testing.assert_array_equal(h.counts[i, j], ref)
            assert h.zeros[i, j] == np.sum(w == 0)
            assert h.small[i, j] == np.sum(np.abs(w) < weights.SMALL)


def test_histograms_clip_outliers_and_non_finite_into_the_outer_bins():
    w = np.array([[[0.0, 0.1, -0.1, 0.2, 50.0, -np.inf, np.nan]]])
    h = weights.histograms(w, bins=5, quantile=0.5)
    assert h.counts.sum() == 7
    assert h.counts[0, 0, 0] >= 1 and h.counts[0, 0, -1] >= 2  # −inf left; 50 and NaN right
    assert h.beyond[0, 0] >= 3 and h.zeros[0, 0] == 1


def test_same_seed_same_weights_other_seed_other_weights(default):
    again = scene()
    np.testing.assert_array_equal(default.training.snapshots, again.training.snapshots)
    for a, b in zip(default.training.curves, again.training.curves, strict=True):
        np.testing.assert_array_equal(a, b)
    other = scene(seed=1)
    assert not np.array_equal(default.training.snapshots, other.training.snapshots)


def test_same_initialization_for_every_run(default):
    first = default.training.snapshots[0]                # epoch 0
    assert default.training.snapshot_epochs[0] == 0
    assert all(np.array_equal(first[0], first[j]) for j in range(len(RUNS)))


def test_flipped_labels_raise_the_unregularized_test_loss_more_than_l2s():
    for seed in (0, 1):
        clean, noisy = scene(flip=0.0, seed=seed), scene(flip=0.2, seed=seed)
        rise = noisy.training.curves.test_loss[-1] - clean.training.curves.test_loss[-1]
        assert rise[run(clean, "none")] > 0
        assert rise[run(clean, "none")] > 1.3 * rise[run(clean, "l2")], rise


# ---- the epochs: masked, never a new shape ---------------------------------------------------

def cache_size(f) -> int:
    assert hasattr(f, "_cache_size"), f"{f} is not a jax.jit function"
    return f._cache_size()


def test_moving_epochs_or_any_number_never_recompiles():
    ds = data.classification(d=100, k=5, flip=0.1, seed=0)
    weights.train(ds, model="logistic", lam=0.07, drop=0.5, alpha=0.3, epochs=5, seed=0)
    before = cache_size(weights._train_chunk), cache_size(weights._evaluate_jit)
    other = data.classification(d=60, k=9, flip=0.3, seed=4)
    for epochs, lam, drop, alpha, seed, dd in ((1, 0.0, 0.0, 0.1, 1, ds), (37, 1, 0.9, 1.5, 2, ds),
                                               (weights.EPOCHS_MAX, np.float32(0.3), 0.25, 1, 3,
                                                other)):
        weights.train(dd, model="logistic", lam=lam, drop=drop, alpha=alpha, epochs=epochs,
                    seed=seed)
    assert (cache_size(weights._train_chunk), cache_size(weights._evaluate_jit)) == before


def test_a_shorter_run_is_the_start_of_a_longer_one():
    short, long = scene(epochs=30), scene(epochs=50)
    for a, b in zip(short.training.curves, long.training.curves, strict=True):
        assert a.shape == (31, len(RUNS)) and b.shape == (51, len(RUNS))
        np.testing.assert_array_equal(a, b[:31])
    i = list(long.training.snapshot_epochs).index(30)
    np.testing.assert_array_equal(short.training.final, long.training.snapshots[i])


@pytest.mark.parametrize("epochs", [23, 50])  # 23: the last chunk of ten is cut short
def test_curves_at_every_snapshot_are_the_snapshot_weights_evaluated_by_numpy(epochs):
    """The curves (one evaluation of every epoch of a chunk, after its loop) against NumPy on
    the weights kept at the snapshot epochs: losses, accuracies, norm, zeros, small ones."""
    s = scene(epochs=epochs)
    t, ds = s.training, data.classification(d=DEFAULT["d"], k=DEFAULT["k"],
                                            flip=DEFAULT["flip"], seed=DEFAULT["seed"])
    d = DEFAULT["d"]
    for i, e in enumerate(t.snapshot_epochs):
        for r in range(len(RUNS)):
            w = t.snapshots[i, r].astype(np.float64)
            want = []
            for X, y in ((ds.X_train, ds.y_train), (ds.X_test, ds.y_test)):
                z = X[:, :d].astype(np.float64) @ w
                want.append((np.mean(np.logaddexp(0, z) - y * z), np.mean((z > 0) == (y > 0.5))))
            (J_tr, a_tr), (J_te, a_te) = want
            got = {f: getattr(t.curves, f)[e, r] for f in weights.Curves._fields}
            np.testing.assert_allclose([got["train_loss"], got["test_loss"]], [J_tr, J_te],
                                       rtol=1e-4)
            np.testing.assert_allclose([got["train_acc"], got["test_acc"]], [a_tr, a_te],
                                       atol=1.5e-3)  # a logit within float32 noise of 0
            np.testing.assert_allclose(got["norm"], np.linalg.norm(w), rtol=1e-5)
            assert got["zeros"] == (w == 0).sum()
            assert got["small"] == (np.abs(w) < weights.SMALL).sum()


def test_snapshot_epochs_spread_over_the_run():
    np.testing.assert_array_equal(weights.snapshot_epochs(3), [0, 1, 2, 3])
    e = weights.snapshot_epochs(200)
    assert len(e) == weights.SNAPSHOTS and e[0] == 0 and e[-1] == 200 and np.all(np.diff(e) > 0)


def test_progress_is_reported_up_to_one():
    seen = []
    scene(epochs=25, progress=seen.append)
    assert len(seen) == 3 and seen == sorted(seen) and seen[-1] == 1.0


def test_a_diverging_run_stops_at_its_last_finite_weights():
    ds = data.classification(d=50, k=5, flip=0.0, seed=0)
    t = weights.train(ds, model="logistic", lam=0.0, drop=0.5, alpha=1e10, epochs=4, seed=0)
    assert t.diverged_at[t.run("none")] == 1
    assert np.isfinite(t.snapshots).all()
    for c in t.curves:
        assert np.isfinite(c).all()
    # a diverged run holds its last finite weights: here the start
    np.testing.assert_array_equal(t.final[t.run("none")], t.snapshots[0, t.run("none")])


@pytest.mark.parametrize("kw", [{"epochs": 0}, {"epochs": weights.EPOCHS_MAX + 1}, {"drop": 1.0},
                                {"model": "svm"}])
def test_bad_arguments_are_refused(kw):
    ds = data.classification(d=20, k=2, flip=0.0, seed=0)
    args = {"model": "logistic", "lam": 0.1, "drop": 0.5, "alpha": 0.1, "epochs": 3, "seed": 0}
    with pytest.raises(ValueError):
        weights.train(ds, **{**args, **kw})
