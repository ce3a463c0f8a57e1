"""How the app runs JAX: a persistent compilation cache in the project, and a warm-up.

``python -m core.runtime`` compiles what the pages use into that cache (``make run``
does it before it starts the server, the Dockerfile at build time), so a fresh server's
first slider move loads compiled code from disk instead of compiling.
"""

from __future__ import annotations

import os
from pathlib import Path

import jax

CACHE_DIR = Path(__file__).resolve().parent.parent / ".jax_cache"


def use_compilation_cache(path: Path = CACHE_DIR) -> Path:
    """Keep every compiled function in ``path`` (made owner-only: nobody else may plant code)."""
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    os.chmod(path, 0o700)
    jax.config.update("jax_compilation_cache_dir", str(path))
    jax.config.update("jax_persistent_cache_min_compile_time_secs", 0)
    jax.config.update("jax_persistent_cache_min_entry_size_bytes", 0)
    return path


def warm() -> None:
    """Compile what the pages run at their defaults (each page's ``DEFAULTS``, in
    ``core.scenes``), for every problem, penalty and rule the first screen offers."""
    from core import penalties, problems
    from core.scenes import crosses, geometry, landscape, sweep, update_rules, weights

    d = landscape.DEFAULTS
    start = (d["w1"], d["w2"])
    # a λ off the family too: the one-λ member a move computes compiles as well
    for lam in (d["lam"], d["lam"] + 0.02):
        for problem in problems.LOSSES:
            for kind in penalties.KINDS:
                landscape.scene(problem, kind, lam, alpha=d["alpha"], steps=d["steps"], w0=start)
        for rule in ("subgradient", "clip"):
            landscape.scene(d["problem"], d["penalty"], lam, alpha=d["alpha"], steps=d["steps"],
                            w0=start, rule=rule)
    d = geometry.DEFAULTS
    geometry.scene((d["c1"], d["c2"]), d["elong"], d["rot"], d["t"], d["lam"])
    geometry.monte_carlo(d["mc_n"])
    d = update_rules.DEFAULTS
    for problem in problems.LOSSES:
        update_rules.scene(d["lam"], d["alpha"], a=d["a"], c=d["c"], w0=d["w0"],
                           steps=d["steps"], problem=problem)
    # Sparse crosses: the number of cells is a shape, so one fit and one λ sweep per cell size
    d = crosses.DEFAULTS
    for size in crosses.RESOLUTIONS:
        crosses.scene(size, d["lambda"], d["alpha"])
    # Weights: one compile a model (epochs, d and every number are traced, not shapes)
    d = weights.DEFAULTS
    for model in weights.MODELS:
        weights.scene(model=model, d=d["d"], k=d["k"], flip=d["flip"], seed=d["seed"],
                      lam=d["lam"], drop=d["drop"], alpha=d["alpha"], epochs=1)
    sweep.warm()


if __name__ == "__main__":
    print(f"warming the JAX compilation cache in {use_compilation_cache()}")
    warm()
