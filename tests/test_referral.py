"""The referral model: its two exact limits, its bookkeeping, money and bad input."""

import itertools
import math

import networkx as nx
import numba
import numpy as np
import pytest
from scipy.stats import binom, ks_2samp

import refsim
from conftest import small_graphs
from naive import exact_ic_spread

Z = 4.0  # tolerance in standard errors: a correct kernel fails one check in ~16,000


def variance_se(x):
    """Standard error of the sample variance of x: Var(s^2) = (mu4 - (n-3)/(n-1) sigma^4)/n
    for n independent values, with the central moments estimated from x itself."""
    n = x.shape[0]
    d = x - x.mean()
    m2, m4 = (d**2).mean(), (d**4).mean()
    return math.sqrt(max(m4 - (n - 3) / (n - 1) * m2**2, 0.0) / n)


def ic_like(share, conversion):
    return refsim.ReferralModel(share=share, conversion=conversion, advocacy=1.0,
                                forget_rate=1.0, ad_rate=0.0, trust=1.0)


@pytest.mark.parametrize("name", sorted(small_graphs()))
def test_ic_limit_matches_exact_enumeration(name, stat_scale):
    g = small_graphs()[name]
    share, conversion = 0.8, 0.5  # p = 0.4
    mean, var = exact_ic_spread(g, np.full(g.num_arcs, share * conversion), [0])
    runs = int(20_000 * stat_scale)
    res = refsim.simulate(g, ic_like(share, conversion), [0], runs=runs, rng=5, steps=20)
    assert abs(res.mean - mean) <= Z * math.sqrt(var / runs)
    assert abs(res.std**2 - var) <= Z * variance_se(res.final_sizes.astype(float))


def test_ic_limit_matches_the_ic_kernel_in_distribution(stat_scale):
    g = refsim.generators.holme_kim(3_000, 3, 0.5, rng=2)
    runs = int(3_000 * stat_scale)
    ref = refsim.simulate(g, ic_like(0.3, 0.5), [0, 1, 2], runs=runs, rng=1, steps=200)
    ic = refsim.simulate(g, refsim.IndependentCascade(0.15), [0, 1, 2], runs=runs, rng=2)
    assert ks_2samp(ref.final_sizes, ic.final_sizes).pvalue > 1e-4
    # step by step as well: the mean adoption curves agree
    width = min(ref.curves.shape[1], ic.curves.shape[1], 12)
    for t in range(width):
        a, b = ref.curves[:, t], ic.curves[:, t]
        se = math.sqrt(a.var(ddof=1) / runs + b.var(ddof=1) / runs)
        assert abs(a.mean() - b.mean()) <= Z * se + 1e-12, t


def exact_complete_graph_curve(n, seeds, share, conversion, ad_rate, steps):
    """Mean and variance of adopters after t steps on the complete graph, forget 0 and
    advocacy 1.

    Given a adopters (all advocates), each of the n - a others adopts independently with
    1 - (1 - ad_rate) (1 - share conversion)^a: a Markov chain on a, solved exactly.
    """
    dist = np.zeros(n + 1)
    dist[seeds] = 1.0
    out = [float(seeds)]
    var = [0.0]
    a = np.arange(n + 1)
    for _ in range(steps):
        pi = 1 - (1 - ad_rate) * (1 - share * conversion) ** a
        new = np.zeros(n + 1)
        for k in np.flatnonzero(dist > 1e-15):
            gain = binom.pmf(np.arange(n - k + 1), n - k, pi[k])
            new[k:] += dist[k] * gain
        dist = new
        out.append(float((dist * a).sum()))
        var.append(float((dist * a**2).sum()) - out[-1] ** 2)
    return np.array(out), np.array(var)


def bass_recursion(n, seeds, share, conversion, ad_rate, steps):
    F = [seeds / n]
    for _ in range(steps):
        f = F[-1]
        F.append(f + (1 - f) * (1 - (1 - ad_rate) * (1 - share * conversion) ** (n * f)))
    return n * np.array(F)


def test_bass_limit_on_the_complete_graph(stat_scale):
    n, steps = 300, 12
    share, conversion, ad_rate = 0.05, 0.2, 0.01
    g = refsim.Graph.from_networkx(nx.complete_graph(n))
    model = refsim.ReferralModel(share=share, conversion=conversion, advocacy=1.0,
                                 forget_rate=0.0, ad_rate=ad_rate)
    runs = int(2_000 * stat_scale)
    res = refsim.simulate(g, model, [0, 1], runs=runs, rng=3, steps=steps)
    exact, var = exact_complete_graph_curve(n, 2, share, conversion, ad_rate, steps)
    se = np.sqrt(np.maximum(var, 0) / runs)  # the chain's own spread, not the sample's
    assert (np.abs(res.mean_curve - exact) <= Z * se + 1e-9).all(), (res.mean_curve, exact)
    at3 = res.curves[:, 3].astype(float)
    assert abs(at3.var(ddof=1) - var[3]) <= Z * variance_se(at3)
    # the discrete Bass recursion is the chain's mean-field limit: its gap to the exact
    # mean, as a fraction of the market, is c/n + O(1/n^2) when the market doubles with
    # the same initial adopter fraction and the same share x n (a law of large numbers).
    # So the gap halves with each doubling up to a relative correction O(1/n): the ratio
    # is within 1/n of 1/2 (all deterministic; at n = 150 the ratio is 0.4994)
    gaps = []
    for size in (150, 300, 600):
        s_n, k = share * n / size, size // 75
        ex, _ = exact_complete_graph_curve(size, k, s_n, conversion, ad_rate, steps)
        gaps.append(np.max(np.abs(bass_recursion(size, k, s_n, conversion, ad_rate, steps)
                                  - ex)) / size)
    for small, (a, b) in zip((150, 300), itertools.pairwise(gaps)):
        assert abs(b / a - 0.5) <= 1 / small, gaps


def test_a_market_from_advertising_alone():
    n, a, steps = 5_000, 0.03, 10
    g = refsim.generators.erdos_renyi(n, 5.0, rng=0)
    model = refsim.ReferralModel(share=0.0, ad_rate=a)
    res = refsim.simulate(g, model, [], runs=400, rng=4, steps=steps)
    # each node has adopted by step t independently with 1 - (1 - a)^t: Binomial(n, .)
    p = 1 - (1 - a) ** np.arange(steps + 1)
    se = np.sqrt(n * p * (1 - p) / 400)
    assert (np.abs(res.mean_curve - n * p) <= Z * se + 1e-9).all()
    assert (res.tallies["outside"] == res.final_sizes).all()
    assert (res.tallies["referrals_sent"] == 0).all()


def test_bookkeeping_is_consistent():
    g = refsim.generators.holme_kim(5_000, 3, 0.5, rng=1)
    pop = refsim.Population.by_audience(g, rng=0)
    model = refsim.ReferralModel(share=0.3, conversion=0.3, advocacy=0.6, forget_rate=0.4,
                                 ad_rate=0.002, population=pop)
    res = refsim.simulate(g, model, [0, 5, 9], runs=200, rng=6, steps=25)
    t = res.tallies
    assert (t["seed"] + t["referral"] + t["outside"] == res.final_sizes).all()
    assert (t["referral"] == t["referrals_converted"]).all()
    assert (t["referrals_converted"] <= t["referrals_sent"]).all()
    assert (t["referral_advocates"] <= t["referral"]).all()
    assert (t["largest_cascade"] <= res.final_sizes).all()
    assert (np.diff(res.curves, axis=1) >= 0).all()
    assert (res.aware_curves + res.curves <= g.n).all()
    assert (res.advocate_curves[:, 0] == 3).all()
    # each referred adopter v turns advocate with its own advocacy a_v, by a draw of its
    # own: the count minus the sum of a_v over referred adopters has mean 0 and variance
    # sum a_v (1 - a_v), whatever the cascade (a martingale over adoptions)
    _, _, advocacy = model.node_arrays(g)
    expected = spread = 0.0
    for r in range(40):
        tree = refsim.referral_tree(g, model, [0, 5, 9], steps=25, rng=6, run=r)
        a = advocacy[tree["nodes"][tree["parents"] >= 0]]
        expected += a.sum()
        spread += (a * (1 - a)).sum()
    count = t["referral_advocates"][:40].sum()
    assert abs(count - expected) <= Z * math.sqrt(spread), (count, expected, spread)
    assert 0 < spread  # segments with advocacy 0.6 and 0.8 among the referred


def test_structural_virality_and_depth_match_networkx():
    # share = conversion = 1 on a tree: the referral tree is the graph itself
    for G, seed in [(nx.path_graph(40), 0), (nx.balanced_tree(3, 4), 0),
                    (nx.random_labeled_tree(200, seed=3), 7)]:
        g = refsim.Graph.from_networkx(G)
        model = refsim.ReferralModel(share=1.0, conversion=1.0, advocacy=1.0,
                                     forget_rate=1.0)
        res = refsim.simulate(g, model, [seed], runs=2, rng=0, steps=500)
        n = G.number_of_nodes()
        assert res.tallies["largest_cascade"].tolist() == [n, n]
        assert res.virality[0] == pytest.approx(nx.average_shortest_path_length(G))
        depth = max(nx.single_source_shortest_path_length(G, seed).values())
        assert res.tallies["depth"][0] == depth


def test_money_follows_the_tallies():
    g = refsim.generators.barabasi_albert(3_000, 3, rng=1)
    pop = refsim.Population.by_audience(g, rng=0)
    econ = refsim.Economics(customer_value=80, advocate_multiplier=1.5, referral_premium=0.2,
                            seed_cost_per_follower=2.0, ad_cost_per_step=30)
    prog = refsim.ReferralProgram(sender_reward=10, recipient_reward=4)
    model = refsim.ReferralModel(share=0.2, conversion=0.3, advocacy=0.5, forget_rate=0.5,
                                 ad_rate=0.001, population=pop, program=prog, economics=econ)
    seeds = np.array([0, 1, 2, 50])
    res = refsim.simulate(g, model, seeds, runs=50, rng=2, steps=15)
    t, m = res.tallies, res.money
    q = 1 - prog.quality_decay * 14 / (14 + prog.reward_scale)
    value_ref = 80 * (1.2 * q) * (1.5 * t["referral_advocates"]
                                  + (t["referral"] - t["referral_advocates"]))
    value_out = 80 * (1.5 * t["outside_advocates"] + (t["outside"] - t["outside_advocates"]))
    assert np.allclose(m["revenue"], value_ref + value_out)
    seed_fee = sum(pop.segments[c].seed_cost for c in pop.codes[seeds])
    seed_cost = seed_fee + 2.0 * g.out_degree[seeds].sum()
    cost = 14 * t["referrals_converted"] + seed_cost + 30 * 15
    assert np.allclose(m["cost"], cost)
    assert np.allclose(m["profit"], m["revenue"] - cost)
    assert np.allclose(m["roi"], (m["revenue"] - cost) / cost)
    assert np.allclose(m["cac"], cost / (t["referral"] + t["outside"]))
    assert np.allclose(m["cost_per_referral"], 14.0)


@pytest.mark.parametrize("program", [
    refsim.ReferralProgram(), refsim.ReferralProgram(sender_reward=20),
    refsim.ReferralProgram(sender_reward=20, disclosed=False),
    refsim.ReferralProgram(recipient_reward=8), refsim.ReferralProgram(3, 3)],
    ids=["none", "sender", "sender-undisclosed", "recipient", "two-sided"])
def test_reward_effects_on_one_round_of_referrals(program, stat_scale):
    # a seeded centre refers each of L leaves once: sent ~ Binomial(L, share'), and
    # converted ~ Binomial(L, share' x conversion' x trust')
    L, share, conversion, trust = 200, 0.2, 0.3, 0.9
    g = refsim.Graph.from_networkx(nx.star_graph(L))
    model = refsim.ReferralModel(share=share, conversion=conversion, trust=trust,
                                 forget_rate=1.0, advocacy=0.0, program=program)
    runs = int(2_000 * stat_scale)
    res = refsim.simulate(g, model, [0], runs=runs, rng=11, steps=1)
    s1 = min(1.0, share * program.share_factor)
    c1 = min(1.0, conversion * program.conversion_factor) * trust * program.trust_factor
    for values, p in [(res.tallies["referrals_sent"], s1),
                      (res.tallies["referrals_converted"], s1 * c1)]:
        assert abs(values.mean() - L * p) <= Z * math.sqrt(L * p * (1 - p) / runs)
    # and the directions the evidence gives
    if program.sender_reward:
        assert program.share_factor > 1
        assert program.trust_factor < 1 if program.disclosed else program.trust_factor == 1
    if program.recipient_reward:
        assert program.conversion_factor > 1
    if program.reward_per_conversion:
        assert program.referred_value_factor < 1


@pytest.mark.skipif(numba.config.NUMBA_NUM_THREADS < 2, reason="needs two threads")
def test_same_numbers_for_any_number_of_workers():
    g = refsim.generators.holme_kim(3_000, 3, 0.5, rng=1)
    model = refsim.ReferralModel(share=0.3, conversion=0.3, ad_rate=0.001)
    a = refsim.simulate(g, model, [0, 1], runs=101, rng=8, steps=20, workers=1)
    b = refsim.simulate(g, model, [0, 1], runs=101, rng=8, steps=20, workers=2)
    for x, y in [(a.curves, b.curves), (a.aware_curves, b.aware_curves),
                 (a.virality, b.virality)] + [(a.tallies[k], b.tallies[k]) for k in a.tallies]:
        assert np.array_equal(x, y)


@pytest.mark.parametrize("make,exc,pattern", [
    (lambda: refsim.ReferralModel(share=1.2), ValueError, r"ReferralModel share must be in \[0, 1\]; got 1\.2"),
    (lambda: refsim.ReferralModel(forget_rate=float("nan")), ValueError, r"forget_rate must be in \[0, 1\]"),
    (lambda: refsim.ReferralModel(trust=[0.5, 1.5]), ValueError, r"trust\[1\] must be in \[0, 1\]"),
    (lambda: refsim.ReferralProgram(recipient_reward=-1), ValueError, r"recipient_reward must be a finite number >= 0"),
    (lambda: refsim.ReferralProgram(reward_scale=0), ValueError, r"reward_scale must be > 0"),
    (lambda: refsim.Economics(ad_cost_per_step=-3), ValueError, r"Economics ad_cost_per_step must be a finite number >= 0"),
    (lambda: refsim.Segment("vip", trust=2), ValueError, r"Segment trust must be in \[0, 1\]"),
    (lambda: refsim.Segment("vip", seed_cost=-1), ValueError, r"Segment seed_cost must be a finite"),
    (lambda: refsim.Population(["regular", "celebrity"]), ValueError, r"unknown segment 'celebrity'"),
    (lambda: refsim.Population([0, 7]), ValueError, r"segment index 7; allowed 0\.\.2"),
    (lambda: refsim.ReferralModel(program="double"), TypeError, r"program must be a ReferralProgram"),
])
def test_bad_parameters_are_named(make, exc, pattern):
    with pytest.raises(exc, match=pattern):
        make()


def test_bad_simulation_calls_are_named():
    g = refsim.generators.erdos_renyi(100, 4, rng=0)
    m = refsim.ReferralModel()
    with pytest.raises(ValueError, match=r"steps is required for a ReferralModel"):
        refsim.simulate(g, m, [0])
    # no seeds and no advertising is allowed, and nobody ever hears of the product
    quiet = refsim.simulate(g, m, [], steps=5, runs=2, rng=0)
    assert not quiet.curves.any() and not quiet.aware_curves.any()
    assert quiet.tallies["referrals_sent"].tolist() == [0, 0]
    with pytest.raises(ValueError, match=r"trust has 3 values but the graph has 100 nodes"):
        refsim.simulate(g, refsim.ReferralModel(trust=[1.0, 1.0, 1.0]), [0], steps=5)
    with pytest.raises(ValueError, match=r"population has 2 nodes but the graph has 100"):
        refsim.simulate(g, refsim.ReferralModel(population=refsim.Population([0, 0])), [0],
                        steps=5)


def test_per_node_values_and_segment_overrides():
    g = refsim.Graph.from_networkx(nx.star_graph(3))  # centre 0, leaves 1..3
    pop = refsim.Population(["influencer", "regular", "micro_advocate", "regular"])
    model = refsim.ReferralModel(share=[0.1, 0.2, 0.3, 0.4], advocacy=[0.9, 0.8, 0.7, 0.6],
                                 trust=[1.0, 0.5, 0.5, 0.5], conversion=0.5, population=pop,
                                 economics=refsim.Economics(seed_cost=[5, 6, 7, 8],
                                                            seed_cost_per_follower=1.0))
    share, conv, adv = model.node_arrays(g)
    assert share.tolist() == [0.1, 0.2, 0.3, 0.4]  # no segment sets share
    # segments: influencer advocacy 1.0, micro 0.8; trust multiplies (0.5, 0.8, 1.0, 0.8)
    assert adv.tolist() == [1.0, 0.8, 0.8, 0.6]
    assert np.allclose(conv, 0.5 * np.array([1.0 * 0.5, 0.5 * 0.8, 0.5 * 1.0, 0.5 * 0.8]))
    assert model.seed_costs(g, [0, 2]).tolist() == [5 + 3, 7 + 1]
    with pytest.raises(ValueError, match=r"population has 4 nodes but the graph has 5"):
        model.node_arrays(refsim.Graph.from_networkx(nx.star_graph(4)))
    with pytest.raises(ValueError, match=r"share has 4 values but the graph has 5 nodes"):
        refsim.ReferralModel(share=[0.1] * 4).node_arrays(
            refsim.Graph.from_networkx(nx.star_graph(4)))
    with pytest.raises(ValueError, match=r"ReferralModel advocacy\[0\] must be in \[0, 1\]"):
        refsim.ReferralModel(advocacy=[1.5])
    with pytest.raises(ValueError, match=r"Economics seed_cost\[1\] must be in \[0, inf\)"):
        refsim.Economics(seed_cost=[1.0, -2.0])


def test_referral_tree_replays_a_run_and_is_a_forest():
    """The tree of run r has that run's adopters and referrals, each referrer adopted
    before the node it converted, and every referrer is a neighbour."""
    g = refsim.generators.holme_kim(2000, 3, 0.5, rng=2)
    m = refsim.ReferralModel(share=0.3, conversion=0.5, ad_rate=0.001, forget_rate=0.5)
    res = refsim.simulate(g, m, [0, 1, 2], steps=15, runs=5, rng=9)
    arcs = set(zip(np.repeat(np.arange(g.n), np.diff(g.indptr)).tolist(), g.indices.tolist()))
    for r in range(5):
        tree = refsim.referral_tree(g, m, [0, 1, 2], steps=15, rng=9, run=r)
        nodes, parents = tree["nodes"], tree["parents"]
        assert nodes.shape[0] == res.final_sizes[r]
        assert np.unique(nodes).shape[0] == nodes.shape[0]
        assert int((parents >= 0).sum()) == res.tallies["referral"][r]
        position = {int(v): i for i, v in enumerate(nodes)}
        for i, (v, u) in enumerate(zip(nodes.tolist(), parents.tolist())):
            if u >= 0:
                assert position[u] < i and (u, v) in arcs
    with pytest.raises(TypeError, match="ReferralModel"):
        refsim.referral_tree(g, refsim.IndependentCascade(0.1), [0], steps=3)


def test_a_referral_converts_with_the_referrers_trust():
    # trust belongs to the one who refers: a fully trusted seed converts its untrusted
    # contact surely, and an untrusted one never converts its trusted contact
    g = refsim.Graph.from_edges([0, 2], [1, 3], directed=True)
    model = refsim.ReferralModel(share=1.0, conversion=1.0, advocacy=1.0, forget_rate=1.0,
                                 trust=[1.0, 0.0, 0.0, 1.0])
    res = refsim.simulate(g, model, [0, 2], runs=5, rng=0, steps=3)
    assert res.final_sizes.tolist() == [3] * 5
    assert res.tallies["referrals_sent"].tolist() == [2] * 5
    assert res.aware_curves[:, -1].tolist() == [1] * 5
    tree = refsim.referral_tree(g, model, [0, 2], steps=3, rng=0)
    assert tree["nodes"].tolist() == [0, 2, 1] and tree["parents"].tolist() == [-1, -1, 0]
