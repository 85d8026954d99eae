"""Referral-model speed: a campaign on a 1,000,000-node Holme-Kim graph.

Workload: holme_kim(n=1,000,000, m=5, triad_p=0.5), a population with influencers and
micro-advocates (Population.by_audience), the 100 best-connected customers seeded, a
two-sided reward, 30 steps, 100 runs on all cores. Target: under a minute on a 2-core
machine for a campaign that reaches 10-30% of the graph.

    python benchmarks/bench_referral.py [--runs 100] [--n 1000000]
"""

import argparse
import time

import numpy as np

import refsim


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=1_000_000)
    ap.add_argument("--runs", type=int, default=100)
    ap.add_argument("--steps", type=int, default=30)
    args = ap.parse_args(argv)

    t = time.perf_counter()
    g = refsim.generators.holme_kim(args.n, 5, 0.5, rng=1)
    build = time.perf_counter() - t
    pop = refsim.Population.by_audience(g, rng=1)
    seeds = np.argsort(-g.out_degree, kind="stable")[:100]
    model = refsim.ReferralModel(
        share=0.2, conversion=0.2, advocacy=0.5, forget_rate=0.3, ad_rate=0.0002,
        population=pop, program=refsim.ReferralProgram(sender_reward=10, recipient_reward=10))
    refsim.simulate(g, model, seeds, runs=2, rng=0, steps=args.steps)  # compile
    t = time.perf_counter()
    res = refsim.simulate(g, model, seeds, runs=args.runs, rng=0, steps=args.steps)
    sec = time.perf_counter() - t
    s = res.summary()
    print(f"graph {g} built in {build:.1f} s; {pop}")
    print(f"{args.runs} runs x {args.steps} steps: {sec:.1f} s "
          f"({sec / args.runs * 1e3:.0f} ms per run)")
    print(f"reach {res.reach:.1%} of nodes; customers {s['reach']['mean']:,.0f} "
          f"[{s['reach']['lo']:,.0f}, {s['reach']['hi']:,.0f}]; "
          f"referrals sent {s['referrals_sent']['mean']:,.0f}; "
          f"structural virality {s['virality']['mean']:.2f}; ROI {s['roi']['mean']:.2f}")


if __name__ == "__main__":
    main()
