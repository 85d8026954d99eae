"""ABC-SMC calibration speed and accuracy: experiments/calibrate_example.toml on one
process, two local processes and a local Dask cluster.

Workload: ``refsim calibrate experiments/calibrate_example.toml --data
experiments/data/example_signups.csv``, through ``refsim.calibrate.run.calibrate_config``.
Four calibrated keys (model.share, model.ad_rate, model.forget_rate,
lifecycle.churn_passive) fitted to 20 weekly periods of sign-ups, referred sign-ups and
cancellations that one run of the same model made at known values (share 0.2, ad_rate
0.0005, forget_rate 0.1, churn_passive 0.01: experiments/data/make_example_signups.py),
each particle one 20-step run on the config's 20,000-node Holme-Kim graph; 8 generations
of 200 particles (the tolerance: the acceptance threshold the 8th generation reaches),
then the 200 posterior predictive runs calibrate_config makes in the main process.

The same calibration is timed in three set-ups: a single process (the default), two
local processes (``workers=2``: spawned, through pyabc's concurrent-futures sampler,
20 simulations per task) and pyabc's Dask sampler (20 simulations per task) on
``distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True)``, its
workers with ``NUMBA_THREADING_LAYER=workqueue`` (passed
as ``dask=client``; the cluster's start and its workers' first simulation, which loads
the compiled kernels, are timed apart). With ``--repeat`` the set-ups take turns. Prints,
per calibration, the final acceptance threshold, the simulations, the seconds of the
whole call and of the ABC-SMC sampling in it (pyabc's start and end times), the CPU
seconds of all the benchmark's processes (this one, its child processes and the Dask
workers) with the load average around it (CPU far below the cores x seconds means
waiting or another load on the machine), and whether the truth lies inside each key's
90% credible interval (weighted 5% and 95% quantiles of posterior.csv); then the medians
and their ratios to the single process. A set-up that fails is reported with its
traceback (exit status 1) and the others still run. Target: a calibration under 10
minutes on a 2-core machine. Run directories are temporary.

    python benchmarks/bench_calibrate.py [--repeat 1] [--setups single,workers,dask]
    python benchmarks/bench_calibrate.py --quick    # 50 particles, 3 generations
"""

import argparse
import json
import os
import resource
import sqlite3
import statistics
import sys
import tempfile
import time
import traceback
from datetime import datetime
from pathlib import Path

import numpy as np
import pandas as pd

import refsim
from refsim.calibrate.run import calibrate_config
from refsim.experiment.config import load_config

ROOT = Path(__file__).resolve().parents[1]
CONFIG = ROOT / "experiments" / "calibrate_example.toml"
DATA = ROOT / "experiments" / "data" / "example_signups.csv"
#: The values experiments/data/make_example_signups.py made the data with.
TRUTH = {"model.share": 0.2, "model.ad_rate": 0.0005, "model.forget_rate": 0.1,
         "lifecycle.churn_passive": 0.01}
SETUPS = ("single", "workers", "dask")
TARGET = 600.0  # seconds: under 10 minutes on 2 cores
LEVEL = 0.9


def weighted_interval(x, w, level=LEVEL):
    """Equal-tailed credible interval of weighted particles (as
    :meth:`refsim.calibrate.Posterior.interval`)."""
    from refsim.calibrate.posterior import weighted_quantile

    return (weighted_quantile(x, w, (1 - level) / 2),
            weighted_quantile(x, w, 1 - (1 - level) / 2))


def abc_seconds(db):
    """Seconds of the ABC-SMC sampling (pyabc's recorded start and end of the run)."""
    with sqlite3.connect(db) as con:
        start, end = con.execute("SELECT start_time, end_time FROM abc_smc").fetchone()
    if start is None or end is None:
        return float("nan")
    return (datetime.fromisoformat(str(end)) - datetime.fromisoformat(str(start))
            ).total_seconds()


def cpu_seconds():
    """CPU seconds (user + system) of this process and of its waited-for children."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


def all_cpu_seconds(client):
    """CPU seconds of this process, its finished children and the Dask workers."""
    total = cpu_seconds()
    if client is not None:
        total += sum(client.run(cpu_seconds).values())
    return total


def calibrate_once(cfg, setup, client, n_workers, progress):
    """One calibration in ``setup`` in a temporary run directory: its numbers."""
    kw = {"single": {}, "workers": {"workers": n_workers}, "dask": {"dask": client}}[setup]
    with tempfile.TemporaryDirectory(prefix="refsim_bench_calibrate_") as tmp:
        out = Path(tmp) / "run"
        load = os.getloadavg()[0]
        cpu = all_cpu_seconds(client)
        start = time.perf_counter()
        calibrate_config(cfg, out, data=str(DATA), progress=progress, source=str(CONFIG),
                         command="benchmarks/bench_calibrate.py", **kw)
        seconds = time.perf_counter() - start
        cpu = all_cpu_seconds(client) - cpu
        gens = pd.read_csv(out / "generations.csv")
        post = pd.read_csv(out / "posterior.csv")
        meta = json.loads((out / "calibration.json").read_text())
        sampling = abc_seconds(out / "abc.sqlite")
    last = gens.iloc[-1]
    intervals = {k: weighted_interval(post[k], post["weight"]) for k in TRUTH}
    return {"setup": setup, "seconds": seconds, "abc": sampling, "cpu": cpu,
            "load": (load, os.getloadavg()[0]),
            "meta_seconds": float(meta["seconds"]), "simulations": int(meta["simulations"]),
            "generations": len(gens), "epsilon": float(last["epsilon"]),
            "ess": float(last["ess"]), "particles": len(post),
            "epsilons": gens["epsilon"].tolist(),
            "mean": {k: float(np.sum(post[k] * post["weight"]) / post["weight"].sum())
                     for k in TRUTH},
            "intervals": intervals,
            "inside": {k: lo <= TRUTH[k] <= hi for k, (lo, hi) in intervals.items()}}


def warm_worker(config, data):
    """A worker's first simulation of the workload (imports refsim, loads or compiles
    the kernels), so that the timed calibration does not pay for it."""
    from refsim.calibrate.run import _Simulator
    from refsim.experiment.config import load_config as load

    cfg = load(config)
    names = list(pd.read_csv(data).columns[1:])
    t = time.perf_counter()
    _Simulator(cfg, names, 1, 2).run(TRUTH, 0)
    return time.perf_counter() - t


def start_cluster(n_workers):
    """A local Dask cluster of ``n_workers`` one-thread processes and its client; the
    seconds to start it and to warm its workers."""
    from distributed import Client, LocalCluster

    t = time.perf_counter()
    # the workers' kernels on numba's plain thread pool, as refsim's own local
    # processes (OpenMP's idle threads spin and take the CPU the simulations need)
    cluster = LocalCluster(n_workers=n_workers, threads_per_worker=1, processes=True,
                           dashboard_address=None,
                           env={"NUMBA_THREADING_LAYER": "workqueue"})
    client = Client(cluster)
    client.wait_for_workers(n_workers)
    started = time.perf_counter() - t
    t = time.perf_counter()
    client.run(warm_worker, str(CONFIG), str(DATA))
    return cluster, client, started, time.perf_counter() - t


def source_version():
    """The repository's commit, and ``+dirty`` when src/ has uncommitted changes (the
    numbers depend on the calibration code, which changes)."""
    import subprocess

    try:
        head = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"],
                              capture_output=True, text=True, timeout=10,
                              check=False).stdout.strip()
        dirty = subprocess.run(["git", "-C", str(ROOT), "status", "--porcelain", "--",
                                "src"], capture_output=True, text=True, timeout=10,
                               check=False).stdout
    except (OSError, subprocess.SubprocessError):
        return "unknown"
    return (head or "unknown") + ("+dirty" if dirty.strip() else "")


def fmt_interval(lo, hi):
    return f"[{lo:.3g}, {hi:.3g}]"


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=1,
                    help="calibrations per set-up (set-ups take turns); medians printed")
    ap.add_argument("--workers", type=int, default=2,
                    help="local processes and Dask workers")
    ap.add_argument("--setups", default=",".join(SETUPS),
                    help=f"comma-separated, of {', '.join(SETUPS)}")
    ap.add_argument("--particles", type=int, default=None,
                    help="calibrate.population_size (default the config's, 200)")
    ap.add_argument("--generations", type=int, default=None,
                    help="calibrate.generations (default the config's, 8)")
    ap.add_argument("--progress", action="store_true",
                    help="print each generation's threshold (pyabc's log, on stderr)")
    ap.add_argument("--quick", action="store_true",
                    help="50 particles, 3 generations, 20 predictive runs: a smoke run")
    args = ap.parse_args(argv)
    setups = [s.strip() for s in args.setups.split(",") if s.strip()]
    bad = [s for s in setups if s not in SETUPS]
    if bad or not setups:
        ap.error(f"--setups: choose from {', '.join(SETUPS)}; got {args.setups!r}")
    overrides = []
    if args.quick:
        args.particles = args.particles or 50
        args.generations = args.generations or 3
        overrides.append("calibrate.predictive_runs=20")
    if args.particles is not None:
        overrides.append(f"calibrate.population_size={args.particles}")
    if args.generations is not None:
        overrides.append(f"calibrate.generations={args.generations}")
    cfg = load_config(str(CONFIG), overrides)
    cal = cfg["calibrate"]

    import distributed
    import numba
    import pyabc

    print(f"{CONFIG.relative_to(ROOT)} on {DATA.relative_to(ROOT)}: "
          f"{len(TRUTH)} keys, {cal['population_size']} particles x "
          f"{cal['generations']} generations, {cal['predictive_runs']} predictive runs; "
          f"graph {cfg['graph']['generator']} n={cfg['graph']['n']:,}")
    print(f"refsim {refsim.__version__} ({source_version()}), pyabc {pyabc.__version__}, "
          f"distributed {distributed.__version__}, numba {numba.__version__} "
          f"({numba.config.NUMBA_NUM_THREADS} threads), python "
          f"{sys.version.split()[0]}; {args.repeat} x {', '.join(setups)}; "
          f"{os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f}", flush=True)

    # compile or load the kernels (and import pyabc) in this process first
    t = time.perf_counter()
    warm_worker(str(CONFIG), str(DATA))
    print(f"main process warm-up (first simulation): {time.perf_counter() - t:.1f} s",
          flush=True)

    cluster = client = None
    failures = {}
    results = {s: [] for s in setups}
    try:
        if "dask" in setups:
            try:
                cluster, client, started, warmed = start_cluster(args.workers)
                print(f"dask: LocalCluster({args.workers} processes x 1 thread) started in "
                      f"{started:.1f} s, workers' first simulation {warmed:.1f} s (not in "
                      f"the times below)", flush=True)
            except Exception as exc:  # noqa: BLE001 (reported; the other set-ups still run)
                failures["dask"] = (f"cluster start: {type(exc).__name__}: {exc}",
                                    traceback.format_exc())
                print(f"dask: cluster start FAILED: {type(exc).__name__}: {exc}",
                      flush=True)
        for r in range(args.repeat):
            for setup in setups:
                if setup in failures:
                    continue
                try:
                    res = calibrate_once(cfg, setup, client, args.workers, args.progress)
                except Exception as exc:  # noqa: BLE001 (reported; the others still run)
                    failures[setup] = (f"{type(exc).__name__}: {exc}",
                                       traceback.format_exc())
                    print(f"{setup:>7} #{r + 1}: FAILED: {type(exc).__name__}: {exc}",
                          flush=True)
                    continue
                results[setup].append(res)
                inside = sum(res["inside"].values())
                print(f"{setup:>7} #{r + 1}: {res['seconds']:6.1f} s (ABC-SMC "
                      f"{res['abc']:.1f} s; CPU {res['cpu']:.1f} s; load average "
                      f"{res['load'][0]:.1f} -> {res['load'][1]:.1f}), "
                      f"{res['generations']} generations, final "
                      f"threshold {res['epsilon']:.4g}, {res['simulations']:,} "
                      f"simulations, "
                      f"ESS {res['ess']:.0f} of {res['particles']}; truth inside "
                      f"{inside}/{len(TRUTH)} {LEVEL:.0%} intervals", flush=True)
    finally:
        if client is not None:
            client.close()
        if cluster is not None:
            cluster.close()

    done = [s for s in setups if results[s]]
    if done:
        print("\nthresholds per generation (run #1):")
        for s in done:
            eps = ", ".join(f"{e:.3g}" for e in results[s][0]["epsilons"])
            print(f"  {s:>7}: {eps}")
        print(f"\n{LEVEL:.0%} credible intervals (weighted quantiles of posterior.csv), "
              f"run #1; * = truth inside")
        width = 30
        print(f"{'key':>24} {'truth':>8} " + " ".join(f"{s:>{width}}" for s in done))
        for k, v in TRUTH.items():
            cells = []
            for s in done:
                res = results[s][0]
                lo, hi = res["intervals"][k]
                mark = "*" if res["inside"][k] else " "
                cell = f"{fmt_interval(lo, hi)} mean {res['mean'][k]:.3g}{mark}"
                cells.append(f"{cell:>{width}}")
            print(f"{k:>24} {v:>8.4g} " + " ".join(cells))

        print(f"\nmedians over {args.repeat} calibration(s) per set-up "
              f"(target: under {TARGET / 60:.0f} min per calibration on 2 cores)")
        print(f"{'set-up':>28} {'calibrate s':>11} {'ratio':>6} {'ABC-SMC s':>9} "
              f"{'ratio':>6} {'CPU s':>6} {'sims':>7} {'threshold':>9} {'covered':>7}")
        base = results["single"] if "single" in done else None
        b_sec = statistics.median(x["seconds"] for x in base) if base else None
        b_abc = statistics.median(x["abc"] for x in base) if base else None
        label = {"single": "single process",
                 "workers": f"workers={args.workers} (processes)",
                 "dask": f"dask LocalCluster({args.workers}x1)"}
        for s in done:
            rs = results[s]
            sec = statistics.median(x["seconds"] for x in rs)
            abc = statistics.median(x["abc"] for x in rs)
            sims = statistics.median(x["simulations"] for x in rs)
            eps = statistics.median(x["epsilon"] for x in rs)
            cov = statistics.median(sum(x["inside"].values()) for x in rs)
            cpu = statistics.median(x["cpu"] for x in rs)
            r1 = f"{sec / b_sec:6.2f}" if b_sec else f"{'-':>6}"
            r2 = f"{abc / b_abc:6.2f}" if b_abc else f"{'-':>6}"
            print(f"{label[s]:>28} {sec:11.1f} {r1} {abc:9.1f} {r2} {cpu:6.1f} "
                  f"{sims:7,.0f} "
                  f"{eps:9.4g} {cov:5g}/{len(TRUTH)}")
        worst = max(statistics.median(x["seconds"] for x in results[s]) for s in done)
        print(f"target {'met' if worst < TARGET else 'MISSED'}: slowest set-up "
              f"{worst:.0f} s against {TARGET:.0f} s")
    for s, (why, tb) in failures.items():
        print(f"\n{s} FAILED: {why}\n{tb}", file=sys.stderr)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
