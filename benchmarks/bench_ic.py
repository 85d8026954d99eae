"""Independent Cascade speed in every regime: refsim against CyNetDiff, PyNetIM, EoN and NDlib.

Regimes (defaults), each on one graph with 10 seed nodes drawn with numpy's default_rng(0)
and one ``p`` for every arc:

- ``subcritical``: Barabasi-Albert from networkx (n = 100,000, m = 5, seed 0), p = 0.01:
  a run activates a few dozen nodes, so what a run costs besides its cascade decides;
- ``critical``: the same graph at its epidemic threshold p_c = <k> / (<k^2> - <k>);
- ``supercritical``: the same graph at p = 0.05 (a run reaches a few thousand nodes);
- ``holme_kim``: a Holme-Kim graph (refsim's generator, n = 1,000,000, m = 5, triad
  probability 0.5, seed 0) at its threshold, the graph the referral examples use;
- ``lt_holme_kim``: Linear Threshold on that graph, weights 1 / in-degree, thresholds
  uniform (EoN has no LT; NDlib is not run).

Every library gets the same graph, seeds and ``p`` in one process. refsim (one call of
all the runs, on 1 thread and on every core), CyNetDiff (Cython, one thread; reset and
advance per run) and PyNetIM (C++, one thread; its own Monte Carlo loop, which returns
only the mean) are interleaved in each of ``--repeat`` repetitions, and each ratio is the
median of per-repetition ratios, contender time / refsim's time on one thread (above 1:
refsim is faster). EoN and NDlib (pure Python) are too slow to interleave: they run fewer
runs once, and their ratio is against refsim's median. Graph and model construction is
outside every clock; refsim is compiled before the first repetition.

    pip install -e ".[bench]"
    python benchmarks/bench_ic.py                        # the README's table (about 10 min)
    python benchmarks/bench_ic.py --regime subcritical   # one regime
    python benchmarks/bench_ic.py --quick                # a smaller smoke run

Prints a Markdown table per regime: mean final size with its standard error (the
libraries simulate the same process, so the means must agree), microseconds per run,
and the ratio.
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
from refsim.profile import epidemic_threshold

try:
    from peers import (cynetdiff_ic_prepared, cynetdiff_lt_prepared, eon_ic, ndlib_ic,
                       pynetim_ic_prepared, pynetim_lt_prepared)
except ImportError:  # run as a module from the repository root
    from benchmarks.peers import (cynetdiff_ic_prepared, cynetdiff_lt_prepared, eon_ic,
                                  ndlib_ic, pynetim_ic_prepared, pynetim_lt_prepared)

# name: (graph, p or "p_c", refsim runs per repetition, EoN runs, NDlib runs)
REGIMES = {
    "subcritical": ("ba", 0.01, 200_000, 2_000, 0),
    "critical": ("ba", "p_c", 20_000, 500, 0),
    "supercritical": ("ba", 0.05, 2_000, 100, 20),
    "holme_kim": ("hk", "p_c", 2_000, 20, 0),
    "lt_holme_kim": ("hk", "lt", 2_000, 0, 0),
}


def build(which, quick):
    """The networkx graph every peer reads and the same graph as a refsim Graph."""
    if which == "ba":
        n = 20_000 if quick else 100_000
        G = nx.barabasi_albert_graph(n, 5, seed=0)
        return G, refsim.Graph.from_networkx(G), f"Barabasi-Albert n={n:,} m=5 (networkx seed 0)"
    n = 100_000 if quick else 1_000_000
    graph = refsim.generators.holme_kim(n, 5, 0.5, rng=0)
    G = graph.to_networkx()
    return G, graph, f"Holme-Kim n={n:,} m=5 triad_p=0.5 (refsim seed 0)"


def have(module):
    if importlib.util.find_spec(module):
        return True
    print(f"{module} not installed: pip install -e '.[bench]'")
    return False


def run_regime(name, G, graph, label, args):
    _, p, runs, eon_runs, ndlib_runs = REGIMES[name]
    lt = p == "lt"
    if p == "p_c":
        p = epidemic_threshold(graph)
    if args.quick:
        runs, eon_runs = max(runs // 10, 200), max(eon_runs // 10, 5)
        ndlib_runs = min(ndlib_runs, 5)
    seeds = np.random.default_rng(0).choice(graph.n, args.k, replace=False)
    labels = [int(s) for s in seeds]  # both graphs number their nodes 0..n-1 alike
    model = refsim.LinearThreshold() if lt else refsim.IndependentCascade(float(p))
    cores = numba.config.NUMBA_NUM_THREADS

    def run_refsim(workers):
        def go():
            t = time.perf_counter()
            res = refsim.simulate(graph, model, seeds, runs=runs, rng=0, workers=workers)
            return res.final_sizes, time.perf_counter() - t
        return go

    refsim.simulate(graph, model, seeds, runs=10, rng=0, workers=1)  # compile outside the clock
    refsim.simulate(graph, model, seeds, runs=10, rng=0)
    contenders = {"refsim, 1 thread": run_refsim(1), f"refsim, {cores} threads": run_refsim(cores)}
    if have("cynetdiff"):  # models built once, outside the clock
        cyn = (cynetdiff_lt_prepared(G, labels, 0) if lt
               else cynetdiff_ic_prepared(G, p, labels, 0))
        contenders["CyNetDiff (Cython, 1 thread)"] = lambda: cyn(runs)
    if have("pynetim"):
        pyn = pynetim_lt_prepared(G, labels) if lt else pynetim_ic_prepared(G, p, labels)
        contenders["PyNetIM (C++, 1 thread)"] = lambda: pyn(runs, 0)
    sizes, times = {}, {c: [] for c in contenders}
    for _ in range(args.repeat):
        for c, go in contenders.items():
            sizes[c], sec = go()
            times[c].append(sec / runs)
    ref = "refsim, 1 thread"
    rows = [(c, sizes[c], runs, statistics.median(times[c]),
             statistics.median(np.array(times[c]) / np.array(times[ref]))) for c in contenders]
    slow = []
    if eon_runs and have("EoN"):
        slow.append(("EoN (Python)", eon_ic, eon_runs))
    if ndlib_runs and have("ndlib"):
        slow.append(("NDlib (Python)", ndlib_ic, ndlib_runs))
    for c, fn, r in slow:
        sz, sec = fn(G, p, labels, r, 0)
        rows.append((c, sz, r, sec / r, sec / r / rows[0][3]))

    what = "LT (weights 1 / in-degree)" if lt else f"IC, p={p:.5g},"
    print(f"\n**{name}**: {what} on {label}, {args.k} seeds; median of {args.repeat} "
          f"interleaved repetitions\n")
    print("| implementation | runs | mean final size (± s.e.) | us per run "
          "| time relative to refsim, 1 thread |")
    print("|---|---:|---:|---:|---:|")
    for c, sz, r, per, ratio in rows:
        if np.ndim(sz) == 0:  # a library that returns only the mean
            size = f"{float(sz):,.1f}"
        else:
            se = sz.std(ddof=1) / math.sqrt(len(sz)) if len(sz) > 1 else float("nan")
            size = f"{sz.mean():,.1f} (± {se:,.1f})"
        print(f"| {c} | {r:,} | {size} | {per * 1e6:,.2f} | {ratio:.2f} |")


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--regime", choices=sorted(REGIMES), action="append",
                    help="run only this regime (repeatable); default all")
    ap.add_argument("--k", type=int, default=10, help="number of seed nodes")
    ap.add_argument("--repeat", type=int, default=7)
    ap.add_argument("--quick", action="store_true",
                    help="graphs of 20,000 and 100,000 nodes, a tenth of the runs")
    args = ap.parse_args(argv)
    if args.quick:
        args.repeat = 3
    chosen = args.regime or list(REGIMES)
    built = {}
    for name in chosen:
        kind = REGIMES[name][0]
        if kind not in built:
            built[kind] = build(kind, args.quick)
        run_regime(name, *built[kind], args)


if __name__ == "__main__":
    main()
