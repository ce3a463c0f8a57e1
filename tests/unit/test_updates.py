"""core.scenes.update_rules: one weight under the primer's rules, against NumPy loops and
closed forms; the L2 Zeno underflow against log(smallest float)/log(1 − 2αλ)."""

from __future__ import annotations

import math

import jax
import jax.numpy as jnp
import numpy as np
import pytest

from core import optim, problems
from core.scenes import update_rules

F32 = np.float32


def numpy_path(kind, rule, lam, alpha, a, c, w0, steps):
    """The DESIGN.md rules as a float32 NumPy scalar loop (gradient a(w − c) by hand)."""
    w, out = F32(w0), [F32(w0)]
    al = F32(alpha) * F32(lam)
    for _ in range(steps):
        v = w - F32(alpha) * (F32(a) * (w - F32(c)))
        if rule == "proximal":
            if kind == "l1":
                new = F32(np.sign(v) * max(abs(v) - al, F32(0)))
            elif kind == "l2":
                new = v / (F32(1) + F32(2) * al)
            else:
                new = v
        else:
            pull = {"none": F32(0), "l1": al * F32(np.sign(w)), "l2": al * (F32(2) * w)}[kind]
            new = F32(v - pull)
            if rule == "clip" and np.sign(new) * np.sign(w) < 0:
                new = F32(0)
        w = F32(new)
        out.append(w)
    return np.array(out, F32)


# ---- the one-weight data loss -----------------------------------------------------------

@pytest.mark.parametrize("dtype", [jnp.float32, jnp.float64])
def test_the_gradient_of_the_one_weight_loss_is_exactly_a_times_w_minus_c(dtype):
    rng = np.random.default_rng(0)
    for _ in range(50):
        a, c, w = rng.uniform(0.05, 4), rng.uniform(-2, 2), rng.uniform(-3, 3)
        p = update_rules.one_weight(a, c, dtype=dtype)
        wj = jnp.asarray([w], dtype)
        g = jax.grad(p.loss)(wj)
        assert g[0] == p.a * (wj[0] - p.c)  # bit for bit: ½ and 2 are powers of two
        assert float(p.loss(wj)) == pytest.approx(0.5 * a * (w - c) ** 2, rel=1e-5)


def test_no_data_loss_has_zero_gradient():
    p = update_rules.one_weight(0.0, 0.7)
    assert float(jax.grad(p.loss)(jnp.asarray([1.3], jnp.float32))[0]) == 0.0


# ---- the runs -----------------------------------------------------------------------------

CASES = [  # lam, alpha, a, c, w0
    (0.6, 0.1, 1.0, 0.5, 1.5),
    (4.0, 0.1, 1.0, 0.5, 1.5),
    (0.3, 0.2, 2.5, -1.2, 2.0),
    (1.0, 0.05, 0.0, 0.0, -0.8),   # no data loss
]


@pytest.mark.parametrize("lam, alpha, a, c, w0", CASES)
def test_every_run_matches_a_numpy_scalar_loop(lam, alpha, a, c, w0):
    runs = update_rules.one_weight_runs(lam, alpha, a=a, c=c, w0=w0, steps=80)
    for rid, kind, rule in update_rules.RUNS:
        ref = numpy_path(kind, rule, lam, alpha, a, c, w0, 80)
        got = runs[rid].w
        assert got.dtype == np.float32 and got.shape == (81,)
        # compiled code fuses w − α·g into one multiply-add: a last-bit difference at most
        np.testing.assert_allclose(got, ref, rtol=0, atol=2e-6, err_msg=rid)
        assert np.array_equal(got == 0, ref == 0), rid


def test_clip_and_proximal_land_on_exactly_zero_the_primers_example():
    # No data loss, αλ = 0.3, w0 = +0.1: subgradient goes to −0.2, clip and proximal to 0.
    runs = update_rules.one_weight_runs(3.0, 0.1, a=0.0, c=0.0, w0=0.1, steps=10)
    assert runs["l1_subgradient"].w[1] == pytest.approx(-0.2, abs=1e-6)
    for rid in ("l1_clip", "l1_proximal"):
        w = runs[rid].w
        assert w[1] == 0.0 and np.all(w[1:] == 0.0), rid  # exactly 0, and it stays there
        assert runs[rid].first_zero == 1 and list(runs[rid].landings) == [1]
    # L2 only shrinks: 0.1·(1 − 2αλ)^k, never 0
    np.testing.assert_allclose(runs["l2"].w, 0.1 * 0.4 ** np.arange(11), rtol=1e-5)
    assert np.all(runs["l2"].w != 0)


def test_proximal_stays_at_zero_when_lambda_beats_the_data_pull_and_clip_leaves():
    # a|c| = 0.5 < λ = 1: 0 minimizes J + λ|w|; proximal lands and stays, clip is pushed off
    # again by the data step at w = 0 (sign(0) = 0: no pull) and clipped back.
    runs = update_rules.one_weight_runs(1.0, 0.1, a=1.0, c=0.5, w0=1.5, steps=80)
    prox, clip = runs["l1_proximal"], runs["l1_clip"]
    k = prox.first_zero
    assert k > 0 and np.all(prox.w[k:] == 0.0)
    assert len(clip.landings) > 3
    i = clip.landings[0]
    assert clip.w[i + 1] == pytest.approx(0.1 * 1.0 * 0.5)  # w = 0 → 0 − α·a(0 − c)
    assert not np.any(runs["l1_subgradient"].w[1:] == 0.0)  # subgradient never lands


def test_subgradient_hops_in_the_band_without_data():
    """With no data, once |w| < αλ the L1 step w − αλ·sign(w) keeps |w| < αλ, flips the sign
    every step and moves by exactly αλ: the weight hops inside the band (−αλ, αλ), the
    primer's plateau of width 2αλ around 0, and never lands on 0."""
    lam, alpha = 0.5, 0.1
    band = float(F32(alpha) * F32(lam))
    runs = update_rules.one_weight_runs(lam, alpha, a=0.0, c=0.0, w0=0.33, steps=40)
    w = runs["l1_subgradient"].w
    inside = int(np.argmax(np.abs(w) < band))
    assert inside == 6  # 0.33 − 6·0.05 = 0.03
    tail = w[inside:].astype(np.float64)
    assert np.all(np.abs(tail) < band)
    assert np.all(np.sign(tail[1:]) == -np.sign(tail[:-1]))
    np.testing.assert_allclose(np.abs(np.diff(tail)), band, rtol=1e-5)
    assert tail.max() == pytest.approx(0.03, abs=1e-6)  # it hops between +0.03 and −0.02
    assert tail.min() == pytest.approx(-0.02, abs=1e-6)
    assert not np.any(tail == 0)


def test_too_large_lambda_plateau_has_width_two_alpha_lambda():
    lam, alpha, a, c = 4.0, 0.1, 1.0, 0.5
    runs = update_rules.one_weight_runs(lam, alpha, a=a, c=c, w0=1.5, steps=200)
    tail = runs["l1_subgradient"].w[50:].astype(np.float64)
    band = alpha * lam
    # near 0 each step moves w by αλ ± α·a|w − c|, so the plateau spans 2αλ around 0
    assert np.all(np.abs(tail) <= band + alpha * a * (abs(c) + band) + 1e-6)
    assert tail.max() - tail.min() == pytest.approx(2 * band, abs=2 * alpha * a * abs(c))
    assert tail.min() < 0 < tail.max()
    # and L2 collapses to its minimizer a·c/(a + 2λ) in a few steps
    assert runs["l2"].w[10] == pytest.approx(a * c / (a + 2 * lam), abs=1e-6)


@pytest.mark.parametrize("lam, alpha, a, c, w0", CASES[:3])
def test_runs_converge_to_the_closed_form_minimizers(lam, alpha, a, c, w0):
    runs = update_rules.one_weight_runs(lam, alpha, a=a, c=c, w0=w0, steps=200)
    for rid, kind in (("none", "none"), ("l1_proximal", "l1"), ("l2", "l2")):
        m = update_rules.minimizer_1d(kind, lam, a, c)
        assert runs[rid].w[-1] == pytest.approx(m, abs=2e-6), rid
        if m == 0.0:
            assert runs[rid].w[-1] == 0.0, rid


def test_closed_form_minimizers():
    # checked against a fine grid of J + λP
    grid = np.linspace(-3, 3, 600_001)
    for lam, a, c in [(0.6, 1.0, 0.5), (0.2, 1.0, 0.5), (1.0, 2.0, -1.5), (0.0, 1.0, 0.3)]:
        J = 0.5 * a * (grid - c) ** 2
        for kind, P in (("l1", np.abs(grid)), ("l2", grid ** 2)):
            assert update_rules.minimizer_1d(kind, lam, a, c) == pytest.approx(
                grid[np.argmin(J + lam * P)], abs=2e-5)
    assert update_rules.minimizer_1d("l1", 0.6, 1.0, 0.5) == 0.0  # λ ≥ a|c|: exactly 0
    assert update_rules.minimizer_1d("none", 0.5, 0.0, 0.3) is None  # no data, no penalty
    assert update_rules.minimizer_1d("l2", 0.5, 0.0, 0.3) == 0.0


# ---- the numbers of the k-th update ------------------------------------------------------------

@pytest.mark.parametrize("lam, alpha, a, c, w0", CASES + [(3.0, 0.1, 0.0, 0.0, 0.1)])
def test_the_numbers_of_each_update_rebuild_the_path(lam, alpha, a, c, w0):
    s = update_rules.scene(lam, alpha, a=a, c=c, w0=w0, steps=30, data=a > 0)
    band = float(F32(alpha) * F32(lam))
    assert s.band == band
    for rid, kind, rule in update_rules.RUNS:
        w = s.runs[rid].w
        for k in range(30):
            n = s.numbers(rid, k)
            assert n.w == w[k] and n.new == w[k + 1]
            eps = 1e-6 * (abs(n.w) + abs(c) + 1)  # float32 rounding of the terms
            assert n.grad == pytest.approx(a * (n.w - c), abs=a * eps)
            assert n.v == pytest.approx(n.w - alpha * n.grad, abs=eps)
            pull = {"none": 0.0, "l1": band * np.sign(n.w), "l2": 2 * band * n.w}[kind]
            assert n.pull == pytest.approx(pull, rel=1e-6, abs=1e-9)
            assert n.raw == pytest.approx(n.v - n.pull, abs=eps)
            if rule == "subgradient" or kind == "none":
                expect = n.raw if kind != "none" else n.v
            elif rule == "clip":
                expect = 0.0 if np.sign(n.raw) * np.sign(n.w) < 0 else n.raw
                assert n.zeroed == (expect == 0.0 and n.raw != 0.0)
            else:
                expect = math.copysign(max(abs(n.v) - band, 0.0), n.v)
                assert n.zeroed == (abs(n.v) <= band)
            assert n.new == pytest.approx(expect, abs=eps), (rid, k)
            if expect == 0.0:
                assert n.new == 0.0, (rid, k)


# ---- Zeno -------------------------------------------------------------------------------

def test_compiled_code_flushes_subnormals_to_zero_on_this_cpu():
    """The page's claim, checked directly: the smallest number compiled code keeps is the
    smallest normal (finfo.tiny), not the smallest subnormal."""
    for dtype in (jnp.float32, jnp.float64):
        tiny = jnp.asarray(jnp.finfo(dtype).tiny, dtype)
        assert float(jax.jit(lambda x: x * 0.25)(tiny)) == 0.0
        assert float(jax.jit(lambda x: x * 1.0)(tiny)) > 0.0
        assert update_rules.smallest_float(dtype) == float(jnp.finfo(dtype).tiny)


@pytest.mark.parametrize("dtype", [jnp.float32, jnp.float64])
@pytest.mark.parametrize("lam, alpha, w0", [(0.5, 0.1, 1.5), (0.1, 0.1, 1.0), (1.5, 0.1, -0.7),
                                            (4.0, 0.1, 3.0), (0.5, 0.2, 2.5), (0.05, 0.3, 1.0)])
def test_zeno_reaches_zero_where_the_log_formula_says(dtype, lam, alpha, w0):
    z = update_rules.zeno(lam, alpha, w0, dtype=dtype)
    tiny = float(jnp.finfo(dtype).tiny)
    predicted = math.log(tiny / abs(w0)) / math.log(abs(1 - 2 * alpha * lam))
    assert z.status == update_rules.ZENO_ZERO
    assert abs(z.zero_at - predicted) <= 2, (z.zero_at, predicted)
    assert z.predicted == pytest.approx(predicted)
    assert tiny <= z.last < tiny / abs(1 - 2 * alpha * lam) * 1.01  # the last non-zero |w|
    assert z.k[0] == 0 and z.log10_w[0] == pytest.approx(math.log10(abs(w0)), abs=1e-6)
    assert np.all(np.diff(z.k) >= 0) and z.k[-1] == z.zero_at


def test_zeno_runs_exactly_the_l2_rule_of_optim():
    """Sampled every step, the Zeno run is bit for bit ``optim.descend`` with no data loss."""
    for dtype in (jnp.float32, jnp.float64):
        z = update_rules.zeno(0.5, 0.1, 1.5, dtype=dtype, points=100, horizon=100)
        flat = update_rules.one_weight(0.0, 0.0, dtype=dtype)
        path = optim.descend(flat, "l2", 0.5, 0.1, jnp.asarray([1.5], dtype), steps=100,
                             rule="subgradient").path[:, 0]
        assert list(z.k) == list(range(101))
        np.testing.assert_array_equal(z.w, np.asarray(path, np.float64))
        np.testing.assert_allclose(z.log10_w, np.log10(np.abs(z.w)))


def test_float32_reaches_zero_long_before_float64():
    z32 = update_rules.zeno(0.5, 0.1, 1.0, dtype=jnp.float32)
    z64 = update_rules.zeno(0.5, 0.1, 1.0, dtype=jnp.float64)
    assert z32.zero_at == 829 and z64.zero_at == 6724  # ⌈log(tiny)/log(0.9)⌉ in each


def test_with_gradual_underflow_numpy_never_reaches_zero():
    """The page's aside: IEEE subnormals with round-to-nearest (NumPy) make w − 2αλw stall
    at about 1/(4αλ) subnormal units: Zeno wins."""
    w, t = F32(1.0), F32(0.1)
    for _ in range(2000):
        w = F32(w - t * w)
    assert w != 0 and w / np.finfo(F32).smallest_subnormal == pytest.approx(1 / (2 * 0.1), 0.3)


def test_zeno_says_when_it_cannot_get_to_zero():
    capped = update_rules.zeno(0.01, 0.001, 1.0, dtype=jnp.float32, cap=5000)
    assert capped.status == update_rules.ZENO_RUNNING
    assert capped.end == 5000 and capped.zero_at == -1
    assert capped.last == pytest.approx((1 - 2e-5) ** 5000, rel=1e-3)
    assert capped.predicted == pytest.approx(math.log(float(jnp.finfo(jnp.float32).tiny))
                                             / math.log(1 - 2e-5))
    still = update_rules.zeno(0.0, 0.1, 1.0, dtype=jnp.float32)  # λ = 0: nothing to remove
    assert still.status == update_rules.ZENO_STALLED and still.end == 1 and still.last == 1.0
    flip = update_rules.zeno(5.0, 0.2, 1.0, dtype=jnp.float32)  # 2αλ = 2: w → −w forever
    assert flip.status == update_rules.ZENO_STALLED and math.isnan(flip.predicted)
    grow = update_rules.zeno(5.0, 1.5, 1.0, dtype=jnp.float32)  # 2αλ = 15: |w| grows 14× a step
    assert grow.status == update_rules.ZENO_DIVERGED and np.all(np.isfinite(grow.log10_w))
    assert grow.end == 7  # 14^7 > 1e8 = optim.DIVERGED_NORM
    zero = update_rules.zeno(0.5, 0.1, 0.0, dtype=jnp.float32)
    assert zero.zero_at == 0


# ---- the scene and the two-weight view ------------------------------------------------------

def test_scene_two_weight_paths_are_optim_descend_on_the_landscape_problem():
    s = update_rules.scene(1.0, 0.1, a=1.0, c=0.5, w0=1.5, steps=40, problem="least_squares")
    p = problems.demo_problem("least_squares")
    for rid, kind, rule in update_rules.RUNS[1:]:
        start = jnp.asarray(update_rules.PLANE_START, jnp.float32)
        ref = optim.trajectory(p, kind, 1.0, 0.1, start, steps=40, rule=rule)
        np.testing.assert_array_equal(s.plane.runs[rid].path, np.asarray(ref))
    assert s.plane.minimizers["l1"][1] == 0.0  # the Landscape page's λ = 1 exact zero
    assert s.plane.J.shape == s.plane.P["l1"].shape == (81, 81)


def test_a_diverging_step_is_reported_and_stays_finite():
    s = update_rules.scene(5.0, 1.5, a=4.0, c=-2.0, w0=3.0, steps=200)
    assert s.diverged and all(0 < at <= 200 for at in s.diverged.values())
    for r in s.runs.values():
        assert np.all(np.isfinite(r.w))
    for r in s.plane.runs.values():
        assert np.all(np.isfinite(r.path))


def cache_size(f) -> int:
    return f._cache_size()


def test_new_numbers_do_not_recompile():
    update_rules.scene(0.5, 0.1, a=1.0, c=0.5, w0=1.5, steps=50)
    before = (cache_size(optim._descend), cache_size(update_rules._zeno))
    update_rules.scene(2, 0.05, a=2.5, c=-1.0, w0=-2.0, steps=120, data=False)
    update_rules.scene(np.float64(0.3), np.float32(0.2), a=1, c=0, w0=1, steps=1)
    assert (cache_size(optim._descend), cache_size(update_rules._zeno)) == before


@pytest.mark.parametrize("lam, alpha, w0", [(0.5, 0.1, 1.5), (0.05, 0.3, -1.0)])
def test_zeno_chart_hidden_gives_no_step_away(lam, alpha, w0):
    """Hidden (predict first), the chart draws only each precision's floor, over axes that do
    not say when w reaches 0: every panel spans one round number of steps, at least 1.2 times
    the later zero (the log formula's k), and runs from log₁₀|w₀| down to log₁₀ of the
    smallest float."""
    from ui import figures

    runs = {name: update_rules.zeno(lam, alpha, w0, dtype=dtype)
            for name, dtype in (("float32", jnp.float32), ("float64", jnp.float64))}
    fig = figures.zeno_figure(runs, color="#000", two_alpha_lambda=2 * alpha * lam,
                              show_answer=False).to_dict()
    layout = fig["layout"]
    later = max(math.log(float(jnp.finfo(d).tiny) / abs(w0)) / math.log(abs(1 - 2 * alpha * lam))
                for d in (jnp.float32, jnp.float64))
    spans = {layout[k]["range"][1] for k in layout if k.startswith("xaxis")}
    assert len(spans) == 1
    span = spans.pop()
    mantissa = span / 10 ** math.floor(math.log10(span))
    assert span >= 1.2 * later - 2 and round(mantissa, 9) in (1, 1.5, 2, 3, 4, 5, 6, 8)
    for ax, dtype in (("yaxis", jnp.float32), ("yaxis2", jnp.float64)):
        lo, hi = layout[ax]["range"]
        assert lo < math.log10(float(jnp.finfo(dtype).tiny)) and hi > math.log10(abs(w0))
    assert all("smallest" in t["name"] for t in fig["data"])   # only the floors
