"""Root conftest for every test layer.

- Puts the repository root first on ``sys.path`` so ``import core`` works even
  when pytest is run without pyproject's ``pythonpath`` (e.g. from another
  directory or an older pytest).
- Pins JAX to the CPU (no accelerator probing, same numbers everywhere) and
  imports ``core`` once, which switches on float64 (``jax_enable_x64``) before
  any test builds an array: the unit tests compare against closed forms in
  float64.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

os.environ.setdefault("JAX_PLATFORMS", "cpu")

import core  # noqa: E402,F401  (enables jax_enable_x64 before any test runs)
