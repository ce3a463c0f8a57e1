"""The Weights page's training of four runs (none, L1, L2, dropout), as time ratios:

- core (the four runs ``vmap``-ed in one compiled call per chunk of epochs) against a plain
  NumPy reference training the same four runs one after another (issue 4's comparison);
- core with the four runs together against core training them one after another, one run
  per call (issue 8's comparison).

The NumPy reference is what a competent person writes without JAX: float32, vectorized
within a step, a Python loop over epochs, steps and runs, gradients by hand (logistic:
x̃ᵀ(σ(z) − y)/n; MLP: backpropagation through tanh), the same evaluation every epoch
(train and test loss and accuracy, ‖w‖, exact zeros, |w| < 10⁻³) and the same snapshots.
It uses only the d real features (core pads to ``data.D_MAX`` so that d never recompiles).

Before timing, the reference is run once on core's minibatch order and dropout masks
(drawn from core's keys as ``core.scenes.weights`` documents: one permutation key per epoch,
``fold_in(key, step)`` for dropout) and must give core's numbers. Timed, it draws its own
masks with NumPy's generator (core hashes each unit's index with the step's key).
"""

from __future__ import annotations

import jax
import jax.numpy as jnp
import numpy as np

from bench.report import Row
from core import data
from core.scenes import weights

# the page's default setting (views/weights.py DEFAULTS)
DEFAULT = {"d": 100, "k": 5, "flip": 0.1, "seed": 0, "lam": 0.05, "drop": 0.5, "alpha": 0.3,
           "epochs": 50}
F32 = np.float32


def _sigmoid(z):
    return F32(1) / (F32(1) + np.exp(-z))


def _xent(z, y):
    return np.mean(np.logaddexp(F32(0), z) - y * z)


def _prox(run: str, v, al):
    if run == "l1":
        return np.sign(v) * np.maximum(np.abs(v) - al, F32(0))
    if run == "l2":
        return v / (F32(1) + F32(2) * al)
    return v


class Schedule:
    """Minibatch order and dropout masks: core's (for the check) or NumPy's (timed)."""

    def __init__(self, seed: int, model: str, d: int, keep: float, *, like_core: bool):
        self.like_core, self.model, self.d, self.keep = like_core, model, d, F32(keep)
        _, self.key_batch, self.key_drop = jax.random.split(jax.random.key(seed), 3)
        self.rng = np.random.default_rng(seed)
        self.n, self.per_epoch = data.N_TRAIN, data.N_TRAIN // weights.BATCH

    def order(self, e: int) -> np.ndarray:
        if self.like_core:
            return np.asarray(jax.random.permutation(jax.random.fold_in(self.key_batch, e),
                                                     self.n))
        return self.rng.permutation(self.n)

    def masks(self, e: int, s: int) -> list[np.ndarray]:
        """The input mask (and, for the MLP, the hidden mask) of step s of epoch e."""
        shapes = [(weights.BATCH, data.D_MAX)] + ([(weights.BATCH, weights.HIDDEN)]
                                                if self.model == "mlp" else [])
        if self.like_core:
            key = jax.random.fold_in(self.key_drop, e * self.per_epoch + s)
            keys = [key] if self.model == "logistic" else list(jax.random.split(key))
            out = [np.asarray(weights.dropout_mask(k, sh, jnp.float32(self.keep)))
                   for k, sh in zip(keys, shapes, strict=True)]
        else:
            out = [(self.rng.random(sh, dtype=F32) < self.keep).astype(F32) / self.keep
                   for sh in shapes]
        out[0] = out[0][:, : self.d]
        return out


def train_numpy(ds, model: str, *, lam, drop, alpha, epochs, seed, like_core: bool) -> dict:
    """The four runs one after another; returns snapshots (S, 4, P) and curves (epochs+1, 4)."""
    d = int(ds.feature_mask.sum())
    X, y = ds.X_train[:, :d], ds.y_train
    Xs = [(ds.X_train[:, :d], ds.y_train), (ds.X_test[:, :d], ds.y_test)]
    p0 = {k: np.asarray(v, F32) for k, v in weights.init(
        model, jax.random.split(jax.random.key(seed), 3)[0], ds.feature_mask).items()}
    if model == "logistic":
        p0["w"] = p0["w"][:d]
    else:
        p0["W1"] = p0["W1"][:d]
    at = set(weights.snapshot_epochs(epochs).tolist())
    a, al = F32(alpha), F32(alpha) * F32(lam)
    snaps, curves = [], []
    for run in weights.RUNS:
        keep = 1.0 - drop if run == "dropout" else 1.0
        sched = Schedule(seed, model, d, keep, like_core=like_core)
        p = {k: v.copy() for k, v in p0.items()}
        snap, curve = [], []

        def flat_weights(p):
            return p["w"] if model == "logistic" else np.concatenate([p["W1"].ravel(), p["w2"]])

        def logits(p, Xe):
            if model == "logistic":
                return Xe @ p["w"]
            return np.tanh(Xe @ p["W1"] + p["b1"]) @ p["w2"] + p["b2"]

        def evaluate(p):
            w = flat_weights(p)
            out = []
            for Xe, ye in Xs:
                z = logits(p, Xe)
                out += [_xent(z, ye), np.mean((z > 0) == (ye > 0.5))]
            return [out[0], out[2], out[1], out[3], np.linalg.norm(w), np.sum(w == 0),
                    np.sum(np.abs(w) < weights.SMALL)]

        curve.append(evaluate(p))
        if 0 in at:
            snap.append(flat_weights(p).copy())
        for e in range(epochs):
            order = sched.order(e)
            for s in range(sched.per_epoch):
                idx = order[s * weights.BATCH:(s + 1) * weights.BATCH]
                m = sched.masks(e, s) if keep < 1 else None
                Xb, yb = X[idx], y[idx]
                if model == "logistic":
                    Xt = Xb * m[0] if m else Xb
                    g = Xt.T @ (_sigmoid(Xt @ p["w"]) - yb) / F32(len(yb))
                    p["w"] = _prox(run, p["w"] - a * g, al)
                    continue
                Xt = Xb * m[0] if m else Xb
                h = np.tanh(Xt @ p["W1"] + p["b1"])
                ht = h * m[1] if m else h
                dz = (_sigmoid(ht @ p["w2"] + p["b2"]) - yb) / F32(len(yb))
                dh = np.outer(dz, p["w2"]) * (m[1] if m else F32(1))
                dpre = dh * (F32(1) - h * h)
                g = {"W1": Xt.T @ dpre, "b1": dpre.sum(0), "w2": ht.T @ dz, "b2": dz.sum()}
                for k in p:
                    v = p[k] - a * g[k]
                    p[k] = _prox(run, v, al) if k in ("W1", "w2") else v
            curve.append(evaluate(p))
            if e + 1 in at:
                snap.append(flat_weights(p).copy())
        snaps.append(np.stack(snap))
        curves.append(np.asarray(curve, F32))
    return {"snapshots": np.stack(snaps, axis=1), "curves": np.stack(curves, axis=-1)}


def _core(ds, model, runs=weights.RUNS):
    s = DEFAULT
    return weights.train(ds, model=model, lam=s["lam"], drop=s["drop"], alpha=s["alpha"],
                       epochs=s["epochs"], seed=s["seed"], runs=runs)


def check(ds, model: str) -> None:
    """The reference on core's batches and masks gives core's numbers; one run at a time in
    core gives the four-run call's numbers."""
    s = DEFAULT
    ref = train_numpy(ds, model, lam=s["lam"], drop=s["drop"], alpha=s["alpha"],
                      epochs=s["epochs"], seed=s["seed"], like_core=True)
    got = _core(ds, model)
    # float32 SGD in another order of operations: agreement to float32 noise, amplified a
    # little over the epochs; an exact zero may sit on the other side of the threshold
    np.testing.assert_allclose(ref["snapshots"], got.snapshots, rtol=2e-3, atol=2e-4)
    curves = np.stack(got.curves, axis=1)  # (epochs + 1, 7 curves, 4 runs), as ref's
    np.testing.assert_allclose(ref["curves"][:, :5], curves[:, :5], rtol=2e-3, atol=2e-3)
    np.testing.assert_allclose(ref["curves"][:, 5:], curves[:, 5:], atol=2)  # zero counts
    for j, r in enumerate(weights.RUNS):
        one = _core(ds, model, runs=(r,))
        np.testing.assert_allclose(one.snapshots[:, 0], got.snapshots[:, j], rtol=1e-4,
                                   atol=1e-5)


def bench(paired_times, speedup_row, *, repeats: int, target: float) -> list[Row]:
    """Rows for ``bench/core_bench.py``: per model, core vs NumPy, and core together vs one
    run after another."""
    rows = []
    s = DEFAULT
    ds = data.classification(d=s["d"], k=s["k"], flip=s["flip"], seed=s["seed"])
    for model, reps in (("logistic", repeats), ("mlp", max(1, (repeats + 1) // 2))):
        check(ds, model)
        what = (f"Weights page: training of four runs ({model}, d = {s['d']}, "
                f"{s['epochs']} epochs, default setting)")

        def numpy_(model=model):
            return train_numpy(ds, model, lam=s["lam"], drop=s["drop"], alpha=s["alpha"],
                               epochs=s["epochs"], seed=s["seed"], like_core=False)

        def together(model=model):
            return _core(ds, model).snapshots

        def one_by_one(model=model):
            return [_core(ds, model, runs=(r,)).snapshots for r in weights.RUNS]

        rows.append(speedup_row(what, *paired_times(numpy_, together, repeats=reps),
                                target=target,
                                note="NumPy: the four runs one after another, Python loops, "
                                     "hand gradients, its own masks, the d real features only "
                                     f"(core pads to {data.D_MAX} so d never recompiles, and "
                                     "hashes its masks from jax.random keys); numbers checked "
                                     "on "
                                     "core's batches and masks"))
        t_one, t_all = paired_times(one_by_one, together, repeats=reps)
        rows.append(Row("core", what.replace("training of four runs",
                                             "four runs together vs one after another"),
                        f"one by one {t_one * 1e3:.3g} ms / together {t_all * 1e3:.3g} ms",
                        t_one / t_all, "(no target)", None,
                        "core.scenes.weights.train with runs=(r,) four times vs runs=RUNS once"))
    return rows
