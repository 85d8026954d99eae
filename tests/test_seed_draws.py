"""Random seeding draws its seeds in every run: the runs' spread then includes the choice
of seeds, checked against the exact law of the mixture on a small graph; a fixed set
gives the law conditional on that set; draws are paired across campaigns and do not
depend on batches or workers."""

import itertools
import math

import numpy as np
import pytest
from scipy.stats import chi2

import refsim
from conftest import small_graphs
from naive import exact_ic_distribution

Z = 4.0  # |error| <= 4 standard errors: a false alarm has probability < 1e-4


def _moments(law):
    sizes = np.array(sorted(law), dtype=float)
    probs = np.array([law[s] for s in sorted(law)])
    mean = float(sizes @ probs)
    var = float(((sizes - mean) ** 2) @ probs)
    m4 = float(((sizes - mean) ** 4) @ probs)
    return mean, var, m4


def _mixture(graph, p, k):
    """The exact law of the final size when the k seeds are a uniform random k-set."""
    sets = list(itertools.combinations(range(graph.n), k))
    law = {}
    for s in sets:
        for size, prob in exact_ic_distribution(graph, np.full(graph.num_arcs, p), s).items():
            law[size] = law.get(size, 0.0) + prob / len(sets)
    return law


def _check_law(sizes, law):
    """Sample mean and variance against the exact law: the mean within Z standard errors;
    the variance within Z standard errors of the sample variance, whose variance is
    (m4 - var^2) / R to first order."""
    mean, var, m4 = _moments(law)
    runs = sizes.size
    assert abs(sizes.mean() - mean) <= Z * math.sqrt(var / runs)
    assert abs(sizes.var(ddof=1) - var) <= Z * math.sqrt((m4 - var**2) / runs)


@pytest.mark.parametrize("name", sorted(small_graphs()))
def test_per_run_random_seeds_follow_the_exact_mixture(name, stat_scale):
    g = small_graphs()[name]
    model = refsim.IndependentCascade(0.4)
    runs = int(40_000 * stat_scale)
    res = refsim.run_campaign(g, model, refsim.Campaign("random", k=2), runs=runs, rng=3)
    law = _mixture(g, 0.4, 2)
    _check_law(res.final_sizes.astype(float), law)
    # the conditional law of one fixed set has a smaller variance here: the test above
    # would fail if every run used the same set
    fixed = refsim.Campaign("random", k=2, seed_sets="fixed")
    seeds = fixed.draw_seeds(g, model, rng=3)
    one = refsim.run_campaign(g, model, fixed, runs=runs, rng=3)
    _check_law(one.final_sizes.astype(float),
               exact_ic_distribution(g, np.full(g.num_arcs, 0.4), seeds.tolist()))


def test_every_k_set_is_equally_likely(stat_scale):
    g = small_graphs()["cycle_chord"]
    runs = int(20_000 * stat_scale)
    draws = refsim.Campaign("random", k=2).draw_seeds(
        g, refsim.IndependentCascade(0.4), rng=9, runs=runs)
    counts = {}
    for s in draws:
        key = tuple(sorted(s.tolist()))
        counts[key] = counts.get(key, 0) + 1
    sets = list(itertools.combinations(range(g.n), 2))
    assert set(counts) <= set(sets)
    observed = np.array([counts.get(s, 0) for s in sets], dtype=float)
    expected = runs / len(sets)
    stat = float(((observed - expected) ** 2 / expected).sum())
    assert stat < chi2.ppf(1 - 1e-4, len(sets) - 1)


def test_draws_are_paired_and_do_not_depend_on_batches():
    g = refsim.generators.holme_kim(500, 3, 0.5, rng=2)
    model = refsim.ReferralModel(share=0.2, conversion=0.3)
    plain = refsim.Campaign("random", k=4)
    rewarded = refsim.Campaign("random", k=4,
                               program=refsim.ReferralProgram.named("sender", 10))
    a = plain.draw_seeds(g, model, rng=5, runs=6)
    b = rewarded.draw_seeds(g, model, rng=5, runs=6)
    assert all((x == y).all() for x, y in zip(a, b))  # same seeds, run by run
    later = plain.draw_seeds(g, model, rng=5, runs=2, first_run=4)
    assert all((x == y).all() for x, y in zip(a[4:], later))
    assert len({tuple(x) for x in a}) == 6  # a new set every run
    # a run of a batch equals the same run on its own (and any worker count)
    whole = refsim.run_campaign(g, model, plain, runs=6, steps=10, rng=5, workers=2)
    alone = refsim.run_campaign(g, model, plain, runs=1, steps=10, rng=5, first_run=4,
                                workers=1)
    assert (whole.curves[4] == alone.curves[0]).all()
    assert whole.tallies["seed"].tolist() == [4] * 6


def test_deterministic_strategies_keep_one_set_and_their_numbers():
    g = refsim.generators.holme_kim(500, 3, 0.5, rng=2)
    model = refsim.IndependentCascade(0.1)
    c = refsim.Campaign("degree", k=4)
    assert not c.per_run(g, model)
    seeds = c.draw_seeds(g, model, rng=1, runs=3)
    assert isinstance(seeds, np.ndarray)
    assert seeds.tolist() == refsim.select_seeds(g, "degree", k=4).tolist()
    assert refsim.Campaign("celf", k=2).per_run(g, model) is False  # costly: one draw
    assert refsim.Campaign("celf", k=2, seed_sets="per_run").per_run(g, model)
    with_communities = refsim.generators.stochastic_block([100, 100], 4, 1, rng=1)
    assert not refsim.Campaign("community", k=4).per_run(with_communities, model)
    assert refsim.Campaign("community", k=4).per_run(g, model)  # detected: random
    assert not refsim.Campaign("betweenness", k=4, seeding_params={"samples": 1000}) \
        .per_run(g, model)  # exact on 500 nodes
    assert refsim.Campaign("betweenness", k=4).per_run(g, model)


def test_an_experiment_stores_each_runs_seeds(tmp_path):
    cfg = refsim.experiment.resolve_config({
        "experiment": {"name": "s", "seed": 3, "runs": 12, "steps": 8},
        "graph": {"generator": "holme_kim", "n": 400, "m": 3, "triad_p": 0.5},
        "campaign": [{"name": "random", "seeding": "random", "k": 3},
                     {"name": "hubs", "seeding": "degree", "k": 3},
                     {"name": "random fixed", "seeding": "random", "k": 3,
                      "seed_sets": "fixed"}]})
    out = refsim.run_experiment(cfg, tmp_path / "run", progress=False)
    df = refsim.load_results(out)
    sets = df.drop_duplicates("campaign").set_index("campaign")["seed_sets"].to_dict()
    assert sets == {"random": "per_run", "hubs": "fixed", "random fixed": "fixed"}
    g = refsim.experiment.build.build_graph(cfg["graph"])
    from refsim.experiment.config import resolve_cell

    model = refsim.experiment.build.build_model(resolve_cell(cfg, {}), g)
    root = np.random.SeedSequence(3)
    direct = refsim.run_campaign(g, model, refsim.Campaign("random", k=3), runs=12, steps=8,
                                 rng=root)
    assert df[df.campaign == "random"].reach.tolist() == direct.final_sizes.tolist()
    tree = next(t for t in refsim.experiment.load_trees(out) if t["campaign"] == "random")
    own = refsim.Campaign("random", k=3).draw_seeds(g, model, rng=root, runs=1,
                                                    first_run=tree["run"])[0]
    assert tree["seeds"].tolist() == own.tolist()
