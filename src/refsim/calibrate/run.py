"""``refsim calibrate``: an experiment config's ``[calibrate]`` table, the fit of its
priors to a market's data, and the run directory it writes.

The priors map config keys (``"model.share"``, ``"lifecycle.churn_passive"``...: the
key paths of sweeps, with their checks) to distributions; every particle is a cell of
the config with those keys set, simulated as the config's ``[calibrate] campaign`` (by
default its baseline) for as many steps as the data has periods times
``steps_per_period``. The run directory holds the posterior (``posterior.csv``: one
row per particle, the keys and ``weight``), the generations (``generations.csv``), the
posterior predictive runs (``predictive.npz``), the data as read (``data.csv``), what
was run (``calibration.json``), pyabc's history (``abc.sqlite``, which ``--resume``
continues) and ``report.html``.
"""

from __future__ import annotations

import json
import math
import time
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from ..errors import FileProblem, InvalidValue
from ..experiment.checks import ConfigError, suggest
from .abc import KINDS, STATISTICS, InvalidParticle, Prior
from .data import SERIES
from .posterior import (
    POSTERIOR_FILE,
    config_param,
    config_value,
    current_value,
    load_posterior,
    posterior_draws,
)

if TYPE_CHECKING:
    import os

__all__ = ["POSTERIOR_FILE", "calibrate_config", "check_calibration", "config_priors",
           "default_priors",
           "load_calibration", "load_posterior", "posterior_draws"]

#: What a calibration ran (written first, with its digest, so that it can resume).
_META = "calibration.json"
_OWN = (POSTERIOR_FILE, "generations.csv", "predictive.npz", "data.csv", _META,
        "abc.sqlite", "report.html")
#: The stream child of ``experiment.seed`` (see :mod:`refsim.experiment.build`) the
#: predictive runs' particle draws use.
_PREDICTIVE_CHILD = 2**32 + 9
#: The prior's tails, as quantiles, whose values must be valid config values.
_TAIL = 1e-4
#: Up to this many priors, every corner of their box is checked up front.
_CORNERS = 8


def _prior_of(key, spec, problems):
    where = f"calibrate.priors.{key}"
    if not (isinstance(spec, list) and len(spec) == 3 and isinstance(spec[0], str)):
        problems.append(f'{where}: write [KIND, a, b] with KIND one of {", ".join(KINDS)}, '
                        f"e.g. [\"loguniform\", 0.005, 0.2]; got {spec!r}")
        return None
    kind, a, b = spec
    if kind not in KINDS:
        problems.append(f"{where}: unknown distribution {kind!r}; {suggest(kind, KINDS)}")
        return None
    if any(isinstance(v, bool) or not isinstance(v, (int, float)) for v in (a, b)):
        problems.append(f"{where}: a {kind} prior needs two numbers ({KINDS[kind]}); "
                        f"got {a!r}, {b!r}")
        return None
    try:
        prior = Prior(kind, float(a), float(b))
    except InvalidValue as exc:
        problems.append(f"{where}: {exc}")
        return None
    p = config_param(key)
    if kind == "normal" and p is not None and (p.low is not None or p.high is not None):
        lo = -math.inf if p.low is None else p.low
        hi = math.inf if p.high is None else p.high
        if p.kind == "prob":
            lo, hi = max(lo, 0.0), min(hi, 1.0)
        prior = Prior("normal", float(a), float(b), lo, hi)
    return prior


def config_priors(cfg: dict) -> dict:
    """The priors of a resolved config's ``[calibrate.priors]``, checked: every key a
    key a sweep could set, every distribution known, and the config valid at each
    prior's tails (quantiles 0.0001 and 0.9999; a uniform's ends). Raises
    :class:`refsim.experiment.ConfigError` listing every problem."""
    from ..experiment.rules import resolve_raw
    from ..experiment.sweep import cell_config, missing_table, unknown_axis

    raw = (cfg.get("calibrate") or {}).get("priors") or {}
    problems = []
    if not isinstance(raw, dict):
        raise ConfigError([f"calibrate.priors: must be a table of KEY = [KIND, a, b]; got "
                           f"{raw!r}"])
    priors, tails = {}, {}
    base = {k: v for k, v in cfg.items() if k != "calibrate"}

    def problem_at(point):  # the first problem of the config with these values, or None
        values = {k: config_value(k, x, current_value(cfg, k)) for k, x in point.items()}
        errs = resolve_raw(cell_config(base, values))[1]
        return errs[0] if errs else None

    for key, spec in raw.items():
        why = unknown_axis(key)
        section = key.split(".")[0]
        if why is None and section in ("experiment", "campaign", "calibrate"):
            why = (f"{key}: {section} keys are not calibrated (priors are for the "
                   f"market: model, population, lifecycle, programme, economics, graph)")
        if why is not None:
            problems.append(why.replace("sweep.axes.", "calibrate.priors."))
            continue
        if missing_table(key, cfg):
            problems.append(f"calibrate.priors.{key}: the config has no "
                            f"[{missing_table(key, cfg)}] table (add one, even empty)")
            continue
        prior = _prior_of(key, spec, problems)
        if prior is None:
            continue
        lo, hi = (prior.a, prior.b) if prior.kind in ("uniform", "loguniform") else (
            float(prior.rv().ppf(_TAIL)), float(prior.rv().ppf(1 - _TAIL)))
        # at the prior's median first: a key the config does not take fails whatever
        # its value (one problem); then its tails
        e = problem_at({key: float(prior.rv().median())})
        if e:
            problems.append(f"calibrate.priors.{key}: {e.removeprefix(key + ': ')}")
            continue
        for x in (lo, hi):
            e = problem_at({key: x})
            if e:
                problems.append(f"calibrate.priors.{key}: the prior reaches {x:.4g}, "
                                f"where {e}")
        priors[key] = prior
        tails[key] = (lo, hi)
    if not problems and 1 < len(tails) <= _CORNERS:
        # the values together: every corner of the priors' box (promoters and
        # detractors may each be fine and add up to more than 1)
        import itertools

        for corner in itertools.product(*tails.values()):
            point = dict(zip(tails, corner))
            e = problem_at(point)
            if e:
                text = ", ".join(f"{k} = {v:.4g}" for k, v in point.items())
                problems.append(f"calibrate.priors: together the priors reach {text}, "
                                f"where {e}")
                break
    if problems:
        raise ConfigError(problems)
    return priors


def _calibration_checks(cfg, observed) -> list:
    cal = cfg["calibrate"]
    problems = []
    series = cal.get("series")
    if series is not None:
        if not isinstance(series, list) or not series:
            problems.append(f"calibrate.series: a non-empty list of series; got {series!r}")
        else:
            for s in series:
                if s not in SERIES or s == "referrals_sent":
                    allowed = [x for x in SERIES if x != "referrals_sent"]
                    problems.append(f"calibrate.series: {s!r} cannot be fitted; "
                                    f"{suggest(s, allowed)}")
                elif observed is not None and s not in observed.series:
                    problems.append(f"calibrate.series: {observed.source} has no {s!r} "
                                    f"column; it has {', '.join(observed.series)}")
    stats = cal["statistics"]
    if (not isinstance(stats, list) or not stats
            or any(s not in STATISTICS for s in stats)):
        problems.append(f"calibrate.statistics: a non-empty list of "
                        f"{' and '.join(repr(s) for s in STATISTICS)}; got {stats!r}")
    names = [c["name"] for c in cfg["campaign"]]
    if cal.get("campaign") is not None and cal["campaign"] not in names:
        problems.append(f"calibrate.campaign: {cal['campaign']!r} is not a campaign; "
                        f"{suggest(cal['campaign'], names)}")
    if cal["new_graph"] and "generator" not in cfg["graph"]:
        problems.append("calibrate.new_graph: needs graph.generator (a new graph per "
                        "simulation is drawn from the generator)")
    if cfg.get("sweep", {}).get("axes"):
        problems.append("sweep: refsim calibrate fits one market; remove [sweep] (a "
                        "calibrated experiment can sweep other keys with refsim run)")
    if cfg["model"].get("kind", "referral") != "referral":
        problems.append("model.kind: refsim calibrate fits the referral model")
    if cfg["model"].get("posterior"):
        problems.append("model.posterior: a calibration starts from priors, not from "
                        "another posterior; remove it")
    return problems


def default_priors(fit, cfg, graph) -> dict:
    """Priors of ``model.share`` and ``model.ad_rate`` centred on the Bass fit ``fit``
    (a :class:`refsim.calibrate.BassFit` per observed period): loguniform from a tenth
    to ten times the centre. The centres are the Bass limit's (see
    :func:`refsim.calibrate.referral_from_bass`) on a graph of the config's mean
    degree, where each customer's friends hear from an advocate with ``share x
    conversion x advocacy`` per step."""
    from .bass import referral_from_bass

    k = cfg["calibrate"]["steps_per_period"]
    model = cfg["model"]
    if not model["conversion"] > 0 or not model["advocacy"] > 0:
        raise ConfigError(["calibrate.priors: none given, and default ones need "
                           "model.conversion > 0 and model.advocacy > 0 (referrals that "
                           "can convert); give priors"])
    degree = max(graph.num_arcs / max(graph.n, 1), 1.0)
    r = referral_from_bass(max(fit.p, 1e-9), max(fit.q, 1e-9), 1, k)
    share = r["share_x_conversion"] / (degree * model["conversion"] * model["advocacy"])
    out = {}
    for key, centre in (("model.share", share), ("model.ad_rate", r["ad_rate"])):
        centre = min(max(centre, 1e-7), 0.5)
        out[key] = Prior("loguniform", centre / 10, min(centre * 10, 1.0))
    return out


class _Simulator:
    """One particle's simulation: the config with the particle's values, run once as
    the calibrated campaign; picklable for process and Dask samplers."""

    def __init__(self, cfg, names, steps_per_period, periods):
        self.cfg = {k: v for k, v in cfg.items() if k != "calibrate"}
        self.names = list(names)
        self.k = int(steps_per_period)
        self.steps = int(periods) * self.k
        cal = cfg["calibrate"]
        self.campaign = cal.get("campaign") or cfg["experiment"]["baseline"]
        self.new_graph = bool(cal["new_graph"])

    def config(self, params, stream):
        from ..experiment.config import resolve_cell

        c = resolve_cell(self.cfg, {k: config_value(k, v, current_value(self.cfg, k))
                          for k, v in params.items()})
        if self.new_graph:
            c["graph"]["seed"] = int(np.random.SeedSequence([stream, 1]).generate_state(1)[0])
        return c

    def run(self, params, stream, workers=1):
        from ..campaign import run_campaign
        from ..errors import RefsimError
        from ..experiment.build import build_campaigns, build_graph, build_model
        from .series import simulated_series

        try:
            c = self.config(params, stream)
            graph = build_graph(c["graph"])
            model = build_model(c, graph)
        except RefsimError as exc:
            # a particle the config does not allow (two priors' values together, a
            # generator's value out of its range) has no simulation: the sampler
            # rejects it, as if the prior gave it no mass
            return InvalidParticle(str(exc))
        camp = next(x for x in build_campaigns(c) if x.name == self.campaign)
        res = run_campaign(graph, model, camp, runs=1, steps=self.steps, rng=int(stream),
                           workers=workers)
        out = simulated_series(res, self.names, self.k)
        return {name: out[name][0] for name in self.names}

    def __call__(self, params, stream):
        return self.run(params, stream)


def _read_data(cfg, data, source):
    from .data import read_observed

    cal = cfg["calibrate"]
    path = data if data is not None else cal.get("data")
    if path is None:
        raise ConfigError(["calibrate.data: missing; name the data file in [calibrate] "
                           "or give --data FILE"], source)
    if data is None and source is not None and not Path(path).is_absolute():
        path = Path(source).parent / path  # relative to the config file
    return read_observed(path, period=cal["period_column"])


#: [calibrate] keys that say how long to sample or what to draw after, not what is
#: fitted: a resumed calibration may change them.
_BUDGET = ("generations", "min_epsilon", "predictive_runs", "max_simulations",
           "min_acceptance")


def _digest(cfg, observed) -> str:
    """What a calibration fits (the config, its priors and the data), not how long it
    samples: ``--resume`` continues only a calibration with the same digest."""
    import hashlib

    cal = {k: v for k, v in cfg["calibrate"].items() if k not in _BUDGET}
    text = json.dumps({"config": {**cfg, "calibrate": cal},
                       "data": observed.frame.to_csv(index=False)},
                      sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def _prepare(out, digest, resume, overwrite):
    """The run directory, checked: new or empty, a calibration of the same digest to
    resume, or one to replace (its files set aside in ``.previous``, removed once the
    new calibration is written, put back if it fails). Returns the folder and the set
    aside one (or None)."""
    from ..experiment.store import DB, prepare_run_dir

    if resume and overwrite:
        raise FileProblem("give --resume or --overwrite, not both")
    if "?" in str(Path(out).resolve()):  # checked again where the history is opened
        raise FileProblem(f"--out {str(out)!r}: a folder name with '?' cannot hold the "
                          f"sampler's history (an SQLite address); choose another name")
    out, _ = prepare_run_dir(out)
    meta = out / _META
    if resume:
        if not (out / "abc.sqlite").exists():
            raise FileProblem(f"--resume: {str(out)!r} holds no calibration to resume; "
                              f"run without --resume")
        try:
            old = json.loads(meta.read_text()) if meta.exists() else {}
        except ValueError:
            old = {}
        if old.get("digest") != digest:
            raise FileProblem(f"--resume: {str(out)!r} holds a calibration of another "
                              f"config, priors or data; give another --out, or "
                              f"--overwrite")
        return out, None
    previous = None
    if (out / ".previous").exists():
        raise FileProblem(f"{str(out)!r}/.previous holds a calibration an interrupted "
                          f"--overwrite set aside: move its files back or delete it first")
    if (out / DB).exists() or (out / "meta.json").exists():
        raise FileProblem(f"{str(out)!r} holds an experiment's results; give the "
                          f"calibration another --out")
    if (out / _META).exists() or (out / "abc.sqlite").exists():
        if not overwrite:
            raise FileProblem(f"{str(out)!r} already holds a calibration; give another "
                              f"--out, --resume to finish it or --overwrite to replace it")
        previous = out / ".previous"  # refused above if it exists
        previous.mkdir()
        for f in _OWN:
            if (out / f).exists():
                (out / f).replace(previous / f)
    elif any(out.iterdir()):
        raise FileProblem(f"{str(out)!r} holds other files; give an empty or new folder")
    # written first: an interrupted calibration can be resumed
    meta.write_text(json.dumps({"digest": digest}), encoding="utf-8")
    return out, previous


def _restore(out, previous, failed) -> None:
    """Put a replaced calibration back if the new one failed; else remove it."""
    import shutil

    if previous is None:
        return
    if failed:
        for f in _OWN:
            (out / f).unlink(missing_ok=True)
            if (previous / f).exists():
                (previous / f).replace(out / f)
    shutil.rmtree(previous, ignore_errors=True)


def check_calibration(cfg: dict, *, data=None, source: str | None = None) -> dict:
    """Everything ``refsim calibrate`` checks before any work (``refsim validate`` runs
    it too): the ``[calibrate]`` table, the data, the priors (or the Bass fit that
    centres default ones). Raises :class:`refsim.experiment.ConfigError` (or
    :class:`refsim.errors.InvalidValue` for the data) naming the file and key.

    Returns
    -------
    dict
        ``observed``, ``series`` (the names to fit), ``priors``, ``bass`` (the fit or
        None), ``centred`` (keys whose priors the Bass fit set), ``graph``.
    """
    from ..experiment.build import build_graph
    from .bass import fit_bass

    if "calibrate" not in cfg:
        raise ConfigError(["calibrate: missing; add a [calibrate] table (data, priors, "
                           "steps_per_period)"], source)
    observed = _read_data(cfg, data, source)
    problems = _calibration_checks(cfg, observed)
    if problems:
        raise ConfigError(problems, source)
    cal = cfg["calibrate"]
    names = list(cal.get("series") or [s for s in observed.series
                                       if s != "referrals_sent"])
    if not names:
        raise InvalidValue(f"{observed.source}: no series to fit (referrals_sent alone is "
                           f"not simulated per step)")
    try:
        priors = config_priors(cfg)
    except ConfigError as exc:
        raise ConfigError(exc.problems, source) from None
    graph = build_graph(cfg["graph"])
    bass = None
    if "new_customers" in observed.series and observed.periods >= 4:
        try:
            bass = fit_bass(observed.values("new_customers"))
        except InvalidValue:
            bass = None
    centred = []
    if not priors:
        if bass is None:
            raise ConfigError(["calibrate.priors: none given, and no Bass fit to centre "
                               "default ones on (it needs a new_customers series of at "
                               "least 4 periods that rises and falls); give priors"],
                              source)
        try:
            priors = default_priors(bass, cfg, graph)
        except ConfigError as exc:
            raise ConfigError(exc.problems, source) from None
        centred = list(priors)
    return {"observed": observed, "series": names, "priors": priors, "bass": bass,
            "centred": centred, "graph": graph}


def calibrate_config(cfg: dict, out: str | os.PathLike[str], *, data=None,
                     resume: bool = False, overwrite: bool = False, dask=None,
                     workers: int | None = None, progress: bool = True,
                     command: str | None = None, source: str | None = None) -> Path:
    """Calibrate a resolved config's ``[calibrate]`` priors to its data; write the run
    directory ``out`` and return it.

    Parameters
    ----------
    cfg : dict
        A resolved config (:func:`refsim.experiment.load_config`) with ``[calibrate]``.
    out : path
        The run directory: new or empty, or one to ``resume`` or ``overwrite``.
    data : path or pandas.DataFrame, optional
        The observed series (default ``calibrate.data``, relative to ``source``'s
        folder).
    resume : bool
        Continue an interrupted calibration of the same config and data in ``out``
        (its generations so far are kept; the remaining ones draw from a stream of
        their own, so the digits differ from an uninterrupted run's).
    overwrite : bool
        Replace the calibration in ``out`` (only the files it wrote).
    dask : str or distributed.Client, optional
        Simulate the particles on a Dask cluster (pyabc's Dask sampler).
    workers : int, optional
        Local processes, spawned (see :func:`_sampler`); default one process, whose
        posterior is the same for the same seed on any machine.
    progress : bool
        Print each generation's acceptance threshold.
    command, source : str, optional
        The command line and config file, for the record.

    Returns
    -------
    pathlib.Path
    """
    start = time.perf_counter()
    plan = check_calibration(cfg, data=data, source=source)
    observed, priors, cal = plan["observed"], plan["priors"], cfg["calibrate"]
    specs = {k: p.spec() for k, p in priors.items()}
    digest = _digest({**cfg, "calibrate": {**cal, "priors": specs}}, observed)
    out, previous = _prepare(out, digest, resume, overwrite)
    failed = True
    try:
        _sample_and_write(out, cfg, plan, specs, digest, resume, dask, workers, progress,
                          {"command": command, "source": source, "start": start})
        failed = False
    finally:
        _restore(out, previous, failed)
    return out


def _sample_and_write(out, cfg, plan, specs, digest, resume, dask, workers, progress,
                      run):
    """Sample the posterior into ``out`` and write the run directory's files."""
    from .abc import abc_smc

    observed, names, priors, bass, centred, graph = (
        plan[k] for k in ("observed", "series", "priors", "bass", "centred", "graph"))
    cal = cfg["calibrate"]
    sim = _Simulator(cfg, names, cal["steps_per_period"], observed.periods)
    obs = {name: observed.values(name) for name in names}
    sampler, close = _sampler(dask, workers)
    seed = int(cfg["experiment"]["seed"])
    try:
        post = abc_smc(sim, priors, obs, statistics=tuple(cal["statistics"]),
                       population_size=cal["population_size"],
                       generations=cal["generations"], min_epsilon=cal["min_epsilon"],
                       db=str(out / "abc.sqlite"), rng=seed, sampler=sampler,
                       resume=resume, on_start=_progress_log if progress else None,
                       max_simulations=cal["max_simulations"],
                       min_acceptance=cal["min_acceptance"])
    finally:
        _progress_log(False)
        close()
    predictive, drawn = _predictive(sim, post.samples, list(priors), cal["predictive_runs"],
                                    seed)
    post.samples.to_csv(out / POSTERIOR_FILE, index=False)
    post.generations.to_csv(out / "generations.csv", index=False)
    np.savez_compressed(out / "predictive.npz", particle=drawn, **predictive)
    frame = observed.frame.copy()
    frame.insert(0, "label", [str(x) for x in observed.labels])
    frame.to_csv(out / "data.csv", index=False)
    from .._version import __version__

    meta = {
        "name": cfg["experiment"]["name"], "question": cfg["experiment"].get("question", ""),
        "digest": digest, "version": __version__, "command": run["command"],
        "source": run["source"], "data": observed.source, "frequency": observed.frequency,
        "series": names, "period": cal["period"],
        "steps_per_period": cal["steps_per_period"], "periods": observed.periods,
        "campaign": sim.campaign, "seed": seed,
        "priors": specs,
        "bass_centred": centred,
        "bass": None if bass is None else {
            "p": bass.p, "q": bass.q, "m": bass.m, "p_se": bass.p_se, "q_se": bass.q_se,
            "m_se": bass.m_se},
        "graph_n": int(graph.n), "graph_mean_degree": graph.num_arcs / max(graph.n, 1),
        "new_graph": bool(cal["new_graph"]),
        "seconds": time.perf_counter() - run["start"],
        "simulations": int(post.generations["samples"].sum()),
        "config": dict(cfg),
    }
    (out / _META).write_text(json.dumps(meta, indent=1, default=str), encoding="utf-8")


class _ProgressLine:
    """pyabc's log as one line per generation: ``generation 3: threshold 4.12,
    accepted 200 of 893 simulations``."""

    def __init__(self):
        import logging
        import sys

        self.handler = logging.StreamHandler(sys.stderr)
        self.handler.addFilter(self.keep)
        self.t = None
        self.eps = None

    def keep(self, record) -> bool:
        import re

        text = record.getMessage()
        m = re.match(r"t: (\d+), eps: ([\d.eE+-]+?)\.?$", text)
        if m:
            self.t, self.eps = int(m.group(1)), float(m.group(2))
            return False
        m = re.match(r"Accepted: (\d+) / (\d+)", text)
        if m and self.t is not None:
            record.msg = (f"calibrate: generation {self.t + 1}: threshold {self.eps:.4g}, "
                          f"accepted {int(m.group(1)):,} of {int(m.group(2)):,} "
                          f"simulations")
            record.args = ()
            return True
        return False


_LOG: dict = {}


def _progress_log(on=True):
    """Turn the one-line-per-generation progress on (pyabc's ``ABC`` logger, its own
    handlers set aside) or off (restored)."""
    import logging

    log = logging.getLogger("ABC")
    if on:
        line = _ProgressLine()
        _LOG.update(handlers=list(log.handlers), level=log.level,
                    propagate=log.propagate, line=line)
        log.handlers = [line.handler]
        log.propagate = False
        log.setLevel(logging.INFO)
    elif _LOG:
        log.handlers = _LOG["handlers"]
        log.propagate = _LOG["propagate"]
        log.setLevel(_LOG["level"])
        _LOG.clear()


#: Simulations a parallel sampler's task runs at a time: one particle per task spends
#: more on sending the simulator (pickled, ~3 ms) and on the scheduler than on the
#: simulation itself (2-4 ms at 20,000 people).
_BATCH = 20


def _one_thread_worker(parent) -> None:
    """Start a local sampling process: its simulations run on one thread each, so its
    kernels use numba's plain thread pool, whose idle threads sleep; OpenMP's idle
    threads spin and take CPU from the simulations (see the README's calibration
    benchmark: on two cores the parallel samplers do not pay either way). It ends with
    its parent, as an experiment's workers do."""
    import numba

    from ..experiment.runner import worker_start

    numba.config.THREADING_LAYER = "workqueue"
    worker_start(1, parent)


def _sampler(dask, workers):
    """The pyabc sampler and a function that closes what it opened: a Dask cluster's
    (``dask``; a client refsim opened is closed, the cluster is left running), local
    processes (``workers``), or the single-core default. Local processes are started
    by spawning, not forking: pyabc's own multicore samplers fork, and a fork of a
    process whose numba kernels have started their OpenMP threads is killed."""
    from .abc import need_pyabc

    pyabc = need_pyabc()
    if dask is not None:
        from ..experiment.runner import dask_client

        client, own = dask_client(dask)
        return (pyabc.sampler.DaskDistributedSampler(dask_client=client, batch_size=_BATCH),
                client.close if own else (lambda: None))
    if workers is not None and workers > 1:
        import multiprocessing
        import os
        from concurrent.futures import ProcessPoolExecutor

        pool = ProcessPoolExecutor(max_workers=int(workers),
                                   mp_context=multiprocessing.get_context("spawn"),
                                   initializer=_one_thread_worker,
                                   initargs=(os.getpid(),))
        sampler = pyabc.sampler.ConcurrentFutureSampler(
            pool, client_max_jobs=4 * int(workers), batch_size=_BATCH)
        return sampler, pool.shutdown
    return None, lambda: None


def _predictive(sim, samples, keys, runs, seed):
    """``runs`` simulations, each at a particle drawn by weight from the posterior, each
    with its own stream: the posterior predictive distribution of every series."""
    seq = np.random.SeedSequence(seed, spawn_key=(_PREDICTIVE_CHILD,))
    rng = np.random.default_rng(seq)
    w = samples["weight"].to_numpy()
    drawn = rng.choice(len(samples), size=int(runs), p=w / w.sum())
    streams = seq.generate_state(int(runs), np.uint32)
    out = {name: [] for name in sim.names}
    for i, j in enumerate(drawn):
        sim_out = sim.run({k: float(samples[k].iloc[j]) for k in keys}, int(streams[i]),
                          workers=None)
        if isinstance(sim_out, InvalidParticle):  # accepted while half were invalid
            raise InvalidValue(f"the posterior holds values the config refuses "
                               f"({sim_out.reason}): the priors reach them too often; "
                               f"narrow the priors")
        for name in sim.names:
            out[name].append(sim_out[name])
    return {name: np.asarray(v, np.float64) for name, v in out.items()}, drawn


def load_calibration(run_dir: str | os.PathLike[str]) -> dict:
    """What a calibration ran (``calibration.json``), its posterior (``samples``),
    generations, predictive runs and data."""
    run_dir = Path(run_dir)
    meta_file = run_dir / _META
    if not run_dir.is_dir():
        raise FileProblem(f"{str(run_dir)!r} is not a folder; give a calibration's run "
                          f"directory (refsim calibrate ... --out DIR)")
    if not meta_file.exists() or not (run_dir / POSTERIOR_FILE).exists():
        raise FileProblem(f"{str(run_dir)!r} holds no finished calibration (no {_META} "
                          f"and {POSTERIOR_FILE}); run refsim calibrate first")
    try:
        meta = json.loads(meta_file.read_text(encoding="utf-8"))
        samples = load_posterior(run_dir)
        gens = pd.read_csv(run_dir / "generations.csv")
        with np.load(run_dir / "predictive.npz") as z:
            predictive = {k: z[k] for k in z.files}
        data = pd.read_csv(run_dir / "data.csv")
    except (OSError, ValueError, KeyError) as exc:
        raise FileProblem(f"{str(run_dir)!r}: cannot read the calibration: {exc}") from None
    if "seconds" not in meta:  # the digest alone: written first, completed last
        raise FileProblem(f"{str(run_dir)!r} holds an unfinished calibration; finish it "
                          f"with refsim calibrate ... --resume")
    return {"meta": meta, "samples": samples, "generations": gens,
            "predictive": predictive, "data": data}
