"""Confidence intervals for an experiment's per-run results, per campaign and paired.

Both functions read the per-run frame of :func:`refsim.experiment.store.load_results`
(one row per cell, campaign and run; sweep-axis columns between ``cell`` and
``campaign``; metric columns after ``run``) and return a long frame with one row per
cell, campaign and metric.

The paired differences use the experiment's common random numbers: run ``r`` of every
campaign in a cell drew from the same random stream, so the per-run difference cancels
the noise the campaigns share and its interval is usually much narrower than the one
two independent samples would give.
"""

from __future__ import annotations

import math
import numbers
from statistics import NormalDist
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from .errors import InvalidType, InvalidValue
from .result import mean_ci

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence

__all__ = [
    "cash_ahead",
    "compare_pairs",
    "paired_differences",
    "payback",
    "posterior_effect",
    "recommend",
    "run_spread",
    "summarize",
    "summary_table",
    "sweep_axes",
]

#: Descriptive columns carried from the input when present (constant per cell and campaign).
_CARRIED = ("strategy", "k", "budget")
#: The campaign's settings :func:`summary_table` carries (those present in the input).
_SETTINGS = ("strategy", "k", "budget", "sender_reward", "recipient_reward", "seed_sets")


def summarize(runs: pd.DataFrame, metrics: str | Sequence[str] | None = None,
              level: float = 0.95) -> pd.DataFrame:
    """Return the mean and Student-t confidence interval of each metric, per cell and campaign.

    Parameters
    ----------
    runs : pandas.DataFrame
        One row per (cell, campaign, run), laid out as ``load_results`` returns it.
    metrics : str or sequence of str, optional
        Metric columns to summarise; default every column after ``run``.
    level : float, default 0.95
        Coverage of the interval, strictly between 0 and 1.

    Returns
    -------
    pandas.DataFrame
        Columns ``cell``, the sweep axes, ``campaign``, ``strategy``, ``k``, ``budget``
        (those of the three present in ``runs``), ``metric``, ``mean``, ``sem``, ``lo``,
        ``hi``, ``runs``. Rows are ordered by cell, then campaign in order of first
        appearance in ``runs``, then metric. Only finite values count; ``runs`` is their
        number, and ``sem``, ``lo``, ``hi`` are NaN with fewer than two.

    Raises
    ------
    ValueError
        If a required column or a requested metric is missing, or ``level`` is not in (0, 1).

    Notes
    -----
    Takes :math:`O(R\\,M)` time for ``R`` rows and ``M`` metrics, plus one t quantile per
    cell, campaign and metric.

    Examples
    --------
    >>> import pandas as pd
    >>> runs = pd.DataFrame({"cell": 0, "campaign": ["ads"] * 3 + ["refer"] * 3,
    ...                      "strategy": "degree", "k": 5.0, "budget": float("nan"),
    ...                      "run": [0, 1, 2] * 2,
    ...                      "reach": [10.0, 12.0, 14.0, 11.0, 13.0, 15.0]})
    >>> s = summarize(runs)
    >>> s[["campaign", "metric", "mean", "sem", "runs"]].values.tolist()
    [['ads', 'reach', 12.0, 1.1547..., 3], ['refer', 'reach', 13.0, 1.1547..., 3]]
    >>> print(round(s["hi"].iloc[0] - s["lo"].iloc[0], 3))  # 2 * t(0.975, 2) * sem
    9.937
    """
    axes, metrics = _check(runs, metrics, level)
    carried = [c for c in _CARRIED if c in runs.columns]
    ident = runs[["cell", *axes, "campaign", *carried]]
    rows = _reduce(ident, runs[metrics].to_numpy(dtype=np.float64), metrics, level, "runs")
    columns = ["cell", *axes, "campaign", *carried, "metric", "mean", "sem", "lo", "hi",
               "runs"]
    return _frame(rows, columns, "runs", axes)


def paired_differences(runs: pd.DataFrame, baseline: str,
                       metrics: str | Sequence[str] | None = None,
                       level: float = 0.95) -> pd.DataFrame:
    """Return the mean and confidence interval of each campaign's per-run difference
    from ``baseline``, matched on run (common random numbers), per cell.

    Parameters
    ----------
    runs : pandas.DataFrame
        One row per (cell, campaign, run), laid out as ``load_results`` returns it.
    baseline : str
        Name of the campaign subtracted from every other one.
    metrics : str or sequence of str, optional
        Metric columns to compare; default every column after ``run``.
    level : float, default 0.95
        Coverage of the interval, strictly between 0 and 1.

    Returns
    -------
    pandas.DataFrame
        Columns ``cell``, the sweep axes, ``campaign``, ``baseline``, ``strategy``,
        ``k``, ``budget`` (of the compared campaign; those present in ``runs``),
        ``metric``, ``mean``, ``sem``, ``lo``, ``hi``, ``pairs``: the statistics of
        ``campaign - baseline`` over the runs present for both in that cell where both
        values are finite; ``pairs`` is their number. One row per cell, non-baseline
        campaign (in order of first appearance) and metric.

    Raises
    ------
    ValueError
        If ``baseline`` is not a campaign of ``runs``, a (cell, campaign, run) appears
        twice, a required column or requested metric is missing, or ``level`` is not
        in (0, 1).

    Notes
    -----
    The interval is the one-sample Student-t interval of the differences, the interval
    of a paired t-test. It is valid when run ``r`` of both campaigns used the same
    random stream and different runs are independent.

    Examples
    --------
    Both campaigns share the run-to-run noise, so the paired interval has zero width:

    >>> import pandas as pd
    >>> runs = pd.DataFrame({"cell": 0, "campaign": ["ads"] * 3 + ["refer"] * 3,
    ...                      "run": [0, 1, 2] * 2,
    ...                      "reach": [10.0, 12.0, 14.0, 11.0, 13.0, 15.0]})
    >>> d = paired_differences(runs, "ads")
    >>> d[["campaign", "baseline", "mean", "lo", "hi", "pairs"]].values.tolist()
    [['refer', 'ads', 1.0, 1.0, 1.0, 3]]
    """
    axes, metrics = _check(runs, metrics, level)
    campaigns = list(pd.unique(runs["campaign"]))
    if baseline not in campaigns:
        raise InvalidValue(f"baseline campaign {baseline!r} is not in the results; "
                         f"campaigns are {campaigns}")
    keys = runs[["cell", "campaign", "run"]]
    if keys.duplicated().any():
        dup = tuple(v.item() if isinstance(v, np.generic) else v
                    for v in keys[keys.duplicated()].iloc[0])
        raise InvalidValue(f"(cell, campaign, run) = {dup} appears more than once; "
                         "runs cannot be paired")
    carried = [c for c in _CARRIED if c in runs.columns]
    others = runs[runs["campaign"] != baseline]
    base = runs.loc[runs["campaign"] == baseline, ["cell", "run", *metrics]]
    # A left join keeps a campaign whose cell lacks some baseline runs, with NaN pairs.
    joined = others[["cell", "run", *metrics]].merge(base, how="left", on=["cell", "run"],
                                                     suffixes=("", " (baseline)"))
    with np.errstate(invalid="ignore"):  # inf - inf is NaN, dropped by mean_ci
        diff = (joined[metrics].to_numpy(dtype=np.float64)
                - joined[[f"{m} (baseline)" for m in metrics]].to_numpy(dtype=np.float64))
    ident = others[["cell", *axes, "campaign", *carried]].assign(baseline=baseline)
    rows = _reduce(ident, diff, metrics, level, "pairs")
    columns = ["cell", *axes, "campaign", "baseline", *carried, "metric", "mean", "sem",
               "lo", "hi", "pairs"]
    return _frame(rows, columns, "pairs", axes)



def _paired_by_run(runs, baseline, metric):
    """Per non-baseline campaign and cell: the runs both have, and each run's difference
    ``campaign - baseline`` of ``metric``; yields ``(campaign, cell, runs, d)``."""
    base = runs[runs["campaign"] == baseline][["cell", "run", metric]]
    if base.empty:
        raise ValueError(f"baseline {baseline!r} is not a campaign of the runs")
    for campaign in pd.unique(runs["campaign"]):
        if campaign == baseline:
            continue
        own = runs[runs["campaign"] == campaign][["cell", "run", metric]]
        both = own.merge(base, on=["cell", "run"], suffixes=("", "_base"))
        for cell, g in both.groupby("cell", sort=True):
            yield campaign, cell, g, (g[metric] - g[f"{metric}_base"]).to_numpy(np.float64)


def run_spread(runs: pd.DataFrame, baseline: str, metric: str,
               level: float = 0.9, higher_is_better: bool = True) -> pd.DataFrame:
    """How each campaign's run-by-run difference from ``baseline`` is spread, per cell:
    the share of runs it is ahead (``ahead``: difference > 0, or < 0 for a metric where
    lower is better), behind (``behind``) and the central ``level`` range of the
    differences (``lo``, ``hi``).

    Unlike the confidence interval of the mean difference (:func:`paired_differences`),
    which narrows as runs are added, this range describes single runs: when each run
    draws the market's values from a calibration's posterior (``[model] posterior``),
    it spans what the data leave uncertain as well as each run's own randomness, and
    ``ahead`` is the probability the campaign does better in a market like ours.

    Examples
    --------
    >>> import pandas as pd
    >>> runs = pd.DataFrame({"cell": 0, "campaign": ["a"] * 4 + ["b"] * 4,
    ...                      "run": [0, 1, 2, 3] * 2,
    ...                      "npv": [10.0, 10.0, 10.0, 10.0, 12.0, 9.0, 13.0, 10.0]})
    >>> r = run_spread(runs, "a", "npv", level=0.5)
    >>> r[["campaign", "ahead", "behind", "runs"]].values.tolist()
    [['b', 0.5, 0.25, 4]]
    """
    if not 0 < level < 1:
        raise ValueError(f"level must be in (0, 1); got {level!r}")
    out = []
    for campaign, cell, _, d in _paired_by_run(runs, baseline, metric):
        d = d[np.isfinite(d)]
        if len(d):
            lo, hi = np.quantile(d, [(1 - level) / 2, 1 - (1 - level) / 2])
            up, down = float(np.mean(d > 0)), float(np.mean(d < 0))
            if not higher_is_better:
                up, down = down, up
            out.append({"cell": cell, "campaign": campaign, "metric": metric,
                        "ahead": up, "behind": down,
                        "lo": float(lo), "hi": float(hi), "runs": len(d)})
    return pd.DataFrame(out, columns=["cell", "campaign", "metric", "ahead", "behind",
                                      "lo", "hi", "runs"])


#: Fewest degrees of freedom of the runs' own spread (repeated draws of a particle,
#: less one per particle) for :func:`posterior_effect` to give an interval.
_MIN_DOF = 20


def posterior_effect(runs: pd.DataFrame, particle: Mapping[int, int] | pd.Series,
                     baseline: str, metric: str,
                     level: float = 0.9, higher_is_better: bool = True) -> pd.DataFrame:
    """What the data leave uncertain about each campaign's expected difference from
    ``baseline``, per cell, when run ``r`` drew its market's values from a posterior
    (``[model] posterior``): the credible interval of ``Delta(theta)``, the expected
    difference at values ``theta``, over the posterior.

    Runs that drew the same particle differ only by their own randomness, so the
    spread of the paired differences splits into that part (``within``, pooled over
    particles drawn at least twice) and the spread of ``Delta`` itself (``tau``, by the
    method of moments: the total variance minus the within part). Each particle's mean
    is shrunk towards the grand mean by its own reliability (``tau^2 / (tau^2 + within
    / n)`` for a particle drawn ``n`` times), then the shrunk values are scaled to
    spread by ``tau`` (constrained Bayes, Louis 1984, JASA 79(386)); ``lo`` and ``hi``
    are their
    central ``level`` quantiles over the runs (each particle as often as it was drawn,
    that is by its posterior weight), and ``ahead`` is the share of them on the better
    side of 0. Unlike the confidence interval of the mean difference, this interval does
    not narrow as runs are added; with few runs per particle it is rough. ``separable``
    is False when the runs cannot tell the two parts apart (fewer than 20 degrees of
    freedom from repeated draws, or a between-particle spread the runs' own randomness
    hides): ``lo``, ``hi`` and ``ahead`` are then NaN.

    Parameters
    ----------
    runs : pandas.DataFrame
        One row per (cell, campaign, run), as ``load_results`` returns it.
    particle : mapping or pandas.Series
        Run number -> the particle it drew (:func:`refsim.calibrate.posterior_draws`).
    baseline, metric : str
    level : float, default 0.9
    higher_is_better : bool, default True
        For ``ahead``: whether a positive difference is better.

    Returns
    -------
    pandas.DataFrame
        ``cell``, ``campaign``, ``metric``, ``mean``, ``lo``, ``hi``, ``ahead``,
        ``tau``, ``within``, ``runs``, ``separable``.

    Examples
    --------
    Two particles, each drawn by twelve runs; the runs of one particle agree exactly,
    so the whole spread is the particles' (the ends widened by the mean's own error):

    >>> import pandas as pd
    >>> d = [1.0] * 12 + [5.0] * 12
    >>> runs = pd.DataFrame({"cell": 0, "campaign": ["a"] * 24 + ["b"] * 24,
    ...                      "run": list(range(24)) * 2, "npv": [0.0] * 24 + d})
    >>> e = posterior_effect(runs, {r: r // 12 for r in range(24)}, "a", "npv",
    ...                      0.5).iloc[0]
    >>> [round(float(e[k]), 2) for k in ("lo", "hi", "ahead", "within")]
    [0.72, 5.28, 1.0, 0.0]
    """
    if not 0 < level < 1:
        raise ValueError(f"level must be in (0, 1); got {level!r}")
    particle = pd.Series(particle)
    z = NormalDist().inv_cdf(1 - (1 - level) / 2)
    out = []
    for campaign, cell, g, d in _paired_by_run(runs, baseline, metric):
        j = particle.reindex(g["run"].to_numpy()).to_numpy()
        keep = np.isfinite(d) & pd.notna(j)
        d, j = d[keep], j[keep].astype(np.int64)
        if len(d) < 2:
            continue
        frame = pd.DataFrame({"d": d, "j": j})
        stats = frame.groupby("j")["d"].agg(["mean", "var", "count"])
        repeated = stats[stats["count"] >= 2]
        dof = float((repeated["count"] - 1).sum())
        row = {"cell": cell, "campaign": campaign, "metric": metric,
               "mean": float(d.mean()), "runs": len(d)}
        if np.ptp(d) == 0:  # the same difference in every run (0: none): known exactly
            ahead = float(d[0] > 0 if higher_is_better else d[0] < 0)
            out.append({**row, "lo": float(d[0]), "hi": float(d[0]), "ahead": ahead,
                        "tau": 0.0, "within": 0.0, "separable": True})
            continue
        if dof < 1:
            out.append({**row, "lo": np.nan, "hi": np.nan, "ahead": np.nan,
                        "tau": np.nan, "within": np.nan, "separable": False})
            continue
        within = float(((repeated["count"] - 1) * repeated["var"]).sum() / dof)
        tau2 = float(np.var(d, ddof=1)) - within
        se = math.sqrt(float(np.var(d, ddof=1)) / len(d))  # the mean's own error
        if dof < _MIN_DOF or not tau2 > 0:
            # too few repeated draws to know the runs' own spread, or a posterior
            # spread the runs' randomness hides: no interval rather than a false point
            out.append({**row, "lo": np.nan, "hi": np.nan, "ahead": np.nan,
                        "tau": math.sqrt(max(tau2, 0.0)), "within": math.sqrt(within),
                        "separable": False})
            continue
        # each particle's mean shrunk by its own reliability (drawn n times: noise
        # within / n), then scaled so that the values spread by tau (constrained Bayes)
        n = stats["count"].reindex(j).to_numpy(np.float64)
        group_mean = stats["mean"].reindex(j).to_numpy()
        shrunk = d.mean() + tau2 / (tau2 + within / n) * (group_mean - d.mean())
        spread = float(np.var(shrunk, ddof=1))
        a = math.sqrt(tau2 / spread) if spread > 0 else 0.0
        adjusted = d.mean() + a * (shrunk - shrunk.mean())
        lo, hi = np.quantile(adjusted, [(1 - level) / 2, 1 - (1 - level) / 2])
        better = adjusted > 0 if higher_is_better else adjusted < 0
        out.append({**row, "lo": float(lo) - z * se, "hi": float(hi) + z * se,
                    "ahead": float(np.mean(better)), "tau": math.sqrt(tau2),
                    "within": math.sqrt(within), "separable": True})
    return pd.DataFrame(out, columns=["cell", "campaign", "metric", "mean", "lo", "hi",
                                      "ahead", "tau", "within", "runs", "separable"])


def compare_pairs(runs: pd.DataFrame, pairs: Sequence[tuple[str, str]],
                  metrics: str | Sequence[str] | None = None, level: float = 0.95,
                  higher_is_better: bool = True) -> pd.DataFrame:
    """Return ``A - B`` for each pair of campaigns, paired run by run, per cell.

    Parameters
    ----------
    runs : pandas.DataFrame
        One row per (cell, campaign, run), as ``load_results`` returns it.
    pairs : sequence of (str, str)
        The campaigns to compare, ``(A, B)`` giving ``A - B`` (``experiment.compare``).
    metrics : str or sequence of str, optional
        As in :func:`paired_differences`.
    level : float, default 0.95
        Coverage of the intervals.
    higher_is_better : bool, default True
        The metrics' direction (False for costs such as ``cac``), for ``better``.

    Returns
    -------
    pandas.DataFrame
        The columns of :func:`paired_differences`, with ``baseline`` holding B, and
        ``better``: the campaign of the pair that does better where the interval
        excludes 0, else None (a tie, or fewer than two pairs). One row per cell, pair
        (in the order given) and metric; none without pairs.

    Examples
    --------
    >>> runs = pd.DataFrame({"cell": 0, "run": [0, 1, 2] * 3,
    ...                      "campaign": ["a"] * 3 + ["b"] * 3 + ["c"] * 3,
    ...                      "profit": [1.0, 2.0, 3.0, 3.0, 4.0, 6.0, 0.0, 0.0, 0.0]})
    >>> d = compare_pairs(runs, [("b", "a")], "profit")
    >>> d[["campaign", "baseline", "mean", "pairs", "better"]].values.tolist()
    [['b', 'a', 2.3333333333333335, 3, 'b']]
    """
    frames = []
    for a, b in pairs:
        both = runs[runs["campaign"].isin([a, b])]
        frames.append(paired_differences(both, b, metrics, level))
    if not frames:
        return pd.DataFrame(columns=["cell", "campaign", "baseline", "metric", "mean",
                                     "lo", "hi", "pairs", "better"])
    out = pd.concat(frames, ignore_index=True)
    ahead = out["lo"] > 0 if higher_is_better else out["hi"] < 0
    behind = out["hi"] < 0 if higher_is_better else out["lo"] > 0
    out["better"] = pd.Series([a if up else b if down else None for a, b, up, down in zip(
        out["campaign"], out["baseline"], ahead, behind)], dtype=object, index=out.index)
    return out.sort_values("cell", kind="stable", ignore_index=True)


def payback(cash: dict, baseline: str, level: float = 0.95) -> pd.DataFrame:
    """Return, per cell and campaign, when its cash overtakes the baseline's for good.

    Run ``r`` of a campaign and of the baseline share their random numbers, so the mean
    over runs of their difference in cumulative discounted cash, with its interval, is
    the campaign's effect to date (:func:`cash_ahead`). The campaign pays back at the
    first step from which that mean stays positive to the end of the horizon, and is
    surely ahead from the first step from which the interval's lower bound stays
    positive (at ``level``). Single runs are not used: their paths cross zero by chance
    long after the mean has settled.

    Parameters
    ----------
    cash : dict
        ``(cell, campaign) -> (runs, steps + 1)`` cumulative discounted cash, run ``r``
        in row ``r`` (``load_curves(run_dir, raw=True)``'s ``"cash"`` series).
    baseline : str
        The campaign the others are measured against.
    level : float, default 0.95
        Coverage of the intervals.

    Returns
    -------
    pandas.DataFrame
        One row per cell and campaign other than the baseline: ``cell``, ``campaign``,
        ``step`` (payback; infinite when the mean is not ahead at the end), ``sure``
        (the step from which it is ahead beyond doubt; infinite when not by the end),
        ``ahead`` (the cash ahead at the end: mean), ``lo``, ``hi`` (its interval),
        ``horizon`` (the last step) and ``runs``.

    Examples
    --------
    >>> import numpy as np
    >>> base = np.zeros((5, 4))
    >>> late = np.array([[-5.0, -1, 2, 3]] * 4 + [[-5.0, -1, 2.5, 3.5]])
    >>> payback({(0, "base"): base, (0, "late"): late}, "base")[["step", "sure"]]
       step  sure
    0   2.0   2.0
    """
    if not 0.0 < level < 1.0:
        raise InvalidValue(f"level must be in (0, 1); got {level!r}")
    rows = []
    curves = cash_ahead(cash, baseline, level)
    for (cell, camp), one in curves.groupby(["cell", "campaign"], sort=False):
        if camp == baseline:
            continue
        one = one.sort_values("step")
        steps = one["step"].to_numpy()
        end = one.iloc[-1]
        rows.append({"cell": cell, "campaign": camp,
                     "step": stays_positive(one["mean"].to_numpy(), steps),
                     "sure": stays_positive(one["lo"].to_numpy(), steps),
                     "ahead": float(end["mean"]), "lo": float(end["lo"]),
                     "hi": float(end["hi"]), "horizon": int(steps[-1]),
                     "runs": int(end["runs"])})
    return pd.DataFrame(rows, columns=["cell", "campaign", "step", "sure", "ahead", "lo",
                                       "hi", "horizon", "runs"])


def stays_positive(values, steps) -> float:
    """The first of ``steps`` from which ``values`` stay above 0 (NaN counts as not);
    inf when the last one is not. Payback's rule, also the report figures' dot."""
    ok = np.nan_to_num(np.asarray(values, np.float64), nan=-1.0) > 0
    if not ok[-1]:
        return np.inf
    behind = np.flatnonzero(~ok)
    return float(steps[behind[-1] + 1] if behind.size else steps[0])


def cash_ahead(cash: dict, baseline: str, level: float = 0.95) -> pd.DataFrame:
    """Return, per cell, campaign and step, how far the campaign's cumulative cash is
    ahead of the baseline's, paired run by run: ``cell``, ``campaign``, ``series``
    (``"cash_ahead"``), ``step``, ``mean``, ``lo``, ``hi`` (the mean's interval) and
    ``runs``; ``cash`` as for :func:`payback`. The baseline keeps its rows (all 0), in
    its place among the campaigns.

    Examples
    --------
    >>> import numpy as np
    >>> base = np.zeros((3, 2))
    >>> more = np.array([[0.0, 4.0], [0.0, 5.0], [0.0, 6.0]])
    >>> cash_ahead({(0, "base"): base, (0, "more"): more}, "base")["mean"].tolist()
    [0.0, 0.0, 0.0, 5.0]
    """
    frames = []
    for (cell, camp), a in cash.items():
        if (cell, baseline) not in cash:
            continue
        b = cash[(cell, baseline)]
        n = min(a.shape[0], b.shape[0])
        d = np.asarray(a[:n], np.float64) - np.asarray(b[:n], np.float64)
        stats = [mean_ci(d[:, t], level) for t in range(d.shape[1])]
        frames.append(pd.DataFrame({
            "cell": cell, "campaign": camp, "series": "cash_ahead",
            "step": np.arange(d.shape[1]), "mean": [x["mean"] for x in stats],
            "lo": [x["lo"] for x in stats], "hi": [x["hi"] for x in stats], "runs": n}))
    columns = ["cell", "campaign", "series", "step", "mean", "lo", "hi", "runs"]
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=columns)


def recommend(runs: pd.DataFrame, objective: str, higher_is_better: bool = True,
              level: float = 0.95) -> pd.DataFrame:
    """Return, per cell, the campaign ``objective`` recommends and how sure that is.

    The campaign with the best mean (highest, or lowest when ``higher_is_better`` is
    false) is compared with the runner-up run by run (common random numbers): when the
    interval of the paired difference holds 0 the two are tied.

    Parameters
    ----------
    runs : pandas.DataFrame
        One row per (cell, campaign, run), as ``load_results`` returns it.
    objective : str
        The metric column campaigns are ranked by.
    higher_is_better : bool, default True
        False for costs (``cac``, ``cost``).
    level : float, default 0.95
        Coverage of the intervals.

    Returns
    -------
    pandas.DataFrame
        One row per cell: ``cell``, ``campaign`` (recommended), ``mean``, ``lo``, ``hi``
        (its objective), ``runner_up`` (None with one campaign), ``diff``, ``diff_lo``,
        ``diff_hi`` (recommended minus runner-up, paired), ``pairs``, ``tie`` (the
        difference's interval holds 0, or too few pairs), and ``extra_cost`` (the
        recommended campaign's mean cost minus the runner-up's, where ``cost`` is
        recorded). Cells where the objective is undefined for every campaign are left
        out.

    Examples
    --------
    >>> runs = pd.DataFrame({"cell": 0, "run": [0, 1, 2] * 2,
    ...                      "campaign": ["a"] * 3 + ["b"] * 3,
    ...                      "profit": [1.0, 2.0, 3.0, 3.0, 4.0, 6.0]})
    >>> r = recommend(runs, "profit").iloc[0]
    >>> r["campaign"], r["runner_up"], round(float(r["diff"]), 3), bool(r["tie"])
    ('b', 'a', 2.333, False)
    """
    summary = summarize(runs, [objective], level)
    rows = []
    for cell, group in summary.groupby("cell", sort=True):
        ranked = group[np.isfinite(group["mean"])].sort_values(
            "mean", ascending=not higher_is_better, kind="stable")
        if ranked.empty:
            continue
        best = ranked.iloc[0]
        row = {"cell": cell, "campaign": best["campaign"], "mean": best["mean"],
               "lo": best["lo"], "hi": best["hi"], "runner_up": None, "diff": np.nan,
               "diff_lo": np.nan, "diff_hi": np.nan, "pairs": 0, "tie": False,
               "extra_cost": np.nan}
        if len(ranked) > 1:
            runner = ranked.iloc[1]["campaign"]
            here = runs[runs["cell"] == cell]
            d = paired_differences(here, runner, [objective], level)
            d = d[d["campaign"] == best["campaign"]]
            row["runner_up"] = runner
            if not d.empty:
                d = d.iloc[0]
                row.update(diff=d["mean"], diff_lo=d["lo"], diff_hi=d["hi"],
                           pairs=int(d["pairs"]))
            row["tie"] = bool(row["pairs"] < 2 or not (row["diff_lo"] > 0
                                                       or row["diff_hi"] < 0))
            if "cost" in here:
                cost = here.groupby("campaign", observed=True)["cost"].mean()
                row["extra_cost"] = float(cost.get(best["campaign"], np.nan)
                                          - cost.get(runner, np.nan))
        rows.append(row)
    return pd.DataFrame(rows, columns=["cell", "campaign", "mean", "lo", "hi", "runner_up",
                                       "diff", "diff_lo", "diff_hi", "pairs", "tie",
                                       "extra_cost"])


def summary_table(runs: pd.DataFrame, metrics: str | Sequence[str] | None = None,
                  level: float = 0.95, *, baseline: str | None = None,
                  objective: str | None = None,
                  higher_is_better: bool = True) -> pd.DataFrame:
    """Return one wide row per cell and campaign: every metric's mean and confidence
    interval, its paired difference from ``baseline``, and the campaign ``objective``
    recommends; :func:`summarize`, :func:`paired_differences` and :func:`recommend`
    side by side.

    Parameters
    ----------
    runs : pandas.DataFrame
        One row per (cell, campaign, run), laid out as ``load_results`` returns it.
    metrics : str or sequence of str, optional
        Metric columns to summarise; default every column after ``run``.
    level : float, default 0.95
        Coverage of every interval, strictly between 0 and 1.
    baseline : str, optional
        The campaign the ``*_vs_baseline`` columns subtract, run by run. Without one,
        or when it is the only campaign, there are no such columns.
    objective : str, optional
        The metric :func:`recommend` ranks campaigns by; without one there are no
        ``objective``, ``recommended`` and ``tie`` columns.
    higher_is_better : bool, default True
        The objective's direction (False for costs such as ``cac``).

    Returns
    -------
    pandas.DataFrame
        Columns ``cell``, the sweep axes, ``campaign``, the campaign's settings (those of
        ``strategy``, ``k``, ``budget``, ``sender_reward``, ``recipient_reward``,
        ``seed_sets`` present in ``runs``), ``runs`` (rows of the campaign in the cell),
        ``level``; with a baseline ``baseline``; with an objective ``objective``,
        ``recommended`` (the campaign :func:`recommend` picks in its cell) and ``tie``
        (true on the pick's row and the runner-up's when their paired difference is
        not significant). Then for each metric ``M`` in order: ``M_mean``, ``M_lo``,
        ``M_hi``, ``M_runs`` (the ``mean``, ``lo``, ``hi`` and ``runs`` of
        :func:`summarize`) and, with a baseline, ``M_vs_baseline``,
        ``M_vs_baseline_lo``, ``M_vs_baseline_hi``, ``M_vs_baseline_pairs`` (the
        ``mean``, ``lo``, ``hi`` and ``pairs`` of :func:`paired_differences`; missing
        on the baseline's own rows). Rows are ordered as :func:`summarize` orders them.

    Raises
    ------
    ValueError
        As :func:`summarize`; or if ``baseline`` is not a campaign of ``runs``, or
        ``objective`` is not one of the metrics, or two columns would share a name.

    Notes
    -----
    Takes the time of the three functions it calls: :math:`O(R\\,M)` for ``R`` rows and
    ``M`` metrics, plus a t quantile per cell, campaign and metric.

    Examples
    --------
    >>> runs = pd.DataFrame({"cell": 0, "campaign": ["ads"] * 3 + ["refer"] * 3,
    ...                      "run": [0, 1, 2] * 2,
    ...                      "profit": [10.0, 12.0, 14.0, 11.0, 13.0, 15.0]})
    >>> t = summary_table(runs, baseline="ads", objective="profit")
    >>> t[["campaign", "runs", "recommended", "profit_mean", "profit_vs_baseline",
    ...    "profit_vs_baseline_pairs"]].values.tolist()
    [['ads', 3, False, 12.0, nan, <NA>], ['refer', 3, True, 13.0, 1.0, 3]]
    """
    axes, metrics = _check(runs, metrics, level)
    campaigns = list(pd.unique(runs["campaign"]))
    if baseline is not None and campaigns and baseline not in campaigns:
        raise InvalidValue(f"baseline campaign {baseline!r} is not in the results; "
                           f"campaigns are {campaigns}")
    if objective is not None and objective not in metrics:
        raise InvalidValue(f"objective {objective!r} is not one of the metrics {metrics}")
    # no runs yet (a run directory without a finished cell): the columns all the same
    paired = baseline is not None and (not campaigns or any(c != baseline
                                                             for c in campaigns))
    settings = [c for c in _SETTINGS if c in runs.columns]
    head = ["cell", *axes, "campaign", *settings, "runs", "level"]
    head += ["baseline"] if paired else []
    head += ["objective", "recommended", "tie"] if objective is not None else []
    stats = {"mean": "mean", "lo": "lo", "hi": "hi", "runs": "runs"}
    versus = {"mean": "vs_baseline", "lo": "vs_baseline_lo", "hi": "vs_baseline_hi",
              "pairs": "vs_baseline_pairs"}
    blocks = [(m, stats, versus if paired else {}) for m in metrics]
    columns = head + [f"{m}_{name}" for m, a, b in blocks for name in [*a.values(),
                                                                           *b.values()]]
    twice = sorted({c for c in columns if columns.count(c) > 1})
    if twice:
        raise InvalidValue(f"the summary would hold two columns named {twice[0]!r}; "
                           "rename the sweep axis or metric that makes it")
    if len(runs) == 0:
        return _attrs(pd.DataFrame(columns=columns), axes)

    first = runs.drop_duplicates(["cell", "campaign"])
    rank = {name: i for i, name in enumerate(campaigns)}
    first = first.iloc[np.lexsort(([rank[c] for c in first["campaign"]],
                                   first["cell"].to_numpy()))]
    keys = pd.MultiIndex.from_arrays([first["cell"].to_numpy(),
                                      first["campaign"].astype(object).to_numpy()])
    sizes = runs.groupby(["cell", "campaign"], observed=True, sort=False).size()
    sizes.index = pd.MultiIndex.from_arrays([sizes.index.get_level_values(0),
                                             sizes.index.get_level_values(1).astype(object)])
    data = {c: first[c].to_numpy() for c in ["cell", *axes, "campaign", *settings]}
    data["runs"] = sizes.reindex(keys).to_numpy(dtype=np.int64)
    data["level"] = np.full(len(first), float(level))
    if paired:
        data["baseline"] = np.full(len(first), baseline, dtype=object)
    if objective is not None:
        picks = recommend(runs, objective, higher_is_better, level)
        pick = {cell: (p, r, t) for cell, p, r, t in zip(
            picks["cell"], picks["campaign"], picks["runner_up"], picks["tie"])}
        none = (None, None, False)
        data["objective"] = np.full(len(first), objective, dtype=object)
        data["recommended"] = np.array([pick.get(cell, none)[0] == c
                                        for cell, c in keys], dtype=bool)
        data["tie"] = np.array([bool(pick.get(cell, none)[2])
                                and c in pick.get(cell, none)[:2] for cell, c in keys],
                               dtype=bool)
    wide = {}
    # counts: every row of the table has its runs; the baseline's rows have no pairs
    for long, names, count in (
            (summarize(runs, metrics, level), stats, ("runs", np.int64)),
            (paired_differences(runs, baseline, metrics, level) if paired else None,
             versus, ("pairs", "Int64"))):
        if long is None:
            continue
        long = long.assign(campaign=long["campaign"].astype(object))
        table = long.set_index(["cell", "campaign", "metric"])[list(names)].unstack(
            "metric").reindex(keys)
        for m in metrics:
            for stat, suffix in names.items():
                values = table[(stat, m)]
                wide[f"{m}_{suffix}"] = (values.astype(count[1]).array if stat == count[0]
                                         else values.to_numpy(dtype=np.float64))
    ordered = {c: (data[c] if c in data else wide[c]) for c in columns}
    out = pd.DataFrame(ordered)
    if isinstance(runs["campaign"].dtype, pd.CategoricalDtype):
        out["campaign"] = pd.Categorical(out["campaign"],
                                         categories=runs["campaign"].cat.categories)
    return _attrs(_sizes_as_numbers(out), axes)


def _attrs(frame, axes):
    frame.attrs["axes"] = list(axes)
    return frame


def _sizes_as_numbers(frame):
    """``k`` and ``budget`` as float columns: None (unset) becomes NaN."""
    for name in ("k", "budget"):
        if name in frame:
            frame[name] = pd.to_numeric(frame[name]).astype(np.float64)
    return frame


def sweep_axes(frame: pd.DataFrame) -> list[str]:
    """The sweep-axis columns of a results frame: those the run directory's metadata
    lists (``frame.attrs["axes"]``, set by :func:`refsim.load_results`,
    :func:`summarize` and :func:`paired_differences`) that are still among its columns;
    for a frame built by hand, the columns between ``cell`` and ``campaign``.

    Examples
    --------
    >>> frame = pd.DataFrame(columns=["cell", "model.share", "campaign", "run", "reach"])
    >>> sweep_axes(frame)
    ['model.share']
    >>> frame.attrs["axes"] = []
    >>> sweep_axes(frame)
    []
    """
    columns = list(frame.columns)
    axes = frame.attrs.get("axes")
    if axes is not None:  # those still in the frame (a selection may have dropped some)
        return [a for a in axes if a in columns]
    i_cell, i_campaign = columns.index("cell"), columns.index("campaign")
    if i_campaign < i_cell:
        raise InvalidValue("runs must have the sweep-axis columns between 'cell' and "
                           f"'campaign'; got the columns {columns}")
    return columns[i_cell + 1:i_campaign]


def _check(runs, metrics, level):
    """Validate the frame and arguments; return the axis columns and the metric list."""
    if not isinstance(runs, pd.DataFrame):
        raise InvalidType(f"runs must be a pandas DataFrame; got {type(runs).__name__}")
    if isinstance(level, bool) or not isinstance(level, numbers.Real) or not 0 < level < 1:
        raise InvalidValue(f"level must be a number strictly between 0 and 1; got {level!r}")
    columns = list(runs.columns)
    missing = [c for c in ("cell", "campaign", "run") if c not in columns]
    if missing:
        raise InvalidValue(f"runs lacks the column(s) {missing}; it has {columns}")
    axes = sweep_axes(runs)
    available = columns[columns.index("run") + 1:]
    if metrics is None:
        metrics = available
    else:
        metrics = [metrics] if isinstance(metrics, str) else list(metrics)
        unknown = [m for m in metrics if m not in available]
        if unknown:
            raise InvalidValue(f"unknown metric(s) {unknown}; the metric columns are {available}")
    return axes, metrics


def _reduce(ident, values, metrics, level, count):
    """Return one row dict per (cell, campaign) group of ``ident`` and metric: the group's
    first identity values and :func:`mean_ci` of its column of ``values``."""
    if len(ident) == 0:
        return []
    order = {name: i for i, name in enumerate(pd.unique(ident["campaign"]))}
    cells = ident["cell"].to_numpy()
    ranks = ident["campaign"].map(order).to_numpy()
    idx = np.lexsort((ranks, cells))  # by cell, then campaign in order of appearance
    cells, ranks, values = cells[idx], ranks[idx], values[idx]
    starts = np.flatnonzero(np.r_[True, (cells[1:] != cells[:-1]) | (ranks[1:] != ranks[:-1])])
    ends = np.r_[starts[1:], len(idx)]
    firsts = ident.iloc[idx[starts]].to_dict("records")
    rows = []
    for first, lo, hi in zip(firsts, starts, ends):
        for j, metric in enumerate(metrics):
            ci = mean_ci(values[lo:hi, j], level)
            rows.append({**first, "metric": metric, "mean": ci["mean"], "sem": ci["sem"],
                         "lo": ci["lo"], "hi": ci["hi"], count: ci["runs"]})
    return rows


def _frame(rows, columns, count, axes):
    out = _attrs(_sizes_as_numbers(pd.DataFrame(rows, columns=columns)), axes)
    for name in ("mean", "sem", "lo", "hi"):
        out[name] = out[name].astype(np.float64)
    out[count] = out[count].astype(np.int64)
    return out
