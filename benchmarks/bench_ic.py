"""Independent Cascade speed: refsim against CyNetDiff and NDlib on the same work.

Workload (defaults): Barabasi-Albert graph from networkx (n = 100,000, m = 5, seed 0),
p = 0.05 on every arc, 10 seed nodes drawn with numpy's default_rng(0), 2,000 runs
(NDlib: 20). Every library gets the same graph, seeds and p in one process; each timing
is the median of ``--repeat`` interleaved repetitions, after one warm-up for refsim's
compilation; ratios are medians of per-repetition ratios.

    pip install -e ".[bench]"
    python benchmarks/bench_ic.py            # the README's table
    python benchmarks/bench_ic.py --quick    # a smaller smoke run

Prints a Markdown table: mean final size with its standard error (so agreement between
the libraries can be checked), milliseconds per run, and each row's time relative to
refsim on one core.
"""

import argparse
import importlib.util
import math
import statistics
import time

import networkx as nx
import numba
import numpy as np

import refsim

try:
    from peers import cynetdiff_ic, ndlib_ic
except ImportError:  # run as a module from the repository root
    from benchmarks.peers import cynetdiff_ic, ndlib_ic


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=100_000)
    ap.add_argument("--m", type=int, default=5)
    ap.add_argument("--p", type=float, default=0.05)
    ap.add_argument("--k", type=int, default=10, help="number of seed nodes")
    ap.add_argument("--runs", type=int, default=2_000)
    ap.add_argument("--ndlib-runs", type=int, default=20)
    ap.add_argument("--repeat", type=int, default=7)
    ap.add_argument("--quick", action="store_true", help="n=20,000, 500 runs, NDlib 5")
    args = ap.parse_args(argv)
    if args.quick:
        args.n, args.runs, args.ndlib_runs, args.repeat = 20_000, 500, 5, 3

    G = nx.barabasi_albert_graph(args.n, args.m, seed=0)
    graph = refsim.Graph.from_networkx(G)
    seeds = np.random.default_rng(0).choice(args.n, args.k, replace=False)
    labels = [int(s) for s in seeds]  # BA labels are 0..n-1, so ids are labels
    model = refsim.IndependentCascade(args.p)
    cores = numba.config.NUMBA_NUM_THREADS

    def run_refsim(workers):
        def go():
            t = time.perf_counter()
            res = refsim.simulate(graph, model, seeds, runs=args.runs, rng=0, workers=workers)
            return res.final_sizes, time.perf_counter() - t
        return go

    refsim.simulate(graph, model, seeds, runs=10, rng=0)  # compile outside the clock
    contenders = {"refsim, 1 thread": run_refsim(1), f"refsim, {cores} threads": run_refsim(cores)}
    if importlib.util.find_spec("cynetdiff"):
        contenders["CyNetDiff (1 thread)"] = lambda: cynetdiff_ic(G, args.p, labels, args.runs, 0)
    else:
        print("CyNetDiff not installed: pip install -e '.[bench]'")
    # Interleave the contenders in every repetition and compare them pair by pair, so a
    # machine whose speed drifts during the benchmark does not favour one of them.
    sizes, times = {}, {name: [] for name in contenders}
    for _ in range(args.repeat):
        for name, go in contenders.items():
            sizes[name], sec = go()
            times[name].append(sec / args.runs)
    ref = "refsim, 1 thread"
    rows = [(name, sizes[name], statistics.median(times[name]),
             statistics.median(np.array(times[name]) / np.array(times[ref])))
            for name in contenders]
    if importlib.util.find_spec("ndlib"):
        # NDlib is too slow to interleave; its ratio is against refsim's median
        sz, sec = ndlib_ic(G, args.p, labels, args.ndlib_runs, 0)
        per = sec / args.ndlib_runs
        rows.append(("NDlib", sz, per, per / rows[0][2]))
    else:
        print("NDlib not installed: pip install -e '.[bench]'")

    print(f"IC on Barabasi-Albert n={args.n:,} m={args.m} (networkx seed 0), p={args.p}, "
          f"{args.k} seeds; median of {args.repeat} interleaved repetitions\n")
    print("| implementation | runs | mean final size (± s.e.) | ms per run "
          "| time relative to refsim, 1 thread |")
    print("|---|---:|---:|---:|---:|")
    for name, sz, per, ratio in rows:
        se = sz.std(ddof=1) / math.sqrt(len(sz)) if len(sz) > 1 else float("nan")
        print(f"| {name} | {len(sz):,} | {sz.mean():,.0f} (± {se:,.0f}) | {per * 1e3:.3f} "
              f"| {ratio:.2f} |")


if __name__ == "__main__":
    main()
