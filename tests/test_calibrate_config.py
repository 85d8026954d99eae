"""refsim calibrate from a config: the [calibrate] table and its priors checked before any
work, the run directory and its report, resume, load_posterior; and [model] posterior in
an experiment: run r draws its values from the posterior, by its number only."""

from __future__ import annotations

import os

import numpy as np
import pandas as pd
import pytest

pytest.importorskip("pyabc")

import refsim
from refsim.calibrate.run import (
    _Simulator,
    calibrate_config,
    config_priors,
    load_calibration,
    posterior_draws,
)
from refsim.cli import main
from refsim.experiment.config import ConfigError, load_config, resolve_config

TRUTH = {"model.share": 0.2, "model.ad_rate": 0.002}
#: The market both the calibration and the experiment below simulate.
GRAPH = """
[graph]
generator = "erdos_renyi"
n = 1500
mean_degree = 8
"""
BASE = """
[experiment]
name = "cal"
seed = 5
steps = 12
""" + GRAPH + """
[model]
share = 0.1
conversion = 0.3
advocacy = 0.6
forget_rate = 0.2
ad_rate = 0.001

[lifecycle]
margin = 1.0

[[campaign]]
name = "history"
seeding = "random"
k = 10
"""
CALIBRATE = """
[calibrate]
data = "signups.csv"
period = "week"
population_size = 40
generations = 2
predictive_runs = 20

[calibrate.priors]
"model.share" = ["uniform", 0.02, 0.5]
"model.ad_rate" = ["loguniform", 0.0002, 0.02]
"""


@pytest.fixture(scope="module")
def market(tmp_path_factory):
    """A config, its data (one run at TRUTH) and one finished calibration."""
    folder = tmp_path_factory.mktemp("market")
    config = folder / "cal.toml"
    config.write_text(BASE + CALIBRATE)
    cfg = load_config(config)
    names = ["new_customers", "referred_customers", "churned"]
    out = _Simulator(cfg, names, 1, 12).run(TRUTH, stream=99)
    frame = pd.DataFrame({"period": range(1, 13), **{k: out[k].astype(int) for k in names}})
    frame.to_csv(folder / "signups.csv", index=False)
    run = calibrate_config(cfg, folder / "run", progress=False, source=str(config))
    return folder, config, run


def _problems(text, tmp_path, data=None):
    config = tmp_path / "c.toml"
    config.write_text(text)
    with pytest.raises(ConfigError) as exc:
        cfg = load_config(config)
        calibrate_config(cfg, tmp_path / "out", data=data, progress=False,
                         source=str(config))
    return "\n".join(exc.value.problems)


@pytest.mark.parametrize("prior, message", [
    ('"model.shar" = ["uniform", 0, 0.3]', "calibrate.priors.model.shar"),
    ('"modl.share" = ["uniform", 0, 0.3]', "'modl' is not a section"),
    ('"experiment.runs" = ["uniform", 1, 3]', "experiment keys are not calibrated"),
    ('"model.share" = ["gamma", 1, 2]', "unknown distribution 'gamma'"),
    ('"model.share" = ["uniform", 0.3, 0.1]', "needs low < high"),
    ('"model.share" = "uniform"', "write [KIND, a, b]"),
    ('"model.share" = ["uniform", 0.1, 1.5]', "the prior reaches 1.5, where model.share"),
    ('"model.share" = ["normal", 0.1, 0.05]', None),  # truncated to [0, 1]: valid
    ('"reviews.valence_elasticity" = ["uniform", 0.1, 0.5]', "no [reviews] table"),
    ('"lifecycle.promoters" = ["uniform", 0.2, 0.75]\n'
     '"lifecycle.detractors" = ["uniform", 0.1, 0.5]',
     "together the priors reach lifecycle.promoters = 0.75, lifecycle.detractors = 0.5, "
     "where lifecycle: promoters + detractors must be <= 1"),
])
def test_priors_are_checked_by_key_and_range(prior, message, tmp_path):
    cfg = resolve_config(load_config_text(BASE + "[calibrate]\n[calibrate.priors]\n"
                                          + prior + "\n", tmp_path))
    if message is None:
        priors = config_priors(cfg)
        assert priors["model.share"].low == 0.0 and priors["model.share"].high == 1.0
        return
    with pytest.raises(ConfigError) as exc:
        config_priors(cfg)
    assert message in str(exc.value), str(exc.value)


def test_a_particle_the_config_refuses_is_rejected_not_fatal(market):
    """Values the checks up front cannot see together (a generator's parameter drawn
    out of its range) give the particle no simulation and an infinite distance."""
    from refsim.calibrate.abc import InvalidParticle, distance

    _, config, _ = market
    cfg = load_config(config)
    sim = _Simulator(cfg, ["new_customers"], 1, 12)
    out = sim.run({"graph.mean_degree": -2.0}, stream=1)
    assert isinstance(out, InvalidParticle) and "mean_degree" in out.reason
    assert distance(out, {"new_customers": np.ones(12)}) == np.inf


def load_config_text(text, tmp_path):
    import tomllib

    return tomllib.loads(text)


@pytest.mark.parametrize("extra, message", [
    ('series = ["new_customer"]', "'new_customer' cannot be fitted; did you mean"),
    ('series = ["nps"]', "has no 'nps' column"),
    ('campaign = "histry"', "'histry' is not a campaign"),
    ('statistics = ["per_step"]', "calibrate.statistics"),
])
def test_calibrate_table_is_checked(market, extra, message, tmp_path):
    folder, _, _ = market
    text = (BASE + CALIBRATE).replace('period = "week"', f'period = "week"\n{extra}')
    got = _problems(text, tmp_path, data=folder / "signups.csv")
    assert message in got, got


def test_sweep_and_new_graph_without_generator_are_refused(market, tmp_path):
    folder, _, _ = market
    text = (BASE + CALIBRATE + '[sweep.axes]\n"economics.customer_value" = [1, 2]\n')
    assert "refsim calibrate fits one market" in _problems(text, tmp_path,
                                                           data=folder / "signups.csv")
    text = (BASE.replace('generator = "erdos_renyi"\nn = 1500\nmean_degree = 8',
                         'dataset = "karate_club"')
            + CALIBRATE.replace("[calibrate]\n", "[calibrate]\nnew_graph = true\n"))
    assert "needs graph.generator" in _problems(text, tmp_path,
                                                data=folder / "signups.csv")


def test_cli_errors_are_one_line(market, tmp_path, capsys):
    folder, config, _ = market
    assert main(["calibrate", str(config), "--data", str(tmp_path / "none.csv"),
                 "--out", str(tmp_path / "o")]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "none.csv" in err and "Traceback" not in err
    # an existing calibration is never overwritten without --overwrite
    assert main(["calibrate", str(config), "--out", str(folder / "run"), "--quiet"]) == 2
    assert "already holds a calibration" in capsys.readouterr().err


def test_run_directory_holds_posterior_report_and_data(market):
    _, _, run = market
    post = refsim.load_posterior(run)
    assert list(post.columns) == ["model.share", "model.ad_rate", "weight"]
    assert len(post) == 40 and post["weight"].sum() == pytest.approx(1.0, abs=1e-12)
    assert post["model.share"].between(0.02, 0.5).all()
    assert post["model.ad_rate"].between(0.0002, 0.02).all()
    cal = load_calibration(run)
    assert cal["predictive"]["new_customers"].shape == (20, 12)
    assert len(cal["generations"]) == 2
    assert not (run / "report.html").exists()  # the API writes no report; the command does


def test_cli_writes_report_with_plain_words_summary(market, tmp_path, capsys):
    folder, config, _ = market
    out = tmp_path / "cli"
    assert main(["calibrate", str(config), "--out", str(out), "--quiet"]) == 0
    printed = capsys.readouterr().out
    assert "referral chance per friend per week" in printed and "posterior:" in printed
    page = (out / "report.html").read_text()
    assert "What your data say" in page and "referral chance per friend per week" in page
    assert "predictive band" in page and "effective sample size" in page
    # the same config and seed give the same posterior (one process)
    a = pd.read_csv(out / "posterior.csv")
    b = pd.read_csv(folder / "run" / "posterior.csv")
    pd.testing.assert_frame_equal(a, b)


def test_resume_continues_an_interrupted_calibration(market, tmp_path, monkeypatch):
    """Interrupted after its first generation (before anything but pyabc's history is
    written), a calibration resumes from there, with more generations asked for; one
    of other priors is refused."""
    from refsim.calibrate import run

    folder, config, _ = market
    cfg = load_config(config, ["calibrate.generations=1"])

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(run, "_predictive", interrupted)
    with pytest.raises(KeyboardInterrupt):
        calibrate_config(cfg, tmp_path / "r", progress=False, source=str(config))
    monkeypatch.undo()
    out = tmp_path / "r"
    assert (out / "abc.sqlite").exists() and not (out / "posterior.csv").exists()
    other = load_config(config, ['calibrate.priors.model.share=["uniform", 0.02, 0.4]'])
    with pytest.raises(refsim.errors.FileProblem, match="another config, priors or data"):
        calibrate_config(other, out, resume=True, progress=False, source=str(config))
    calibrate_config(load_config(config), out, resume=True, progress=False,
                     source=str(config))
    both = pd.read_csv(out / "generations.csv")
    assert both["t"].tolist() == [0, 1]
    # the first generation is the interrupted run's, the same as a fresh run's
    fresh = calibrate_config(cfg, tmp_path / "fresh", progress=False, source=str(config))
    pd.testing.assert_frame_equal(both.iloc[:1], pd.read_csv(fresh / "generations.csv"))


def test_overwrite_keeps_the_old_calibration_if_the_new_one_fails(market, tmp_path,
                                                                  monkeypatch):
    import shutil

    from refsim.calibrate import run

    folder, config, done = market
    out = tmp_path / "copy"
    shutil.copytree(done, out)
    before = (out / "posterior.csv").read_bytes()

    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(run, "_predictive", broken)
    with pytest.raises(RuntimeError):
        calibrate_config(load_config(config), out, overwrite=True, progress=False,
                         source=str(config))
    assert (out / "posterior.csv").read_bytes() == before
    assert not (out / ".previous").exists()
    with pytest.raises(refsim.errors.FileProblem, match="not both"):
        calibrate_config(load_config(config), out, overwrite=True, resume=True,
                         progress=False, source=str(config))


def test_posterior_draws_depend_on_the_run_number_only():
    post = pd.DataFrame({"model.share": [0.1, 0.2, 0.3], "weight": [0.2, 0.5, 0.3]})
    whole = posterior_draws(post, seed=3, runs=4000)
    parts = pd.concat([posterior_draws(post, 3, 1000, first_run=i * 1000)
                       for i in range(4)])
    pd.testing.assert_frame_equal(whole, parts)
    # each particle is drawn with its weight: counts within 4.5 binomial standard errors
    # (a false alarm about once in 10^5 per particle)
    counts = np.bincount(whole["particle"], minlength=3)
    w = post["weight"].to_numpy()
    assert np.all(np.abs(counts - 4000 * w) <= 4.5 * np.sqrt(4000 * w * (1 - w))), counts
    assert (whole["model.share"].to_numpy() == post["model.share"].to_numpy()[
        whole["particle"]]).all()
    other = posterior_draws(post, seed=4, runs=4000)
    assert not other["particle"].equals(whole["particle"])


EXPERIMENT = """
[experiment]
name = "prog"
seed = 8
runs = 12
steps = 12
""" + GRAPH + """
[model]
posterior = "post"
conversion = 0.3
advocacy = 0.6
forget_rate = 0.2

[lifecycle]
margin = 1.0

[[campaign]]
name = "none"
seeding = "degree"
k = 0

[[campaign]]
name = "random 10"
seeding = "random"
k = 10
"""


@pytest.fixture()
def two_particles(tmp_path):
    """A posterior of two far-apart particles, next to an experiment that uses it."""
    (tmp_path / "post").mkdir()
    pd.DataFrame({"model.share": [0.05, 0.4], "model.ad_rate": [0.001, 0.004],
                  "weight": [0.5, 0.5]}).to_csv(tmp_path / "post" / "posterior.csv",
                                                index=False)
    config = tmp_path / "prog.toml"
    config.write_text(EXPERIMENT)
    return config


def test_each_run_uses_its_draw_and_stream(two_particles, tmp_path):
    """Run r of every campaign equals a plain simulation at the values run r drew, with
    run r's stream: the posterior changes the values, nothing else."""
    from refsim.experiment.build import build_campaigns, build_graph, build_model
    from refsim.experiment.config import resolve_cell

    cfg = load_config(two_particles)
    assert cfg["model"]["posterior"] == str((tmp_path / "post").resolve())
    out = refsim.run_experiment(cfg, tmp_path / "runs", progress=False)
    res = refsim.load_results(out)
    draws = posterior_draws(refsim.load_posterior(tmp_path / "post"), 8, 12)
    assert set(draws["particle"]) == {0, 1}  # both particles are used
    plain = {k: v for k, v in cfg.items() if k != "sweep"}
    plain["model"] = {k: v for k, v in cfg["model"].items() if k != "posterior"}
    root = np.random.SeedSequence(8)
    for r in (0, 5, 11):
        point = {k: float(draws.loc[r, k]) for k in ("model.share", "model.ad_rate")}
        c = resolve_cell(plain, point)
        g = build_graph(c["graph"])
        m = build_model(c, g)
        for camp in build_campaigns(c):
            direct = refsim.run_campaign(g, m, camp, runs=1, steps=12, rng=root,
                                         first_run=r)
            row = res[(res.campaign == camp.name) & (res.run == r)]
            assert row["reach"].iloc[0] == direct.final_sizes[0], (r, camp.name)


def test_posterior_runs_repeat_on_any_worker_count(two_particles, tmp_path):
    cfg = load_config(two_particles)
    cfg["sweep"] = {"axes": {"economics.customer_value": [50.0, 80.0]}}
    a = refsim.load_results(refsim.run_experiment(cfg, tmp_path / "a", progress=False))
    b = refsim.load_results(refsim.run_experiment(cfg, tmp_path / "b", progress=False,
                                                  workers=2))
    pd.testing.assert_frame_equal(a.sort_values(["cell", "campaign", "run"])
                                  .reset_index(drop=True),
                                  b.sort_values(["cell", "campaign", "run"])
                                  .reset_index(drop=True))


def test_report_separates_the_posterior_from_the_runs(two_particles, tmp_path):
    """The Answer gives each campaign's expected difference over the posterior (which
    does not narrow with runs) apart from the interval of the average, and reads the
    posterior from the run's own copy once the calibration's folder is gone."""
    import shutil

    from refsim.report import write_report

    out = refsim.run_experiment(load_config(two_particles), tmp_path / "runs",
                                progress=False)
    assert (out / "posterior.csv").read_bytes() == (
        tmp_path / "post" / "posterior.csv").read_bytes()
    shutil.rmtree(tmp_path / "post")
    page = write_report(out).read_text()
    assert "draws <code>model.share</code>, <code>model.ad_rate</code>" in page
    assert "narrow as runs are added" in page
    assert "Given what the data leave uncertain (90% of the posterior), the expected" in page
    assert "drawn per run from the posterior" in page  # the assumptions table


def test_experiment_refuses_a_calibration_folder(market, tmp_path):
    _, _, run = market
    cfg = load_config_text(EXPERIMENT.replace('posterior = "post"\n', ""), tmp_path)
    with pytest.raises(refsim.errors.RefsimError, match="holds a calibration"):
        refsim.run_experiment(resolve_config(cfg), run, progress=False)


@pytest.mark.parametrize("edit, message", [
    (lambda t: t.replace('posterior = "post"', 'posterior = "nowhere"'),
     "model.posterior: "),
    (lambda t: t + '[sweep.axes]\n"model.share" = [0.1, 0.2]\n',
     "sweep.axes.model.share: calibrated in model.posterior"),
])
def test_posterior_problems_are_named(two_particles, edit, message):
    two_particles.write_text(edit(EXPERIMENT))
    with pytest.raises(ConfigError) as exc:
        load_config(two_particles)
    assert message in str(exc.value)


@pytest.mark.parametrize("frame, message", [
    ({"model.share": ["0.1", "high"], "weight": [1, 1]},
     "column 'model.share' holds 'high' (row 3), not a finite number"),
    ({"model.share": [0.1, 0.2], "weight": [1.0, float("inf")]}, "not a finite number"),
    ({"model.share": [0.1, 0.2], "weight": [-1.0, 2.0]}, "weights must be >= 0"),
    ({"weight": [1.0]}, "one column per calibrated key"),
])
def test_a_broken_posterior_file_is_named(frame, message, tmp_path):
    pd.DataFrame(frame).to_csv(tmp_path / "posterior.csv", index=False)
    with pytest.raises(refsim.errors.FileProblem, match="is not a posterior") as exc:
        refsim.load_posterior(tmp_path)
    assert message in str(exc.value)


def test_graph_values_are_not_drawn_per_run(two_particles, tmp_path):
    pd.DataFrame({"graph.mean_degree": [4.0, 12.0], "weight": [0.5, 0.5]}).to_csv(
        tmp_path / "post" / "posterior.csv", index=False)
    with pytest.raises(ConfigError, match="graph values cannot be drawn per run"):
        load_config(two_particles)


def test_an_integer_generator_value_is_calibrated_as_a_whole_number(market):
    _, config, _ = market
    cfg = load_config(config, ['calibrate.priors.graph.n=["uniform", 1000, 2000]'])
    assert config_priors(cfg)["graph.n"].kind == "uniform"
    sim = _Simulator(cfg, ["new_customers"], 1, 12)
    assert sim.config({"graph.n": 1500.6}, stream=1)["graph"]["n"] == 1501


def test_posterior_particles_must_be_valid_values(two_particles, tmp_path):
    pd.DataFrame({"model.share": [0.05, 1.4], "weight": [0.5, 0.5]}).to_csv(
        tmp_path / "post" / "posterior.csv", index=False)
    with pytest.raises(ConfigError, match=r"model.share = 1.4 \(a particle of .*"
                                          r"model.share: must be in \[0, 1\]"):
        load_config(two_particles)


@pytest.mark.statistical
def test_scatter_alarm_is_rare_for_data_the_model_made(stat_scale):
    """Data made by the model at known values, against predictive runs at the same
    values: the scatter alarm (a predictive p-value below 0.01) must sound about once in
    a hundred series. Fails if it sounds more often than Binomial(n, 0.01) allows at a
    false-alarm rate of 1e-3 (the bound the reviewed version broke: it flagged 37%)."""
    from scipy import stats

    from refsim.calibrate.report import SCATTER_P, fit_checks

    graph = refsim.generators.erdos_renyi(n=1000, mean_degree=8, rng=2)
    model = refsim.ReferralModel(share=0.15, conversion=0.3, advocacy=0.6,
                                 forget_rate=0.2, ad_rate=0.003,
                                 lifecycle=refsim.Lifecycle(churn_passive=0.05))
    names = ["new_customers", "churned"]
    datasets = max(40, int(40 * stat_scale))
    flags = 0
    for i in range(datasets):
        res = refsim.simulate(graph, model, [], runs=101, rng=[7, i], steps=12)
        series = refsim.calibrate.simulated_series(res, names, 1)
        for name in names:
            cal = {"meta": {"series": [name], "priors": {"model.share": None}, "seed": i},
                   "predictive": {name: series[name][1:]},
                   "data": pd.DataFrame({name: series[name][0]})}
            flags += fit_checks(cal)[name]["flagged"]
    n = 2 * datasets
    bound = int(stats.binom.isf(1e-3, n, SCATTER_P))  # P(X > bound) <= 1e-3
    assert flags <= bound, (flags, n, bound)


def test_new_graph_draws_a_graph_per_simulation_from_its_stream(market):
    """With calibrate.new_graph each simulation's graph comes from the generator with a
    seed of its own stream: other streams, other graphs; the same stream, the same."""
    _, config, _ = market
    cfg = load_config(config, ["calibrate.new_graph=true"])
    sim = _Simulator(cfg, ["new_customers"], 1, 12)
    seeds = [sim.config(TRUTH, stream=s)["graph"]["seed"] for s in (1, 2, 1)]
    assert seeds[0] == seeds[2] != seeds[1]
    fixed = _Simulator(load_config(config), ["new_customers"], 1, 12)
    assert fixed.config(TRUTH, 1)["graph"]["seed"] == fixed.config(TRUTH, 2)["graph"]["seed"]


def test_calibration_refuses_an_experiment_folder_and_a_set_aside_one(market, two_particles,
                                                                    tmp_path):
    _, config, done = market
    runs = refsim.run_experiment(load_config(two_particles), tmp_path / "exp",
                                 progress=False)
    with pytest.raises(refsim.errors.FileProblem, match="holds an experiment's results"):
        calibrate_config(load_config(config), runs, overwrite=True, progress=False,
                         source=str(config))
    import shutil

    out = tmp_path / "setaside"
    shutil.copytree(done, out)
    (out / ".previous").mkdir()
    with pytest.raises(refsim.errors.FileProblem, match="interrupted --overwrite"):
        calibrate_config(load_config(config), out, overwrite=True, progress=False,
                         source=str(config))


def test_scatter_alarm_needs_enough_runs_and_values(market):
    """With fewer than 99 predictive runs a p-value below 0.01 cannot happen: no alarm,
    p undefined; the same for periods with no value."""
    from refsim.calibrate.report import fit_checks

    _, _, done = market
    cal = load_calibration(done)  # 20 predictive runs
    for check in fit_checks(cal).values():
        assert not check["flagged"] and np.isnan(check["p"])


def test_local_worker_processes_sample_a_valid_posterior_and_end_with_the_parent(market):
    """``--workers 2``: spawned processes, each started by the experiment runner's worker
    start (one kernel thread, and an end with this process: see the store-fault tests
    for what that start does when the parent is killed)."""
    from refsim.calibrate.run import _one_thread_worker, _sampler

    sampler, close = _sampler(None, 2)
    try:
        pool = sampler.client
        assert pool._initializer is _one_thread_worker
        assert pool._initargs == (os.getpid(),)
        assert pool._mp_context.get_start_method() == "spawn"
    finally:
        close()
    folder, config, _ = market
    run = calibrate_config(load_config(config), folder / "two", progress=False,
                           source=str(config), workers=2)
    post = refsim.load_posterior(run)
    assert len(post) == 40 and post["model.share"].between(0.02, 0.5).all()
