"""Graph generators: refsim against networkit's, one thread each, on the models both have.

Workload (defaults): n = 1,000,000 nodes, mean degree 10, for Erdos-Renyi G(n, p),
Barabasi-Albert (m = 5), Watts-Strogatz (k = 10, rewiring 0.1) and the configuration
model (one power-law degree sequence, exponent 2.5, given to both).
networkit (C++) runs with one thread (``networkit.setNumberOfThreads(1)``); refsim's
generators are serial. The contenders alternate in each of ``--repeat`` repetitions,
after a warm-up that compiles refsim's kernels; the ratio is the median of
per-repetition ratios, networkit's time / refsim's (above 1: refsim is faster). Each
returns its own graph type: refsim a CSR ``Graph``, networkit its adjacency ``Graph``.

    pip install -e ".[bench]" networkit
    python benchmarks/bench_networkit.py            # the README's table
    python benchmarks/bench_networkit.py --n 200000 --repeat 1

Prints a Markdown table: edges made, seconds each, and the ratio.
"""

import argparse
import statistics
import time

import numpy as np

from refsim import generators as gen


def contenders(n, nk):
    """Per model: (refsim call, networkit call), each returning its number of edges."""
    from refsim.generators.blocks import power_law_degrees

    p = 10.0 / (n - 1)
    # the degree sequence of bench_generators.py: power law, exponent 2.5, mean 10
    seq = np.rint(power_law_degrees(n, 10.0, 2.5, 1000.0, rng=0)).astype(np.int64)
    seq[0] += seq.sum() % 2

    def timed(make, edges):
        t = time.perf_counter()
        out = make()
        return edges(out), time.perf_counter() - t

    ours_edges = lambda g: g.num_arcs // 2
    theirs_edges = lambda g: g.numberOfEdges()
    return {
        "erdos_renyi": (
            lambda: timed(lambda: gen.erdos_renyi(n, 10.0, rng=1), ours_edges),
            lambda: timed(lambda: nk.generators.ErdosRenyiGenerator(n, p).generate(),
                          theirs_edges)),
        "barabasi_albert": (
            lambda: timed(lambda: gen.barabasi_albert(n, 5, rng=1), ours_edges),
            lambda: timed(lambda: nk.generators.BarabasiAlbertGenerator(5, n).generate(),
                          theirs_edges)),
        "watts_strogatz": (
            lambda: timed(lambda: gen.watts_strogatz(n, 10, 0.1, rng=1), ours_edges),
            lambda: timed(lambda: nk.generators.WattsStrogatzGenerator(n, 5, 0.1).generate(),
                          theirs_edges)),
        "configuration": (
            lambda: timed(lambda: gen.configuration(seq, rng=1), ours_edges),
            lambda: timed(lambda: nk.generators.ConfigurationModelGenerator(
                seq.tolist()).generate(), theirs_edges)),
    }


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=1_000_000)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args(argv)
    try:
        import networkit as nk
    except ImportError:
        raise SystemExit("networkit not installed: pip install networkit") from None
    nk.setNumberOfThreads(1)
    nk.engineering.setSeed(1, False)
    for ours, _ in contenders(2_000, nk).values():
        ours()  # compile outside the clock
    rows = []
    for name, (ours, theirs) in contenders(args.n, nk).items():
        a, b = [], []
        for _ in range(args.repeat):
            e_ours, t_ours = ours()
            e_theirs, t_theirs = theirs()
            a.append(t_ours)
            b.append(t_theirs)
        rows.append((name, e_ours, e_theirs, statistics.median(a), statistics.median(b),
                     statistics.median(np.array(b) / np.array(a))))
    print(f"n={args.n:,}, mean degree 10, one thread each; medians of {args.repeat} "
          f"interleaved repetitions\n")
    print("| generator | edges, refsim / networkit | refsim s | networkit s "
          "| networkit time / refsim time |")
    print("|---|---:|---:|---:|---:|")
    for name, ea, eb, ta, tb, r in rows:
        print(f"| {name} | {ea:,} / {eb:,} | {ta:.2f} | {tb:.2f} | {r:.2f} |")


if __name__ == "__main__":
    main()
