"""``make bench``: every benchmark of issue 4 in one run, printed as ratios.

    PYTHONPATH=. .venv/bin/python bench/run.py            # the full run (< 10 min, 2 cores)
    PYTHONPATH=. .venv/bin/python bench/run.py --quick    # a smoke run, few repeats (~2 min)

1. core (JAX) against NumPy references doing the same work (bench/core_bench.py);
2. slider → chart latency in headless Chromium, every page against a floor app;
3. cold start, server start → first chart, app against the floor app;
4. the servers' peak memory (bench/browser_bench.py);
5. a class: 1-60 students on every page, and on two replicas (bench/class_bench.py).

Ratios only: nothing here passes or fails on absolute time. The Markdown table at
the end is also written to bench/results.md (not by --quick), for the README's
Performance section.
"""

from __future__ import annotations

import argparse
import functools
import os
import platform
import sys
import time
import traceback
from importlib import metadata
from pathlib import Path

os.environ.setdefault("JAX_PLATFORMS", "cpu")

from bench import core_bench, own_data_bench  # noqa: E402  (after JAX_PLATFORMS is set)
from bench.report import Row, markdown  # noqa: E402

HERE = Path(__file__).resolve().parent


def machine() -> str:
    """One line: CPU model, cores, Python and the versions the numbers depend on."""
    cpu = platform.processor() or platform.machine()
    with_cpuinfo = Path("/proc/cpuinfo")
    if with_cpuinfo.exists():
        for line in with_cpuinfo.read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    versions = ", ".join(f"{p} {metadata.version(p)}" for p in ("jax", "numpy", "streamlit",
                                                                 "plotly", "playwright"))
    return f"{cpu}, {os.cpu_count()} cores; Python {platform.python_version()}; {versions}"


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """--quick, --skip-core, --skip-browser, --pages, --out."""
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--quick", action="store_true", help="few repeats: a smoke run, not numbers")
    p.add_argument("--skip-core", action="store_true", help="no core vs NumPy timings")
    p.add_argument("--skip-browser", action="store_true",
                   help="no browser latency, cold start or memory")
    p.add_argument("--pages", default=None, metavar="TEXT",
                   help="only the page views whose name holds TEXT (e.g. Landscape), no cold "
                        "start: for working on one page; the table is not written")
    p.add_argument("--out", type=Path, default=None,
                   help="where to write the Markdown table (default: bench/results.md, "
                        "but nowhere for --quick, whose numbers are not for the README)")
    return p.parse_args(argv)


def log(msg: str) -> None:
    """Progress on stderr, so stdout is the report."""
    print(msg, file=sys.stderr, flush=True)


def main(argv: list[str] | None = None) -> int:
    """Run the parts asked for, print the table, write it; exit 1 if a part failed."""
    args = parse_args(argv)
    start = time.perf_counter()
    load_start = os.getloadavg()[0]
    if load_start > (os.cpu_count() or 1):
        log(f"warning: load average {load_start:.1f} on {os.cpu_count()} cores: something else "
            "is running, the numbers will be noisy (the interleaved ratios less so)")
    rows: list[Row] = []
    failed = False
    parts = [("core", core_bench.run), ("own data", own_data_bench.run)] \
        if not args.skip_core else []
    if not args.skip_browser:
        from bench import browser_bench  # playwright is a dev requirement
        parts.append(("browser", functools.partial(browser_bench.run, only=args.pages)))
    if not args.skip_browser and not args.pages:
        from bench import class_bench  # a whole class over the websocket protocol
        parts.append(("class", class_bench.run))
    for name, run in parts:
        try:
            rows += run(quick=args.quick, log=log)
        except Exception as exc:  # one part failing must not hide the others' numbers
            failed = True
            log(f"{name} benchmarks failed:\n{traceback.format_exc()}")
            rows.append(Row(name, "FAILED", f"{type(exc).__name__}: {exc}"[:300], None))
    minutes = (time.perf_counter() - start) / 60
    header = (f"`make bench`{' --quick (a smoke run: few repeats)' if args.quick else ''}, "
              f"{time.strftime('%Y-%m-%d')}, {minutes:.1f} min; {machine()}; 1-min load "
              f"average {load_start:.1f} at the start, {os.getloadavg()[0]:.1f} at the end. "
              "Ratios are "
              "NumPy ÷ core (higher is better) for core, page ÷ floor (lower is better) "
              "otherwise; medians of repeats, compile and warm-up excluded.")
    table = markdown(rows, header=header)
    print("\n" + table)
    out = args.out or (None if args.quick or args.pages else HERE / "results.md")
    if out is not None:
        out.write_text(table)
        log(f"written to {out}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
