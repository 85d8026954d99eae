"""Experiment configs, sweeps, runners, the results store and the command line."""

import copy
import json
import os
import signal
import sqlite3
import subprocess
import sys
import time

import numpy as np
import pandas as pd
import pytest

import refsim
from refsim.cli import main
from refsim.experiment import (ConfigError, RunDirError, expand_cells, load_config,
                               load_curves, load_meta, load_results, load_trees,
                               resolve_config, run_experiment)
from refsim.experiment.config import parse_override

BASE = {
    "experiment": {"name": "t", "seed": 11, "runs": 40, "steps": 12},
    "graph": {"generator": "holme_kim", "n": 1500, "m": 3, "triad_p": 0.5},
    "model": {"share": 0.2, "conversion": 0.3},
    "campaign": [
        {"name": "none", "seeding": "degree", "k": 8},
        {"name": "recipient", "seeding": "degree", "k": 8, "program": "recipient",
         "reward": 10},
        {"name": "random", "seeding": "random", "k": 8},
    ],
    "sweep": {"axes": {"model.share": [0.1, 0.25], "campaign.k": [4, 12]}},
}

TOML = """
[experiment]
name = "cli"
seed = 3
runs = 30
steps = 10

[graph]
generator = "barabasi_albert"
n = 800
m = 3

[model]
share = 0.2
conversion = 0.3

[[campaign]]
name = "hubs"
seeding = "degree"
k = 5

[[campaign]]
name = "random"
seeding = "random"
k = 5

[sweep]
mode = "zip"
axes = { "model.share" = [0.1, 0.15, 0.2, 0.25, 0.3, 0.35, 0.4, 0.45, 0.5, 0.55, 0.6, 0.65] }
"""


def cfg(**changes):
    raw = copy.deepcopy(BASE)
    for key, value in changes.items():
        section, _, field = key.partition("__")
        raw[section][field] = value
    return resolve_config(raw)


def problems_text(raw) -> str:
    """The message of the ConfigError that resolving ``raw`` must raise."""
    with pytest.raises(ConfigError) as err:
        resolve_config(raw)
    return str(err.value)


# --- configs ---------------------------------------------------------------------------

def test_every_problem_is_reported_at_once_with_its_path():
    raw = copy.deepcopy(BASE)
    raw["model"] = {"share": 1.5, "conversoin": 0.3, "forget_rate": "often"}
    raw["experiment"]["runz"] = 5
    raw["campaign"][1]["seeding"] = "pagernak"
    raw["campaign"][2]["k"] = 2.5
    raw["graph"]["triad"] = 0.5
    raw["sweep"]["mode"] = "cartesian"
    with pytest.raises(ConfigError) as err:
        resolve_config(raw)
    problems = err.value.problems
    expected = [
        "model.share: must be in [0, 1]; got 1.5",
        "model.conversoin: unknown key; did you mean 'conversion'?",
        "model.forget_rate: must be a number; got 'often'",
        "experiment.runz: unknown key; did you mean 'runs'?",
        "campaign[1].seeding: unknown strategy 'pagernak'; did you mean 'pagerank'?",
        "campaign[2].k: must be an integer; got 2.5",
        "graph.triad: unknown key; did you mean 'triad_p'?",
        "sweep.mode: 'cartesian' is not allowed",
    ]
    for e in expected:
        assert any(p.startswith(e) for p in problems), (e, problems)
    assert len(problems) == len(expected)


def test_a_bad_value_in_a_sweep_axis_names_the_cell():
    raw = copy.deepcopy(BASE)
    raw["sweep"]["axes"] = {"model.share": [0.1, 1.2], "campaign.k": [4, -1]}
    text = problems_text(raw)
    assert "model.share = 1.2" in text and "model.share: must be in [0, 1]; got 1.2" in text
    assert "campaign[0].k: must be >= 0; got -1" in text


def test_structural_mistakes():
    raw = copy.deepcopy(BASE)
    del raw["graph"]
    raw["campaign"] = []
    raw["sweep"] = {"mode": "zip", "axes": {"model.share": [0.1, 0.2], "campaign.k": [1]}}
    raw["experiment"]["baseline"] = "nobody"
    raw["modle"] = {}
    text = problems_text(raw)
    for part in ("graph: missing", "campaign: give at least one", "equal lengths",
                 "modle: unknown section; did you mean 'model'?"):
        assert part in text, part
    ic = copy.deepcopy(BASE)
    ic["model"] = {"kind": "ic", "share": 0.1}
    ic.pop("sweep")
    text = problems_text(ic)
    assert "model.p: IC needs exactly one of p, p_over_threshold" in text
    assert "model.share: only for kind = 'referral'" in text
    assert "campaign[1].program: referral programmes need model.kind = 'referral'" in text


def test_defaults_overrides_and_cells():
    c = resolve_config(BASE, overrides=["model.share=0.3", "campaign.recipient.reward=20",
                                        "experiment.runs=7"])
    assert c["model"]["share"] == 0.3 and c["model"]["forget_rate"] == 0.3
    assert c["campaign"][1]["reward"] == 20 and c["experiment"]["runs"] == 7
    assert c["experiment"]["baseline"] == "none" and c["graph"]["seed"] == 11
    cells = expand_cells(c)
    assert cells == [{"model.share": s, "campaign.k": k} for s in (0.1, 0.25) for k in (4, 12)]
    z = resolve_config({**BASE, "sweep": {"mode": "zip", "axes": {
        "model.share": [0.1, 0.2], "campaign.k": [3, 4]}}})
    assert expand_cells(z) == [{"model.share": 0.1, "campaign.k": 3},
                               {"model.share": 0.2, "campaign.k": 4}]
    assert parse_override("a.b=true") == ("a.b", True)
    assert parse_override('graph.file="x y.txt"') == ("graph.file", "x y.txt")
    with pytest.raises(ConfigError, match="KEY=VALUE"):
        parse_override("model.share")
    with pytest.raises(ConfigError, match="no campaign named 'recipiant'; did you mean"):
        resolve_config(BASE, overrides=["campaign.recipiant.reward=1"])


def test_load_config_reads_toml_and_reports_syntax(tmp_path):
    p = tmp_path / "x.toml"
    p.write_text(TOML)
    c = load_config(p, ["experiment.runs=5"])
    assert c["experiment"]["runs"] == 5 and c["graph"]["generator"] == "barabasi_albert"
    p.write_text("[graph\n")
    with pytest.raises(ConfigError, match="not valid TOML"):
        load_config(p)
    with pytest.raises(ConfigError, match="not found"):
        load_config(tmp_path / "missing.toml")


# --- runs and the store ------------------------------------------------------------------

@pytest.fixture(scope="module")
def reference(tmp_path_factory):
    c = cfg()
    out = tmp_path_factory.mktemp("ref") / "run"
    run_experiment(c, out, progress=False)
    return c, out, load_results(out)


def test_rows_are_tidy_and_match_a_direct_simulation(reference):
    c, out, df = reference
    assert len(df) == 4 * 3 * 40
    assert list(df.columns[:3]) == ["cell", "model.share", "campaign.k"]
    assert not df.duplicated(["cell", "campaign", "run"]).any()
    # cell 3 = (share 0.25, k 12): rerun one campaign by hand with the documented streams
    g = refsim.generators.holme_kim(1500, 3, 0.5, rng=11)
    from refsim.experiment.build import build_model
    from refsim.experiment.config import resolve_cell

    cell_cfg = resolve_cell(c, {"model.share": 0.25, "campaign.k": 12})
    model = build_model(cell_cfg, g)
    camp = refsim.Campaign("degree", k=12, program=refsim.ReferralProgram.named(
        "recipient", 10), name="recipient")
    res = refsim.run_campaign(g, model, camp, runs=40, steps=12, rng=11)
    rows = df[(df.cell == 3) & (df.campaign == "recipient")]
    assert np.array_equal(rows.reach.to_numpy(), res.final_sizes)
    assert np.allclose(rows.profit.to_numpy(), res.money["profit"])
    curves = load_curves(out, raw=True)
    assert np.array_equal(curves[(3, "recipient", "adopters")], res.curves)
    assert np.array_equal(curves[(3, "recipient", "aware")], res.aware_curves)


def test_common_random_numbers_make_identical_campaigns_identical(tmp_path):
    raw = copy.deepcopy(BASE)
    raw.pop("sweep")
    raw["campaign"] = [{"name": "a", "seeding": "degree", "k": 8},
                       {"name": "b", "seeding": "degree", "k": 8}]
    out = run_experiment(resolve_config(raw), tmp_path / "r", progress=False)
    df = load_results(out)
    a, b = (df[df.campaign == n].reach.to_numpy() for n in "ab")
    assert np.array_equal(a, b) and a.std() > 0


def test_summary_curves_and_trees(reference):
    c, out, df = reference
    summary = load_curves(out)
    one = summary[(summary.cell == 1) & (summary.campaign == "none")
                  & (summary.series == "adopters")]
    raw = load_curves(out, raw=True)[(1, "none", "adopters")]
    assert np.allclose(one["mean"].to_numpy(), raw.mean(axis=0))
    assert np.allclose(one["sem"].to_numpy()[1:], raw.std(axis=0, ddof=1)[1:] / np.sqrt(40))
    from refsim.result import mean_ci

    for t in (3, 7, 12):  # the Student-t interval of the library's own mean_ci
        ci = mean_ci(raw[:, t])
        assert np.isclose(one["lo"].iloc[t], ci["lo"]) and np.isclose(one["hi"].iloc[t],
                                                                      ci["hi"])
    trees = load_trees(out)
    assert len(trees) == 4 * 3
    for t in trees:
        rows = df[(df.cell == t["cell"]) & (df.campaign == t["campaign"])]
        run = rows[rows.run == t["run"]].iloc[0]
        assert len(t["nodes"]) == run.reach
        assert int((t["parents"] >= 0).sum()) == run.referral
        assert set(t["seeds"].tolist()) <= set(t["nodes"].tolist())
        assert run.reach == np.sort(rows.reach.to_numpy())[len(rows) // 2]  # the median run
    meta = load_meta(out)
    assert meta["complete"] and meta["axes"] == ["model.share", "campaign.k"]
    assert meta["campaigns"] == ["none", "recipient", "random"]
    # the curves carry each cell's sweep values, as the per-run results do
    assert list(summary.columns[:3]) == ["cell", "model.share", "campaign.k"]
    assert summary.attrs["axes"] == ["model.share", "campaign.k"]
    values = df.drop_duplicates("cell").set_index("cell")[["model.share", "campaign.k"]]
    got = summary.drop_duplicates("cell").set_index("cell")[["model.share", "campaign.k"]]
    assert got.equals(values.loc[got.index])


def test_ic_and_lt_experiments_store_their_metrics(tmp_path):
    raw = copy.deepcopy(BASE)
    raw.pop("sweep")
    raw["model"] = {"kind": "ic", "p": 0.05}
    raw["campaign"] = [{"name": "hubs", "seeding": "degree", "k": 5}]
    df = load_results(run_experiment(resolve_config(raw), tmp_path / "ic", progress=False))
    assert "reach" in df and "roi" not in df and "aware" not in df
    g = refsim.generators.holme_kim(1500, 3, 0.5, rng=11)
    res = refsim.simulate(g, refsim.IndependentCascade(0.05),
                          refsim.select_seeds(g, "degree", k=5), runs=40, steps=12, rng=11)
    assert np.array_equal(df.reach.to_numpy(), res.final_sizes)
    assert load_trees(tmp_path / "ic") == []


def test_p_over_threshold_uses_the_profiles_threshold(tmp_path):
    raw = copy.deepcopy(BASE)
    raw.pop("sweep")
    raw["model"] = {"kind": "ic", "p_over_threshold": 1.5}
    raw["campaign"] = [{"name": "hubs", "seeding": "degree", "k": 5}]
    df = load_results(run_experiment(resolve_config(raw), tmp_path / "pc", progress=False))
    g = refsim.generators.holme_kim(1500, 3, 0.5, rng=11)
    p = 1.5 * refsim.describe(g).epidemic_threshold
    res = refsim.simulate(g, refsim.IndependentCascade(p),
                          refsim.select_seeds(g, "degree", k=5), runs=40, steps=12, rng=11)
    assert np.array_equal(df.reach.to_numpy(), res.final_sizes)
    raw["graph"] = {"spec": "random_regular:n=100,d=1"}  # a matching: nothing can spread
    with pytest.raises(ValueError, match="model.p_over_threshold: the graph has no"):
        run_experiment(resolve_config(raw), tmp_path / "none", progress=False)


def test_same_numbers_with_worker_processes(reference, tmp_path):
    c, _, df = reference
    out = run_experiment(c, tmp_path / "w2", workers=2, progress=False)
    pd.testing.assert_frame_equal(load_results(out), df)


def test_same_numbers_on_a_local_dask_cluster(reference, tmp_path):
    distributed = pytest.importorskip("distributed")
    c, _, df = reference
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  host="127.0.0.1", dashboard_address=None) as cluster:
        out = run_experiment(c, tmp_path / "dask", dask=cluster.scheduler_address,
                             progress=False)
    pd.testing.assert_frame_equal(load_results(out), df)


def test_an_existing_run_is_not_overwritten_and_resume_checks_the_config(reference,
                                                                          tmp_path):
    c, out, _ = reference
    with pytest.raises(RunDirError, match="already holds results"):
        run_experiment(c, out, progress=False)
    other = copy.deepcopy(c)
    other["model"]["conversion"] = 0.5
    with pytest.raises(RunDirError, match="model.conversion: 0.3 then, 0.5 now"):
        run_experiment(other, out, resume=True, progress=False)
    with pytest.raises(RunDirError, match="no such run directory"):
        run_experiment(c, tmp_path / "nothing", resume=True, progress=False)


def test_adaptive_runs_stop_when_the_interval_is_narrow(tmp_path):
    raw = copy.deepcopy(BASE)
    raw.pop("sweep")
    raw["experiment"]["adaptive"] = {"width": 6.0, "batch": 20, "max_runs": 2000}
    c = resolve_config(raw)
    df = load_results(run_experiment(c, tmp_path / "a", progress=False))
    from refsim.result import mean_ci

    runs = df.run.max() + 1
    assert runs % 20 == 0 and 40 < runs < 2000

    def widest(d):
        base = d[d.campaign == "none"].reach.to_numpy()
        w = []
        for name in ("none", "recipient", "random"):
            x = d[d.campaign == name].reach.to_numpy()
            w.append(mean_ci(x)["hi"] - mean_ci(x)["lo"])
            if name != "none":
                ci = mean_ci(x - base)
                w.append(ci["hi"] - ci["lo"])
        return max(w)

    assert widest(df) <= 6.0 < widest(df[df.run < runs - 20])
    # the first batch is exactly the non-adaptive run
    del raw["experiment"]["adaptive"]
    plain = load_results(run_experiment(resolve_config(raw), tmp_path / "b", progress=False))
    first = df[df.run < 40].reset_index(drop=True)
    pd.testing.assert_frame_equal(first, plain)


# --- kill -9 and --resume ------------------------------------------------------------------

def _cli(*args, **kw):
    return subprocess.run([sys.executable, "-m", "refsim", *args], capture_output=True,
                          text=True, timeout=600, **kw)


def test_a_killed_sweep_resumes_to_exactly_the_uninterrupted_rows(tmp_path):
    config = tmp_path / "cli.toml"
    config.write_text(TOML)
    whole = tmp_path / "whole"
    done = _cli("run", str(config), "--out", str(whole), "--quiet", "--no-report")
    assert done.returncode == 0, done.stderr
    killed = tmp_path / "killed"
    proc = subprocess.Popen([sys.executable, "-m", "refsim", "run", str(config), "--out",
                             str(killed), "--quiet", "--no-report"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    db = killed / "results.sqlite"
    deadline = time.time() + 300
    committed = 0
    while time.time() < deadline and proc.poll() is None:
        if db.exists():
            try:
                with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as conn:
                    committed = conn.execute("SELECT COUNT(*) FROM cells").fetchone()[0]
            except sqlite3.OperationalError:
                committed = 0
            if committed >= 3:
                break
        time.sleep(0.01)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    partial = load_results(killed)
    assert 3 <= partial.cell.nunique() < 12, "the kill should land mid-sweep"
    assert not load_meta(killed)["complete"]
    again = _cli("run", str(config), "--out", str(killed), "--resume", "--quiet",
                 "--no-report")
    assert again.returncode == 0, again.stderr
    pd.testing.assert_frame_equal(load_results(killed), load_results(whole))
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT COUNT(*) FROM runs").fetchone()[0] == 12 * 2 * 30


# --- the command line --------------------------------------------------------------------

def test_cli_validate_run_export(tmp_path, capsys):
    config = tmp_path / "cli.toml"
    config.write_text(TOML)
    assert main(["validate", str(config)]) == 0
    assert "12 cell(s) x 2 campaign(s) x 30 runs" in capsys.readouterr().out
    out = tmp_path / "run"
    assert main(["run", str(config), "--out", str(out), "--quiet", "--no-report",
                 "--set", "experiment.runs=5"]) == 0
    df = load_results(out)
    assert df.run.max() == 4
    assert "runs = 5" in (out / "config.toml").read_text()
    meta = json.loads((out / "meta.json").read_text())
    assert meta["seed"] == 3 and meta["version"] == refsim.__version__
    assert "--set experiment.runs=5" in meta["command"]
    rerun = load_config(out / "config.toml")  # the saved config runs as it is
    assert rerun["experiment"]["runs"] == 5
    assert main(["export", str(out)]) == 0
    csv = pd.read_csv(out / "results.csv")
    assert np.array_equal(csv.reach.to_numpy(), df.reach.to_numpy())
    assert list(csv.columns) == list(df.columns)
    pytest.importorskip("pyarrow")
    assert main(["export", str(out), "--format", "parquet", "--out",
                 str(tmp_path / "x.parquet")]) == 0
    pq = pd.read_parquet(tmp_path / "x.parquet")
    # money to the cent: the stored sums carry sub-cent floating-point residue
    assert np.array_equal(pq.profit.to_numpy(), df.profit.round(2).to_numpy())
    assert np.allclose(pq.profit.to_numpy(), df.profit.to_numpy(), rtol=0, atol=0.005)
    assert main(["export", str(out), "--curves"]) == 0
    long = pd.read_csv(out / "curves.csv")
    assert len(long) == 12 * 2 * 5 * 11 * 3


@pytest.mark.parametrize("args, message", [
    (["run", "missing.toml"], "not found"),
    (["validate", "{cfg}", "--set", "model.share=2"], "model.share: must be in [0, 1]; got 2"),
    (["validate", "{cfg}", "--set", "campaign.seeding=celebrity"],
     "unknown strategy 'celebrity'"),
    (["run", "{cfg}", "--workers", "0", "--out", "{tmp}/w0"], "--workers must be >= 1"),
    (["report", "{tmp}"], "not a refsim run directory"),
    (["export", "{tmp}", "--format", "xls"], "invalid choice"),
])
def test_cli_user_errors_exit_2_without_traceback(tmp_path, args, message):
    config = tmp_path / "cli.toml"
    config.write_text(TOML)
    args = [a.format(cfg=config, tmp=tmp_path) for a in args]
    res = _cli(*args, cwd=tmp_path)
    assert res.returncode == 2
    assert message in res.stderr and "Traceback" not in res.stderr, res.stderr


def test_every_command_has_help():
    for cmd in ("run", "validate", "report", "export", "bench", "graph"):
        res = _cli(cmd, "--help")
        assert res.returncode == 0 and "usage: refsim " + cmd in res.stdout


def test_objective_defaults_to_profit_and_is_checked():
    """experiment.objective: profit by default where the model has money, reach for a
    cascade model; a metric without a direction or an unknown name is refused."""
    assert cfg()["experiment"]["objective"] == "profit"
    assert cfg(experiment__objective="cac")["experiment"]["objective"] == "cac"
    raw = copy.deepcopy(BASE)
    raw["experiment"]["objective"] = "proffit"
    text = problems_text(raw)
    assert "experiment.objective: 'proffit' is not a metric" in text
    assert "did you mean 'profit'" in text
    raw["experiment"]["objective"] = "steps"  # neither higher nor lower is better
    assert "experiment.objective: 'steps'" in problems_text(raw)
    raw = copy.deepcopy(BASE)
    raw["model"] = {"kind": "ic", "p": 0.1}
    raw["campaign"] = [{"name": "a", "seeding": "random", "k": 3}]
    raw.pop("sweep", None)
    assert resolve_config(raw)["experiment"]["objective"] == "reach"


def test_progress_moves_within_a_cell_and_says_when_kernels_compile(tmp_path, monkeypatch):
    from refsim.experiment import runner

    events = []

    class Bar:
        postfix = ""

        def __init__(self, total, initial, enabled, name):
            events.append(("total", total, initial))

        def set_postfix_str(self, text, refresh=True):
            self.postfix = text
            events.append(("note", text))

        def update(self, n):
            events.append(("tick", n))

        def close(self):
            events.append(("close",))

    monkeypatch.setattr(runner, "_progress", Bar)
    cfg = resolve_config({"experiment": {"runs": 3, "steps": 3},
                          "graph": {"generator": "erdos_renyi", "n": 60, "mean_degree": 4},
                          "campaign": [{"seeding": "degree", "k": 2},
                                       {"seeding": "random", "k": 2},
                                       {"seeding": "pagerank", "k": 2}],
                          "sweep": {"axes": {"model.share": [0.1, 0.2]}}})
    runner.run_experiment(cfg, tmp_path / "run", progress=True)
    assert events[0] == ("total", 6, 0)  # 2 cells x 3 campaigns
    assert events[1][0] == "note" and "compiling the kernels" in events[1][1]
    assert events[2] == ("note", "")  # cleared by the first campaign's tick
    assert [e for e in events if e[0] == "tick"] == [("tick", 1)] * 6
    assert events[-1] == ("close",)
