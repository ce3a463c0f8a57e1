"""The Sparse crosses page's training at its finest resolution (1° cells, d = 64,800): time
and peak memory.

- time: core (none, L1 and L2 ``vmap``-ed in one compiled call, ``crosses.STEPS`` steps)
  against a NumPy reference doing the same updates: float32, segment sums by
  ``np.bincount``, a Python loop over steps, the three runs one after another. The reference
  must give core's weights before anything is timed.
- memory: the compiled call's footprint from XLA's memory analysis (arguments + outputs +
  temporaries) against the one-hot design matrix a dense implementation would hold,
  n × d float32. Ratio = one-hot bytes / compiled bytes. (That no intermediate of shape
  (n, d) exists at all is checked in tests/unit/test_crosses.py with ``jax.make_jaxpr``.)
"""

from __future__ import annotations

import jax
import jax.numpy as jnp
import numpy as np

from bench.report import Row
from core.scenes import crosses

LAM, ALPHA, SEED = 1e-3, 0.5, 0
F32 = np.float32


def fit_numpy(idx, y, b, lams, mixes, alpha, d: int, steps: int) -> np.ndarray:
    """core.scenes.crosses's proximal-gradient runs in float32 NumPy, one run after another:
    v = w − α·Σ_{i∈c}(b + w_c − y_i)/max(n_c, 1); t_c = α·λ·n/(2·max(n_c, 1));
    w = soft-threshold(v, t_c·mix) / (1 + 2·t_c·(1 − mix)). Returns (R, d)."""
    n = y.size
    count = np.maximum(np.bincount(idx, minlength=d), 1).astype(F32)
    target = (y - b).astype(F32)
    a = F32(alpha)
    out = np.empty((len(lams), d), F32)
    for r, (lam, mix) in enumerate(zip(lams, mixes, strict=True)):
        t = (a * F32(n / 2.0) / count) * F32(lam)
        w = np.zeros(d, F32)
        for _ in range(steps):
            resid = w[idx] - target
            v = w - a * np.bincount(idx, weights=resid, minlength=d).astype(F32) / count
            w = (np.sign(v) * np.maximum(np.abs(v) - t * F32(mix), F32(0))
                 / (F32(1) + F32(2) * t * F32(1 - mix)))
        out[r] = w
    return out


def _fmt_bytes(b: float) -> str:
    for unit, scale in (("GB", 1e9), ("MB", 1e6), ("kB", 1e3)):
        if b >= scale:
            return f"{b / scale:.3g} {unit}"
    return f"{b:.0f} B"


def bench(paired_times, speedup_row, *, repeats: int) -> list[Row]:
    """Two rows: core vs NumPy time, and compiled memory vs the one-hot matrix, at 1°."""
    size = crosses.FINEST
    d = crosses.n_cells(size)
    world = crosses.world(SEED)
    idx = crosses.cell_index(world.lat_train, world.lon_train, size)
    y, b = world.y_train, F32(world.y_train.mean())
    lams, mixes = F32([0.0, LAM, LAM]), F32([1.0, 1.0, 0.0])

    def core() -> np.ndarray:
        return np.asarray(crosses.fit(idx, y, b, lams, mixes, ALPHA, num_cells=d).w)

    def ref() -> np.ndarray:
        return fit_numpy(idx, y, b, lams, mixes, ALPHA, d, crosses.STEPS)

    np.testing.assert_allclose(ref(), core(), rtol=1e-5, atol=1e-5)
    name = f"Sparse crosses: none + L1 + L2, {crosses.STEPS} steps at 1° (d = {d:,})"
    rows = [speedup_row(name, *paired_times(ref, core, repeats=repeats), target=None,
                        note="NumPy: np.bincount segment sums, a Python loop of float32 steps, "
                             "the runs one after another")]

    args = (jnp.asarray(idx), jnp.asarray(y), jnp.float32(b), jnp.asarray(lams),
            jnp.asarray(mixes), jnp.float32(ALPHA), jnp.zeros((3, d), jnp.float32))
    compiled = jax.jit(crosses.train_cells, static_argnums=(0, 1)).lower(
        d, crosses.STEPS, *args).compile()
    m = compiled.memory_analysis()
    footprint = (m.argument_size_in_bytes + m.output_size_in_bytes + m.temp_size_in_bytes
                 - m.alias_size_in_bytes)
    one_hot = y.size * d * 4
    jax.block_until_ready(compiled(*args))
    rows.append(Row("core", f"Sparse crosses: memory of training at 1° (n = {y.size:,}, "
                            f"d = {d:,})",
                    f"one-hot n×d {_fmt_bytes(one_hot)} / compiled {_fmt_bytes(footprint)}",
                    one_hot / footprint, "", None,
                    f"XLA memory analysis of the compiled fit: arguments "
                    f"{_fmt_bytes(m.argument_size_in_bytes)}, outputs "
                    f"{_fmt_bytes(m.output_size_in_bytes)}, temporaries "
                    f"{_fmt_bytes(m.temp_size_in_bytes)}; the one-hot matrix is never built"))
    return rows


if __name__ == "__main__":
    from bench import core_bench

    for row in bench(core_bench.paired_times, core_bench.speedup_row, repeats=3):
        print(row.name, "|", row.measured, "|", f"{row.ratio:.3g}×", "|", row.note)
