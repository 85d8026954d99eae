"""A calibration's posterior as experiments use it: read and checked, and drawn from run
by run (``[model] posterior = "RUN_DIR"``).

The posterior is a weighted set of particles (``posterior.csv``: one column per
calibrated config key and ``weight``). Run ``r`` of an experiment draws one particle
from its own stream, so its values depend on its number only: every campaign's run
``r`` gets the same draw (pairing holds) on any number of workers, and runs that draw the
same particle show how much of the spread between runs is the runs' own randomness.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from ..errors import FileProblem

if TYPE_CHECKING:
    import os

__all__ = ["POSTERIOR_FILE", "config_param", "config_value", "load_posterior",
           "plain_number", "posterior_draws", "posterior_keys", "weighted_quantile"]

#: The posterior's file in a calibration's run directory (and a copy in the run
#: directory of every experiment that draws from it).
POSTERIOR_FILE = "posterior.csv"
#: The stream child of ``experiment.seed`` run ``r`` draws its particle from:
#: ``(2**32 + 7, r)`` (see :mod:`refsim.experiment.build`).
DRAW_CHILD = 2**32 + 7
#: Columns of a posterior that are no config value.
_NOT_KEYS = ("weight",)


def config_param(key):
    """The :class:`refsim.params.Param` of a config key path, or None (a generator's
    own parameter)."""
    from ..experiment.schema import SCHEMA, model_table

    section, _, name = key.partition(".")
    table = model_table() if section == "model" else SCHEMA.get(section, {})
    return table.get(name) if isinstance(table, dict) else None


def config_value(key, x, current=None):
    """A particle's value as the config takes it: a whole number for an integer key
    (by its description, or, for a generator's own parameter, by the config's
    ``current`` value being one).

    Examples
    --------
    >>> config_value("loyalty.cap", 12.6), config_value("graph.n", 1900.2, current=2000)
    (13, 1900)
    >>> config_value("model.share", 0.25)
    0.25
    """
    p = config_param(key)
    whole = (p.kind == "int") if p is not None else (
        isinstance(current, int) and not isinstance(current, bool))
    return int(round(x)) if whole else float(x)


def current_value(cfg, key):
    """The config's own value of a key path, or None."""
    node = cfg
    for part in key.split("."):
        if not isinstance(node, dict) or part not in node:
            return None
        node = node[part]
    return node


def weighted_quantile(x, w, q) -> float:
    """The ``q`` quantile of values ``x`` with weights ``w`` (the first value whose
    cumulative weight reaches ``q``).

    Examples
    --------
    >>> weighted_quantile([1.0, 2.0, 3.0], [0.2, 0.5, 0.3], 0.5)
    2.0
    """
    x = np.asarray(x, np.float64)
    w = np.asarray(w, np.float64)
    order = np.argsort(x, kind="stable")
    cum = np.cumsum(w[order]) / w.sum()
    return float(x[order][min(int(np.searchsorted(cum, q)), len(x) - 1)])


def plain_number(x) -> str:
    """A number with three significant digits, thousands grouped: 0.0186, 161, 17,091."""
    if x == 0 or not math.isfinite(x):
        return f"{x:g}"
    digits = max(0, 2 - int(math.floor(math.log10(abs(x)))))
    return f"{x:.{min(digits, 8)}f}" if abs(x) < 1e4 else f"{x:,.0f}"


def posterior_keys(samples: pd.DataFrame) -> list[str]:
    """The calibrated config keys of a posterior frame."""
    return [c for c in samples.columns if c not in _NOT_KEYS]


def load_posterior(run_dir: str | os.PathLike[str]) -> pd.DataFrame:
    """The posterior of a calibration's run directory: one row per particle, a column
    per calibrated config key and ``weight`` (summing to 1).

    Raises :class:`refsim.errors.FileProblem` naming the file when it is missing or not
    a posterior (no particles, a value that is not a finite number, a weight below 0 or
    weights that do not add up to a positive number).

    Examples
    --------
    >>> import refsim
    >>> refsim.load_posterior("no/such/run")
    Traceback (most recent call last):
    ...
    refsim.errors.FileProblem: 'no/such/run' holds no calibration (no posterior.csv); run refsim calibrate first
    """
    path = Path(run_dir) / POSTERIOR_FILE
    if not path.exists():
        raise FileProblem(f"{str(run_dir)!r} holds no calibration (no {POSTERIOR_FILE}); "
                          f"run refsim calibrate first")
    try:
        frame = pd.read_csv(path)
    except (OSError, ValueError) as exc:
        raise FileProblem(f"{str(path)!r}: cannot read the posterior: {exc}") from None
    why = None
    if "weight" not in frame or len(frame) == 0 or len(frame.columns) < 2:
        why = "it needs a weight column, one column per calibrated key and particles"
    else:
        for col in frame.columns:
            values = pd.to_numeric(frame[col], errors="coerce").to_numpy(np.float64)
            bad = ~np.isfinite(values)  # text (read as NaN), NaN, inf
            if bad.any():
                row = int(np.flatnonzero(bad)[0])
                why = (f"column {col!r} holds {frame[col].iloc[row]!r} (row {row + 2}), "
                       f"not a finite number")
                break
            frame[col] = values
        if why is None:
            w = frame["weight"]
            if (w < 0).any() or not w.sum() > 0:
                why = "its weights must be >= 0 and add up to a positive number"
    if why is not None:
        raise FileProblem(f"{str(path)!r} is not a posterior: {why}")
    frame["weight"] = frame["weight"] / frame["weight"].sum()
    return frame


def posterior_draws(samples: pd.DataFrame, seed: int, runs: int,
                    first_run: int = 0) -> pd.DataFrame:
    """The particle run ``r`` of an experiment draws, for ``r`` in ``first_run ..
    first_run + runs - 1``: each from its own stream (child ``(2**32 + 7, r)`` of
    ``experiment.seed``), with the particles' weights, so a run's values depend on its
    number only (the same on any number of workers, and the same for every campaign:
    pairing holds).

    Examples
    --------
    >>> import pandas as pd
    >>> post = pd.DataFrame({"model.share": [0.1, 0.2], "weight": [0.5, 0.5]})
    >>> a = posterior_draws(post, seed=1, runs=6)
    >>> a.equals(pd.concat([posterior_draws(post, 1, 2),
    ...                     posterior_draws(post, 1, 4, first_run=2)]))
    True
    """
    keys = posterior_keys(samples)
    cum = np.cumsum(samples["weight"].to_numpy(np.float64))
    cum /= cum[-1]
    rows = []
    for r in range(int(first_run), int(first_run) + int(runs)):
        u = np.random.default_rng(np.random.SeedSequence(
            seed, spawn_key=(DRAW_CHILD, r))).random()
        rows.append(min(int(np.searchsorted(cum, u, side="right")), len(cum) - 1))
    out = samples.iloc[rows][keys].copy()
    out.index = pd.RangeIndex(int(first_run), int(first_run) + int(runs), name="run")
    out.insert(0, "particle", rows)
    return out
