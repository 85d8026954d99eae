"""Parameter recovery with coverage: simulate data from known parameters, calibrate by
ABC-SMC, and check that nominal 90% credible intervals cover the truth at the nominal
rate over repeated synthetic datasets (simulation-based calibration: Cook, Gelman &
Rubin 2006, J. Comput. Graph. Stat. 15(3); Talts et al. 2018, arXiv:1804.06788).

Bayesian coverage is exact only on average over the prior, so each dataset's true
parameters are drawn from the very priors the calibration uses: for an exact posterior
each 90% interval then covers its truth with probability 0.9, independently across
datasets (each has its own truth, data and sampler seed), and the number of covering
intervals of one parameter over ``n`` datasets is Binomial(n, 0.9).
"""

import dataclasses
import math

import numpy as np
import pandas as pd
import pytest
from scipy import stats

import refsim
from refsim.calibrate import read_observed, simulated_series
from refsim.calibrate.abc import Prior, calibrate

pytest.importorskip("pyabc")

G = refsim.generators.holme_kim(1500, 3, 0.5, rng=1)
# referrals strong enough that the curve's shape tells share (an advocate refers her ~6
# contacts for ~5 steps, winning about 9 x share customers), advertising seeding the
# cascades: the 90% intervals then span on average ~45% of the share prior's range and
# ~60% of the ad_rate prior's (log) range, against 90% for the prior itself
BASE = refsim.ReferralModel(conversion=0.3, advocacy=0.8, forget_rate=0.2)
PRIORS = {"share": Prior("uniform", 0.0, 0.5), "ad_rate": Prior("loguniform", 2e-4, 5e-3)}
PERIODS = 15
LEVEL = 0.9
DATASETS = 20  # at REFSIM_STAT_SCALE=1 (35 s idle, ~100 s on two busy cores); 200 at 10
# (at commit 3c2a6df: share 19/20 and ad_rate 18/20 intervals cover, 13 needed; in the
# long form 185/200 and 180/200, 165 needed)
POPULATION, GENERATIONS = 80, 4
#: Chance that a calibration whose intervals do cover at the nominal rate fails the
#: under-coverage check: split over the two parameters (Bonferroni, which holds however
#: the two intervals of one dataset depend on each other), 5e-4 each.
ALPHA = 1e-3
EACH = ALPHA / len(PRIORS)
#: The most the mean 90% interval may span, as a fraction of the prior's range (on the
#: log scale for a loguniform prior); the prior's own 90% interval spans 0.9.
WIDEST = 0.75


def _truth(i):
    """Dataset ``i``'s parameters, drawn from the priors by inverse CDF on its own
    stream: the long form's first datasets are the short form's."""
    u = np.random.default_rng([2024, i]).random(len(PRIORS))
    return {k: float(p.rv().ppf(q)) for (k, p), q in zip(PRIORS.items(), u)}


def _recover(i, db):
    """Simulate dataset ``i`` at its truth and calibrate to it: (truth, posterior)."""
    truth = _truth(i)
    res = refsim.simulate(G, dataclasses.replace(BASE, **truth), [], runs=1,
                          rng=1000 + i, steps=PERIODS)
    counts = simulated_series(res, ["new_customers"], 1)["new_customers"][0]
    obs = read_observed(pd.DataFrame({"period": np.arange(1, PERIODS + 1),
                                      "new_customers": counts}))
    post = calibrate(G, BASE, obs, PRIORS, population_size=POPULATION,
                     generations=GENERATIONS, db=str(db), rng=i)
    return truth, post


def _relative_width(key, lo, hi):
    p = PRIORS[key]
    if p.kind == "loguniform":
        return math.log(hi / lo) / math.log(p.b / p.a)
    return (hi - lo) / (p.b - p.a)


def _study(n, tmp_path):
    """One row per dataset: the truth, its 90% intervals, whether they cover it, their
    widths relative to the prior, and the last generation's ESS and epsilon."""
    rows = []
    for i in range(n):
        db = tmp_path / f"coverage-{i}.db"
        db.touch()
        truth, post = _recover(i, db)
        last = post.generations.iloc[-1]
        row = {"dataset": i, "ess": float(last["ess"]), "epsilon": float(last["epsilon"])}
        for key in PRIORS:
            lo, hi = post.interval(key, LEVEL)
            row.update({key: truth[key], f"{key}_lo": lo, f"{key}_hi": hi,
                        f"{key}_covers": bool(lo <= truth[key] <= hi),
                        f"{key}_width": _relative_width(key, lo, hi)})
        rows.append(row)
        db.unlink()
    return pd.DataFrame(rows)


def lowest_passing(n, level=LEVEL, alpha=EACH):
    """The fewest covering intervals out of ``n`` that pass: a count fails when
    P(X <= count) < alpha for X ~ Binomial(n, level).

    >>> lowest_passing(20), lowest_passing(200)
    (13, 165)
    """
    return int(stats.binom(n, level).ppf(alpha))


@pytest.mark.statistical
def test_90_percent_intervals_cover_truths_drawn_from_the_prior(stat_scale, tmp_path):
    n = round(DATASETS * stat_scale)
    study = _study(n, tmp_path)
    need = lowest_passing(n)
    summary = ", ".join(
        f"{key} {int(study[f'{key}_covers'].sum())}/{n} "
        f"(width {study[f'{key}_width'].mean():.2f} of the prior's range)"
        for key in PRIORS)
    print(f"\n{LEVEL:.0%} intervals covering the truth: {summary}; pass from {need}/{n}; "
          f"lowest ESS {study['ess'].min():.1f} of {POPULATION}")
    for key in PRIORS:
        covered = int(study[f"{key}_covers"].sum())
        # Under-coverage (overconfident intervals) is the dangerous direction: fail when
        # a count this low has probability < EACH under the nominal rate.
        missed = study.loc[~study[f"{key}_covers"], ["dataset", key, f"{key}_lo",
                                                     f"{key}_hi", "ess"]]
        assert covered >= need, (
            f"{key}: {covered}/{n} {LEVEL:.0%} intervals cover the truth, fewer than "
            f"{need} (P < {EACH:g} at the nominal rate); missed:\n{missed}")
        # No binomial bound on over-coverage. ABC accepts simulations within a finite
        # tolerance epsilon, so its posterior is wider than the exact one and coverage
        # at or above nominal is the expected, safe side: a two-sided bound in the long
        # form would fail a correct but conservative calibration (and at scale 1 it
        # cannot fail at all: P(X = 20) = 0.9^20 = 0.12). What over-coverage would be a
        # symptom of, intervals that learnt nothing from the data (the prior itself has
        # exact coverage), is bounded directly: the data must narrow the intervals.
        width = float(study[f"{key}_width"].mean())
        assert width <= WIDEST, (
            f"{key}: the {LEVEL:.0%} intervals span {width:.2f} of the prior's range on "
            f"average (the prior alone: {LEVEL}); the data barely inform them")
