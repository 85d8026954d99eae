"""Seeding strategies side by side: spread, seed cost and selection time on one graph.

Workload: holme_kim(n=200,000, m=5, triad_p=0.5); Independent Cascade with weighted
cascade probabilities (p = 1 / in-degree); k = 50 seeds; seeds priced as in
Population.by_audience with Economics(seed_cost_per_follower=1) (influencers 200 + 1 per
follower, micro-advocates 40 + 1, others 10 + 1). Spread: 500 runs on the same streams
for every strategy (paired). Then IMM alone at n = 1,000,000.

    python benchmarks/bench_strategies.py [--n 200000] [--big 1000000]
"""

import argparse
import time

import numpy as np

import refsim


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=200_000)
    ap.add_argument("--big", type=int, default=1_000_000)
    ap.add_argument("--k", type=int, default=50)
    args = ap.parse_args(argv)

    g = refsim.generators.holme_kim(args.n, 5, 0.5, rng=1)
    pop = refsim.Population.by_audience(g, rng=1)
    priced = refsim.ReferralModel(population=pop,
                                  economics=refsim.Economics(seed_cost_per_follower=1.0))
    costs = priced.seed_costs(g, np.arange(g.n))
    ic = refsim.IndependentCascade("weighted_cascade")
    params = {"celf": dict(runs=50, candidates=100), "imm": dict(epsilon=0.5)}
    warm = refsim.generators.holme_kim(3000, 5, 0.5, rng=1)
    print(f"graph {g}; IC weighted cascade; k = {args.k}\n")
    print("| strategy | spread (± s.e.) | vs random | seed cost | selection s |")
    print("|---|---:|---:|---:|---:|")
    rows = []
    for name in refsim.available_strategies():
        model = priced if name in ("influencers", "micro_advocates") else ic
        try:  # compile outside the clock
            refsim.select_seeds(warm, name, k=5, model=refsim.ReferralModel(
                population=refsim.Population.by_audience(warm, rng=1)) if model is priced
                else ic, rng=0, **params.get(name, {}))
        except ValueError:
            continue
        t = time.perf_counter()
        seeds = refsim.select_seeds(g, name, k=args.k, model=model, rng=0,
                                    **params.get(name, {}))
        sec = time.perf_counter() - t
        res = refsim.simulate(g, ic, seeds, runs=500, rng=7)
        rows.append((name, res, costs[seeds].sum(), sec))
    base = next(r for r in rows if r[0] == "random")[1].mean
    for name, res, cost, sec in sorted(rows, key=lambda r: -r[1].mean):
        print(f"| {name} | {res.mean:,.0f} (± {res.sem:,.0f}) | {res.mean / base:.2f}x "
              f"| {cost:,.0f} | {sec:.2f} |")
    if args.big:
        big = refsim.generators.holme_kim(args.big, 5, 0.5, rng=1)
        for model, eps in [(ic, 0.5), (ic, 0.1), (refsim.LinearThreshold(), 0.5)]:
            t = time.perf_counter()
            seeds = refsim.select_seeds(big, "imm", k=args.k, model=model, rng=0, epsilon=eps)
            sec = time.perf_counter() - t
            res = refsim.simulate(big, model, seeds, runs=200, rng=7)
            print(f"\nIMM k={args.k} on {big}, {model}, epsilon={eps}: {sec:.1f} s; "
                  f"spread {res.mean:,.0f} (± {res.sem:,.0f})", end="")
        print()


if __name__ == "__main__":
    main()
