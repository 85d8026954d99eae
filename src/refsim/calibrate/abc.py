"""Likelihood-free calibration of the referral model to a market's observed series:
ABC-SMC on pyabc (Klinger, Rickert & Hasenauer 2018; the ``calibrate`` extra).

Each particle's parameters replace the model's (``"share"``, ``"ad_rate"``,
``"lifecycle.churn_passive"``, ...); one run of the model on the graph, aggregated per
period (:func:`refsim.calibrate.simulated_series`), is compared with the data by
:func:`distance`. The posterior is the last generation's weighted particles.
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..errors import FileProblem, InvalidType, InvalidValue, MissingFile
from .data import COUNTS, Observed
from .series import simulated_series

__all__ = [
    "KINDS",
    "STATISTICS",
    "InvalidParticle",
    "Posterior",
    "Prior",
    "abc_smc",
    "calibrate",
    "distance",
]

#: Prior distributions: name -> what ``a`` and ``b`` are.
KINDS = {"uniform": "low, high", "loguniform": "low, high (both > 0)",
         "normal": "mean, standard deviation", "beta": "alpha, beta (both > 0)"}


@dataclass(frozen=True)
class Prior:
    """A prior distribution of one parameter: ``kind`` in :data:`KINDS` with its two
    numbers.

    Examples
    --------
    >>> float(Prior("uniform", 0.0, 0.3).rv().mean())
    0.15
    >>> Prior("loguniform", 0.0, 1.0)
    Traceback (most recent call last):
    ...
    refsim.errors.InvalidValue: a loguniform prior needs 0 < low < high; got 0, 1
    """

    kind: str
    a: float
    b: float
    #: A normal prior's truncation (a config key's range): ``low <= value <= high``.
    low: float = -math.inf
    high: float = math.inf

    def __post_init__(self):
        if self.kind not in KINDS:
            raise InvalidValue(f"prior kind must be one of {', '.join(KINDS)}; got "
                               f"{self.kind!r}")
        for v in (self.a, self.b):
            if not isinstance(v, (int, float)) or not math.isfinite(v):
                raise InvalidValue(f"a {self.kind} prior needs two finite numbers; got "
                                   f"{self.a!r}, {self.b!r}")
        a, b = self.a, self.b
        bad = {"uniform": not a < b, "loguniform": not 0 < a < b,
               "normal": not b > 0, "beta": not (a > 0 and b > 0)}[self.kind]
        if bad:
            need = {"uniform": "low < high", "loguniform": "0 < low < high",
                    "normal": "a standard deviation > 0", "beta": "alpha > 0 and beta > 0"}
            raise InvalidValue(f"a {self.kind} prior needs {need[self.kind]}; got {a:g}, "
                               f"{b:g}")
        if self.low >= self.high:
            raise InvalidValue(f"a truncated prior needs low < high; got {self.low:g}, "
                               f"{self.high:g}")
        if self._truncated and not self.rv().ppf(0.5) == self.rv().ppf(0.5):
            raise InvalidValue(f"a normal prior of mean {a:g} and sd {b:g} has no mass "
                               f"in [{self.low:g}, {self.high:g}]")

    def spec(self) -> list:
        """The prior as a config writes it, ``[kind, a, b]``, with a truncated normal's
        ends after them (what a run directory records)."""
        return ([self.kind, self.a, self.b, self.low, self.high] if self._truncated
                else [self.kind, self.a, self.b])

    def rv(self):
        """The scipy distribution."""
        from scipy import stats

        if self.kind == "uniform":
            return stats.uniform(self.a, self.b - self.a)
        if self.kind == "loguniform":
            return stats.loguniform(self.a, self.b)
        if self.kind == "normal":
            if self._truncated:
                return stats.truncnorm((self.low - self.a) / self.b,
                                       (self.high - self.a) / self.b, self.a, self.b)
            return stats.norm(self.a, self.b)
        return stats.beta(self.a, self.b)

    @property
    def _truncated(self) -> bool:
        return self.kind == "normal" and (math.isfinite(self.low)
                                          or math.isfinite(self.high))

    def _pyabc(self):
        """The distribution pyabc samples: a loguniform prior's log (uniform), so that
        the sampler's proposals (a normal kernel) live on the scale the prior is flat on
        (on the values themselves, particles near the low end, where a loguniform's
        density peaks, would take most of the weight)."""
        import pyabc

        if self.kind == "uniform":
            return pyabc.RV("uniform", self.a, self.b - self.a)
        if self.kind == "loguniform":
            lo, hi = math.log(self.a), math.log(self.b)
            return pyabc.RV("uniform", lo, hi - lo)
        if self._truncated:
            return pyabc.RV("truncnorm", (self.low - self.a) / self.b,
                            (self.high - self.a) / self.b, self.a, self.b)
        if self.kind == "normal":
            return pyabc.RV("norm", self.a, self.b)
        return pyabc.RV("beta", self.a, self.b)


#: What :func:`distance` can compare.
STATISTICS = ("per_period", "cumulative")


class InvalidParticle(dict):
    """What a simulator returns for parameters it cannot run (values the config does
    not allow together): an empty result whose :func:`distance` is infinite, so the
    sampler rejects the particle. ``reason`` says why."""

    def __init__(self, reason: str):
        super().__init__()
        self.reason = reason


def distance(simulated: dict, observed: dict,
             statistics: tuple = STATISTICS) -> float:
    """The distance between simulated and observed series: per series, the root mean
    square of the per-period differences (``"per_period"``) and, for counts, of the
    cumulative totals (``"cumulative"``), each divided by the observed series' (or
    totals') mean absolute value (at least 1), summed over series.

    Examples
    --------
    >>> import numpy as np
    >>> obs = {"new_customers": np.array([10.0, 20.0, 30.0])}
    >>> distance(obs, obs), round(distance({"new_customers": obs["new_customers"] + 2},
    ...                                     obs), 4)
    (0.0, 0.2296)
    """
    if isinstance(simulated, InvalidParticle):
        return math.inf
    total = 0.0
    for name, y in observed.items():
        y = np.asarray(y, np.float64)
        x = np.asarray(simulated[name], np.float64)
        if "per_period" in statistics:
            scale = max(float(np.mean(np.abs(y))), 1.0)
            total += float(np.sqrt(np.mean((x - y) ** 2))) / scale
        if name in COUNTS and "cumulative" in statistics:
            total += float(np.sqrt(np.mean((np.cumsum(x) - np.cumsum(y)) ** 2))) / (
                max(float(np.mean(np.abs(np.cumsum(y)))), 1.0))
    # a simulated value the data have but the run cannot give (an NPS before any
    # customer): the particle cannot be compared, and is rejected
    return total if math.isfinite(total) else math.inf


@dataclass(frozen=True)
class Posterior:
    """The posterior of an ABC-SMC run: the last generation's particles.

    Attributes
    ----------
    samples : pandas.DataFrame
        One row per particle: the calibrated keys and ``weight`` (summing to 1).
    generations : pandas.DataFrame
        Per generation: ``t``, ``epsilon``, ``samples`` (simulations), ``ess``
        (effective sample size of its weights).
    db : str or None
        The pyabc history (SQLite) the run wrote; None when none was asked for (a
        temporary one, removed).
    """

    samples: pd.DataFrame
    generations: pd.DataFrame
    db: str | None

    def interval(self, key: str, level: float = 0.9) -> tuple[float, float]:
        """The equal-tailed credible interval of one key (weighted quantiles)."""
        from .posterior import weighted_quantile

        x, w = self.samples[key], self.samples["weight"]
        return (weighted_quantile(x, w, (1 - level) / 2),
                weighted_quantile(x, w, 1 - (1 - level) / 2))

    def mean(self, key: str) -> float:
        w = self.samples["weight"].to_numpy()
        return float(np.sum(self.samples[key].to_numpy() * w) / w.sum())


def _apply(model, params: dict):
    """The model with each calibrated key replaced (``name`` on the model, or
    ``lifecycle.name``)."""
    by_part: dict = {}
    for key, value in params.items():
        part, _, name = key.rpartition(".")
        by_part.setdefault(part, {})[name] = float(value)
    for part, values in by_part.items():
        if part == "":
            model = dataclasses.replace(model, **values)
        else:
            model = dataclasses.replace(
                model, **{part: dataclasses.replace(getattr(model, part), **values)})
    return model


def _check_keys(model, priors):
    for key, prior in priors.items():
        if not isinstance(prior, Prior):
            raise InvalidType(f"the prior of {key!r} must be a refsim.calibrate.Prior; got "
                              f"{type(prior).__name__}")
        part, _, name = key.rpartition(".")
        owner = model if part == "" else getattr(model, part, None)
        if owner is None or name not in {f.name for f in dataclasses.fields(owner)}:
            raise InvalidValue(f"cannot calibrate {key!r}: the model has no such value "
                               f"(a ReferralModel field, or lifecycle.NAME with a "
                               f"lifecycle)")


def calibrate(graph, model, observed: Observed, priors: dict, *, series=None,
              seeds=(), steps_per_period: int = 1, population_size: int = 200,
              generations: int = 8, min_epsilon: float = 0.0, db: str | None = None,
              rng: int = 0, sampler=None) -> Posterior:
    """Fit the referral model's parameters to observed series by ABC-SMC.

    Parameters
    ----------
    graph : Graph
    model : ReferralModel
        Every value not in ``priors`` stays as given.
    observed : Observed
        The data (:func:`refsim.calibrate.read_observed`).
    priors : dict
        ``key -> Prior``: ``"share"``, ``"ad_rate"``, ``"lifecycle.churn_passive"``...
    series : sequence of str, optional
        Which observed series to fit (default: all the data holds).
    seeds : sequence of int, default ()
        Customers at the start (seeded in every simulation).
    steps_per_period : int, default 1
        Model steps per observed period.
    population_size, generations : int
        Particles per generation and the most generations.
    min_epsilon : float, default 0
        Stop once the acceptance threshold falls to this.
    db : str, optional
        SQLite file for pyabc's history, kept (default: a temporary file, removed).
    rng : int, default 0
        Seeds pyabc's draws and each simulation's stream (single-core sampler: the same
        numbers on any machine).
    sampler : pyabc sampler, optional
        E.g. ``pyabc.sampler.MulticoreEvalParallelSampler()`` or a Dask sampler;
        default single-core.

    Returns
    -------
    Posterior
    """
    _check_keys(model, priors)
    names = list(observed.series if series is None else series)
    steps = observed.periods * int(steps_per_period)
    seeds = list(seeds)

    def one(params, stream):
        from ..simulate import simulate

        res = simulate(graph, _apply(model, params), seeds, runs=1, rng=stream,
                       steps=steps)
        out = simulated_series(res, names, steps_per_period)
        return {name: out[name][0] for name in names}

    return abc_smc(one, priors, {name: observed.values(name) for name in names},
                   population_size=population_size, generations=generations,
                   min_epsilon=min_epsilon, db=db, rng=rng, sampler=sampler)


def need_pyabc():
    try:
        import pyabc
    except ImportError:
        raise MissingFile("calibration needs pyabc: pip install 'refsim[calibrate]'") \
            from None
    return pyabc


def abc_smc(simulate_one, priors: dict, observed: dict, *, statistics=STATISTICS,
            population_size: int = 200, generations: int = 8, min_epsilon: float = 0.0,
            db: str | None = None, rng: int = 0, sampler=None, resume: bool = False,
            on_start=None, max_simulations: int | None = None,
            min_acceptance: float = 0.0) -> Posterior:
    """ABC-SMC of any simulator on pyabc: the engine of :func:`calibrate` and of
    ``refsim calibrate``.

    Parameters
    ----------
    simulate_one : callable
        ``simulate_one(params, stream) -> {series: array}``: one simulation at the
        parameters (a dict by key) with the random stream ``stream`` (an int).
    priors : dict
        ``key -> Prior``.
    observed : dict
        ``series -> array`` of the data.
    statistics : tuple of str
        What :func:`distance` compares.
    population_size, generations, min_epsilon, rng, sampler
        As in :func:`calibrate`.
    db : str, optional
        The pyabc history (SQLite), kept; default a temporary file, removed.
    resume : bool
        Continue the run stored in ``db`` up to ``generations`` in all.
    max_simulations : int, optional
        Stop once this many simulations have run (all generations together).
    min_acceptance : float, default 0
        Stop once a generation accepts fewer than this share of its simulations (a
        threshold the model can no longer reach).
    on_start : callable, optional
        Called with no argument once the checks are done, as the sampling starts
        (e.g. to turn pyabc's progress log on).

    Returns
    -------
    Posterior
    """
    pyabc = need_pyabc()
    import logging
    import tempfile

    if db is not None and "?" in str(db):  # the query of the SQLite address pyabc opens
        raise FileProblem(f"{str(db)!r}: a path with '?' cannot hold the sampler's "
                          f"history (SQLite would write it to the part before the '?'); "
                          f"choose another name")
    logs = [k for k, p in priors.items() if p.kind == "loguniform"]  # sampled as logs

    def one(params):
        stream = int(np.random.randint(0, 2**31 - 1))  # pyabc's seeded global stream
        return simulate_one({k: float(math.exp(params[k]) if k in logs else params[k])
                             for k in priors}, stream)

    # one simulation at the priors' centres first: a series the model cannot give, or a
    # value out of range, fails here with its own message, not inside pyabc
    first = simulate_one({k: float(p.rv().median()) for k, p in priors.items()}, int(rng))
    if isinstance(first, InvalidParticle):
        raise InvalidValue(f"at the priors' medians the model cannot run: {first.reason}")
    if not math.isfinite(distance(first, observed)):
        bad = [name for name in observed
               if not np.isfinite(np.asarray(first[name], np.float64)).all()]
        raise InvalidValue(f"at the priors' medians the simulated {', '.join(bad)} has "
                           f"periods with no value (an NPS before any customer?): fit "
                           f"from the first period the model can give, or seed customers")
    for name in ("ABC", "Sampler", "Epsilon", "Distance", "pyabc", "ABC.Sampler",
                 "ABC.History", "ABC.Distance", "ABC.Epsilon", "ABC.Transition"):
        logging.getLogger(name).setLevel(logging.WARNING)
    prior = pyabc.Distribution(**{k: p._pyabc() for k, p in priors.items()})
    stats = tuple(statistics)

    def dist(x, y):
        return distance(x, y, stats)

    # proposals three times as wide as pyabc's default (Silverman's bandwidth): a
    # stochastic simulator accepts particles far out in the tails now and then, and a
    # narrow proposal gives those few most of the weight. On
    # experiments/calibrate_example.toml (4 values, 200 particles, 8 generations) the
    # smallest effective sample size of a generation was 26 with the default width, 38
    # with twice and 118 with three times, for 30% more simulations than twice
    abc = pyabc.ABCSMC(one, prior, dist, population_size=int(population_size),
                       sampler=sampler or pyabc.sampler.SingleCoreSampler(),
                       transitions=pyabc.MultivariateNormalTransition(scaling=3.0))
    own_db = db is None
    if own_db:
        db = tempfile.NamedTemporaryFile(suffix=".db", delete=False).name
    try:
        np.random.seed(int(rng))
        todo = int(generations)
        if resume:
            abc.load(f"sqlite:///{db}", 1)
            done = int(abc.history.max_t) + 1
            np.random.seed([int(rng), done])  # a resumed run's own, reproducible stream
            todo = max(int(generations) - done, 0)
        else:
            abc.new(f"sqlite:///{db}", {k: np.asarray(v, np.float64)
                                       for k, v in observed.items()})
        if on_start is not None:
            on_start()
        if todo > 0:
            history = abc.run(minimum_epsilon=float(min_epsilon), max_nr_populations=todo,
                              min_acceptance_rate=float(min_acceptance),
                              max_total_nr_simulations=(np.inf if max_simulations is None
                                                        else int(max_simulations)))
        else:
            history = abc.history
        return _posterior(history, list(priors), None if own_db else db, logs)
    finally:
        if own_db:  # a history nobody asked to keep: removed with its journal files
            import os

            for suffix in ("", "-journal", "-wal", "-shm"):
                try:
                    os.unlink(db + suffix)
                except OSError:
                    pass


def _posterior(history, keys, db, logs=()) -> Posterior:
    frame, weights = history.get_distribution(m=0, t=history.max_t)
    samples = frame.reset_index(drop=True)[keys].copy()
    for k in logs:
        samples[k] = np.exp(samples[k].to_numpy(np.float64))
    samples["weight"] = np.asarray(weights) / np.sum(weights)
    pops = history.get_all_populations()
    pops = pops[pops["t"] >= 0]
    ess = []
    for t in pops["t"]:
        _, w = history.get_distribution(m=0, t=int(t))
        w = np.asarray(w)
        ess.append(float(w.sum() ** 2 / (w ** 2).sum()))
    gens = pd.DataFrame({"t": pops["t"].astype(int).to_numpy(),
                         "epsilon": pops["epsilon"].to_numpy(),
                         "samples": pops["samples"].astype(int).to_numpy(), "ess": ess})
    return Posterior(samples, gens, db)
