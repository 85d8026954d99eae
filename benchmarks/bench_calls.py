"""Many small calls: the pattern of calibration and optimisation, refsim against CyNetDiff.

Workload (defaults): Barabasi-Albert graph from networkx (n = 100,000, m = 3, seed 0),
10 seed nodes drawn with numpy's default_rng(0); 10,000 calls of 10 runs each: IC with
p = 0.01 on every arc (subcritical: each run touches a few dozen nodes, so what a call
costs to prepare decides the time) and LT with weights 1 / in-degree. refsim makes one
``simulate`` call per batch of 10 runs (a new stream each call, default workers);
CyNetDiff resets and advances its model 10 times. The contenders alternate batch by
batch of ``--block`` calls, and each ratio is the median of per-block ratios.

    pip install -e ".[bench]"
    python benchmarks/bench_calls.py            # the README's table
    python benchmarks/bench_calls.py --quick    # 1,000 calls

Prints a Markdown table: microseconds per call and CyNetDiff's time over refsim's.
"""

import argparse
import importlib.util
import statistics
import time

import networkx as nx
import numpy as np

import refsim


def cynetdiff_batches(model, mapping, seeds, runs):
    model.set_seeds([int(mapping[s]) for s in seeds])

    def call():
        total = 0
        for _ in range(runs):
            model.reset_model()
            model.advance_until_completion()
            total += model.get_num_activated_nodes()
        return total

    return call


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=100_000)
    ap.add_argument("--m", type=int, default=3)
    ap.add_argument("--p", type=float, default=0.01)
    ap.add_argument("--k", type=int, default=10, help="number of seed nodes")
    ap.add_argument("--calls", type=int, default=10_000)
    ap.add_argument("--runs", type=int, default=10, help="runs per call")
    ap.add_argument("--block", type=int, default=500, help="calls per timed block")
    ap.add_argument("--quick", action="store_true", help="1,000 calls")
    args = ap.parse_args(argv)
    if args.quick:
        args.calls, args.block = 1_000, 100

    G = nx.barabasi_albert_graph(args.n, args.m, seed=0)
    graph = refsim.Graph.from_networkx(G)
    seeds = np.random.default_rng(0).choice(args.n, args.k, replace=False)
    labels = [int(s) for s in seeds]
    models = {"IC": refsim.IndependentCascade(args.p), "LT": refsim.LinearThreshold()}
    have_cynetdiff = importlib.util.find_spec("cynetdiff") is not None
    if not have_cynetdiff:
        print("CyNetDiff not installed: pip install -e '.[bench]'")
    rows = []
    for name, model in models.items():
        refsim.simulate(graph, model, seeds, runs=args.runs, rng=0)  # compile

        def refsim_call(i, model=model):
            return refsim.simulate(graph, model, seeds, runs=args.runs, rng=i).final_sizes.sum()

        peer = None
        if have_cynetdiff:
            from cynetdiff.utils import networkx_to_ic_model, networkx_to_lt_model

            if name == "IC":
                cm, mapping = networkx_to_ic_model(G, activation_prob=args.p, rng=0)
            else:
                # its LT reads a digraph (each edge as two arcs); weights 1 / in-degree
                cm, mapping = networkx_to_lt_model(G.to_directed(), rng=0)
            peer = cynetdiff_batches(cm, mapping, labels, args.runs)
        ours, theirs, ratios = [], [], []
        reach = {"refsim": 0, "CyNetDiff": 0}  # total final sizes: the models must agree
        done = 0
        while done < args.calls:
            block = min(args.block, args.calls - done)
            t = time.perf_counter()
            for i in range(done, done + block):
                reach["refsim"] += refsim_call(i)
            a = (time.perf_counter() - t) / block
            ours.append(a)
            if peer is not None:
                t = time.perf_counter()
                for _ in range(block):
                    reach["CyNetDiff"] += peer()
                b = (time.perf_counter() - t) / block
                theirs.append(b)
                ratios.append(b / a)
            done += block
        per_run = {k: v / (args.calls * args.runs) for k, v in reach.items()}
        rows.append((name, per_run, statistics.median(ours),
                     statistics.median(theirs) if theirs else float("nan"),
                     statistics.median(ratios) if ratios else float("nan")))

    print(f"{args.calls:,} calls of {args.runs} runs on Barabasi-Albert n={args.n:,} "
          f"m={args.m} (networkx seed 0), {args.k} seeds; IC p={args.p}, LT 1/in-degree; "
          f"medians over blocks of {args.block} calls\n")
    print("| model | mean final size, refsim / CyNetDiff | refsim, us per call "
          "| CyNetDiff, us per call | CyNetDiff time / refsim time |")
    print("|---|---:|---:|---:|---:|")
    for name, size, a, b, r in rows:
        print(f"| {name} | {size['refsim']:.2f} / {size['CyNetDiff']:.2f} | {a * 1e6:,.0f} "
              f"| {b * 1e6:,.0f} | {r:.2f} |")


if __name__ == "__main__":
    main()
