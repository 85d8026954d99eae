"""Lifecycle speed: two years of weekly steps on a 1,000,000-node Holme-Kim graph.

Workload: holme_kim(n=1,000,000, m=5, triad_p=0.5), a population with influencers and
micro-advocates, the 100 best-connected customers seeded, a two-sided reward, advertising,
and every lifecycle mechanism on (satisfaction classes, churn by class with lower churn
while the referrer stays, detractors' bad news, win-back through advertising, reviews and
their social proof, a capped promoters-only loyalty programme, an advocacy programme,
repeat margin and discounting), 104 weekly steps, 100 runs on all cores, next to the same
campaign without a lifecycle and with the lifecycle's core only. Target: under a minute on a 2-core machine;
the per-step cost follows the advocates, detractors and customers at risk (geometric
jumps over each class's customers), not n.

    python benchmarks/bench_lifecycle.py [--runs 100] [--n 1000000] [--steps 104]
"""

import argparse
import time

import numpy as np

import refsim


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=1_000_000)
    ap.add_argument("--runs", type=int, default=100)
    ap.add_argument("--steps", type=int, default=104)
    ap.add_argument("--quick", action="store_true", help="10^5 nodes, 20 runs")
    args = ap.parse_args(argv)
    if args.quick:
        args.n, args.runs = 100_000, 20

    g = refsim.generators.holme_kim(args.n, 5, 0.5, rng=1)
    pop = refsim.Population.by_audience(g, rng=1)
    seeds = np.argsort(-g.out_degree, kind="stable")[:100]
    base = refsim.ReferralModel(
        share=0.05, conversion=0.2, advocacy=0.5, forget_rate=0.1, ad_rate=0.0002,
        population=pop, program=refsim.ReferralProgram(sender_reward=5, recipient_reward=5))
    life = refsim.Lifecycle(churn_promoter=0.002, churn_passive=0.005,
                            churn_detractor=0.02, detractor_share=0.1)
    import dataclasses

    every = dataclasses.replace(
        base, lifecycle=dataclasses.replace(life, referrer_churn_reduction=0.3, winback=0.5),
        reviews=refsim.Reviews(), advocacy_programme=refsim.AdvocacyProgram(),
        loyalty=refsim.LoyaltyProgram(joins="promoters", cap=20_000))
    models = {"without lifecycle": base,
              "lifecycle core": dataclasses.replace(base, lifecycle=life),
              "every mechanism": every}
    for model in models.values():
        refsim.simulate(g, model, seeds, runs=2, rng=0, steps=3)  # compile
    print(f"graph {g}; {args.runs} runs x {args.steps} steps, {refsim.__version__}")
    for name, model in models.items():
        t = time.perf_counter()
        res = refsim.simulate(g, model, seeds, runs=args.runs, rng=0, steps=args.steps)
        sec = time.perf_counter() - t
        line = (f"{name:>17}: {sec:6.1f} s ({sec / args.runs * 1e3:.0f} ms per run); "
                f"customers won {res.final_sizes.mean():,.0f}")
        if res.customers is not None:
            kept = res.customers[:, -1].sum(axis=1).mean()
            line += (f", kept {kept:,.0f}, NPS {np.nanmean(res.nps_curves[:, -1]):+.0f}, "
                     f"rejected after bad news {res.flows[:, :, 5].sum(axis=1).mean():,.0f}, "
                     f"NPV ${res.money['npv'].mean():,.0f}")
        if res.proof is not None:
            line += (f", won back {res.flows[:, :, 6].sum(axis=1).mean():,.0f}, reviews "
                     f"{res.flows[:, :, 7:].sum(axis=(1, 2)).mean():,.0f}, social proof "
                     f"x{res.proof[:, -1].mean():.2f}")
        print(line, flush=True)


if __name__ == "__main__":
    main()
