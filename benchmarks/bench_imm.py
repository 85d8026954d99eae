"""IMM influence maximisation: refsim against PyNetIM's C++ IMM, same graph, model and k.

Workload (defaults): a Holme-Kim graph (refsim's generator, n = 100,000, m = 5, triad
probability 0.5, seed 0), Independent Cascade with weighted-cascade probabilities
(p(u, v) = 1 / in-degree(v), PyNetIM's ``set_wc_weights``), k = 50 seeds, epsilon 0.5 and
0.1. refsim runs on 1 thread and on every core (its RR sets are drawn in blocks with their
own streams, so the seeds do not depend on the thread count); PyNetIM's IMM is
single-threaded. The contenders alternate in each of ``--repeat`` repetitions; the ratio
is the median of per-repetition ratios, PyNetIM's time / refsim's. Every seed set is then
scored by the same Monte Carlo evaluation: ``--eval`` IC runs on the same streams for
every set (paired), so the spreads can be compared directly.

    pip install -e ".[bench]"
    python benchmarks/bench_imm.py            # the README's table
    python benchmarks/bench_imm.py --quick    # n = 20,000, one repetition

Prints a Markdown table: selection seconds, speed ratio and spread (± s.e.); then the
RR-set generation alone (``--sets`` sets, IMM's own sampler) on 1 thread and on every
core, with the speed-up.
"""

import argparse
import importlib.util
import statistics
import time

import numba
import numpy as np

import refsim

try:
    from peers import pynetim_graph_weighted_cascade
except ImportError:  # run as a module from the repository root
    from benchmarks.peers import pynetim_graph_weighted_cascade


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=100_000)
    ap.add_argument("--k", type=int, default=50)
    ap.add_argument("--eps", type=float, nargs="+", default=[0.5, 0.1])
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--eval", type=int, default=2_000, help="Monte Carlo runs per seed set")
    ap.add_argument("--sets", type=int, default=2_000_000, help="RR sets timed alone")
    ap.add_argument("--quick", action="store_true")
    args = ap.parse_args(argv)
    if args.quick:
        args.n, args.repeat, args.eval, args.sets = 20_000, 1, 500, 200_000

    graph = refsim.generators.holme_kim(args.n, 5, 0.5, rng=0)
    model = refsim.IndependentCascade("weighted_cascade")
    cores = numba.config.NUMBA_NUM_THREADS
    warm = refsim.generators.holme_kim(2_000, 5, 0.5, rng=0)
    refsim.select_seeds(warm, "imm", k=5, model=model, rng=0)  # compile outside the clock
    pynetim = None
    if importlib.util.find_spec("pynetim"):
        from pynetim import IMMAlgorithm

        pynetim = pynetim_graph_weighted_cascade(graph.to_networkx())
    else:
        print("PyNetIM not installed: pip install -e '.[bench]'")

    def ours(eps, threads):
        def go():
            numba.set_num_threads(threads)
            try:
                t = time.perf_counter()
                seeds = refsim.select_seeds(graph, "imm", k=args.k, model=model, rng=0,
                                            epsilon=eps)
                return list(seeds), time.perf_counter() - t
            finally:
                numba.set_num_threads(cores)
        return go

    def theirs(eps):
        def go():
            algo = IMMAlgorithm(pynetim, "IC", epsilon=float(eps), random_seed=0)
            t = time.perf_counter()
            chosen = algo.run(args.k)
            return sorted(int(v) for v in chosen), time.perf_counter() - t
        return go

    print(f"IMM on {graph} (Holme-Kim m=5 triad_p=0.5, seed 0), IC weighted cascade, "
          f"k={args.k}; median of {args.repeat} interleaved repetitions; spread from "
          f"{args.eval:,} paired IC runs\n")
    print("| epsilon | implementation | selection s | PyNetIM time / this time "
          "| spread (± s.e.) |")
    print("|---:|---|---:|---:|---:|")
    for eps in args.eps:
        contenders = {"refsim, 1 thread": ours(eps, 1),
                      f"refsim, {cores} threads": ours(eps, cores)}
        if pynetim is not None:
            contenders["PyNetIM (C++, 1 thread)"] = theirs(eps)
        seeds, times = {}, {c: [] for c in contenders}
        for _ in range(args.repeat):
            for c, go in contenders.items():
                seeds[c], sec = go()
                times[c].append(sec)
        assert seeds["refsim, 1 thread"] == seeds[f"refsim, {cores} threads"]
        base = times.get("PyNetIM (C++, 1 thread)")
        for c in contenders:
            res = refsim.simulate(graph, model, np.array(seeds[c]), runs=args.eval, rng=7)
            ratio = (statistics.median(np.array(base) / np.array(times[c]))
                     if base else float("nan"))
            print(f"| {eps} | {c} | {statistics.median(times[c]):.2f} | {ratio:.2f} "
                  f"| {res.mean:,.0f} (± {res.sem:,.0f}) |")
    rr_alone(graph, model, args.sets, max(args.repeat, 3), cores)


def rr_alone(graph, model, sets, repeat, cores):
    """Seconds to draw ``sets`` RR sets with IMM's sampler on 1 thread and on ``cores``
    (medians of interleaved repetitions); the sets must be identical."""
    from refsim.strategies.imm import _in_arc_model, _Sampler

    kind, in_p = _in_arc_model(graph, model)
    times, drawn = {1: [], cores: []}, {}
    for _ in range(repeat):
        for workers in (1, cores):
            sampler = _Sampler(graph, kind, in_p, np.random.SeedSequence(0), workers)
            t = time.perf_counter()
            sampler.extend_to(sets)
            times[workers].append(time.perf_counter() - t)
            drawn[workers] = sampler.nodes[: sampler.ptr[-1]]
    assert np.array_equal(drawn[1], drawn[cores])
    one, many = statistics.median(times[1]), statistics.median(times[cores])
    print(f"\nRR sets alone: {sets:,} sets ({drawn[1].size:,} nodes): {one:.2f} s on 1 "
          f"thread, {many:.2f} s on {cores}: {one / many:.2f}x")


if __name__ == "__main__":
    main()
