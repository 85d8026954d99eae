"""A strategist's own customers: an edge list with a header in, the customers to recruit
(by their own ids) out, given seed lists in, every effective value written out."""

import shutil
import tomllib
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import refsim
from refsim.cli import main
from refsim.experiment.config import ConfigError, load_config, resolve_config
from refsim.experiment.reference import assumption_rows
from refsim.experiment.runner import run_experiment
from refsim.experiment.seeds import load_seeds
from refsim.report import write_report
from refsim.strategies import seed_costs

EXAMPLE = Path(__file__).parents[1] / "experiments"


def _customers(tmp_path, n=300):
    """An edge list of customers with text ids and a header row; the graph refsim reads
    from it and the ids of generated node u (not refsim's node u)."""
    g = refsim.generators.holme_kim(n, 3, 0.5, rng=4)
    ids = [f"K{7000 + 3 * u}" for u in range(n)]  # not the node numbers
    lines = ["customer_id,friend_id"] + [
        f"{ids[u]},{ids[v]}" for u in range(n) for v in g.indices[g.indptr[u]:g.indptr[u + 1]]
        if u < v]
    (tmp_path / "customers.csv").write_text("\n".join(lines) + "\n")
    return refsim.read_edgelist(tmp_path / "customers.csv", header=True), ids


def _config(tmp_path, campaigns, runs=20):
    text = f"""
[experiment]
name = "mine"
runs = {runs}
steps = 10
seed = 3

[graph]
file = "customers.csv"
header = true

[model]
share = 0.2
conversion = 0.3
""" + "".join(f"\n[[campaign]]\n{c}\n" for c in campaigns)
    path = tmp_path / "mine.toml"
    path.write_text(text)
    return path


def test_run_says_what_it_read(tmp_path, capsys):
    _customers(tmp_path)
    path = _config(tmp_path, ['seeding = "degree"\nk = 5'])
    assert main(["validate", str(path)]) == 0
    out = capsys.readouterr().out
    n_ties = sum(1 for _ in open(tmp_path / "customers.csv")) - 1
    assert f"300 customers, {n_ties:,} ties, first line skipped as a header" in out


def test_header_row_left_unset_is_refused_not_read_as_two_customers(tmp_path, capsys):
    _customers(tmp_path)
    path = _config(tmp_path, ['seeding = "degree"\nk = 5'])
    path.write_text(path.read_text().replace("header = true\n", ""))
    assert main(["validate", str(path)]) == 2
    err = capsys.readouterr().err
    assert "line 1: 'customer_id,friend_id' looks like a header" in err
    assert "graph.header = true" in err


def test_seeds_from_a_list_and_a_csv_file_seed_exactly_those_customers(tmp_path):
    g, ids = _customers(tmp_path)
    chosen = [ids[17], ids[3], ids[250]]
    (tmp_path / "list.csv").write_text("customer_id,note\n" + "".join(
        f"{c},x\n" for c in chosen[::-1]))
    path = _config(tmp_path, [f'name = "given"\nseeds = {chosen!r}'.replace("'", '"'),
                              'name = "from file"\nseeds = "list.csv"',
                              'name = "hubs"\nseeding = "degree"\nk = 4'])
    cfg = load_config(path)
    assert [c["k"] for c in cfg["campaign"][:2]] == [3, 3]  # k: the customers listed
    run_experiment(cfg, tmp_path / "run", progress=False)
    seeds = load_seeds(tmp_path / "run")
    given = seeds[seeds.campaign == "given"]
    assert given["customer_id"].tolist() == chosen  # in the order given
    assert given["node"].tolist() == g.node_ids(chosen).tolist()
    assert seeds[seeds.campaign == "from file"]["customer_id"].tolist() == chosen[::-1]
    # the listed customers were the seeds of every run: their adopters include them
    runs = refsim.load_results(tmp_path / "run")
    assert (runs.loc[runs.campaign == "given", "seed"] == 3).all()


def test_load_seeds_names_customers_with_segment_audience_and_price(tmp_path):
    g, ids = _customers(tmp_path)
    path = _config(tmp_path, ['name = "hubs"\nseeding = "degree"\nk = 6',
                              'name = "random"\nseeding = "random"\nk = 4'])
    cfg = load_config(path)
    run_experiment(cfg, tmp_path / "run", progress=False)
    seeds = load_seeds(tmp_path / "run")
    hubs = seeds[seeds.campaign == "hubs"]
    nodes = refsim.select_seeds(g, "degree", k=6)
    assert hubs["customer_id"].tolist() == [g.labels[u] for u in nodes]
    assert hubs["rank"].tolist() == [1, 2, 3, 4, 5, 6]
    assert hubs["audience"].tolist() == g.out_degree[nodes].tolist()
    from refsim.experiment.build import build_model

    model = build_model(cfg, g)
    assert hubs["cost"].tolist() == seed_costs(g, model)[nodes].tolist()
    codes = model.population.codes[nodes]
    assert hubs["segment"].tolist() == [model.population.names[c] for c in codes]
    # a random campaign draws a set per run: listed only when asked, one per run
    assert "random" not in set(seeds.campaign)
    every = load_seeds(tmp_path / "run", per_run=True)
    drawn = every[every.campaign == "random"]
    assert sorted(set(drawn["run"])) == list(range(20)) and len(drawn) == 20 * 4
    # only the cells asked for: none here, so no graph is rebuilt and nothing listed
    assert load_seeds(tmp_path / "run", cells=[7]).empty
    assert load_seeds(tmp_path / "run", cells=[0]).equals(seeds)


@pytest.mark.parametrize("entry, problem", [
    ('seeds = ["K7000", "nobody"]', "customer 'nobody' is not in the graph"),
    ('seeds = ["K7000", "K7000"]', "customer 'K7000' is listed twice"),
    ('seeds = []', "ids must be a non-empty list"),
    ('seeds = "missing.csv"', "seeds file"),
    ('seeds = ["K7000"]\nseeding = "degree"', "drop seeding = 'degree'"),
    ('seeds = ["K7000"]\nk = 2', "k = 2 seeds asked of a list of 1 customers"),
])
def test_bad_seed_lists_are_refused_before_any_work(tmp_path, capsys, entry, problem):
    _customers(tmp_path)
    path = _config(tmp_path, [entry])
    assert main(["run", str(path), "--out", str(tmp_path / "run"), "--quiet"]) == 2
    err = capsys.readouterr().err
    assert problem in err and "Traceback" not in err and err.count("\n") <= 2
    assert not (tmp_path / "run").exists()


def test_resolved_config_holds_every_effective_value_and_reruns_the_same(tmp_path):
    cfg = load_config(EXAMPLE / "quickstart.toml", ["experiment.runs=6",
                                                    "graph.n=2000"])
    run_experiment(cfg, tmp_path / "a", progress=False)
    text = (tmp_path / "a" / "config.toml").read_text()
    saved = tomllib.loads(text)
    for row in assumption_rows(cfg):  # segments, programme effects, economics ...
        table = saved
        for part in row["key"].split("."):
            table = table[part]
        assert table == row["value"], row["key"]
    # the $200 influencer fee, trust 0.5 / 0.8 / 1.0, the 16% referral premium
    assert saved["population"]["segments"]["influencer"]["seed_cost"] == 200.0
    assert [saved["population"]["segments"][s]["trust"]
            for s in ("influencer", "regular", "micro_advocate")] == [0.5, 0.8, 1.0]
    assert saved["economics"]["referral_premium"] == 0.16
    _reruns_the_same(tmp_path)


def test_saved_config_gives_listed_customers_once_and_reruns(tmp_path):
    _, ids = _customers(tmp_path)
    path = _config(tmp_path, [f'name = "given"\nseeds = ["{ids[5]}", "{ids[9]}"]',
                              'name = "hubs"\nseeding = "degree"\nk = 2'], runs=5)
    run_experiment(load_config(path), tmp_path / "a", progress=False)
    saved = (tmp_path / "a" / "config.toml").read_text()
    assert saved.count(ids[5]) == 1 and 'seeding = "listed"' not in saved
    _reruns_the_same(tmp_path)


def _reruns_the_same(tmp_path):
    """The config.toml saved in run a, run again (from the folder of its graph file),
    gives run a's numbers."""
    shutil.copy(tmp_path / "a" / "config.toml", tmp_path / "again.toml")
    run_experiment(load_config(tmp_path / "again.toml"), tmp_path / "b", progress=False)
    pd.testing.assert_frame_equal(refsim.load_results(tmp_path / "a"),
                                  refsim.load_results(tmp_path / "b"))


def test_report_lists_whom_the_recommended_campaign_recruits(tmp_path):
    _, ids = _customers(tmp_path)
    path = _config(tmp_path, [f'name = "given"\nseeds = ["{ids[5]}", "{ids[9]}"]',
                              'name = "hubs"\nseeding = "degree"\nk = 8'], runs=30)
    run_experiment(load_config(path), tmp_path / "run", progress=False)
    page = write_report(tmp_path / "run").read_text()
    seeds = load_seeds(tmp_path / "run")
    best = refsim.analysis.recommend(refsim.load_results(tmp_path / "run"), "profit",
                                     True)["campaign"].iloc[0]
    first = seeds[seeds.campaign == best]["customer_id"].tolist()
    section = page.split("<h2>Whom to recruit</h2>")[1].split("<h2>")[0]
    assert ", ".join(first) in section and f"{len(first)}</td>" in section
    # one cell: no column of cell numbers anywhere
    assert "<th>cell</th>" not in page
    # the assumptions point to where every key and default is listed
    assumptions = page.split("<h2>Assumptions</h2>")[1]
    assert "<code>refsim config defaults</code>" in assumptions.split("</p>")[0]


def test_example_of_own_customers_runs(tmp_path):
    cfg = load_config(EXAMPLE / "own_customers.toml", ["experiment.runs=10"])
    assert cfg["campaign"][0]["seeds"][0] == "C11755"  # from data/ambassadors.csv
    assert main(["validate", str(EXAMPLE / "own_customers.toml")]) == 0


def test_resolve_config_alone_takes_a_list(tmp_path):
    cfg = resolve_config({"graph": {"generator": "erdos_renyi", "n": 50, "mean_degree": 4},
                          "campaign": [{"seeds": [4, 1]}]})
    assert cfg["campaign"][0]["seeding"] == "listed" and cfg["campaign"][0]["k"] == 2
    with pytest.raises(ConfigError, match="campaign\\[0\\].seeds: must be a list"):
        resolve_config({"graph": {"generator": "erdos_renyi", "n": 50, "mean_degree": 4},
                        "campaign": [{"seeds": 4}]})
    assert np.array_equal(refsim.select_seeds(
        refsim.generators.erdos_renyi(50, 4, rng=0), "listed", k=2, ids=["4", 1]), [4, 1])


def test_export_seeds_writes_whom_to_recruit_and_reads_back_as_a_seed_list(tmp_path):
    g, ids = _customers(tmp_path)
    path = _config(tmp_path, ['name = "hubs"\nseeding = "degree"\nk = 5',
                              'name = "random"\nseeding = "random"\nk = 3'], runs=5)
    run_experiment(load_config(path), tmp_path / "run", progress=False)
    assert main(["export", str(tmp_path / "run"), "--seeds"]) == 0
    table = pd.read_csv(tmp_path / "run" / "seeds.csv", dtype={"customer_id": str})
    hubs = [g.labels[u] for u in refsim.select_seeds(g, "degree", k=5)]
    assert table["customer_id"].tolist() == hubs  # random seeds differ per run: not listed
    assert list(table.columns) == ["cell", "campaign", "strategy", "run", "rank",
                                   "customer_id", "node", "segment", "audience", "cost"]
    assert all(len(c.split(".")[1]) == 2 for c in open(tmp_path / "run" / "seeds.csv")
               .read().splitlines()[1].split(",")[-1:])  # money to the cent
    # the file hands back to a config as it is: the customer_id column is read
    cfg = load_config(_config(tmp_path, ['name = "again"\nseeds = "run/seeds.csv"']))
    assert cfg["campaign"][0]["seeds"] == hubs
