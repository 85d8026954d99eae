"""Running a sweep: cell by cell, on this machine's cores or on a Dask cluster.

A cell is computed by :func:`run_cell`, a pure function of the resolved config and the
cell's point; the process running the sweep writes each finished cell to the store in
one transaction. Every run's random stream depends only on the experiment seed and the
run's number, so the numbers are the same for any backend and any number of workers.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from ..errors import FileProblem, InvalidValue
from .config import resolve_cell
from .sweep import expand_cells

if TYPE_CHECKING:
    import os
    from collections.abc import Callable, Sequence

    from distributed import Client

__all__ = ["run_cell", "run_experiment"]


def _width(values, level, runs_needed=2) -> float:
    from ..result import mean_ci

    ci = mean_ci(values, level)
    if ci["runs"] < runs_needed:
        return float("inf")
    return ci["hi"] - ci["lo"]


def _widest(per_campaign, adaptive, level, baseline_index) -> float:
    """The widest interval the adaptive rule watches: every campaign's mean and, when
    paired, every difference against the baseline."""
    metric = adaptive["metric"]
    values = [np.asarray(p[metric], dtype=np.float64) for p in per_campaign]
    widths = [_width(v, level) for v in values]
    if adaptive.get("paired", True) and len(values) > 1:
        base = values[baseline_index]
        for j, v in enumerate(values):
            if j != baseline_index:
                widths.append(_width(v - base, level))
    return max(widths)


def run_cell(c: dict, cell: int, point: dict, threads: int | None = None,
             plugins: Sequence[str] = (),
             on_campaign: Callable[[], object] | None = None) -> dict:
    """Simulate every campaign of one sweep cell and return its rows.

    Parameters
    ----------
    c : dict
        The experiment's resolved config (see :func:`refsim.experiment.load_config`),
        whose cell ``point`` is then resolved here; or that cell's config already
        resolved (``resolve_cell(cfg, point)``, which has no ``sweep``), trusted as it is.
    cell : int
        The cell's number.
    point : dict
        The cell's sweep values, by axis key.
    threads : int, optional
        Kernel threads (default all cores).
    plugins : sequence of str, optional
        Modules to import first: those that register the model kinds the cell uses
        beyond the built-in ones (a worker process or Dask worker has not imported them).
    on_campaign : callable, optional
        Called with no argument as each campaign's first batch of runs finishes (a
        progress bar's tick).

    Returns
    -------
    dict
        ``cell``, ``point``, ``runs`` (per campaign), ``seconds`` and ``campaigns``: per
        campaign its name, strategy, k, budget, rewards, ``seed_sets`` (``"fixed"``:
        one set in ``seeds``; ``"per_run"``: each run's in ``run_seeds``), per-run
        ``metrics``, per-run ``curves`` and an example referral ``tree`` (the run of
        median reach).
    """
    import importlib

    from ..campaign import run_campaign
    from ..model_registry import model_kind
    from .build import build_campaigns, build_graph, build_model

    for module in plugins:
        importlib.import_module(module)
    if "sweep" in c:  # the experiment's config: resolve this cell of it
        c = resolve_cell(c, point)
    start = time.perf_counter()
    exp = c["experiment"]
    graph = build_graph(c["graph"])
    model = build_model(c, graph)
    kind = model_kind(model)
    campaigns = build_campaigns(c)
    root = np.random.SeedSequence(exp["seed"])  # run r: child r (see build.py)
    steps = exp["steps"]
    names = [camp.name for camp in campaigns]
    base = names.index(exp["baseline"])

    per_run = [camp.per_run(graph, model) for camp in campaigns]
    fixed = [None] * len(campaigns)  # the one seed set of a campaign that has one
    run_seeds = [[] for _ in campaigns]  # each run's own set, for the others
    metrics = [dict() for _ in campaigns]
    curves = [dict() for _ in campaigns]
    adaptive = exp.get("adaptive")
    posterior = _posterior_of(c)
    done = 0
    batch = exp["runs"]
    while True:
        # with a posterior, each run's own graph, model and campaigns (its draw)
        own = None if posterior is None else _posterior_runs(c, posterior, batch, done)
        for j, camp in enumerate(campaigns):
            if per_run[j]:
                # with a posterior too, chosen with the config's own values: what the
                # marketer knows, not the values the run drew
                seeds = camp.draw_seeds(graph, model, rng=root, runs=batch,
                                        first_run=done)
                run_seeds[j].extend(seeds)
            else:
                if fixed[j] is None:  # drawn once, with run_campaign's own stream
                    fixed[j] = camp.draw_seeds(graph, model, rng=root)
                seeds = fixed[j]
            if own is None:
                results = [run_campaign(graph, model, camp, runs=batch, steps=steps,
                                        rng=root, workers=threads, first_run=done,
                                        seeds=seeds)]
            else:  # one run at a time, each with its draw and its own stream
                results = [run_campaign(g, m, camps[j], runs=1, steps=steps, rng=root,
                                        workers=threads, first_run=done + i,
                                        seeds=seeds[i] if per_run[j] else seeds)
                           for i, (g, m, camps) in enumerate(own)]
            for res in results:
                for k, v in kind.per_run(res).items():
                    metrics[j][k] = np.concatenate([metrics[j].get(k, np.empty(0)), v])
                for k, v in kind.curves(res).items():
                    old = curves[j].get(k)
                    curves[j][k] = v if old is None else np.vstack([old, v])
            if on_campaign is not None and done == 0:
                on_campaign()
        done += batch
        if adaptive is None or done >= adaptive["max_runs"]:
            break
        if _widest(metrics, adaptive, exp["level"], base) <= adaptive["width"]:
            break
        batch = min(adaptive["batch"], adaptive["max_runs"] - done)

    out = []
    for j, camp in enumerate(campaigns):
        prog = camp.program
        tree = None
        if kind.tree is not None:
            reach = metrics[j]["reach"]
            r = int(np.argsort(reach, kind="stable")[len(reach) // 2])
            seeds_r = run_seeds[j][r] if per_run[j] else fixed[j]
            g_r, m_r, camp_r = graph, model, camp
            if posterior is not None:  # the run's own draw
                g_r, m_r, camps_r = _posterior_runs(c, posterior, 1, r)[0]
                camp_r = camps_r[j]
            t = kind.tree(g_r, camp_r.model_for(m_r), seeds_r, steps, root, r)
            tree = {"run": r, "nodes": t["nodes"], "parents": t["parents"]}
        out.append({
            "name": camp.name, "strategy": camp.seeding,
            "k": None if camp.k is None else float(camp.k),
            "budget": None if camp.budget is None else float(camp.budget),
            "sender_reward": 0.0 if prog is None else float(prog.sender_reward),
            "recipient_reward": 0.0 if prog is None else float(prog.recipient_reward),
            "seed_sets": "per_run" if per_run[j] else "fixed",
            "seeds": (np.empty(0, np.int64) if per_run[j]
                      else np.asarray(fixed[j], dtype=np.int64)),
            "run_seeds": ([np.asarray(x, dtype=np.int64) for x in run_seeds[j]]
                          if per_run[j] else None),
            "metrics": metrics[j],
            "curves": curves[j], "tree": tree})
    return {"cell": cell, "point": point, "runs": done, "campaigns": out,
            "seconds": time.perf_counter() - start}


def _keep_posterior(cfg, out) -> None:
    """Copy the posterior the runs draw from into the run directory: the report reads
    it there, whatever becomes of the calibration's folder."""
    where = cfg["model"].get("posterior")
    if not where:
        return
    import shutil

    from .._files import writing

    with writing(Path(out) / "posterior.csv") as tmp:
        shutil.copyfile(Path(where) / "posterior.csv", tmp)


def _posterior_of(c):
    """The posterior ``[model] posterior`` names (a frame of particles), or None."""
    where = c["model"].get("posterior")
    if not where:
        return None
    from ..calibrate.posterior import load_posterior

    return load_posterior(where)


def _posterior_runs(c, posterior, runs, first_run) -> list:
    """Per run ``first_run ..``: its graph, model and campaigns with the values it drew
    from the posterior (:func:`refsim.calibrate.posterior_draws`: the draw depends
    on the run's number only)."""
    from ..calibrate.posterior import config_value, current_value, posterior_draws
    from .build import build_campaigns, build_graph, build_model

    base = {k: v for k, v in c.items() if k != "sweep"}
    base["model"] = {k: v for k, v in c["model"].items() if k != "posterior"}
    draws = posterior_draws(posterior, c["experiment"]["seed"], runs, first_run)
    keys = [k for k in draws.columns if k != "particle"]
    out = []
    for _, row in draws.iterrows():
        cell = resolve_cell(base, {k: config_value(k, row[k], current_value(base, k))
                                   for k in keys})
        g = build_graph(cell["graph"])
        out.append((g, build_model(cell, g), build_campaigns(cell)))
    return out


def worker_start(threads, parent):
    """Initialise a worker process: its kernel threads, and its end with the parent.

    If the process running the sweep dies (``kill -9`` included), its workers must not
    go on computing cells nobody will store: on Linux the kernel sends SIGKILL on the
    parent's death (``PR_SET_PDEATHSIG``); elsewhere a watchdog thread notices that the
    parent changed and exits.
    """
    import os
    import threading

    import numba

    numba.set_num_threads(threads)
    try:
        import ctypes
        import signal

        libc = ctypes.CDLL(None)
        libc.prctl(1, int(signal.SIGKILL))  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):  # pragma: no cover - not Linux
        pass
    if os.getppid() != parent:  # the parent died before the line above
        os._exit(1)

    def watch():
        while True:
            time.sleep(1.0)
            if os.getppid() != parent:
                os._exit(1)

    threading.Thread(target=watch, daemon=True, name="refsim-parent-watch").start()


def run_experiment(cfg: dict, out: str | os.PathLike[str], *, resume: bool = False,
                   overwrite: bool = False, workers: int | None = None,
                   dask: str | Client | None = None, progress: bool = True,
                   config_text: str | None = None, command: str | None = None,
                   source: str | None = None) -> Path:
    """Run every sweep cell of a resolved config and store the results in ``out``.

    Everything that can be checked is checked before the run directory is touched:
    every cell's graph, model and campaigns are built (see
    :func:`refsim.experiment.preflight.preflight`), memory and disk are estimated
    against what is available, and the Dask scheduler is reached. A run that fails
    before committing a cell leaves no store behind, so the same command can be run
    again.

    Parameters
    ----------
    cfg : dict
        A config: resolved (:func:`refsim.experiment.load_config`) or raw (checked
        here with :func:`refsim.experiment.resolve_config`).
    out : path
        The run directory; created if needed. It must not hold results unless
        ``resume`` or ``overwrite`` is set.
    resume : bool
        Run only the cells not yet committed in ``out`` (same config only).
    overwrite : bool
        Replace the results ``out`` holds (only the files refsim writes are removed).
    workers : int, optional
        Local worker processes; default one process using every core's thread.
    dask : str or distributed.Client, optional
        Address of a Dask scheduler (``tcp://host:8786``), or a client, to run the
        cells on a cluster instead.
    progress : bool
        Show a progress bar with ETA on standard error.
    config_text : str, optional
        The config as written to ``config.toml`` (default: ``cfg`` as TOML).
    command : str, optional
        The command line, recorded in the run's metadata.
    source : str, optional
        The config file, named in errors.

    Returns
    -------
    pathlib.Path
        The run directory.

    Raises
    ------
    refsim.errors.RefsimError
        (a ``ValueError`` or ``OSError``) for anything the user can fix: a cell that
        cannot be built, too little memory or disk, an unusable run directory, a Dask
        scheduler that does not answer.
    """
    from .config import resolve_config
    from .preflight import preflight
    from .store import ResultsStore

    # a resolved config resolves to itself; a raw dict from Python is checked here
    cfg = resolve_config(cfg, source=source)
    out = Path(out)
    if workers is not None:
        from .._validation import check_int

        workers = check_int("workers", workers, minimum=1, maximum=1024)
    cells = expand_cells(cfg)
    preflight(cfg, cells, out=out, workers=workers, resume=resume, source=source)
    if config_text is None:
        config_text = dump_config(cfg)
    extra = {"command": command, **_environment()}
    client, own = (None, False) if dask is None else dask_client(dask)
    try:
        store = ResultsStore(out, cfg, cells, resume=resume, overwrite=overwrite,
                             config_text=config_text, extra_meta=extra)
        failed = True
        try:
            _keep_posterior(cfg, out)
            done = store.done()
            todo = [(i, p) for i, p in enumerate(cells) if i not in done]
            per_cell = len(cfg["campaign"])
            bar = _progress(len(cells) * per_cell, len(done) * per_cell, progress,
                            cfg["experiment"]["name"])
            # each cell is resolved once, here, as it is handed out
            work = ((resolve_cell(cfg, p), i, p) for i, p in todo)
            plugins = _plugin_modules(cfg, parallel=client is not None or (
                workers is not None and workers > 1 and len(todo) > 1))
            try:
                if client is not None:
                    _run_pool(client.get_executor(pure=False), work, None, store, bar,
                              window=2 * max(1, sum(client.nthreads().values())),
                              plugins=plugins, per_cell=per_cell)
                elif workers is not None and workers > 1 and len(todo) > 1:
                    _run_processes(work, workers, store, bar, plugins, per_cell)
                else:
                    threads = None if workers is None else workers
                    bar.set_postfix_str("first runs: loading or compiling the kernels")
                    for c, i, p in work:
                        store.write_cell(run_cell(c, i, p, threads,
                                                  on_campaign=_ticker(bar)))
            finally:
                bar.close()
            failed = False
        finally:
            store.close(failed=failed)
    finally:
        if own:
            client.close()
    return out


def _progress(total, initial, enabled, name):
    """A bar counting campaigns (one cell is as many ticks as it has campaigns)."""
    from tqdm.auto import tqdm

    return tqdm(total=total, initial=initial, unit="campaign", desc=name,
                file=sys.stderr, disable=not enabled, dynamic_ncols=True)


def _ticker(bar):
    """One tick of ``bar`` per campaign run; the first also clears the note that the
    kernels are being compiled."""
    def tick():
        if bar.postfix:
            bar.set_postfix_str("", refresh=False)
        bar.update(1)
    return tick


def _plugin_modules(cfg, *, parallel) -> tuple:
    """Modules that register the config's model kinds beyond the built-in ones, for the
    workers to import; a kind defined in a script (``__main__``) cannot reach them."""
    from ..model_registry import BUILTIN_MODULES, kind_named
    from .sweep import model_kinds_in

    modules = []
    for name in model_kinds_in(cfg):
        module = kind_named(name).cls.__module__
        if module in BUILTIN_MODULES or module in modules:
            continue
        if module == "__main__":  # this process has it; workers cannot import it
            if not parallel:
                continue
            raise InvalidValue(f"model kind {name!r} is registered in the script being "
                               f"run, which worker processes and Dask workers cannot "
                               f"import; register it in an importable module, or run "
                               f"without --workers/--dask")
        modules.append(module)
    return tuple(modules)


def _run_processes(work, workers, store, bar, plugins=(), per_cell=1):
    import multiprocessing
    import os
    from concurrent.futures import ProcessPoolExecutor

    threads = max(1, (os.cpu_count() or 1) // workers)
    ctx = multiprocessing.get_context("spawn")
    pool = ProcessPoolExecutor(max_workers=workers, mp_context=ctx,
                               initializer=worker_start, initargs=(threads, os.getpid()))

    def stop():
        # the workers' cells in flight are abandoned, not waited for
        for proc in list(getattr(pool, "_processes", {}).values()):
            proc.terminate()

    _run_pool(pool, work, threads, store, bar, window=2 * workers, stop=stop,
              plugins=plugins, per_cell=per_cell)


def _run_pool(executor, work, threads, store, bar, *, window, stop=None, plugins=(),
              per_cell=1):
    """Run the cells on a ``concurrent.futures`` executor (local processes, or a Dask
    client's executor) and commit each as it finishes, with at most ``window`` cells
    handed out at once (so a large sweep's resolved cells are not all held at once).
    On any failure (Ctrl-C, a failed cell, a full disk) the cells already committed
    are kept and the rest are cancelled at once."""
    from concurrent.futures import FIRST_COMPLETED, wait

    work = iter(work)
    pending = set()

    def fill():
        for c, i, p in work:
            pending.add(executor.submit(run_cell, c, i, p, threads, plugins))
            if len(pending) >= window:
                return

    try:
        fill()
        while pending:
            done, _ = wait(pending, return_when=FIRST_COMPLETED)
            for f in done:
                pending.discard(f)
                store.write_cell(f.result())
                bar.update(per_cell)
            fill()
    except BaseException:
        if stop is not None:
            stop()
        for f in pending:
            f.cancel()
        executor.shutdown(wait=False, **_cancel_futures(executor))
        raise
    executor.shutdown(wait=True)


def _cancel_futures(executor) -> dict:
    """``cancel_futures=True`` where the executor's ``shutdown`` takes it."""
    import inspect

    params = inspect.signature(executor.shutdown).parameters
    return {"cancel_futures": True} if "cancel_futures" in params else {}


#: Seconds to wait for a Dask scheduler to answer before giving up.
DASK_TIMEOUT = 20.0


def dask_client(dask):
    """A connected ``distributed.Client`` for ``dask`` (an address or a client), and
    whether it is ours to close. A scheduler that refuses, does not exist or never
    answers is an error naming the address, after at most :data:`DASK_TIMEOUT` s."""
    if hasattr(dask, "submit"):
        return dask, False
    try:
        from distributed import Client
    except ImportError:
        raise FileProblem("--dask needs dask.distributed: pip install 'refsim[dask]'") \
            from None
    address = _check_dask_address(dask)
    import threading

    box = {}

    def connect():
        try:
            box["client"] = Client(address, timeout=f"{DASK_TIMEOUT:g}s")
        except BaseException as exc:  # reported below
            box["error"] = exc

    # Client() can wait forever on a port that accepts but never answers: connect in a
    # daemon thread, and give up after the timeout.
    thread = threading.Thread(target=connect, daemon=True, name="refsim-dask-connect")
    thread.start()
    thread.join(DASK_TIMEOUT + 5.0)
    if "client" in box:
        return box["client"], True
    why = ("no answer" if thread.is_alive() else
           (str(box.get("error")) or type(box.get("error")).__name__).splitlines()[0][:200])
    raise FileProblem(f"--dask {dask!r}: no Dask scheduler answered at {address} within "
                      f"{DASK_TIMEOUT:g} s ({why}); check the address and that the "
                      f"scheduler is running")


def _check_dask_address(dask) -> str:
    """``dask`` as a scheduler address, refused early when it cannot be one; a TCP
    address that refuses connections is reported at once, not after the timeout."""
    import socket
    from urllib.parse import urlsplit

    if not isinstance(dask, str) or not dask.strip():
        raise InvalidValue(f"--dask must be a scheduler address such as "
                           f"tcp://10.0.0.5:8786; got {dask!r}")
    address = dask.strip()
    if "://" not in address:
        address = "tcp://" + address
    parts = urlsplit(address)
    if parts.scheme in ("tcp", "tls"):
        try:
            host, port = parts.hostname, parts.port
        except ValueError:
            host = port = None
        if not host or port is None:
            raise InvalidValue(f"--dask {dask!r}: give host and port, e.g. "
                               f"tcp://10.0.0.5:8786")
        try:
            socket.create_connection((host, port), timeout=5.0).close()
        except OSError as exc:
            why = exc.strerror or str(exc) or type(exc).__name__
            raise FileProblem(f"--dask {dask!r}: cannot reach a Dask scheduler at "
                              f"{host}:{port} ({why})") from None
    return address


def _environment() -> dict:
    import platform

    import numba

    return {"python": platform.python_version(), "numpy": np.__version__,
            "numba": numba.__version__, "platform": platform.platform()}


def dump_config(cfg) -> str:
    """The resolved config as TOML text (rerunnable with ``refsim run``)."""
    import tomli_w

    header = ("# resolved config: every effective value written out (defaults filled "
              "in), overrides applied\n")
    return header + tomli_w.dumps(effective_config(cfg))


def effective_config(cfg) -> dict:
    """``cfg`` with every default the model runs with written in (segments, programme
    effects, economics: the report's assumptions) and each campaign's customers given
    once (``seeds``, not again as the ``listed`` strategy's ids)."""
    import copy

    from .reference import assumption_rows

    out = copy.deepcopy(cfg)
    for row in assumption_rows(cfg):
        *path, key = row["key"].split(".")
        table = out
        for part in path:
            table = table.setdefault(part, {})
        table.setdefault(key, row["value"])
    for c in out.get("campaign", []):
        if "seeds" in c:
            c.pop("seeding", None)
            c.pop("params", None)
    return out
