"""core.scenes.crosses: the crossed feature, the byte formulas, training against the closed form,
exact zeros, and no n × d array anywhere."""

from __future__ import annotations

import math

import jax
import jax.numpy as jnp
import numpy as np
import pytest

from core import optim
from core.scenes import crosses

SEED = 0


@pytest.fixture(scope="module")
def world():
    return crosses.world(SEED)


def indices(world, size):
    return (crosses.cell_index(world.lat_train, world.lon_train, size),
            crosses.cell_index(world.lat_test, world.lon_test, size))


def train(world, size, lams, mixes, alpha=0.5, **kw):
    idx, _ = indices(world, size)
    f = crosses.fit(idx, world.y_train, world.y_train.mean(), lams, mixes, alpha,
                    num_cells=crosses.n_cells(size), **kw)
    return idx, jax.device_get(f)


# ---- the world --------------------------------------------------------------------------------

def test_the_world_is_seeded_and_read_only():
    a, b, c = crosses.world(3), crosses.world(3), crosses.world(4)
    for x, y in zip(a, b, strict=True):
        np.testing.assert_array_equal(x, y)
    assert not np.array_equal(a.lat_train, c.lat_train)
    assert a.lat_train.shape == (crosses.N_TRAIN,) and a.y_test.shape == (crosses.N_TEST,)
    with pytest.raises(ValueError):
        a.y_train[0] = 1.0


def test_on_land_against_known_places():
    places = {(2.35, 48.86): True, (-74.0, 40.7): True, (25.0, 0.0): True,      # Paris, NY, Congo
              (134.0, -25.0): True, (-30.0, 30.0): False, (-150.0, 0.0): False,  # Australia, seas
              (80.0, -20.0): False, (0.0, -80.0): False}                          # Indian O., pole
    lon, lat = np.array(list(places)).T
    assert crosses.on_land(lon, lat).tolist() == list(places.values())


def test_people_live_on_land_and_the_oceans_are_empty(world):
    background = world.city_train < 0
    assert 0.1 < background.mean() < 0.2
    assert crosses.on_land(world.lon_train[background], world.lat_train[background]).all()
    # the middle of the Pacific and of the South Atlantic: nobody
    for lon0, lon1, lat0, lat1 in ((-170, -130, -30, 30), (-30, 0, -50, -10)):
        inside = ((world.lon_train > lon0) & (world.lon_train < lon1)
                  & (world.lat_train > lat0) & (world.lat_train < lat1))
        assert not inside.any()


def test_prices_depend_on_the_region(world):
    # downtown London is dearer than downtown Lagos by far more than the noise
    def downtown(name):
        k = [c[0] for c in crosses.CITIES].index(name)
        lat, lon = crosses.CITIES[k][1:3]
        near = (world.city_train == k) & (np.hypot(world.lat_train - lat,
                                                   world.lon_train - lon) < 0.5)
        return world.y_train[near].mean()

    assert downtown("London") - downtown("Lagos") > 5.0


# ---- the crossed feature -------------------------------------------------------------------------

@pytest.mark.parametrize("size", crosses.RESOLUTIONS)
def test_grid_and_dimension(size):
    rows, cols = crosses.grid_shape(size)
    assert rows * size == 180 and cols * size == 360
    assert crosses.n_cells(size) == rows * cols


def test_resolutions_run_from_tens_of_degrees_to_one_degree():
    assert len(crosses.RESOLUTIONS) == 8
    assert crosses.RESOLUTIONS[0] >= 20 and crosses.FINEST == 1
    assert crosses.n_cells(crosses.FINEST) == 64_800
    with pytest.raises(ValueError):
        crosses.grid_shape(7)


@pytest.mark.parametrize("size", [45, 10, 1])
def test_cell_index_against_a_scalar_reference(size):
    rng = np.random.default_rng(1)
    lat = np.concatenate([rng.uniform(-90, 90, 300), [-90.0, 90.0, 0.0, 89.999]])
    lon = np.concatenate([rng.uniform(-180, 180, 300), [-180.0, 180.0, 0.0, -0.001]])
    rows, cols = 180 // size, 360 // size
    want = []
    for la, lo in zip(lat, lon, strict=True):
        r = min(int(math.floor((la + 90) / size)), rows - 1)
        c = min(int(math.floor((lo + 180) / size)), cols - 1)
        want.append(r * cols + c)
    got = crosses.cell_index(lat, lon, size)
    assert got.dtype == np.int32
    assert got.tolist() == want
    assert got.min() >= 0 and got.max() < rows * cols


def test_cell_centres_sit_in_their_cells():
    lat, lon = crosses.cell_centres(10)
    idx = crosses.cell_index(np.repeat(lat, lon.size), np.tile(lon, lat.size), 10)
    np.testing.assert_array_equal(idx, np.arange(crosses.n_cells(10)))


# ---- bytes at inference ----------------------------------------------------------------------

def test_byte_formulas():
    assert crosses.dense_bytes(64_800) == 4 * 64_800 == 259_200
    assert crosses.sparse_bytes(0) == 0
    assert crosses.sparse_bytes(208) == (4 + 4) * 208
    # the primer's arithmetic for minute-level buckets
    assert crosses.MINUTE_CELLS == 10_800 * 21_600 == 233_280_000
    assert crosses.PRIMER_CELLS == 200_000_000
    assert crosses.dense_bytes(crosses.MINUTE_CELLS) == 933_120_000


@pytest.mark.parametrize("size,lam", [(2, 1e-3), (1, 2e-4), (20, 0.05)])
def test_scene_bytes_follow_the_formulas(size, lam):
    s = crosses.scene(size, lam, 0.5, SEED)
    w = s.w.reshape(len(crosses.RUNS), -1)
    nnz = np.count_nonzero(w, axis=1)
    np.testing.assert_array_equal(s.nonzero, nnz)
    np.testing.assert_array_equal(s.dense, 4 * s.rows * s.cols)
    np.testing.assert_array_equal(s.sparse, 8 * nnz)
    assert s.cells == w.shape[1] == (180 // size) * (360 // size)
    assert s.design_bytes == crosses.N_TRAIN * s.cells * 4


# ---- training ---------------------------------------------------------------------------------

def test_closed_form_meets_the_optimality_conditions(world):
    """The reference itself: ∂/∂w_c [J + λP] = 0 (or 0 ∈ the subdifferential at w_c = 0)."""
    idx, _ = indices(world, 2)
    d, n, lam = crosses.n_cells(2), world.y_train.size, 1e-3
    b = float(world.y_train.mean())
    count = np.bincount(idx, minlength=d)
    total = np.bincount(idx, weights=world.y_train.astype(np.float64), minlength=d)
    for kind in ("none", "l1", "l2"):
        w = crosses.closed_form(idx, world.y_train, b, lam, kind, num_cells=d)
        grad = 2.0 / n * (count * (b + w) - total)          # ∂J/∂w_c, 0 in empty cells
        if kind == "none":
            np.testing.assert_allclose(grad, 0, atol=1e-9)
        elif kind == "l2":
            np.testing.assert_allclose(grad + 2 * lam * w, 0, atol=1e-9)
        else:
            on = w != 0
            np.testing.assert_allclose(grad[on] + lam * np.sign(w[on]), 0, atol=1e-9)
            assert np.all(np.abs(grad[~on]) <= lam + 1e-12)
            assert 0 < on.sum() < (count > 0).sum()
        assert np.all(w[count == 0] == 0)


@pytest.mark.parametrize("size", [45, 10, 2, 1])
@pytest.mark.parametrize("lam", [1e-5, 1e-3, 0.05])
def test_training_reaches_the_closed_form(world, size, lam):
    idx, f = train(world, size, [0.0, lam, lam], [1.0, 1.0, 0.0])
    b = float(np.float32(world.y_train.mean()))
    d = crosses.n_cells(size)
    assert f.settled.all() and (f.diverged_at == -1).all()
    want = {kind: crosses.closed_form(idx, world.y_train, b, lam, kind, num_cells=d)
            for kind in ("none", "l1", "l2")}
    for r, kind in enumerate(("none", "l1", "l2")):
        np.testing.assert_allclose(f.w[r], want[kind], rtol=1e-5, atol=2e-5)
    # L1's zeros are exact zeros, where the closed form has them (but for a cell whose
    # evidence sits within float32 rounding of its threshold λn/(2n_c))
    count = np.bincount(idx, minlength=d)
    margin = np.abs(want["none"]) - np.divide(lam * world.y_train.size / 2, count,
                                              out=np.zeros(d), where=count > 0)
    zero = want["l1"] == 0
    assert np.all(np.abs(margin[(f.w[1] == 0) != zero]) < 1e-4)
    assert np.all(f.w[1][zero & (np.abs(margin) >= 1e-4)] == 0.0)


@pytest.mark.parametrize("size", crosses.RESOLUTIONS)
@pytest.mark.parametrize("lam", [1e-5, 2e-4, 1e-3, 0.01])
def test_l1_keeps_at_most_as_many_weights_as_l2(world, size, lam):
    _, f = train(world, size, [lam, lam], [1.0, 0.0])
    l1, l2 = np.count_nonzero(f.w, axis=1)
    assert l1 <= l2


def test_on_the_default_setting_l1_keeps_far_fewer_weights_than_l2():
    s = crosses.scene(2, 2e-3, 0.5, SEED)     # the page's defaults
    l1, l2 = s.nonzero[s.run("l1")], s.nonzero[s.run("l2")]
    assert l2 == s.occupied                      # L2 keeps every cell with data
    assert l1 <= l2 / 4
    assert s.sparse[s.run("l1")] <= s.sparse[s.run("l2")] / 4
    # and the trade is small: L1's test error is within 2 % of L2's, both beat no penalty
    none, e1, e2 = (s.test_mse[s.run(k)] for k in ("none", "l1", "l2"))
    assert abs(e1 - e2) < 0.02 * e2 and max(e1, e2) < none


def test_cells_with_no_data_end_at_exactly_zero_under_l1_from_any_start(world):
    size, lam, alpha = 1, 1e-6, 0.5
    d = crosses.n_cells(size)
    idx, _ = indices(world, size)
    empty = np.bincount(idx, minlength=d) == 0
    assert empty.sum() > 0.9 * d                 # most of the world is empty
    start = 0.01 * np.random.default_rng(2).standard_normal((2, d)).astype(np.float32)
    _, f = train(world, size, [lam, lam], [1.0, 0.0], alpha=alpha, w0=start)
    assert np.all(f.w[0][empty] == 0.0)          # L1: exactly 0, every empty cell
    # L2 only divides them by 1 + 2α_cλ each step (α_c = αn/2 for an empty cell): small,
    # never 0 (the primer's point)
    shrink = (1 + 2 * alpha * crosses.N_TRAIN / 2 * lam) ** crosses.STEPS
    assert np.all(f.w[1][empty] != 0.0)
    np.testing.assert_allclose(f.w[1][empty], start[1][empty] / shrink, rtol=1e-4)
    # from the page's zero start both leave an empty cell at exactly 0
    _, g = train(world, size, [1e-3, 1e-3], [1.0, 0.0])
    assert np.all(g.w[:, empty] == 0.0)


def test_a_step_above_two_diverges_and_holds_finite_weights(world):
    _, f = train(world, 10, [0.0, 1e-3, 1e-3], [1.0, 1.0, 0.0], alpha=2.2)
    assert (f.diverged_at > 0).all()
    assert np.isfinite(f.w).all() and np.abs(f.w).max() < optim.DIVERGED_NORM
    _, g = train(world, 10, [0.0, 1e-3], [1.0, 0.0], alpha=2.0)  # oscillates forever
    assert (g.diverged_at == -1).all() and not g.settled.any()


def test_test_error_is_the_mean_squared_error(world):
    s = crosses.scene(5, 1e-3, 0.5, SEED)
    _, idx_test = indices(world, 5)
    for r in range(len(crosses.RUNS)):
        pred = np.float64(s.b) + s.w[r].reshape(-1)[idx_test]
        want = np.mean((pred - world.y_test.astype(np.float64)) ** 2)
        assert s.test_mse[r] == pytest.approx(want, rel=1e-5)


def test_sweep_matches_single_fits():
    sw = crosses.sweep(10, 0.5, SEED)
    assert list(sw.lams) == list(crosses.SWEEP_LAMBDAS)
    for i in (3, 9, 14):
        lam = float(sw.lams[i])
        s = crosses.scene(10, lam, 0.5, SEED)
        for kind in ("l1", "l2"):
            assert sw.nonzero[kind][i] == s.nonzero[s.run(kind)]
            assert sw.test_mse[kind][i] == pytest.approx(s.test_mse[s.run(kind)], rel=1e-5)


# ---- no n × d array ------------------------------------------------------------------------------

def _avals(jaxpr):
    """Every variable's abstract value in a jaxpr and in the jaxprs inside it (scan, jit…)."""
    for v in (*jaxpr.invars, *jaxpr.constvars):
        yield v.aval
    for eqn in jaxpr.eqns:
        for v in eqn.outvars:
            yield v.aval
        for p in eqn.params.values():
            for sub in (p if isinstance(p, (list, tuple)) else (p,)):
                inner = getattr(sub, "jaxpr", sub)
                if hasattr(inner, "eqns"):
                    yield from _avals(inner)


def _shapes(closed) -> list[tuple]:
    return [tuple(getattr(a, "shape", ())) for a in _avals(closed.jaxpr)]


def test_the_finest_resolution_builds_no_n_by_d_array(world):
    size = crosses.FINEST
    d, n = crosses.n_cells(size), world.y_train.size
    idx, idx_test = indices(world, size)
    args = (jnp.asarray(idx), jnp.asarray(world.y_train), jnp.float32(3.0))
    hyper = (jnp.float32([0.0, 1e-3, 1e-3]), jnp.float32([1.0, 1.0, 0.0]), jnp.float32(0.5))
    fit = jax.make_jaxpr(crosses.train_cells, static_argnums=(0, 1))(
        d, crosses.STEPS, *args, *hyper, jnp.zeros((3, d), jnp.float32))
    runs = 2 * len(crosses.SWEEP_LAMBDAS)
    sweep = jax.make_jaxpr(crosses._sweep, static_argnums=(0, 1))(
        d, crosses.STEPS, *args, jnp.asarray(idx_test), jnp.asarray(world.y_test),
        jnp.zeros(runs, jnp.float32), jnp.zeros(runs, jnp.float32), jnp.float32(0.5))
    for closed in (fit, sweep):
        shapes = _shapes(closed)
        assert any(d in s for s in shapes) and any(n in s for s in shapes)  # the walk sees both
        big = [s for s in shapes if d in s and (n in s or crosses.N_TEST in s)]
        assert not big, f"an n × d intermediate: {big[:3]}"
        assert max(math.prod(s) for s in shapes) <= runs * d   # nothing bigger than runs × d


def test_the_walk_would_see_an_n_by_d_array():
    """The check above can fail: a one-hot matrix built on purpose, inside a jit, is found."""
    @jax.jit
    def dense(idx, w):
        return jax.nn.one_hot(idx, w.shape[0]) @ w

    closed = jax.make_jaxpr(dense)(jnp.zeros(70, jnp.int32), jnp.zeros(900, jnp.float32))
    assert (70, 900) in _shapes(closed)


# ---- compiled once per shape ------------------------------------------------------------------

def test_a_new_lambda_or_alpha_does_not_recompile(world):
    idx, _ = indices(world, 20)
    y, d = world.y_train, crosses.n_cells(20)
    crosses.fit(idx, y, 3.0, [0.0, 1e-3, 1e-3], [1, 1, 0], 0.5, num_cells=d)
    before = crosses._fit._cache_size()
    crosses.fit(idx, y, np.float64(3.1), np.array([0.0, 0.02, 0.02]), [1.0, 1.0, 0.0], 1,
                num_cells=d)
    crosses.fit(idx, y, 3, [0, 5e-6, 5e-6], np.float32([1, 1, 0]), np.float32(1.8),
                num_cells=d)
    assert crosses._fit._cache_size() == before
    # the counter is meaningful: 5 runs (a shape no other test uses) is a new entry
    crosses.fit(idx, y, 3.0, [0.0, 1e-3, 1e-3, 0.0, 0.0], [1, 1, 0, 1, 1], 0.5, num_cells=d)
    assert crosses._fit._cache_size() == before + 1
