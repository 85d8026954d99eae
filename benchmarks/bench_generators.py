"""Generator speed and memory: refsim at n = 1,000,000 and against networkx at 100,000.

Each measurement runs in a fresh process (after a small warm-up call that compiles the
kernels), so peak memory is that process's own: "extra" is the peak resident memory
during the call minus the memory before it, and "x CSR" is that extra beyond the final
graph's CSR arrays, as a multiple of their size. Targets: at most 10 s and below 2x.

    python benchmarks/bench_generators.py            # the README's table (a few minutes)
    python benchmarks/bench_generators.py --quick    # n = 100,000, no networkx
"""

import argparse
import json
import subprocess
import sys

# name: (refsim call with n, networkx call with n or None)
CASES = {
    "erdos_renyi": ("gen.erdos_renyi(n, 10.0, rng=1)",
                    "nx.fast_gnp_random_graph(n, 10.0 / (n - 1), seed=1)"),
    "random_regular": ("gen.random_regular(n, 10, rng=1)", "nx.random_regular_graph(10, n, seed=1)"),
    "configuration": ("gen.configuration(degrees(n), rng=1)",
                      "nx.configuration_model(degrees(n).tolist(), seed=1)"),
    "barabasi_albert": ("gen.barabasi_albert(n, 5, rng=1)", "nx.barabasi_albert_graph(n, 5, seed=1)"),
    "holme_kim": ("gen.holme_kim(n, 5, 0.5, rng=1)", "nx.powerlaw_cluster_graph(n, 5, 0.5, seed=1)"),
    "watts_strogatz": ("gen.watts_strogatz(n, 10, 0.1, rng=1)",
                       "nx.watts_strogatz_graph(n, 10, 0.1, seed=1)"),
    "stochastic_block": ("gen.stochastic_block(blocks(n), 8.0, 2.0, rng=1)",
                         "nx.stochastic_block_model(blocks(n), "
                         "gen.block_probabilities(blocks(n), 8.0, 2.0).tolist(), seed=1, sparse=True)"),
    "degree_corrected_block": ("gen.degree_corrected_block(blocks(n), 10.0, 0.2, rng=1)", None),
    "lfr": ("gen.lfr(n, 10.0, 0.2, rng=1)", None),
}

CHILD = r"""
import json, resource, sys, time
import numpy as np, networkx as nx
from refsim import generators as gen
def degrees(n):
    from refsim.generators.blocks import power_law_degrees
    d = np.rint(power_law_degrees(n, 10.0, 2.5, 1000.0, rng=0)).astype(np.int64)
    d[0] += d.sum() % 2
    return d
def blocks(n):
    return [n // 10] * 10
def rss():
    return int(open("/proc/self/statm").read().split()[1]) * 4096
kind, expr, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
if kind == "refsim":
    eval(expr.replace("(n", "(1000").replace("blocks(n)", "blocks(1000)"))
before = max(rss(), resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024)
t = time.perf_counter()
g = eval(expr)
sec = time.perf_counter() - t
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
out = {"seconds": sec, "extra": peak - before}
if kind == "refsim":
    out["csr"] = g.indptr.nbytes + g.indices.nbytes
    out["arcs"] = g.num_arcs
print(json.dumps(out))
"""


def measure(kind, expr, n):
    res = subprocess.run([sys.executable, "-c", CHILD, kind, expr, str(n)],
                         capture_output=True, text=True, timeout=3600)
    if res.returncode:
        raise RuntimeError(res.stderr)
    return json.loads(res.stdout.strip().splitlines()[-1])


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=1_000_000)
    ap.add_argument("--nx-n", type=int, default=100_000)
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--only", nargs="*", help="generators to run")
    args = ap.parse_args(argv)
    if args.quick:
        args.n, args.nx_n = 100_000, 0
    names = args.only or list(CASES)
    print(f"| generator | arcs at n={args.n:,} | seconds | extra memory (MB) | x CSR "
          f"| networkx s at {args.nx_n:,} | refsim s at {args.nx_n:,} | speed-up |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    for name in names:
        ours, theirs = CASES[name]
        big = measure("refsim", ours, args.n)
        ratio = (big["extra"] - big["csr"]) / big["csr"]
        row = (f"| {name} | {big['arcs']:,} | {big['seconds']:.2f} | "
               f"{big['extra'] / 2**20:.0f} | {ratio:.2f} |")
        if theirs and args.nx_n:
            a = measure("networkx", theirs, args.nx_n)
            b = measure("refsim", ours, args.nx_n)
            row += f" {a['seconds']:.2f} | {b['seconds']:.3f} | {a['seconds'] / b['seconds']:.0f}x |"
        else:
            row += " n/a | | |"
        print(row, flush=True)


if __name__ == "__main__":
    main()
