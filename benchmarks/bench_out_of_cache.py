"""IC on a graph far larger than the cache, against the machine's random-gather bound.

Workload (defaults): a Barabasi-Albert graph (refsim's generator, n = 10,000,000, m = 5,
seed 0: 10^8 arcs, a 480 MB CSR), p = 0.05 on every arc, 10 seeds, 20 runs on one
thread.

The bound: an activated node needs at least two cache misses (its CSR offset and the
start of its adjacency list) and each arc that fires one more (its target's visit mark),
and none of these depends on another node's. The time of one such load is measured on
the same arrays, by a loop that makes those loads for random nodes reached along random
arcs (as a cascade reaches them: high-degree nodes as often), with no load depending on
the one before, so the CPU overlaps them as far as it can. The arcs that fire per
activated node are counted by an independent IC (per-arc coins, numpy's generator) on
the same graph. Bound per fired arc = load time x (2 x activated + fired) / fired; the
ratio is IC's time per fired arc over it.

refsim's IC kernel lists a step's fired arcs before it reads any visit mark, so the
misses of different nodes overlap, and prefetches (CSR offsets 8 queue places ahead,
adjacency starts 4 ahead, each fired arc's visit mark) once the graph's arrays exceed
32 MiB; ``--ahead 0`` is the same kernel without the hints. The results are the same
either way (the tests check it).

    python benchmarks/bench_out_of_cache.py                 # the README's row (about 3 min)
    python benchmarks/bench_out_of_cache.py --n 2000000     # smaller

Prints a Markdown table: nanoseconds per fired arc with and without prefetching, the
bound, and the ratios.
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
from refsim.simulate import ic_kernel_args, kernel_scratch


@njit(cache=True)
def gather_loads(indptr, indices, mark, arcs):
    """Three independent loads per node reached along arc ``a``: offset, adjacency start,
    a neighbour's mark (summed so nothing is optimised away)."""
    total = 0
    for i in range(arcs.shape[0]):
        u = indices[arcs[i]]
        lo = indptr[u]
        total += lo + mark[indices[lo]]
    return total


@njit(cache=True)
def fired_and_activated(indptr, indices, p, seeds, runs, seed):
    """Independent IC (a coin per arc): total arcs fired and nodes activated."""
    np.random.seed(seed)
    n = indptr.shape[0] - 1
    seen = np.zeros(n, np.int32)
    queue = np.empty(n, np.int64)
    fired = 0
    activated = 0
    for r in range(1, runs + 1):
        tail = 0
        for s in seeds:
            seen[s] = r
            queue[tail] = s
            tail += 1
        head = 0
        while head < tail:
            u = queue[head]
            head += 1
            for e in range(indptr[u], indptr[u + 1]):
                if np.random.random() < p:
                    fired += 1
                    v = indices[e]
                    if seen[v] != r:
                        seen[v] = r
                        queue[tail] = v
                        tail += 1
        activated += tail
    return fired, activated


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=10_000_000)
    ap.add_argument("--p", type=float, default=0.05)
    ap.add_argument("--runs", type=int, default=20)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--ahead", type=int, default=None, help="prefetch distance to time")
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
    scratch = kernel_scratch(graph.n, 1, graph.indices.dtype)  # kept, as simulate keeps it

    def ic(ahead):
        a = kargs[:7] + (ahead,)
        t = time.perf_counter()
        final, _, _ = cascade.independent_cascade_serial(
            *a, nodes, lo, hi, states, ids, graph.n, 64, 1, *scratch)
        return final, time.perf_counter() - t

    mark = np.zeros(graph.n, np.uint8)
    arcs = np.random.default_rng(1).integers(0, graph.num_arcs, 20_000_000)
    ic(0)
    gather_loads(graph.indptr, graph.indices, mark, arcs[:10])
    fired, activated = fired_and_activated(graph.indptr, graph.indices, args.p,
                                           seeds.astype(np.int64), args.runs, 1)
    per_node = fired / activated  # arcs fired per activated node, in the law of IC
    per = {"prefetch": [], "none": [], "load": []}
    for _ in range(args.repeat):
        final, sec = ic(args.ahead if args.ahead is not None else (kargs[7] or 8))
        arcs_fired = int(final.sum()) * per_node
        per["prefetch"].append(sec / arcs_fired)
        again, sec = ic(0)
        assert np.array_equal(again, final)
        per["none"].append(sec / arcs_fired)
        t = time.perf_counter()
        gather_loads(graph.indptr, graph.indices, mark, arcs)
        per["load"].append((time.perf_counter() - t) / (3 * arcs.shape[0]))
    med = {k: statistics.median(v) * 1e9 for k, v in per.items()}
    bound = med["load"] * (2 + per_node) / per_node
    print(f"IC on Barabasi-Albert n={graph.n:,} m=5 ({graph.num_arcs:,} arcs), p={args.p}, "
          f"{args.runs} runs of {final.mean():,.0f} activated nodes on average, "
          f"{per_node:.2f} fired arcs per activated node; 1 thread; medians of "
          f"{args.repeat}\n")
    print("| kernel | ns per fired arc | over the gather bound |")
    print("|---|---:|---:|")
    print(f"| refsim IC, prefetching | {med['prefetch']:.0f} | {med['prefetch'] / bound:.2f} |")
    print(f"| refsim IC, no prefetch | {med['none']:.0f} | {med['none'] / bound:.2f} |")
    print(f"| bound: {med['load']:.1f} ns per independent load, "
          f"(2 + {per_node:.2f}) loads per activated node | {bound:.0f} | 1.00 |")


if __name__ == "__main__":
    main()
