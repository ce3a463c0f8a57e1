"""A class's own data: what a CSV costs the server, from its bytes to what a page draws.

- reading: ``core.own_data.read_csv`` of a file at the limits (5,000 rows × 31 columns,
  ~1.9 MB) against ``numpy.loadtxt`` of the same bytes (no checks, no sentences).
- a new CSV: the Landscape's ``fixed_scene`` and the sweep's paths and errors for data of a
  row count no compiled function has seen (so XLA compiles for its shapes; the persistent
  cache is off here) against the same calls once compiled. Every row count compiles once
  per server, then every student with that count runs warm.

``python -m bench.own_data_bench`` prints its rows alone.
"""

from __future__ import annotations

import io
import statistics
import time

import jax
import numpy as np

from bench.report import Row
from core import own_data
from core.scenes import landscape, sweep


def _csv(rows: int, columns: int, seed: int) -> bytes:
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(rows, columns - 1))
    y = X @ rng.normal(size=columns - 1) + rng.normal(size=rows)
    values = np.column_stack([X, y])
    head = ",".join([f"x{j}" for j in range(columns - 1)] + ["y"])
    return (head + "\n" + "\n".join(",".join(f"{v:.8f}" for v in row) for row in values)
            + "\n").encode()


def _median_s(f, repeats: int) -> float:
    times = []
    for _ in range(repeats):
        t = time.perf_counter()
        f()
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def _once_s(f) -> float:
    t = time.perf_counter()
    f()
    return time.perf_counter() - t


def bench_read(*, repeats: int) -> Row:
    data = _csv(own_data.MAX_ROWS, own_data.MAX_COLUMNS, 0)
    ours = _median_s(lambda: own_data.read_csv(data), repeats)
    ref = _median_s(lambda: np.loadtxt(io.BytesIO(data), delimiter=",", skiprows=1), repeats)
    return Row("own data", f"read and check a CSV at the limits ({len(data) / 1e6:.2f} MB, "
               f"{own_data.MAX_ROWS:,} × {own_data.MAX_COLUMNS})",
               f"read_csv {ours * 1e3:.0f} ms / numpy.loadtxt {ref * 1e3:.0f} ms",
               ours / ref, note="ratio: read_csv ÷ loadtxt (lower is better); read_csv "
               "also checks every cell and names the first bad one")


def bench_new_csv(*, repeats: int, counts: tuple[int, ...]) -> list[Row]:
    jax.config.update("jax_enable_compilation_cache", False)
    rows, land, swp = [], [], []
    for k, n in enumerate(counts):
        table = own_data.read_csv(_csv(n, 11, k + 1))
        names = table.names[:-1]
        two = own_data.prepare(table, "y", names[:2])
        many = own_data.prepare(table, "y", names)
        problem = own_data.landscape_problem(two)

        def draw_landscape(problem=problem):
            landscape.fixed_scene(problem, "l1", 0.1, 60, (-1.0, 1.0), "proximal", 0.5)

        def draw_sweep(many=many):
            sweep.own_paths(many)
            sweep.own_errors(many)

        land.append((_once_s(draw_landscape), _median_s(draw_landscape, repeats)))
        swp.append((_once_s(draw_sweep), _median_s(draw_sweep, repeats)))
    for name, pairs in (("Landscape: fixed_scene (24 λ × 4 penalties, 61² grid)", land),
                        ("λ sweep: paths and train/validation errors (10 features)", swp)):
        cold = statistics.median(c for c, _ in pairs)
        warm = statistics.median(w for _, w in pairs)
        rows.append(Row("own data", f"a CSV of a new row count, {name}",
                        f"first {cold:.2f} s / warm {warm * 1e3:.0f} ms", cold / warm,
                        note=f"ratio: first ÷ warm; medians over row counts {counts}; the "
                             "first includes XLA's compile for the new shapes (the "
                             "persistent cache off); a second student with the same count "
                             "runs warm"))
    return rows


def run(*, quick: bool = False, log=print) -> list[Row]:
    repeats = 3 if quick else 7
    log("own data: reading")
    rows = [bench_read(repeats=repeats)]
    log("own data: new row counts")
    rows += bench_new_csv(repeats=repeats, counts=(97, 442, 1499) if not quick else (97,))
    return rows


if __name__ == "__main__":
    for row in run():
        print(f"| {row.section}: {row.name} | {row.measured} | {row.ratio:.3g}× | {row.note} |")
