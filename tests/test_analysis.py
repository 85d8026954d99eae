"""Per-campaign and paired confidence intervals, against scipy's t machinery."""

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from refsim import analysis


def experiment(runs=40, shared=10.0, own=1.0, effects=(0.0, 1.5, -0.5), seed=0,
               campaigns=("zeta", "alpha", "mid"), cells=((0.1, 1.0), (0.3, 1.0))):
    """A per-run frame like ``load_results``: two sweep axes, referral-style columns.

    Every run draws one shared noise term used by all campaigns in that cell (common
    random numbers), plus independent noise per campaign. The campaigns are named so
    that their order of appearance is not alphabetical.
    """
    rng = np.random.default_rng(seed)
    rows = []
    for cell, (share, mixing) in enumerate(cells):
        common = rng.normal(0.0, shared, runs)
        for c, name in enumerate(campaigns):
            reach = 100.0 + 20 * cell + effects[c] + common + rng.normal(0.0, own, runs)
            cost = rng.uniform(50.0, 60.0, runs)
            for r in range(runs):
                rows.append({"cell": cell, "model.share": share, "graph.mixing": mixing,
                             "campaign": name, "strategy": ["random", "degree", "degree"][c],
                             "k": 5.0, "budget": float("nan"), "sender_reward": 1.0,
                             "recipient_reward": 0.0, "n_seeds": 5, "run": r,
                             "reach": reach[r], "cost": cost[r],
                             "roi": (reach[r] - cost[r]) / cost[r]})
    return pd.DataFrame(rows)


def t_interval(x, level=0.95):
    x = np.asarray(x, dtype=float)
    x = x[np.isfinite(x)]
    sem = stats.sem(x)
    half = stats.t.ppf(0.5 + level / 2, len(x) - 1) * sem
    return x.mean(), sem, x.mean() - half, x.mean() + half


def test_public_names():
    assert set(analysis.__all__) == {"summarize", "paired_differences", "recommend",
                                     "compare_pairs", "summary_table", "sweep_axes",
                                     "payback", "cash_ahead", "run_spread",
                                     "posterior_effect"}
    for name in analysis.__all__:
        assert callable(getattr(analysis, name))


def test_summary_layout_and_order():
    runs = experiment()
    s = analysis.summarize(runs)
    assert list(s.columns) == ["cell", "model.share", "graph.mixing", "campaign", "strategy",
                               "k", "budget", "metric", "mean", "sem", "lo", "hi", "runs"]
    # metrics=None: every column after `run`, not the descriptive ones before it
    assert list(pd.unique(s["metric"])) == ["reach", "cost", "roi"]
    assert list(s["campaign"].iloc[::3][:3]) == ["zeta", "alpha", "mid"]
    assert s["cell"].tolist() == sorted(s["cell"].tolist())
    assert len(s) == 2 * 3 * 3
    assert s.loc[s["campaign"] == "alpha", "strategy"].unique().tolist() == ["degree"]
    assert s.loc[s["cell"] == 1, "model.share"].unique().tolist() == [0.3]


@pytest.mark.parametrize("level", [0.9, 0.95, 0.99])
def test_summary_matches_hand_computed_t_interval(level):
    runs = experiment(runs=25, seed=3)
    s = analysis.summarize(runs, ["reach", "roi"], level=level)
    for _, row in s.iterrows():
        x = runs.loc[(runs["cell"] == row["cell"]) & (runs["campaign"] == row["campaign"]),
                     row["metric"]]
        mean, sem, lo, hi = t_interval(x, level)
        assert row[["mean", "sem", "lo", "hi"]].tolist() == pytest.approx([mean, sem, lo, hi],
                                                                           rel=1e-12)
        assert row["runs"] == 25


def test_summary_uses_finite_values_only():
    runs = experiment(runs=10)
    sel = (runs["cell"] == 0) & (runs["campaign"] == "alpha")
    runs.loc[runs.index[sel][[2, 7]], "roi"] = np.nan
    runs.loc[runs.index[sel][4], "roi"] = np.inf
    s = analysis.summarize(runs, "roi")
    row = s[(s["cell"] == 0) & (s["campaign"] == "alpha")].iloc[0]
    x = runs.loc[sel, "roi"].to_numpy()
    assert row["runs"] == 7
    assert row["mean"] == pytest.approx(x[np.isfinite(x)].mean())
    assert row["lo"] == pytest.approx(t_interval(x)[2])


def test_summary_single_value_has_no_interval():
    runs = experiment(runs=1)
    s = analysis.summarize(runs, "reach")
    assert (s["runs"] == 1).all()
    assert s[["sem", "lo", "hi"]].isna().all().all()
    assert np.isfinite(s["mean"]).all()


@pytest.mark.parametrize("level", [0.9, 0.95])
def test_paired_interval_matches_ttest_rel(level):
    runs = experiment(runs=30, seed=7)
    d = analysis.paired_differences(runs, "zeta", ["reach", "roi"], level=level)
    assert list(d.columns) == ["cell", "model.share", "graph.mixing", "campaign", "baseline",
                               "strategy", "k", "budget", "metric", "mean", "sem", "lo", "hi",
                               "pairs"]
    assert len(d) == 2 * 2 * 2 and set(d["campaign"]) == {"alpha", "mid"}
    assert (d["baseline"] == "zeta").all()
    for _, row in d.iterrows():
        pick = runs[(runs["cell"] == row["cell"])].set_index("run")
        a = pick.loc[pick["campaign"] == row["campaign"], row["metric"]].sort_index()
        b = pick.loc[pick["campaign"] == "zeta", row["metric"]].sort_index()
        ci = stats.ttest_rel(a, b).confidence_interval(level)
        assert row["mean"] == pytest.approx((a - b).mean(), rel=1e-12)
        assert (row["lo"], row["hi"]) == pytest.approx((ci.low, ci.high), rel=1e-10)
        assert row["pairs"] == 30


def test_paired_interval_is_narrower_with_common_noise_and_covers_the_effect():
    n, shared, own = 50, 10.0, 1.0
    runs = experiment(runs=n, shared=shared, own=own, seed=11)
    d = analysis.paired_differences(runs, "zeta", "reach")
    s = analysis.summarize(runs, "reach").set_index(["cell", "campaign"])
    # Normal noise: (n - 1) s^2 / sigma^2 is chi-square with n - 1 degrees of freedom, so
    # s / sigma lies in [low, high] below except with probability 2e-5 per estimate
    low, high = np.sqrt(stats.chi2.ppf([1e-5, 1 - 1e-5], n - 1) / (n - 1))
    sd_diff = np.sqrt(2) * own  # the shared term cancels in a paired difference
    sd_each = np.hypot(shared, own)  # ... but not within one campaign's runs
    t_paired, t_unpaired = stats.t.ppf(0.975, [n - 1, 2 * n - 2])
    for _, row in d.iterrows():
        a, b = s.loc[(row["cell"], row["campaign"])], s.loc[(row["cell"], "zeta")]
        # Welch-style interval of two independent means, what an unpaired analysis gives
        unpaired = 2 * t_unpaired * np.hypot(a["sem"], b["sem"])
        # widths 2 t s / sqrt(n): paired at most t_paired sd_diff high, unpaired at least
        # t_unpaired sqrt(2) sd_each low; their ratio is about 0.1 and at most 0.24
        bound = (t_paired * sd_diff * high) / (t_unpaired * np.sqrt(2) * sd_each * low)
        assert row["hi"] - row["lo"] <= bound * unpaired
        true = {"alpha": 1.5, "mid": -0.5}[row["campaign"]]
        # 4 standard errors of the mean difference, sd_diff / sqrt(n)
        assert abs(row["mean"] - true) < 4 * sd_diff / np.sqrt(n)
        assert low <= row["sem"] / (sd_diff / np.sqrt(n)) <= high


def test_paired_is_matched_on_run_not_on_row_order():
    runs = experiment(runs=20, seed=5)
    shuffled = runs.sample(frac=1.0, random_state=np.random.RandomState(1))
    expected = analysis.paired_differences(runs, "zeta")
    got = analysis.paired_differences(shuffled, "zeta")
    # campaign order follows first appearance, so compare by key
    key = ["cell", "campaign", "metric"]
    pd.testing.assert_frame_equal(got.sort_values(key).reset_index(drop=True),
                                  expected.sort_values(key).reset_index(drop=True))


def test_nan_pairs_are_dropped():
    runs = experiment(runs=12, seed=2)
    cell0 = runs["cell"] == 0
    runs.loc[cell0 & (runs["campaign"] == "zeta") & (runs["run"] == 3), "roi"] = np.nan
    runs.loc[cell0 & (runs["campaign"] == "alpha") & (runs["run"] == 5), "roi"] = np.nan
    runs.loc[cell0 & (runs["campaign"] == "alpha") & (runs["run"] == 6), "roi"] = np.inf
    runs.loc[cell0 & (runs["campaign"] == "zeta") & (runs["run"] == 6), "roi"] = np.inf
    d = analysis.paired_differences(runs, "zeta", "roi")
    row = d[(d["cell"] == 0) & (d["campaign"] == "alpha")].iloc[0]
    keep = ~np.isin(np.arange(12), [3, 5, 6])
    a = runs.loc[cell0 & (runs["campaign"] == "alpha"), "roi"].to_numpy()[keep]
    b = runs.loc[cell0 & (runs["campaign"] == "zeta"), "roi"].to_numpy()[keep]
    assert row["pairs"] == 9
    assert row["mean"] == pytest.approx((a - b).mean(), rel=1e-12)
    assert row["lo"] == pytest.approx(t_interval(a - b)[2], rel=1e-12)
    # the other campaign of that cell loses only the baseline's NaN and inf runs
    assert d[(d["cell"] == 0) & (d["campaign"] == "mid")]["pairs"].item() == 10


def test_runs_missing_on_one_side_are_unpaired():
    runs = experiment(runs=10)
    runs = runs[~((runs["campaign"] == "zeta") & (runs["cell"] == 1) & (runs["run"] < 4))]
    runs = runs[~((runs["campaign"] == "mid") & (runs["cell"] == 1))]
    d = analysis.paired_differences(runs, "zeta", "reach")
    assert d.set_index(["cell", "campaign"])["pairs"].to_dict() == {
        (0, "alpha"): 10, (0, "mid"): 10, (1, "alpha"): 6}


def test_cell_without_baseline_gives_no_pairs():
    runs = experiment(runs=10)
    runs = runs[~((runs["campaign"] == "zeta") & (runs["cell"] == 1))]
    d = analysis.paired_differences(runs, "zeta", "reach")
    lost = d[d["cell"] == 1]
    assert len(lost) == 2 and (lost["pairs"] == 0).all() and lost["mean"].isna().all()


def test_bad_baseline_names_the_campaign():
    with pytest.raises(ValueError, match=r"'nope'.*\['zeta', 'alpha', 'mid'\]"):
        analysis.paired_differences(experiment(runs=3), "nope")


def test_duplicate_runs_cannot_be_paired():
    runs = experiment(runs=3)
    runs = pd.concat([runs, runs.iloc[[4]]])
    with pytest.raises(ValueError, match="more than once"):
        analysis.paired_differences(runs, "zeta")


@pytest.mark.parametrize("call", [analysis.summarize,
                                  lambda r, **kw: analysis.paired_differences(r, "zeta", **kw)])
def test_bad_arguments(call):
    runs = experiment(runs=3)
    with pytest.raises(ValueError, match="'n_seeds'"):  # a column, but not a metric
        call(runs, metrics=["reach", "n_seeds"])
    with pytest.raises(ValueError, match="level"):
        call(runs, level=1.0)
    with pytest.raises(ValueError, match="run"):
        call(runs.drop(columns="run"))
    with pytest.raises(TypeError, match="DataFrame"):
        call(runs.to_dict("list"))


def test_no_axes_and_no_descriptive_columns():
    runs = experiment(runs=5)[["cell", "campaign", "run", "reach"]]
    s = analysis.summarize(runs)
    assert list(s.columns) == ["cell", "campaign", "metric", "mean", "sem", "lo", "hi", "runs"]
    d = analysis.paired_differences(runs, "mid")
    assert list(d["campaign"].iloc[:2]) == ["zeta", "alpha"]


def test_sweep_axes_come_from_the_metadata_not_the_column_order(tmp_path):
    """load_results, summarize and paired_differences carry the run's axes; a frame
    whose columns were reordered still names its axes exactly."""
    import refsim
    from refsim.experiment import resolve_config, run_experiment

    cfg = resolve_config({"experiment": {"runs": 5, "steps": 3},
                          "graph": {"generator": "erdos_renyi", "n": 60, "mean_degree": 3},
                          "campaign": [{"name": "a", "seeding": "degree", "k": 2},
                                       {"name": "b", "seeding": "random", "k": 2}],
                          "sweep": {"axes": {"model.share": [0.1, 0.2],
                                             "campaign.k": [2, 3]}}})
    run_experiment(cfg, tmp_path / "run", progress=False)
    runs = refsim.load_results(tmp_path / "run")
    assert runs.attrs["axes"] == ["model.share", "campaign.k"]
    moved = runs[["campaign"] + [c for c in runs.columns if c != "campaign"]]
    moved.attrs["axes"] = runs.attrs["axes"]
    s = analysis.summarize(moved, "reach")
    assert analysis.sweep_axes(s) == ["model.share", "campaign.k"]
    assert analysis.sweep_axes(analysis.paired_differences(runs, "a", "reach")) == [
        "model.share", "campaign.k"]
    # a selection that drops an axis keeps the others (and summarises as before)
    fewer = runs[[c for c in runs.columns if c != "campaign.k"]]
    assert fewer.attrs["axes"] == ["model.share", "campaign.k"]
    assert analysis.sweep_axes(fewer) == ["model.share"]
    assert analysis.sweep_axes(analysis.summarize(fewer, "reach")) == ["model.share"]
    picked = runs[["cell", "campaign", "run", "reach"]]
    assert analysis.sweep_axes(picked) == [] and len(analysis.summarize(picked, "reach"))


def test_recommend_picks_the_best_mean_and_pairs_it_with_the_runner_up():
    """Against a hand computation: per cell the best mean (lowest for a cost), the
    paired difference from the runner-up with its Student-t interval, a tie when that
    interval holds 0, and the extra cost."""
    from scipy.stats import t

    rng = np.random.default_rng(3)
    common = rng.normal(0, 10, 40)  # shared by the campaigns of a run: pairing matters
    rows = []
    for cell, gap, noise in ((0, 2.0, 0.5), (1, 0.0, 0.0)):  # cell 1: a and b equal
        for name, shift, cost in (("a", 0.0, 5.0), ("b", gap, 9.0), ("c", -3.0, 1.0)):
            for r in range(40):
                rows.append({"cell": cell, "campaign": name, "run": r,
                             "profit": 100 + shift + common[r] + rng.normal(0, noise),
                             "cost": cost})
    runs = pd.DataFrame(rows)
    got = analysis.recommend(runs, "profit").set_index("cell")
    for cell in (0, 1):
        here = runs[runs["cell"] == cell].pivot(index="run", columns="campaign",
                                                values="profit")
        best, runner = here.mean().sort_values(ascending=False).index[:2]
        d = here[best] - here[runner]
        half = t.ppf(0.975, 39) * d.std(ddof=1) / np.sqrt(40)
        r = got.loc[cell]
        assert (r["campaign"], r["runner_up"]) == (best, runner)
        assert r["diff"] == pytest.approx(d.mean(), abs=1e-12)
        assert r["diff_lo"] == pytest.approx(d.mean() - half, abs=1e-9)
        assert r["tie"] == (not (d.mean() - half > 0 or d.mean() + half < 0))
        assert r["extra_cost"] == pytest.approx({"a": 5.0, "b": 9.0}[best]
                                                - {"a": 5.0, "b": 9.0}[runner])
    assert not got.loc[0, "tie"] and got.loc[1, "tie"]  # a clear gap, then none
    low = analysis.recommend(runs, "cost", higher_is_better=False).set_index("cell")
    assert (low["campaign"] == "c").all()  # the cheapest


# --- summary_table: the three side by side, one row per cell and campaign ----------------

@pytest.mark.parametrize("objective, higher, best", [("reach", True, "alpha"),
                                                     ("cost", False, None)])
def test_summary_table_recommends_in_the_objective_direction(objective, higher, best):
    runs = experiment(runs=30, seed=4)
    t = analysis.summary_table(runs, ["reach", "cost"], baseline="zeta",
                               objective=objective, higher_is_better=higher)
    for cell, rows in t.groupby("cell"):
        means = runs[runs.cell == cell].groupby("campaign")[objective].mean()
        pick = means.idxmax() if higher else means.idxmin()
        assert rows.loc[rows.recommended, "campaign"].tolist() == [pick]
        if best is not None:
            assert pick == best  # alpha's effect, 1.5, is the largest
    assert list(t["campaign"][:3]) == ["zeta", "alpha", "mid"]  # order of appearance
    assert t["reach_vs_baseline_pairs"].isna().tolist() == [True, False, False] * 2


def test_summary_table_without_baseline_or_objective_has_no_such_columns():
    runs = experiment(runs=5)
    t = analysis.summary_table(runs, "reach")
    assert list(t.columns) == ["cell", "model.share", "graph.mixing", "campaign",
                               "strategy", "k", "budget", "sender_reward",
                               "recipient_reward", "runs", "level", "reach_mean",
                               "reach_lo", "reach_hi", "reach_runs"]
    alone = runs[runs.campaign == "zeta"]
    t = analysis.summary_table(alone, "reach", baseline="zeta", objective="reach")
    assert "baseline" not in t and "reach_vs_baseline" not in t  # nothing to compare
    assert t["recommended"].all() and not t["tie"].any()
    empty = analysis.summary_table(runs.iloc[:0], "reach", baseline="zeta")
    assert empty.empty and "reach_vs_baseline_pairs" in empty


@pytest.mark.parametrize("kwargs, message", [
    ({"baseline": "nosuch"}, "baseline campaign 'nosuch' is not in the results"),
    ({"objective": "profit"}, "objective 'profit' is not one of the metrics"),
    ({"metrics": ["reach", "reach_vs_baseline"], "baseline": "zeta"},
     "two columns named 'reach_vs_baseline_hi'"),
])
def test_summary_table_refuses(kwargs, message):
    runs = experiment(runs=5).assign(reach_vs_baseline=1.0)
    kwargs = {"metrics": ["reach"], **kwargs}
    with pytest.raises(ValueError, match=message):
        analysis.summary_table(runs, **kwargs)


def test_payback_is_when_the_paired_mean_stays_ahead_and_its_interval_does():
    from refsim.analysis import cash_ahead, payback
    from refsim.result import mean_ci

    rng = np.random.default_rng(3)
    runs, steps = 40, 8
    base = rng.normal(0, 1, (runs, steps + 1)).cumsum(axis=1)
    # the campaign: the baseline's paths plus an effect that is negative, crosses 0 at
    # step 3 (mean ahead at 2.5: crossing back at 4 as the mean dips), then grows
    effect = np.array([-3.0, -2, 0.5, -0.5, 1, 3, 6, 9, 12])
    noise = rng.normal(0, 0.3, (runs, steps + 1))
    camp = base + effect + noise
    flat = base + rng.normal(0, 0.3, (runs, steps + 1))  # no effect at all
    out = payback({(0, "b"): base, (0, "c"): camp, (0, "f"): flat}, "b", 0.95).set_index(
        "campaign")
    d = camp - base
    means = d.mean(axis=0)
    lows = np.array([mean_ci(d[:, t], 0.95)["lo"] for t in range(steps + 1)])
    # independently: the last step not ahead, plus one
    assert out.loc["c", "step"] == max(t for t in range(steps + 1) if means[t] <= 0) + 1
    assert out.loc["c", "sure"] == max(t for t in range(steps + 1) if lows[t] <= 0) + 1
    assert out.loc["c", "step"] == 4 and out.loc["c", "sure"] >= 4
    assert out.loc["c", "ahead"] == pytest.approx(means[-1])
    assert out.loc["f", "sure"] == np.inf  # no effect: never ahead beyond doubt
    assert out.loc["c", "horizon"] == steps and out.loc["c", "runs"] == runs
    assert "b" not in out.index
    ahead = cash_ahead({(0, "b"): base, (0, "c"): camp}, "b", 0.95)
    assert (ahead[ahead.campaign == "b"]["mean"] == 0).all()
    got = ahead[ahead.campaign == "c"].set_index("step")["mean"]
    assert np.allclose(got.to_numpy(), means)


def test_run_spread_pairs_runs_by_number_and_cell():
    """Share ahead, behind and the central range of the run-by-run differences, exactly
    as computed by hand from the runs matched on (cell, run); runs given in any order,
    and a run the baseline lacks left out."""
    rng = np.random.default_rng(4)
    rows = []
    for cell in (0, 1):
        for camp, shift in (("base", 0.0), ("new", 1.0)):
            for r in rng.permutation(50):
                rows.append({"cell": cell, "campaign": camp, "run": int(r),
                             "npv": float(r % 7) + shift * cell + rng.normal()})
    runs = pd.DataFrame(rows)
    runs = runs[~((runs.campaign == "base") & (runs.run == 3) & (runs.cell == 1))]
    got = analysis.run_spread(runs, "base", "npv", level=0.8).set_index("cell")
    for cell in (0, 1):
        a = runs[(runs.cell == cell) & (runs.campaign == "new")].set_index("run")["npv"]
        b = runs[(runs.cell == cell) & (runs.campaign == "base")].set_index("run")["npv"]
        d = (a - b).dropna().to_numpy()
        row = got.loc[cell]
        assert row["runs"] == len(d) == (49 if cell else 50)
        assert row["ahead"] == np.mean(d > 0) and row["behind"] == np.mean(d < 0)
        assert [row["lo"], row["hi"]] == pytest.approx(np.quantile(d, [0.1, 0.9]), rel=1e-12)


def test_run_spread_for_a_cost_counts_lower_as_ahead():
    runs = pd.DataFrame({"cell": 0, "campaign": ["a"] * 4 + ["b"] * 4,
                         "run": [0, 1, 2, 3] * 2,
                         "cost": [5.0, 5.0, 5.0, 5.0, 3.0, 4.0, 6.0, 2.0]})
    r = analysis.run_spread(runs, "a", "cost", higher_is_better=False).iloc[0]
    assert (r["ahead"], r["behind"]) == (0.75, 0.25)


def test_posterior_effect_recovers_the_spread_of_the_expected_difference():
    """Runs draw 50 equally likely particles whose expected differences Delta_j are
    10 + 8 z_j (z_j the normal quantiles at (j + 0.5) / 50); each run adds its own noise
    of sd 20. The credible interval must match Delta's own 5% and 95% quantiles, and
    ``ahead`` the share of Delta_j above 0 (0.9), though the runs spread 2.7 times as
    wide."""
    from scipy import stats

    rng = np.random.default_rng(11)
    z = stats.norm.ppf((np.arange(50) + 0.5) / 50)
    delta = 10 + 8 * z
    runs_n = 4000
    particle = rng.integers(0, 50, runs_n)
    d = delta[particle] + rng.normal(0, 20, runs_n)
    runs = pd.DataFrame({"cell": 0, "campaign": ["base"] * runs_n + ["new"] * runs_n,
                         "run": np.tile(np.arange(runs_n), 2),
                         "npv": np.concatenate([np.zeros(runs_n), d])})
    e = analysis.posterior_effect(runs, dict(enumerate(particle)), "base", "npv",
                                  0.9).iloc[0]
    # tau^2 = var(d) - within: the sample variances of 4000 and 3950 values of variance
    # 464 and 400 have standard errors 464 sqrt(2/3999) = 10.4 and 400 sqrt(2/3949) =
    # 9.0, so tau^2 (64) is within +-14 (1 se) and tau (8) within about +-0.9; the
    # 5% quantile -1.645 tau moves by 1.5 per se of tau: 4 se are 6 (the ends are also
    # widened by 1.645 times the mean's error, sqrt(464 / 4000) = 0.34: 0.56, inside 6)
    truth_lo, truth_hi = np.quantile(delta[particle], [0.05, 0.95])
    assert e["separable"] and e["runs"] == runs_n
    # (var(d) and within share 3,950 of their 4,000 degrees of freedom, so their errors
    # largely cancel: over 40 seeds tau's sd was 0.36; 4 of those, 1.5, is the bound)
    assert abs(e["tau"] - 8) < 4 * 0.37, e["tau"]
    assert abs(e["lo"] - truth_lo) < 6 and abs(e["hi"] - truth_hi) < 6, e
    assert abs(e["within"] - 20) < 4 * 20 / np.sqrt(2 * 3950)
    # ahead: the share of runs whose particle has Delta > 0 (0.88 here); a wrong scale
    # (the runs' raw spread) would give 0.69. Its sd over 40 seeds of this design was
    # 0.023 (it follows tau's error, the threshold 0 being 1.25 tau below the mean): 4 sd
    # are 0.1, still half the distance to the wrong scale's 0.69
    assert abs(e["ahead"] - np.mean(delta[particle] > 0)) < 0.1
    # what the runs show instead: a range 2.7 times as wide
    spread = analysis.run_spread(runs, "base", "npv", 0.9).iloc[0]
    assert spread["hi"] - spread["lo"] > 2 * (e["hi"] - e["lo"])


def test_posterior_effect_needs_a_particle_drawn_twice():
    runs = pd.DataFrame({"cell": 0, "campaign": ["a"] * 3 + ["b"] * 3,
                         "run": [0, 1, 2] * 2, "npv": [0.0] * 3 + [1.0, 2.0, 3.0]})
    e = analysis.posterior_effect(runs, {0: 0, 1: 1, 2: 2}, "a", "npv").iloc[0]
    assert not e["separable"] and np.isnan(e["lo"])


def test_posterior_effect_takes_the_runs_noise_out_of_few_runs_per_particle():
    """Four runs per particle (1,000 particles, 4,000 runs), run noise of sd 16 around
    expected differences 10 + 8 z: a particle's mean of four runs still carries noise of
    sd 8, so the raw particle means spread by sqrt(64 + 64) = 11.3, not 8; shrunk to the
    estimated tau, the interval's ends must match Delta's own quantiles."""
    from scipy import stats

    rng = np.random.default_rng(12)
    z = stats.norm.ppf((np.arange(1000) + 0.5) / 1000)
    delta = 10 + 8 * z
    particle = np.repeat(np.arange(1000), 4)
    d = delta[particle] + rng.normal(0, 16, particle.size)
    runs = pd.DataFrame({"cell": 0, "campaign": ["base"] * d.size + ["new"] * d.size,
                         "run": np.tile(np.arange(d.size), 2),
                         "npv": np.concatenate([np.zeros(d.size), d])})
    e = analysis.posterior_effect(runs, dict(enumerate(particle)), "base", "npv",
                                  0.9).iloc[0]
    # tau^2 = var(d) - within: standard errors 320 sqrt(2/3999) = 7.2 and 256 sqrt(2/3000)
    # = 6.6, so tau (8) is within about +-0.6 (1 se) and each end (-+1.645 tau from the
    # mean) within about 1.0, plus the mean's own error 18 / sqrt(4000) = 0.3: 4 se are
    # 4.5. Unshrunk particle means would put the ends 1.645 x 3.3 = 5.5 further out
    truth_lo, truth_hi = np.quantile(delta, [0.05, 0.95])
    assert abs(e["lo"] - truth_lo) < 4.5 and abs(e["hi"] - truth_hi) < 4.5, (e, truth_lo)


def test_posterior_effect_says_so_when_it_cannot_tell_or_there_is_no_difference():
    """A campaign the same as the baseline in every run: no difference (not "behind");
    run noise that hides the particles' spread (tau^2 estimated <= 0) or too few
    repeated draws: no interval, rather than a point claiming certainty."""
    rng = np.random.default_rng(3)
    n = 400
    particle = rng.integers(0, 200, n)
    noise = rng.normal(0, 5, n)  # no spread between particles at all
    runs = pd.DataFrame({"cell": 0, "campaign": ["a"] * n + ["same"] * n + ["noisy"] * n,
                         "run": np.tile(np.arange(n), 3),
                         "npv": np.concatenate([np.zeros(n), np.zeros(n), 1 + noise])})
    e = analysis.posterior_effect(runs, dict(enumerate(particle)), "a", "npv")
    same = e[e.campaign == "same"].iloc[0]
    assert same["separable"] and same["lo"] == same["hi"] == 0
    noisy = e[e.campaign == "noisy"].iloc[0]
    if noisy["separable"]:  # tau^2 came out > 0 by chance: it must hold the truth, 1
        assert noisy["lo"] < 1 < noisy["hi"]
    else:
        assert np.isnan(noisy["lo"])
    # the same nonzero difference in every run is known exactly, not "add runs"
    fixed = analysis.posterior_effect(
        runs.assign(npv=np.concatenate([np.zeros(n), np.full(n, 5.0), 1 + noise])),
        dict(enumerate(particle)), "a", "npv")
    five = fixed[fixed.campaign == "same"].iloc[0]
    assert five["separable"] and five["lo"] == five["hi"] == 5 and five["ahead"] == 1
    few = analysis.posterior_effect(runs.iloc[list(range(30)) + list(range(800, 830))],
                                    dict(enumerate(particle)), "a", "npv").iloc[0]
    assert not few["separable"] and np.isnan(few["lo"])
