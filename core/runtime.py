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
    """Compile what the pages run at their defaults (every problem, penalty and rule)."""
    from core import penalties, problems
    from core.scenes import geometry, landscape, sweep, update_rules

    # 0.52 is not in the λ family: the one-λ member a move computes compiles too
    for lam in (0.5, 0.52):
        for problem in problems.LOSSES:
            for kind in penalties.KINDS:
                landscape.scene(problem, kind, lam, alpha=0.1, steps=100, w0=(-2.5, 2.5))
        for rule in ("subgradient", "clip"):
            landscape.scene("least_squares", "l1", lam, alpha=0.1, steps=100, w0=(-2.5, 2.5),
                             rule=rule)
    geometry.scene((2.0, 1.2), 2.5, 110.0, 1.2, 0.7)
    geometry.monte_carlo(1000)
    for problem in problems.LOSSES:
        update_rules.scene(0.6, 0.1, a=1.0, c=0.5, w0=1.5, steps=60, problem=problem)
    # Sparse crosses: the number of cells is a shape, so one fit and one λ sweep per cell size
    from core.scenes import crosses

    for size in crosses.RESOLUTIONS:
        crosses.scene(size, 0.002, 0.5)
    # Weights: one compile a model (epochs, d and every number are traced, not shapes)
    from core.scenes import weights

    for model in weights.MODELS:
        weights.scene(model=model, d=100, k=5, flip=0.1, seed=0, lam=0.05, drop=0.5, alpha=0.3,
                    epochs=1)

    sweep.warm()


if __name__ == "__main__":
    print(f"warming the JAX compilation cache in {use_compilation_cache()}")
    warm()
