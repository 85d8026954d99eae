"""Seeding strategies: against networkx and independent references, and the quality
targets of influence maximisation."""

import itertools
import math

import networkx as nx
import numpy as np
import pytest

import refsim
from refsim import generators as gen
from refsim.strategies import rankings

Z = 4.0


def _scores(name, g, **kw):
    return getattr(rankings, name)(g, **kw)


@pytest.mark.parametrize("directed", [False, True])
def test_pagerank_matches_networkx(directed):
    G = nx.gnp_random_graph(300, 0.02, seed=3, directed=directed)
    g = refsim.Graph.from_networkx(G)
    ours = _scores("pagerank", g)
    ref = nx.pagerank(G, alpha=0.85, tol=1e-12, max_iter=500)
    assert np.allclose(ours, [ref[v] for v in G], atol=1e-8)


def test_kcore_and_betweenness_match_networkx():
    G = nx.powerlaw_cluster_graph(300, 3, 0.4, seed=2)
    g = refsim.Graph.from_networkx(G)
    from refsim._kernels.centrality import betweenness_from, core_numbers

    core = nx.core_number(G)
    assert core_numbers(g.indptr, g.indices).tolist() == [core[v] for v in G]
    bc = nx.betweenness_centrality(G, normalized=False)
    ours = betweenness_from(g.indptr, g.indices, np.arange(g.n))
    assert np.allclose(ours / 2, [bc[v] for v in G])  # each pair seen from both ends


def _degree_discount_reference(G, k, p):
    """DegreeDiscountIC as printed in Chen, Wang & Yang (2009), Algorithm 4."""
    d = dict(G.degree())
    dd, t, S = dict(d), dict.fromkeys(G, 0), []
    for _ in range(k):
        u = max((v for v in G if v not in S), key=lambda v: (dd[v], -v))
        S.append(u)
        for v in G.neighbors(u):
            if v not in S:
                t[v] += 1
                dd[v] = d[v] - 2 * t[v] - (d[v] - t[v]) * t[v] * p
    return S


def test_degree_discount_matches_the_published_algorithm():
    G = nx.barabasi_albert_graph(500, 3, seed=4)
    g = refsim.Graph.from_networkx(G)
    ours = refsim.select_seeds(g, "degree_discount", k=25, model=refsim.IndependentCascade(0.05))
    assert ours.tolist() == _degree_discount_reference(G, 25, 0.05)


def test_nominated_friends_are_better_connected_than_random_people():
    g = gen.barabasi_albert(20_000, 3, rng=1)
    k = 500
    nominated = refsim.select_seeds(g, "nominated_friend", k=k, rng=2)
    random = refsim.select_seeds(g, "random", k=k, rng=2)
    deg = g.out_degree
    # friendship paradox: a random friend's expected degree is <k^2>/<k> (here > 2x <k>)
    se = math.sqrt(deg.var() / k)
    assert deg[nominated].mean() > deg.mean() + Z * se * 3
    assert abs(deg[random].mean() - deg.mean()) <= Z * se


def test_community_spreads_seeds_in_proportion():
    g = gen.stochastic_block([100, 300, 600], 8, 1, rng=0)
    seeds = refsim.select_seeds(g, "community", k=10)
    assert np.bincount(g.communities[seeds], minlength=3).tolist() == [1, 3, 6]
    for c in range(3):
        members = np.flatnonzero(g.communities == c)
        chosen = seeds[g.communities[seeds] == c]
        top = np.sort(g.out_degree[members])[::-1][: chosen.size]
        assert sorted(g.out_degree[chosen].tolist(), reverse=True) == top.tolist()


def test_segments_and_costs_under_a_budget():
    g = gen.holme_kim(5_000, 3, 0.5, rng=1)
    pop = refsim.Population.by_audience(g, influencers=0.002, micro_advocates=0.05, rng=0)
    econ = refsim.Economics(seed_cost_per_follower=1.0)
    model = refsim.ReferralModel(population=pop, economics=econ)
    infl = refsim.select_seeds(g, "influencers", budget=2_000, model=model)
    micro = refsim.select_seeds(g, "micro_advocates", budget=2_000, model=model)
    costs = model.seed_costs(g, np.arange(g.n))
    assert costs[infl].sum() <= 2_000 and costs[micro].sum() <= 2_000
    assert (pop.codes[infl] == pop.names.index("influencer")).all()
    assert (pop.codes[micro] == pop.names.index("micro_advocate")).all()
    assert micro.size > 5 * infl.size  # the same money buys many more small voices
    assert g.out_degree[infl].min() > g.out_degree[micro].max()


def _mc_spread(g, model, seeds, runs=4000):
    res = refsim.simulate(g, model, seeds, runs=runs, rng=77)
    return res.mean, res.sem


def test_imm_and_celf_reach_the_brute_force_optimum_within_one_minus_one_over_e():
    G = nx.powerlaw_cluster_graph(14, 2, 0.5, seed=3)
    g = refsim.Graph.from_networkx(G)
    model = refsim.IndependentCascade(0.3)
    best = max(_mc_spread(g, model, list(S), runs=3000)[0]
               for S in itertools.combinations(range(g.n), 2))
    for name, kw in [("imm", dict(epsilon=0.2)), ("celf", dict(runs=3000))]:
        seeds = refsim.select_seeds(g, name, k=2, model=model, rng=1, **kw)
        mean, se = _mc_spread(g, model, seeds)
        assert mean >= (1 - 1 / math.e) * best - Z * se, (name, mean, best)
        assert mean >= 0.97 * best  # in practice greedy is all but optimal here


@pytest.mark.parametrize("model", [refsim.IndependentCascade(0.02),
                                   refsim.IndependentCascade("weighted_cascade"),
                                   refsim.LinearThreshold()], ids=["ic", "wc", "lt"])
def test_imm_reaches_as_far_as_celf(model):
    g = gen.holme_kim(2_000, 3, 0.4, rng=5)
    k = 10
    a = refsim.select_seeds(g, "imm", k=k, model=model, rng=1, epsilon=0.1)
    b = refsim.select_seeds(g, "celf", k=k, model=model, rng=1, runs=300, candidates=300)
    ra = refsim.simulate(g, model, a, runs=4000, rng=9)
    rb = refsim.simulate(g, model, b, runs=4000, rng=9)  # paired: same streams
    diff = ra.final_sizes - rb.final_sizes
    assert diff.mean() >= -Z * diff.std(ddof=1) / math.sqrt(diff.size), (ra.mean, rb.mean)


def test_the_regime_decides_whether_hubs_matter():
    """Akbarpour, Malladi & Saberi: near the threshold, seeding hubs beats random seeding
    by far; well above it, random seeds do almost as well."""
    g = gen.barabasi_albert(10_000, 3, rng=3)
    deg = g.out_degree.astype(float)
    pc = deg.mean() / ((deg**2).mean() - deg.mean())
    k = 50
    hubs = refsim.select_seeds(g, "degree", k=k)
    rand = refsim.select_seeds(g, "random", k=k, rng=4)
    near = refsim.IndependentCascade(pc)
    far = refsim.IndependentCascade(min(1.0, 8 * pc))
    h, r = (refsim.simulate(g, near, s, runs=1000, rng=5).mean for s in (hubs, rand))
    assert h > 3 * r, (h, r)
    h, r = (refsim.simulate(g, far, s, runs=300, rng=5).mean for s in (hubs, rand))
    assert abs(h - r) < 0.1 * r, (h, r)


def test_imm_is_reproducible_and_budget_aware():
    g = gen.barabasi_albert(3_000, 3, rng=2)
    m = refsim.IndependentCascade(0.05)
    a = refsim.select_seeds(g, "imm", k=5, model=m, rng=3)
    assert np.array_equal(a, refsim.select_seeds(g, "imm", k=5, model=m, rng=3))
    costs = np.where(g.out_degree > 20, 50.0, 1.0)
    b = refsim.select_seeds(g, "imm", budget=60, model=m, rng=3, costs=costs)
    assert costs[b].sum() <= 60


def test_registered_strategies_are_selectable_by_name():
    @refsim.register_strategy("last_nodes_test")
    def last_nodes(graph, **_):
        """The highest ids."""
        return np.arange(graph.n, dtype=float)

    g = gen.erdos_renyi(30, 3, rng=0)
    assert refsim.select_seeds(g, "last_nodes_test", k=2).tolist() == [29, 28]
    assert refsim.available_strategies()["last_nodes_test"] == "The highest ids."


@pytest.mark.parametrize("kwargs,exc,pattern", [
    (dict(strategy="degre", k=3), ValueError, r"unknown strategy 'degre' \(did you mean 'degree'\?\); known: .*pagerank"),
    (dict(strategy="degree", k=101), ValueError, r"k must be <= 100; got 101"),
    (dict(strategy="degree", k=0), ValueError, r"k must be >= 1; got 0"),
    (dict(strategy="degree"), ValueError, r"give k .* or budget"),
    (dict(strategy="degree", budget=0.5), ValueError, r"budget 0\.5 cannot buy a single seed; the cheapest costs 1"),
    (dict(strategy="imm", k=3, model=refsim.IndependentCascade(0.1), epsilon=1.0), ValueError, r"epsilon must be strictly between 0 and 1; got 1\.0"),
    (dict(strategy="celf", k=3), ValueError, r"strategy 'celf' needs a model"),
    (dict(strategy="influencers", k=3), ValueError, r"needs a ReferralModel with a population"),
    (dict(strategy="degree", k=2, costs=[1.0] * 99), ValueError, r"costs must have one value per node \(100\)"),
])
def test_bad_requests_are_named(kwargs, exc, pattern):
    g = gen.erdos_renyi(100, 4, rng=0)
    with pytest.raises(exc, match=pattern):
        refsim.select_seeds(g, **kwargs)


def test_campaigns_share_random_streams_and_carry_their_programme():
    g = gen.holme_kim(3_000, 3, 0.5, rng=1)
    model = refsim.ReferralModel(share=0.2, conversion=0.2, forget_rate=0.5)
    plain = refsim.Campaign("degree", k=10)
    paid = refsim.Campaign("degree", k=10, program=refsim.ReferralProgram.named("sender", 20))
    a = refsim.run_campaign(g, model, plain, runs=300, steps=15, rng=4)
    b = refsim.run_campaign(g, model, paid, runs=300, steps=15, rng=4)
    assert (a.money["rewards"] == 0).all() and (b.money["rewards"] > 0).all()
    assert "sender" not in plain.name and paid.name == "degree k=10, 20/0 reward"
    # the same seeds and streams: a programme that changes nothing changes no number
    same = refsim.Campaign("degree", k=10, program=refsim.ReferralProgram())
    c = refsim.run_campaign(g, model, same, runs=300, steps=15, rng=4)
    assert np.array_equal(a.final_sizes, c.final_sizes)
    with pytest.raises(ValueError, match=r"needs a ReferralModel"):
        refsim.run_campaign(g, refsim.IndependentCascade(0.1), paid, runs=2)
    with pytest.raises(ValueError, match=r"needs k .* or budget"):
        refsim.Campaign("degree")
    kinds = {kind: refsim.ReferralProgram.named(kind, 10) for kind in
             refsim.ReferralProgram.KINDS}
    assert [(p.sender_reward, p.recipient_reward) for p in kinds.values()] == [
        (0, 0), (10, 0), (0, 10), (5, 5)]
