"""Peak memory and time of ``refsim.describe`` against the size of the graph's CSR.

Workload (defaults): a Holme-Kim graph (refsim's generator, m = 5, triad probability
0.5, seed 0) with n = 10,000,000 nodes, about 10^8 arcs. The graph is generated once and
saved; a fresh process loads its CSR, resets its peak resident memory (Linux
``/proc/self/clear_refs``), profiles the graph, and reports the peak above what it held
before: describe's own working memory. ``--directed`` profiles the same arcs as a
digraph (describe then builds the undirected view first).

    python benchmarks/bench_describe.py                 # the README's row (about 2 min)
    python benchmarks/bench_describe.py --n 1000000     # 10^7 arcs

Prints a Markdown row: arcs, CSR size, describe's working memory (its peak above what the
process held), the process's peak over the CSR ((CSR + working) / CSR), seconds.
"""

import argparse
import os
import subprocess
import sys
import tempfile

CHILD = r"""
import sys, time
import numpy as np
import refsim

def status(key):
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith(key + ":"):
                return int(line.split()[1]) * 1024
    raise KeyError(key)

base, directed = sys.argv[1], sys.argv[2] == "1"
indptr = np.load(base + "_indptr.npy")
indices = np.load(base + "_indices.npy")
graph = refsim.Graph._trusted(indptr, indices, directed=directed)
refsim.describe(refsim.generators.holme_kim(2000, 5, 0.5, rng=1))  # compile
csr = indptr.nbytes + indices.nbytes
with open("/proc/self/clear_refs", "w") as fh:
    fh.write("5")  # resets VmHWM to the current resident size
before = status("VmRSS")
t = time.perf_counter()
refsim.describe(graph)
sec = time.perf_counter() - t
extra = status("VmHWM") - before
print(graph.num_arcs, csr, extra, sec)
"""


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=10_000_000)
    ap.add_argument("--directed", action="store_true")
    ap.add_argument("--dir", default=tempfile.gettempdir(), help="where the graph is kept")
    args = ap.parse_args(argv)
    base = os.path.join(args.dir, f"refsim_hk_{args.n}")
    if not os.path.exists(base + "_indices.npy"):
        import numpy as np

        import refsim

        g = refsim.generators.holme_kim(args.n, 5, 0.5, rng=0)
        np.save(base + "_indptr.npy", g.indptr)
        np.save(base + "_indices.npy", g.indices)
        del g
    out = subprocess.run([sys.executable, "-c", CHILD, base, "1" if args.directed else "0"],
                         capture_output=True, text=True, check=False)
    if out.returncode:
        sys.exit(out.stderr)
    arcs, csr, extra, sec = out.stdout.split()
    arcs, csr, extra, sec = int(arcs), int(csr), int(extra), float(sec)
    mib = 2**20
    print("| graph | arcs | CSR, MiB | describe's working memory, MiB | peak / CSR | seconds |")
    print("|---|---:|---:|---:|---:|---:|")
    print(f"| Holme-Kim n={args.n:,}{' as a digraph' if args.directed else ''} | {arcs:,} "
          f"| {csr / mib:,.0f} | {extra / mib:,.0f} | {(csr + extra) / csr:.2f} | {sec:.1f} |")


if __name__ == "__main__":
    main()
