"""experiment.compare: head-to-head paired differences between any two campaigns."""

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from refsim.analysis import compare_pairs
from refsim.cli import main, run_summary
from refsim.experiment.config import ConfigError, resolve_config
from refsim.experiment.runner import run_experiment
from refsim.report import write_report

BASE = {"experiment": {"runs": 40, "steps": 10, "seed": 2},
        "graph": {"generator": "holme_kim", "n": 600, "m": 3, "triad_p": 0.5},
        "model": {"share": 0.2, "conversion": 0.3},
        "campaign": [{"name": "random", "seeding": "random", "k": 5},
                     {"name": "hubs", "seeding": "degree", "k": 5},
                     {"name": "hubs paid", "seeding": "degree", "k": 5,
                      "program": "two_sided", "reward": 10.0}]}


def _cfg(compare):
    return resolve_config({**BASE, "experiment": {**BASE["experiment"], "compare": compare}})


def test_compare_pairs_is_a_minus_b_run_by_run():
    rng = np.random.default_rng(0)
    runs = pd.DataFrame({"cell": np.repeat([0, 1], 30), "run": np.tile(np.arange(10), 6),
                         "campaign": np.tile(np.repeat(["a", "b", "c"], 10), 2),
                         "profit": rng.normal(size=60)})
    d = compare_pairs(runs, [("c", "a"), ("a", "b")], "profit", level=0.9)
    assert d[["cell", "campaign", "baseline"]].values.tolist() == [
        [0, "c", "a"], [0, "a", "b"], [1, "c", "a"], [1, "a", "b"]]
    for _, row in d.iterrows():  # an independent paired t interval
        pick = runs[runs.cell == row["cell"]].set_index(["campaign", "run"])["profit"]
        x = (pick[row["campaign"]] - pick[row["baseline"]]).to_numpy()
        half = stats.t.ppf(0.95, x.size - 1) * x.std(ddof=1) / np.sqrt(x.size)
        assert row["mean"] == pytest.approx(x.mean(), abs=1e-12)
        assert (row["lo"], row["hi"]) == pytest.approx((x.mean() - half, x.mean() + half))
        # the better of the pair where the interval excludes 0, else a tie (None)
        want = (row["campaign"] if x.mean() - half > 0 else row["baseline"]
                if x.mean() + half < 0 else None)
        assert row["better"] == want
    # for a cost, the lower one is better
    shifted = runs.assign(profit=runs["profit"] + np.where(runs["campaign"] == "c", 3.0, 0.0))
    cost = compare_pairs(shifted, [("c", "a")], "profit", higher_is_better=False)
    assert (cost["better"] == "a").all()
    assert (compare_pairs(shifted, [("c", "a")], "profit")["better"] == "c").all()
    assert list(compare_pairs(runs, [], "profit").columns)[-1] == "better"


@pytest.mark.parametrize("compare, problem", [
    ([["hubs", "hub paid"]], "experiment.compare[0]: 'hub paid' is not a campaign; "
                             "did you mean 'hubs paid'?"),
    ([["hubs", "hubs"]], "compares 'hubs' with itself"),
    ([["hubs"]], "must be a pair of campaign names"),
    (["hubs"], "must be a pair of campaign names"),
])
def test_bad_pairs_are_named(compare, problem):
    with pytest.raises(ConfigError) as err:
        _cfg(compare)
    assert problem in str(err.value)


def test_report_and_summary_state_each_pair(tmp_path):
    run_experiment(_cfg([["hubs paid", "hubs"], ["random", "hubs"]]), tmp_path,
                   progress=False)
    from refsim import load_results

    runs = load_results(tmp_path)
    d = compare_pairs(runs, [("hubs paid", "hubs"), ("random", "hubs")], "profit")
    page = write_report(tmp_path).read_text()
    text = run_summary(tmp_path)
    for _, row in d.iterrows():
        assert f"Head to head: {row['campaign']} vs {row['baseline']}: profit " in page
        assert f"{row['campaign']} vs {row['baseline']}: " in text
    random_vs_hubs = d[d.campaign == "random"].iloc[0]
    assert random_vs_hubs["hi"] < 0  # 5 random seeds lose to 5 hubs
    assert "<b>hubs</b> is better" in page and "random vs hubs" in text
    assert text.count("hubs better") >= 1


def test_cli_refuses_an_unknown_pair(tmp_path, capsys):
    path = tmp_path / "c.toml"
    path.write_text('[experiment]\ncompare = [["a", "z"]]\n[graph]\ngenerator = '
                    '"erdos_renyi"\nn = 50\nmean_degree = 4\n[[campaign]]\nname = "a"\n'
                    'seeding = "degree"\nk = 2\n')
    assert main(["validate", str(path)]) == 2
    assert "experiment.compare[0]: 'z' is not a campaign" in capsys.readouterr().err
