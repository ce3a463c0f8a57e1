"""A slider move (new λ, α, start, mix, data of the same shape) must not recompile.

Counts the entries of each jitted function's compilation cache (``_cache_size()`` of a
``jax.jit`` function, present in jax 0.10): a new entry is a new trace and compile.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import jax.numpy as jnp
import numpy as np
import pytest

from core import grids, optim, problems, solve


def cache_size(f) -> int:
    assert hasattr(f, "_cache_size"), f"{f} is not a jax.jit function (or jax changed)"
    return f._cache_size()


def test_cache_counter_sees_a_real_recompile():
    # the counter is meaningful: a new static argument (steps) is a new entry
    p = problems.demo("least_squares")
    w0 = jnp.zeros(2, jnp.float32)
    optim.descend(p, "l1", 0.1, 0.1, w0, steps=7)
    before = cache_size(optim._descend)
    optim.descend(p, "l1", 0.1, 0.1, w0, steps=8)
    assert cache_size(optim._descend) == before + 1


@pytest.mark.parametrize("rule", ["subgradient", "clip", "proximal"])
def test_descend_new_lambda_alpha_start_does_not_recompile(rule):
    p = problems.demo("logistic")
    optim.descend(p, "elastic_net", 0.1, 0.5, jnp.asarray([1.0, -1.0], jnp.float32), steps=30,
                  rule=rule, mix=0.5)
    before = cache_size(optim._descend)
    out = optim.descend(p, "elastic_net", 0.35, 0.07, jnp.asarray([-2.0, 0.5], jnp.float32),
                        steps=30, rule=rule, mix=0.8)
    # a different dataset of the same shape and kind is data, not code
    q = problems.demo("logistic", seed=9)
    optim.descend(q, "elastic_net", 0.9, 0.2, jnp.asarray([0.3, 0.3], jnp.float32), steps=30,
                  rule=rule, mix=0.1)
    assert cache_size(optim._descend) == before
    assert out.path.shape == (31, 2)


def test_trajectory_new_lambda_alpha_start_does_not_recompile():
    p = problems.demo("sine")
    optim.trajectory(p, "l2", 0.1, 0.05, jnp.asarray([1.0, -1.0], jnp.float32), steps=30)
    before = cache_size(optim._descend)
    optim.trajectory(p, "l2", 2.5, 0.01, jnp.asarray([-3.0, 2.0], jnp.float32), steps=30)
    assert cache_size(optim._descend) == before


def test_descend_does_not_recompile_for_how_a_number_is_spelled():
    """λ = 1 (an int slider, a preset), np.float32/np.float64 (a λ from a NumPy grid), and
    mix/rule passed explicitly at their defaults are all the same computation: one compile."""
    p = problems.demo("least_squares")
    w0 = jnp.asarray([1.0, -1.0], jnp.float32)
    optim.descend(p, "l1", 0.1, 0.05, w0, steps=33)
    before = cache_size(optim._descend)
    grew = []
    for label, call in [
        ("rule= passed explicitly", lambda: optim.descend(p, "l1", 0.2, 0.05, w0, steps=33,
                                                          rule="proximal")),
        ("mix= passed explicitly", lambda: optim.descend(p, "l1", 0.2, 0.05, w0, steps=33,
                                                         mix=0.5)),
        ("lam an int", lambda: optim.descend(p, "l1", 1, 0.05, w0, steps=33)),
        ("lam a np.float32", lambda: optim.descend(p, "l1", np.float32(0.3), 0.05, w0, steps=33)),
        ("lam a np.float64", lambda: optim.descend(p, "l1", np.float64(0.3), 0.05, w0, steps=33)),
    ]:
        n = cache_size(optim._descend)
        call()
        if cache_size(optim._descend) > n:
            grew.append(label)
    assert not grew, f"optim.descend recompiled for: {grew}"
    assert cache_size(optim._descend) == before


def test_descend_new_lambda_changes_the_path():
    # guard against a "no recompile" that comes from λ being baked in as a constant
    p = problems.demo("least_squares")
    w0 = jnp.asarray([2.0, 2.0], jnp.float32)
    a = np.asarray(optim.trajectory(p, "l1", 0.0, 0.1, w0, steps=30))
    b = np.asarray(optim.trajectory(p, "l1", 1.0, 0.1, w0, steps=30))
    assert not np.allclose(a[-1], b[-1])


def test_surface_new_view_and_mix_does_not_recompile():
    p = problems.demo("sine")
    grids.surface(p, "elastic_net", n=51, mix=0.5)
    before = cache_size(grids._surface)
    g = grids.surface(p, "elastic_net", n=51, mix=0.2, view=(-1.0, 1.0, -2.0, 0.5))
    grids.surface(problems.demo("sine", seed=5), "elastic_net", n=51, mix=0.9)
    assert cache_size(grids._surface) == before
    assert g.J.shape == (51, 51)


def test_family_new_lambdas_do_not_recompile():
    g = grids.surface(problems.demo("least_squares"), "l2", n=51)
    grids.family(g, [0.0, 0.5, 1.0])
    before = cache_size(grids._family)
    F = grids.family(g, [0.1, 0.2, 3.0])
    assert cache_size(grids._family) == before
    np.testing.assert_allclose(np.asarray(F[2]), np.asarray(g.J + 3.0 * g.P), rtol=1e-6)


@pytest.mark.parametrize("loss", ["least_squares", "logistic"])
def test_minimize_fista_new_lambda_does_not_recompile(loss):
    p = problems.demo(loss)
    solve.minimize(p, "l1", 0.1)
    before = cache_size(solve._fista)
    solve.minimize(p, "l1", 0.45)
    solve.minimize(p, "elastic_net", 0.3, mix=0.2)  # a new kind may compile once...
    after_kind = cache_size(solve._fista)
    solve.minimize(p, "elastic_net", 0.6, mix=0.7)  # ...but not again for new numbers
    solve.minimize(problems.demo(loss, seed=2), "l1", 0.2)
    assert cache_size(solve._fista) == after_kind
    assert after_kind <= before + 1


def test_ridge_closed_form_new_lambda_does_not_recompile():
    p = problems.demo("least_squares")
    solve.minimize(p, "l2", 0.1)
    before = cache_size(solve._ridge_closed_form)
    solve.minimize(p, "l2", 0.9)
    solve.minimize(p, "none", 0.0)
    assert cache_size(solve._ridge_closed_form) == before


def test_surface_and_minimize_do_not_recompile_for_how_a_number_is_spelled():
    p = problems.demo("least_squares")
    grids.surface(p, "elastic_net", n=31, mix=0.5)
    solve.minimize(p, "l1", 0.5)
    s_before, f_before = cache_size(grids._surface), cache_size(solve._fista)
    grids.surface(p, "elastic_net", n=31, mix=1)
    grids.surface(p, "elastic_net", n=31, mix=np.float64(0.3))
    grids.surface(p, "elastic_net", n=31)
    solve.minimize(p, "l1", 1)
    solve.minimize(p, "l1", np.float32(0.25))
    solve.minimize(p, "l1", jnp.float32(0.25), mix=0.5)
    assert cache_size(grids._surface) == s_before
    assert cache_size(solve._fista) == f_before


FIRST_RUNS = {
    "landscape": "from core.scenes import landscape; landscape.scene('least_squares', 'l1', 0.5, "
                 "alpha=0.1, steps=100, w0=(-2.5, 2.5))",
    "geometry": "from core.scenes import geometry; "
                "geometry.scene((2.0, 1.2), 2.5, 110.0, 1.2, 0.7); geometry.monte_carlo(1000)",
}


@pytest.mark.parametrize("page", FIRST_RUNS)
def test_a_pages_first_run_needs_no_scipy(page):
    """jaxlib imports SciPy for its first LAPACK call (0.2 s of a fresh server's first page):
    the two-weight problems' 2 × 2 solves and eigenvalues are written out instead."""
    code = f"import sys; {FIRST_RUNS[page]}; print('scipy.linalg' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         cwd=Path(__file__).resolve().parents[2], check=True)
    assert out.stdout.strip() == "False", out.stderr[-2000:]


@pytest.mark.parametrize("kind", ["l1", "l2"])
def test_solve_does_not_recompile_for_new_numbers_or_how_they_are_spelled(kind):
    """``solve.solve`` is compiled whole: λ as an int, a float or a NumPy scalar, and the
    start as a tuple, a list or an array, are one program (as the Update rules page calls it)."""
    p = problems.demo("least_squares")
    solve.solve(p, kind, 0.5, w0=(-2.5, 2.5))
    before = cache_size(solve._solve)
    for lam, w0 in [(1, (-2.5, 2.5)), (np.float32(0.3), [1.0, 2.0]),
                    (np.float64(2.0), np.asarray([0.5, -0.5], np.float32)), (0.7, (1, 2))]:
        solve.solve(p, kind, lam, w0=w0)
    assert cache_size(solve._solve) == before
