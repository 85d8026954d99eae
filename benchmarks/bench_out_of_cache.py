"""IC on a graph far larger than the cache, against the machine's random-gather bound.

Workload (defaults): a Barabasi-Albert graph (refsim's generator, n = 10,000,000, m = 5,
seed 0: 10^8 arcs, a 480 MB CSR), p = 0.05 on every arc, 10 seeds, 20 runs on one
thread. Each activated node costs at least three cache misses that do not depend on one
another across nodes: its CSR offset, the start of its adjacency list, and the visit mark
of a neighbour. The bound is measured here, on the same arrays: a loop that makes those
three loads for random nodes, reached along random arcs as a cascade reaches them (so
high-degree nodes come up as often as in a cascade), with no load depending on the one
before, so the CPU overlaps them as far as it can. The ratio is IC's time per activated
node over the bound's time per node.

refsim's IC kernel prefetches (queue places ahead: the adjacency of the node 16 places
on, the marks of the first neighbours of the node 8 places on) once the graph's arrays
exceed 32 MiB; ``--ahead 0`` runs the same kernel without the hints, for comparison.
The results are the same either way (the tests check it).

    python benchmarks/bench_out_of_cache.py                 # the README's row (about 3 min)
    python benchmarks/bench_out_of_cache.py --n 2000000     # smaller

Prints a Markdown table: nanoseconds per activated node with and without prefetching,
the bound, and the ratios.
"""

import argparse
import statistics
import time

import numba
import numpy as np
from numba import njit

import refsim
from refsim._kernels import cascade
from refsim._rng import run_states
from refsim.simulate import ic_kernel_args


@njit(cache=True)
def gather_bound(indptr, indices, mark, arcs):
    """Three independent loads per node reached along arc ``a``: offset, adjacency start,
    a neighbour's mark (summed so nothing is optimised away)."""
    total = 0
    for i in range(arcs.shape[0]):
        u = indices[arcs[i]]
        lo = indptr[u]
        total += lo + mark[indices[lo]]
    return total


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=10_000_000)
    ap.add_argument("--p", type=float, default=0.05)
    ap.add_argument("--runs", type=int, default=20)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args(argv)
    graph = refsim.generators.barabasi_albert(args.n, 5, rng=0)
    model = refsim.IndependentCascade(args.p)
    seeds = np.random.default_rng(0).choice(graph.n, 10, replace=False)
    kernel, kargs = ic_kernel_args(graph, model)
    nodes = seeds.astype(graph.indices.dtype)
    lo, hi = np.zeros(args.runs, np.int64), np.full(args.runs, 10, np.int64)
    states = run_states(np.random.SeedSequence(0), args.runs)
    ids = np.arange(args.runs)
    numba.set_num_threads(1)

    def ic(ahead):
        a = kargs[:7] + (ahead,)
        t = time.perf_counter()
        final, _, _ = cascade.independent_cascade_serial(*a, nodes, lo, hi, states, ids,
                                                          graph.n, 64, 1)
        return final, time.perf_counter() - t

    mark = np.zeros(graph.n, np.uint8)
    arcs = np.random.default_rng(1).integers(0, graph.num_arcs, 20_000_000)
    ic(0)
    gather_bound(graph.indptr, graph.indices, mark, arcs[:10])
    per = {"prefetch": [], "none": [], "bound": []}
    for _ in range(args.repeat):
        final, sec = ic(kargs[7] or 16)
        activated = int(final.sum())
        per["prefetch"].append(sec / activated)
        again, sec = ic(0)
        assert np.array_equal(again, final)
        per["none"].append(sec / activated)
        t = time.perf_counter()
        gather_bound(graph.indptr, graph.indices, mark, arcs)
        per["bound"].append((time.perf_counter() - t) / arcs.shape[0])
    med = {k: statistics.median(v) * 1e9 for k, v in per.items()}
    print(f"IC on Barabasi-Albert n={graph.n:,} m=5 ({graph.num_arcs:,} arcs), p={args.p}, "
          f"{args.runs} runs of {activated / args.runs:,.0f} activated nodes on average, "
          f"1 thread; medians of {args.repeat}\n")
    print("| kernel | ns per activated node | over the gather bound |")
    print("|---|---:|---:|")
    print(f"| refsim IC, prefetching | {med['prefetch']:.0f} | {med['prefetch'] / med['bound']:.2f} |")
    print(f"| refsim IC, no prefetch | {med['none']:.0f} | {med['none'] / med['bound']:.2f} |")
    print(f"| gather bound (3 independent loads per node) | {med['bound']:.0f} | 1.00 |")


if __name__ == "__main__":
    main()
