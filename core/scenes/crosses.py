"""Sparse feature crosses on a made-up world map (the Sparse crosses page).

The primer's example: bucket latitude and longitude and cross them, and the dimension
explodes (one weight per cell of the grid), most of it cells where nobody lives. L1 sets
their weights to exactly 0; an L1 model then costs far less memory at inference.

**Data** (made here, seeded with a NumPy ``Generator``; nothing is downloaded). Points where
people live: ``CITIES`` Gaussian clusters (city and coast), plus a thin ``BACKGROUND`` share
spread uniformly over coarse hand-drawn continents (``LAND``); the oceans stay empty. The
target is a made-up price level: a base level everywhere, a city's premium (or discount)
that fades from its downtown, and noise,

    y = BASE + premium_k·exp(−r² / (2σ_k²)) + ε,   ε ~ N(0, NOISE²),

r the distance in degrees from the city's centre (premium 0 for background points). So a
cell far from any downtown holds only noise around the base level: a useless cross.

**Features.** With cells of ``size`` degrees there are ``rows = 180/size`` latitude buckets
and ``cols = 360/size`` longitude buckets; their cross has ``d = rows·cols`` cells and a point's
feature is ONE index, its cell ``c(i) = row·cols + col``. The one-hot design matrix (n × d) is
never built: predictions gather ``w[c(i)]``, gradients ``segment_sum`` over the indices.

**Model** (DESIGN.md conventions): ``pred_i = b + w_{c(i)}`` with one weight per cell and an
intercept ``b = mean(y_train)``, fixed before training and not penalized (the average price:
a cell's weight is how far its prices sit from it). With n training points,

    J(w) = mean((b + w_{c(i)} − y_i)²),   P_L1(w) = Σ_c |w_c|,   P_L2(w) = Σ_c w_c²,

    ∂J/∂w_c = (2/n)·Σ_{i: c(i)=c} (b + w_c − y_i)        (a segment sum; 0 for an empty cell).

**Training**: proximal gradient, with a step per cell scaled by its curvature
``∂²J/∂w_c² = 2n_c/n`` (n_c its training points; per-coordinate steps, as in large sparse
models), ``α_c = α·n / (2·max(n_c, 1))``:

    v_c = w_c − α_c·∂J/∂w_c = w_c − α·(b + w_c − ȳ_c)     (ȳ_c the mean target in the cell)
    w_c ← prox_{α_c·λ·P}(v_c):  L1  sign(v)·max(|v| − α_c·λ, 0)    (exact zeros)
                                L2  v / (1 + 2α_c·λ)

from w = 0 (``fit`` takes any start), for ``STEPS`` steps, every run (none, L1, L2: the
elastic-net prox with mix 1 or 0, ``penalties.prox``) in one compiled call, batched over a
leading runs axis (the segment sum ``vmap``-ed over it). J is separable over cells, so
each cell converges on its own by the factor |1 − α| a step: 0 < α < 2 converges, α = 2
oscillates, α > 2 diverges (a run that diverges holds its last finite weights;
``Fit.diverged_at`` says when). The limit is
the minimizer of J + λ·P, in closed form (``closed_form``):

    L1: w_c = sign(ȳ_c − b)·max(|ȳ_c − b| − λn/(2n_c), 0)      L2: w_c = n_c(ȳ_c − b)/(n_c + λn)

so under L1 a cell keeps a weight only if its evidence n_c·|ȳ_c − b| beats λn/2. A cell with
no training point gets no gradient: started at 0 it stays exactly 0 under any penalty.

**Bytes at inference** (the bias's 4 bytes left out of both): dense, a float32 for every
cell, ``4·d``; sparse, an int32 index and a float32 value for every non-zero weight,
``(4 + 4)·nnz``.

**Compilation**: the number of cells is a shape, so the training is compiled once per
resolution of ``RESOLUTIONS`` (8 options) and per number of runs (3 for a fit, 2·len(
``SWEEP_LAMBDAS``) for the λ sweep): 16 compiled functions at most; λ and α are traced.
"""

from __future__ import annotations

import functools
from typing import NamedTuple

import jax
import jax.numpy as jnp
import numpy as np
from jax import lax

from core import optim, penalties

# The page's controls at their defaults (``views/crosses.py`` starts from them, and
# ``core.runtime.warm`` compiles what they need).
DEFAULTS = {"res": 2.0, "lambda": 0.002, "alpha": 0.5, "seed": 0}

# ---- the world ------------------------------------------------------------------------------

N_TRAIN = 8000        # training points
N_TEST = 4000         # test points (same distribution)
BASE = 3.0            # the price level away from any downtown (and of background points)
NOISE = 1.5           # std of a price around its place's level
BACKGROUND = 0.15     # share of points spread thinly over the land
SAMPLE = 2000         # training points the data map draws

# name, latitude, longitude, σ (degrees), downtown premium over BASE, share of city points
CITIES = (
    ("New York", 40.7, -74.0, 2.0, 4.0, 8),
    ("Los Angeles", 34.0, -118.2, 2.0, 3.0, 6),
    ("Mexico City", 19.4, -99.1, 1.5, -1.5, 7),
    ("São Paulo", -23.5, -46.6, 2.0, -1.0, 7),
    ("Buenos Aires", -34.6, -58.4, 1.5, -1.5, 4),
    ("London", 51.5, -0.1, 1.5, 5.0, 6),
    ("Paris", 48.9, 2.4, 1.5, 4.0, 5),
    ("Lagos", 6.5, 3.4, 1.5, -2.0, 7),
    ("Cairo", 30.0, 31.2, 1.5, -2.0, 6),
    ("Moscow", 55.8, 37.6, 2.0, 1.0, 5),
    ("Mumbai", 19.1, 72.9, 1.5, 2.0, 7),
    ("Delhi", 28.6, 77.2, 2.0, -1.5, 7),
    ("Shanghai", 31.2, 121.5, 2.0, 2.0, 8),
    ("Tokyo", 35.7, 139.7, 1.5, 3.0, 7),
    ("Jakarta", -6.2, 106.8, 1.5, -2.0, 6),
    ("Sydney", -33.9, 151.2, 1.5, 3.0, 4),
)

# Coarse continents, (longitude, latitude) vertices, drawn by hand (a few degrees off here
# and there): where the background points may fall, and the outline the maps draw.
LAND = {
    "North America": ((-168, 65), (-156, 71), (-128, 70), (-100, 68), (-82, 69), (-78, 62),
                      (-64, 60), (-56, 52), (-66, 45), (-70, 42), (-76, 37), (-81, 31),
                      (-80, 25), (-83, 29), (-90, 30), (-97, 27), (-97, 22), (-92, 18),
                      (-87, 21), (-88, 16), (-83, 15), (-83, 10), (-77, 8), (-80, 7),
                      (-85, 10), (-92, 14), (-97, 16), (-105, 20), (-110, 23), (-115, 30),
                      (-120, 34), (-124, 40), (-124, 47), (-125, 50), (-132, 55), (-140, 60),
                      (-150, 61), (-158, 57), (-165, 55), (-165, 60)),
    "South America": ((-77, 8), (-72, 12), (-62, 10), (-52, 5), (-50, 0), (-35, -5),
                      (-37, -12), (-41, -22), (-48, -26), (-53, -34), (-58, -38), (-65, -42),
                      (-66, -48), (-69, -52), (-72, -54), (-75, -50), (-74, -42), (-72, -30),
                      (-71, -18), (-76, -14), (-81, -6), (-80, 0), (-78, 2)),
    "Africa": ((-17, 21), (-16, 28), (-10, 30), (-6, 36), (10, 37), (11, 33), (20, 31),
               (32, 31), (35, 28), (43, 12), (51, 12), (51, 10), (45, 2), (40, -3), (40, -10),
               (40, -16), (35, -24), (32, -29), (27, -34), (19, -35), (18, -30), (12, -17),
               (13, -10), (9, -1), (9, 4), (4, 6), (-8, 4), (-13, 8), (-17, 14)),
    "Eurasia": ((-9, 37), (-9, 43), (-2, 43.5), (-4.5, 48), (2, 51), (8, 54), (10, 57),
                (5, 62), (14, 68), (20, 70), (30, 71), (42, 67), (60, 69), (70, 73), (80, 73),
                (100, 77), (115, 74), (130, 71), (150, 71), (170, 70), (180, 69), (180, 65),
                (178, 62), (163, 60), (156, 51), (157, 58), (142, 59), (137, 54), (140, 48),
                (132, 43), (129, 35), (126, 37), (122, 40), (118, 38), (122, 30), (120, 24),
                (110, 21), (106, 20), (109, 12), (105, 9), (100, 13), (103, 1.5), (98, 8),
                (98, 16), (94, 16), (91, 22), (87, 21), (80, 15), (78, 8), (73, 17), (67, 24),
                (57, 25), (56, 27), (50, 30), (48, 29), (51, 25), (56, 24), (59, 22),
                (53, 17), (43, 13), (39, 20), (35, 28), (34, 31), (36, 36), (30, 37),
                (26, 40), (23, 38), (22, 37), (19, 41), (13, 46), (12, 44), (16, 40),
                (16, 38), (12, 38), (10, 44), (7, 44), (3, 43), (0, 39), (-2, 37), (-6, 36)),
    "Britain": ((-5.5, 50), (1.5, 51), (0, 53), (-2, 56), (-3, 58.5), (-6, 58), (-5, 55),
                (-3, 54), (-5, 52)),
    "Japan": ((130, 31), (132, 34), (136, 34), (140, 35), (141, 38), (142, 42), (145, 44),
              (141, 45.5), (140, 41), (139, 38), (136, 36), (131, 34.5)),
    "Sumatra and Java": ((95, 5.5), (100, 1), (106, -6), (115, -8.5), (106, -7.8),
                         (101, -3.5), (95, 3)),
    "Borneo": ((109, 2), (117, 7), (119, 5), (117, 1), (116, -4), (111, -3)),
    "Australia": ((114, -22), (122, -18), (130, -12), (137, -12), (136, -16), (141, -11),
                  (146, -19), (153, -25), (153, -32), (150, -37), (141, -38), (135, -35),
                  (131, -31), (116, -35), (115, -30)),
    "Greenland": ((-73, 78), (-60, 82), (-30, 83), (-20, 80), (-20, 70), (-43, 60), (-50, 64),
                  (-55, 70)),
    "Madagascar": ((44, -25), (47, -25), (50, -15), (49, -12), (44, -17)),
}


class World(NamedTuple):
    """The points, float32 (degrees for latitude and longitude; the price level for y).

    lat/lon/y_train: (N_TRAIN,); lat/lon/y_test: (N_TEST,).
    city_train: (N_TRAIN,) int, the index into ``CITIES`` of each point, −1 for background.
    """

    lat_train: np.ndarray
    lon_train: np.ndarray
    y_train: np.ndarray
    lat_test: np.ndarray
    lon_test: np.ndarray
    y_test: np.ndarray
    city_train: np.ndarray


def on_land(lon, lat) -> np.ndarray:
    """Which points lie inside one of the ``LAND`` polygons (even–odd ray casting)."""
    lon, lat = np.asarray(lon, np.float64), np.asarray(lat, np.float64)
    inside = np.zeros(lon.shape, bool)
    for poly in LAND.values():
        p = np.asarray(poly, np.float64)
        x1, y1 = p[:, 0], p[:, 1]
        x2, y2 = np.roll(x1, -1), np.roll(y1, -1)
        hit = np.zeros(lon.shape, bool)
        for a, b, c, d in zip(x1, y1, x2, y2, strict=True):
            crosses = (b > lat) != (d > lat)
            with np.errstate(divide="ignore", invalid="ignore"):
                x_at = a + (lat - b) * (c - a) / (d - b)
            hit ^= crosses & (lon < x_at)
        inside |= hit
    return inside


def _sample(rng: np.random.Generator, n: int):
    """n points: (lat, lon, y, city) float32 / int."""
    n_bg = int(round(BACKGROUND * n))
    shares = np.array([c[5] for c in CITIES], np.float64)
    city = rng.choice(len(CITIES), size=n - n_bg, p=shares / shares.sum())
    c_lat, c_lon, sigma, level = (np.array([c[i] for c in CITIES], np.float64)[city]
                                  for i in (1, 2, 3, 4))
    d_lat, d_lon = rng.standard_normal((2, n - n_bg)) * sigma
    lat_c = np.clip(c_lat + d_lat, -89.99, 89.99)
    lon_c = (c_lon + d_lon + 180.0) % 360.0 - 180.0
    y_c = BASE + level * np.exp(-(d_lat ** 2 + d_lon ** 2) / (2 * sigma ** 2))
    # Background: uniform over longitude and over latitude −56…80, kept where on land.
    lat_b, lon_b = np.empty(0), np.empty(0)
    while lat_b.size < n_bg:
        la = rng.uniform(-56.0, 80.0, 4 * n_bg)
        lo = rng.uniform(-180.0, 180.0, 4 * n_bg)
        keep = on_land(lo, la)
        lat_b, lon_b = np.append(lat_b, la[keep]), np.append(lon_b, lo[keep])
    lat_b, lon_b = lat_b[:n_bg], lon_b[:n_bg]
    y_b = np.full(n_bg, BASE)
    lat = np.concatenate([lat_c, lat_b])
    lon = np.concatenate([lon_c, lon_b])
    y = np.concatenate([y_c, y_b]) + NOISE * rng.standard_normal(n)
    cities = np.concatenate([city, np.full(n_bg, -1)])
    order = rng.permutation(n)
    return (lat[order].astype(np.float32), lon[order].astype(np.float32),
            y[order].astype(np.float32), cities[order])


@functools.lru_cache(maxsize=8)
def world(seed: int, *, n_train: int = N_TRAIN, n_test: int = N_TEST) -> World:
    """The seeded world: train and test points from one ``np.random.default_rng(seed)``.

    Cached (the arrays are read-only, so sharing them between users is safe).
    """
    rng = np.random.default_rng(seed)
    lat, lon, y, city = _sample(rng, n_train + n_test)
    out = World(lat[:n_train], lon[:n_train], y[:n_train], lat[n_train:], lon[n_train:],
                y[n_train:], city[:n_train])
    for a in out:
        a.setflags(write=False)
    return out


# ---- the crossed feature -----------------------------------------------------------------

RESOLUTIONS = (45, 30, 20, 15, 10, 5, 2, 1)   # cell sizes in degrees, coarse to fine
FINEST = RESOLUTIONS[-1]


def grid_shape(size: int) -> tuple[int, int]:
    """(rows, cols) = (180/size, 360/size) latitude and longitude buckets of ``size``°."""
    if size not in RESOLUTIONS:
        raise ValueError(f"unknown cell size {size!r}; expected one of {RESOLUTIONS}")
    return 180 // size, 360 // size


def n_cells(size: int) -> int:
    """d = rows·cols, the dimension of the crossed feature."""
    rows, cols = grid_shape(size)
    return rows * cols


def cell_index(lat, lon, size: int) -> np.ndarray:
    """The crossed feature of each point, one int32 index ``row·cols + col`` with
    ``row = ⌊(lat + 90)/size⌋`` and ``col = ⌊(lon + 180)/size⌋`` (clipped to the grid).

    Example: ``cell_index([0.5], [-179.5], 1)`` is ``[90·360 + 0] = [32400]``.
    """
    rows, cols = grid_shape(size)
    lat, lon = np.asarray(lat, np.float64), np.asarray(lon, np.float64)
    row = np.clip(np.floor((lat + 90.0) / size), 0, rows - 1).astype(np.int32)
    col = np.clip(np.floor((lon + 180.0) / size), 0, cols - 1).astype(np.int32)
    return row * np.int32(cols) + col


def cell_centres(size: int) -> tuple[np.ndarray, np.ndarray]:
    """(latitudes (rows,), longitudes (cols,)) of the cell centres, float32."""
    rows, cols = grid_shape(size)
    return ((np.arange(rows) + 0.5) * size - 90.0).astype(np.float32), \
        ((np.arange(cols) + 0.5) * size - 180.0).astype(np.float32)


# ---- bytes at inference ------------------------------------------------------------------------

VALUE_BYTES = 4   # a float32 weight
INDEX_BYTES = 4   # an int32 cell index
MINUTES = 60      # minute-level buckets: 60 a degree
MINUTE_CELLS = (180 * MINUTES) * (360 * MINUTES)   # 10,800 × 21,600 = 233,280,000
PRIMER_CELLS = 10_000 * 20_000                     # the primer's rounding: 200,000,000


def dense_bytes(cells: int) -> int:
    """A float32 for every cell: ``4·d`` bytes."""
    return VALUE_BYTES * int(cells)


def sparse_bytes(nonzero: int) -> int:
    """An int32 index and a float32 value for every non-zero weight: ``(4 + 4)·nnz`` bytes."""
    return (INDEX_BYTES + VALUE_BYTES) * int(nonzero)


# ---- training ------------------------------------------------------------------------------

STEPS = 150           # proximal-gradient steps (|1 − α|^150 is tiny for 0.2 ≤ α ≤ 1.8)
SETTLED = 1e-6        # a run has settled when a step would move no weight by more
RUNS = ("none", "l1", "l2")
# (λ multiplier, mix = share of L1) of each run: prox("elastic_net", v, t, mix) is the L1
# soft threshold for mix = 1 and v / (1 + 2t) for mix = 0; t = 0 leaves v as it is.
_RUN_SPEC = {"none": (0.0, 1.0), "l1": (1.0, 1.0), "l2": (1.0, 0.0)}


class Fit(NamedTuple):
    """Trained runs (a leading axis R): w (R, d) float32; diverged_at (R,) int32, the first
    step whose weights were not finite (or beyond ``optim.DIVERGED_NORM``), −1 if none, after
    which the run holds its last finite weights; settled (R,) bool, whether one more step
    would move no weight by more than ``SETTLED``."""

    w: jax.Array
    diverged_at: jax.Array
    settled: jax.Array


def fit(idx, y, b, lams, mixes, alpha, *, num_cells: int, steps: int = STEPS, w0=None) -> Fit:
    """Train ``R = len(lams)`` runs of the cell model at once (one compiled call, batched
    over the runs), run r minimizing
    J + lams[r]·P with P = mixes[r]·P_L1 + (1 − mixes[r])·P_L2 (see the module docstring).

    Args:
      idx: (n,) int32 cell of each training point, in [0, num_cells).
      y: (n,) targets. b: the fixed intercept (usually mean(y)).
      lams, mixes: (R,) each. alpha: the step α (each cell's step is α·n/(2·max(n_c, 1))).
      num_cells: d, the number of cells (static: a shape). steps: static.
      w0: (R, num_cells) start weights; None (the page) starts every run at 0.

    Returns:
      ``Fit`` with w (R, num_cells).

    Numbers become float32 arrays before the compiled call, so a new λ or α, however it is
    spelled, never recompiles. Example: ``fit(idx, y, y.mean(), [0, 1e-3], [1, 1], 0.5,
    num_cells=64800)`` trains an unpenalized and an L1 run.
    """
    idx = jnp.asarray(idx, jnp.int32)
    y = jnp.asarray(y, jnp.float32)
    b, alpha = jnp.asarray(b, jnp.float32), jnp.asarray(alpha, jnp.float32)
    lams, mixes = jnp.asarray(lams, jnp.float32), jnp.asarray(mixes, jnp.float32)
    w0 = (jnp.zeros((lams.shape[0], num_cells), jnp.float32) if w0 is None
          else jnp.asarray(w0, jnp.float32))
    return _fit(num_cells, steps, idx, y, b, lams, mixes, alpha, w0)


def train_cells(num_cells, steps, idx, y, b, lams, mixes, alpha, w0) -> Fit:
    """``fit``'s training, traced: ``steps`` proximal steps of every run at once, each cell's
    gradient a segment sum over its points (see the module docstring)."""
    n = y.shape[0]
    count = jax.ops.segment_sum(jnp.ones_like(y), idx, num_segments=num_cells)
    occupied = jnp.maximum(count, 1.0)
    # α_c·∂J/∂w_c = α·n/(2·n_c) · (2/n)·Σ_{i∈c}(b + w_c − y_i) = α·Σ_{i∈c}(b + w_c − y_i)/n_c
    t = (alpha * (n / 2.0) / occupied)[None, :] * lams[:, None]     # (R, d): α_c·λ_run
    mix = mixes[:, None]
    target = y - b
    segment_sums = jax.vmap(lambda r: jax.ops.segment_sum(r, idx, num_segments=num_cells))

    def update(w):                                      # (R, d) -> (R, d), every run at once
        resid = w[:, idx] - target                      # (R, n) gather: b + w_c(i) − y_i
        v = w - alpha * segment_sums(resid) / occupied
        return penalties.prox("elastic_net", v, t, mix=mix)

    def body(carry, k):
        w, broke = carry
        new = update(w)
        ok = jnp.max(jnp.abs(new), axis=1) < optim.DIVERGED_NORM    # False for inf and NaN too
        broke = jnp.where((broke < 0) & ~ok, k + 1, broke)
        return (jnp.where((broke < 0)[:, None], new, w), broke), None

    start = (w0, jnp.full(lams.shape, -1, jnp.int32))
    (w, broke), _ = lax.scan(body, start, jnp.arange(steps, dtype=jnp.int32))
    moved = jnp.max(jnp.abs(update(w) - w), axis=1)           # what one more step would do
    return Fit(w, broke, (broke < 0) & (moved <= SETTLED))


_fit = jax.jit(train_cells, static_argnums=(0, 1))


def closed_form(idx, y, b, lam: float, kind: str, *, num_cells: int) -> np.ndarray:
    """The minimizer of J + λ·P cell by cell, in float64 NumPy (a reference for the tests):
    ``kind`` "none" → ȳ_c − b; "l1" → soft threshold of ȳ_c − b by λn/(2n_c); "l2" →
    n_c(ȳ_c − b)/(n_c + λn); 0 for an empty cell."""
    idx = np.asarray(idx)
    y = np.asarray(y, np.float64)
    n = y.size
    count = np.bincount(idx, minlength=num_cells).astype(np.float64)
    total = np.bincount(idx, weights=y - float(b), minlength=num_cells)
    mean = np.divide(total, count, out=np.zeros(num_cells), where=count > 0)
    if kind == "none":
        return mean
    if kind == "l1":
        t = np.divide(lam * n / 2.0, count, out=np.zeros(num_cells), where=count > 0)
        return np.sign(mean) * np.maximum(np.abs(mean) - t, 0.0)
    if kind == "l2":
        return count * mean / (count + lam * n)
    raise ValueError(f"unknown kind {kind!r}")


def mse(w, idx, y, b) -> jax.Array:
    """mean((b + w[idx] − y)²) for weights w (..., d): the test (or train) error."""
    pred = jnp.take(w, idx, axis=-1) + b
    return jnp.mean((pred - y) ** 2, axis=-1)


# ---- the λ sweep ------------------------------------------------------------------------------

# The λ the page offers: the scale of λ is set by n (a cell's L1 threshold is λn/(2n_c)).
LAMBDAS = (0.0, 1e-6, 2e-6, 5e-6, 1e-5, 2e-5, 5e-5, 1e-4, 2e-4, 5e-4, 1e-3, 2e-3, 5e-3,
           0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1.0)
SWEEP_LAMBDAS = LAMBDAS[1:]
ALPHAS = (0.2, 0.5, 0.8, 1.0, 1.2, 1.5, 1.8, 2.0, 2.2, 2.5)


class Summary(NamedTuple):
    """Per run (R,): non-zero weights, train and test error, where it diverged, settled."""

    nonzero: jax.Array
    train_mse: jax.Array
    test_mse: jax.Array
    diverged_at: jax.Array
    settled: jax.Array


@functools.partial(jax.jit, static_argnums=(0, 1))
def _sweep(num_cells, steps, idx, y, b, idx_test, y_test, lams, mixes, alpha) -> Summary:
    f = train_cells(num_cells, steps, idx, y, b, lams, mixes, alpha,
               jnp.zeros((lams.shape[0], num_cells), jnp.float32))
    return Summary(jnp.sum(f.w != 0, axis=-1), mse(f.w, idx, y, b),
                   mse(f.w, idx_test, y_test, b), f.diverged_at, f.settled)


class Sweep(NamedTuple):
    """L1 and L2 over ``SWEEP_LAMBDAS`` (L,): (L,) NumPy arrays each, per penalty."""

    lams: np.ndarray
    nonzero: dict          # "l1"/"l2" -> (L,) int
    test_mse: dict         # "l1"/"l2" -> (L,) float32
    train_mse: dict
    unstable: dict         # "l1"/"l2" -> (L,) bool: diverged or not settled


@functools.lru_cache(maxsize=64)
def sweep(size: int, alpha: float, seed: int) -> Sweep:
    """Non-zero counts and errors of L1 and L2 at every λ of ``SWEEP_LAMBDAS``: one compiled
    call (2·L runs, ``vmap``). Small, and cached (it does not depend on the page's λ)."""
    data = world(seed)
    idx, idx_test = cell_index(data.lat_train, data.lon_train, size), \
        cell_index(data.lat_test, data.lon_test, size)
    lams = np.array(SWEEP_LAMBDAS, np.float32)
    L = lams.size
    s = jax.device_get(_sweep(n_cells(size), STEPS, jnp.asarray(idx), jnp.asarray(data.y_train),
                              jnp.float32(data.y_train.mean()), jnp.asarray(idx_test),
                              jnp.asarray(data.y_test), jnp.asarray(np.concatenate([lams, lams])),
                              jnp.asarray(np.repeat(np.float32([1.0, 0.0]), L)),
                              jnp.float32(alpha)))
    part = {"l1": slice(0, L), "l2": slice(L, 2 * L)}
    return Sweep(np.array(SWEEP_LAMBDAS),
                 {k: np.asarray(s.nonzero[p], np.int64) for k, p in part.items()},
                 {k: np.asarray(s.test_mse[p], np.float32) for k, p in part.items()},
                 {k: np.asarray(s.train_mse[p], np.float32) for k, p in part.items()},
                 {k: np.asarray((s.diverged_at[p] >= 0) | ~s.settled[p]) for k, p in part.items()})


# ---- the page's scene ------------------------------------------------------------------------

class CrossesScene(NamedTuple):
    """Everything the Sparse crosses page draws at one setting (NumPy, float32 unless said).

    size, rows, cols, cells: the grid (cells = d = rows·cols). lam, alpha, seed: the setting.
    lat, lon: (rows,), (cols,) cell centres. count: (rows, cols) int training points per cell.
    w: (3, rows, cols) weights of the runs ``RUNS``; b: the intercept.
    nonzero, dense, sparse: (3,) int non-zero weights, dense and sparse bytes per run.
    train_mse, test_mse: (3,); diverged_at (3,) int (−1: no); settled (3,) bool.
    points: (3, SAMPLE) latitude, longitude and price of a sample of training points.
    n_train, n_test: ints. sweep: the λ sweep (``Sweep``).
    land: the ``LAND`` outlines, closed, as (k, 2) float32 arrays of (longitude, latitude).
    """

    size: int
    rows: int
    cols: int
    cells: int
    lam: float
    alpha: float
    seed: int
    lat: np.ndarray
    lon: np.ndarray
    count: np.ndarray
    w: np.ndarray
    b: float
    nonzero: np.ndarray
    dense: np.ndarray
    sparse: np.ndarray
    train_mse: np.ndarray
    test_mse: np.ndarray
    diverged_at: np.ndarray
    settled: np.ndarray
    points: np.ndarray
    n_train: int
    n_test: int
    sweep: Sweep
    land: tuple

    def run(self, kind: str) -> int:
        return RUNS.index(kind)

    @property
    def occupied(self) -> int:
        """Cells with at least one training point."""
        return int((self.count > 0).sum())

    @property
    def design_bytes(self) -> int:
        """What the one-hot design matrix would take as float32, n × d × 4 (never built)."""
        return self.n_train * self.cells * VALUE_BYTES


def scene(size: int, lam: float, alpha: float, seed: int = 0) -> CrossesScene:
    """Train none, L1 and L2 at ``size``° cells and λ in one compiled call; summarize."""
    rows, cols = grid_shape(size)
    d = rows * cols
    data = world(seed)
    idx = cell_index(data.lat_train, data.lon_train, size)
    idx_test = cell_index(data.lat_test, data.lon_test, size)
    b = np.float32(data.y_train.mean())
    spec = np.array([_RUN_SPEC[r] for r in RUNS], np.float32)
    f = jax.device_get(fit(idx, data.y_train, b, np.float32(lam) * spec[:, 0], spec[:, 1],
                           alpha, num_cells=d))
    w = np.asarray(f.w, np.float32)
    nonzero = (w != 0).sum(axis=1)
    lat, lon = cell_centres(size)
    rng = np.random.default_rng(seed + 1)
    pick = np.sort(rng.choice(data.y_train.size, size=min(SAMPLE, data.y_train.size),
                              replace=False))
    return CrossesScene(
        size=size, rows=rows, cols=cols, cells=d, lam=float(lam), alpha=float(alpha),
        seed=int(seed), lat=lat, lon=lon,
        count=np.bincount(idx, minlength=d).astype(np.int32).reshape(rows, cols),
        w=w.reshape(len(RUNS), rows, cols), b=float(b), nonzero=nonzero,
        dense=np.full(len(RUNS), dense_bytes(d)),
        sparse=np.array([sparse_bytes(k) for k in nonzero]),
        train_mse=np.asarray(mse(w, idx, data.y_train, b), np.float32),
        test_mse=np.asarray(mse(w, idx_test, data.y_test, b), np.float32),
        diverged_at=np.asarray(f.diverged_at, np.int64), settled=np.asarray(f.settled, bool),
        points=np.stack([data.lat_train[pick], data.lon_train[pick], data.y_train[pick]]),
        n_train=int(data.y_train.size), n_test=int(data.y_test.size),
        sweep=sweep(size, float(alpha), int(seed)), land=outlines())


@functools.lru_cache(maxsize=1)
def outlines() -> tuple:
    """The ``LAND`` polygons as closed (k, 2) float32 arrays of (longitude, latitude)."""
    out = []
    for poly in LAND.values():
        a = np.asarray(poly + poly[:1], np.float32)
        a.setflags(write=False)
        out.append(a)
    return tuple(out)
